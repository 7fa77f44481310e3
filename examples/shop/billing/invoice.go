package billing

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// CustomerID extracts the customer from a header like "cust:1234".
func CustomerID(header string) string {
	parts := strings.Split(header, ":")
	return parts[1]
}

// Amount parses cents, silently turning garbage into zero.
func Amount(raw string) int {
	n, _ := strconv.Atoi(raw)
	return n
}

// FetchRates calls the FX service with no timeout.
func FetchRates(url string) (*http.Response, error) {
	return http.Get(url)
}

// DueDate parses the due date with a layout from another language.
func DueDate(s string) (time.Time, error) {
	return time.Parse("YYYY-MM-DD", s)
}

// Split divides a total among payers.
func Split(total int, payers int) int {
	return total / payers
}
