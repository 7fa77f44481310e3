//! Small real-world-shaped functions in every supported language, each with
//! the hazards the static pass would report, as prompt inputs for the model.

use failcast_core::scenario::FailureClass::{self, *};
use failcast_model::prompt::{PromptCaller, PromptHazard, PromptInput};

pub struct Fixture {
    pub name: &'static str,
    pub input: PromptInput,
}

fn fixture(
    language: &str,
    path: &str,
    function_name: &'static str,
    first_line: usize,
    source: &str,
    hazards: &[(FailureClass, usize, &str, &str, &str)],
) -> Fixture {
    Fixture {
        name: function_name,
        input: PromptInput {
            language: language.into(),
            path: path.into(),
            function_name: function_name.into(),
            first_line,
            source: source.into(),
            hazards: hazards
                .iter()
                .map(|(class, line, subject, trigger, error)| PromptHazard {
                    class: *class,
                    line: *line,
                    subject: (*subject).into(),
                    trigger: (*trigger).into(),
                    error: (*error).into(),
                })
                .collect(),
            callers: vec![],
            incidents: vec![],
        },
    }
}

pub fn all() -> Vec<Fixture> {
    let mut fixtures = vec![
        // Python
        fixture(
            "python",
            "shop/cart.py",
            "first_item_price",
            12,
            "def first_item_price(cart):\n    item = cart.items[0]\n    return item.price * item.quantity\n",
            &[(
                IndexOutOfRange,
                13,
                "cart.items[0]",
                "the cart is empty",
                "IndexError: list index out of range",
            )],
        ),
        fixture(
            "python",
            "billing/report.py",
            "average_invoice",
            40,
            "def average_invoice(invoices):\n    total = sum(i.amount for i in invoices)\n    return total / len(invoices)\n",
            &[(
                DivisionByZero,
                42,
                "total / len(invoices)",
                "invoices is empty",
                "ZeroDivisionError: division by zero",
            )],
        ),
        fixture(
            "python",
            "api/users.py",
            "user_email",
            7,
            "def user_email(payload):\n    user = payload[\"user\"]\n    return user[\"email\"].lower()\n",
            &[
                (
                    KeyMissing,
                    8,
                    "payload[\"user\"]",
                    "the payload has no user",
                    "KeyError: 'user'",
                ),
                (
                    KeyMissing,
                    9,
                    "user[\"email\"]",
                    "the user has no email",
                    "KeyError: 'email'",
                ),
            ],
        ),
        fixture(
            "python",
            "sync/fetch.py",
            "fetch_rates",
            3,
            "def fetch_rates(session, url):\n    response = session.get(url)\n    response.raise_for_status()\n    return response.json()[\"rates\"]\n",
            &[
                (
                    Timeout,
                    4,
                    "session.get(url)",
                    "the request has no timeout",
                    "requests.exceptions.ReadTimeout: Read timed out.",
                ),
                (
                    ParseError,
                    6,
                    "response.json()",
                    "the body is not JSON",
                    "requests.exceptions.JSONDecodeError: Expecting value: line 1 column 1 (char 0)",
                ),
            ],
        ),
        // Rust
        fixture(
            "rust",
            "src/config.rs",
            "parse_port",
            20,
            "fn parse_port(value: &str) -> u16 {\n    let port: u32 = value.trim().parse().unwrap();\n    port as u16\n}\n",
            &[(
                ParseError,
                21,
                "value.trim().parse().unwrap()",
                "value is not a number",
                "called `Result::unwrap()` on an `Err` value: ParseIntError { kind: InvalidDigit }",
            )],
        ),
        fixture(
            "rust",
            "src/stats.rs",
            "median",
            5,
            "fn median(values: &mut Vec<i64>) -> i64 {\n    values.sort();\n    values[values.len() / 2]\n}\n",
            &[(
                IndexOutOfRange,
                7,
                "values[values.len() / 2]",
                "values is empty",
                "index out of bounds: the len is 0 but the index is 0",
            )],
        ),
        fixture(
            "rust",
            "src/users.rs",
            "display_name",
            33,
            "fn display_name(users: &HashMap<u64, User>, id: u64) -> String {\n    let user = users.get(&id).expect(\"user exists\");\n    format!(\"{} {}\", user.first, user.last)\n}\n",
            &[(
                NullOrNone,
                34,
                "users.get(&id).expect(..)",
                "the id is unknown",
                "user exists",
            )],
        ),
        fixture(
            "rust",
            "src/money.rs",
            "total_cents",
            10,
            "fn total_cents(prices: &[u32], quantity: u32) -> u32 {\n    prices.iter().sum::<u32>() * quantity\n}\n",
            &[(
                Overflow,
                11,
                "prices.iter().sum::<u32>() * quantity",
                "large orders",
                "attempt to multiply with overflow",
            )],
        ),
        // Go
        fixture(
            "go",
            "internal/orders/orders.go",
            "FirstOrder",
            14,
            "func FirstOrder(orders []Order) Order {\n\treturn orders[0]\n}\n",
            &[(
                IndexOutOfRange,
                15,
                "orders[0]",
                "orders is empty",
                "panic: runtime error: index out of range [0] with length 0",
            )],
        ),
        fixture(
            "go",
            "internal/auth/token.go",
            "TokenOwner",
            30,
            "func TokenOwner(tokens map[string]*User, token string) string {\n\tuser := tokens[token]\n\treturn user.Name\n}\n",
            &[(
                NullOrNone,
                32,
                "user.Name",
                "the token is unknown and user is nil",
                "panic: runtime error: invalid memory address or nil pointer dereference",
            )],
        ),
        fixture(
            "go",
            "internal/client/client.go",
            "GetStatus",
            8,
            "func GetStatus(url string) (int, error) {\n\tresp, err := http.Get(url)\n\tif err != nil {\n\t\treturn 0, err\n\t}\n\tdefer resp.Body.Close()\n\treturn resp.StatusCode, nil\n}\n",
            &[(
                Timeout,
                9,
                "http.Get(url)",
                "the default client has no timeout",
                "Get \"http://...\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)",
            )],
        ),
        fixture(
            "go",
            "internal/metrics/rate.go",
            "Rate",
            50,
            "func Rate(done, total int) int {\n\treturn done * 100 / total\n}\n",
            &[(
                DivisionByZero,
                51,
                "done * 100 / total",
                "total is zero",
                "panic: runtime error: integer divide by zero",
            )],
        ),
        // TypeScript
        fixture(
            "typescript",
            "src/profile.ts",
            "avatarUrl",
            22,
            "export function avatarUrl(user: User): string {\n  return user.profile!.avatar.url;\n}\n",
            &[(
                NullOrNone,
                23,
                "user.profile!.avatar",
                "the user has no profile",
                "TypeError: Cannot read properties of undefined (reading 'avatar')",
            )],
        ),
        fixture(
            "typescript",
            "src/settings.ts",
            "loadSettings",
            4,
            "export function loadSettings(raw: string): Settings {\n  const parsed = JSON.parse(raw);\n  return { theme: parsed.theme, size: parsed.size };\n}\n",
            &[(
                ParseError,
                5,
                "JSON.parse(raw)",
                "raw is not valid JSON",
                "SyntaxError: Unexpected token 'o', \"not json\" is not valid JSON",
            )],
        ),
        fixture(
            "typescript",
            "src/api/orders.ts",
            "fetchOrders",
            60,
            "export async function fetchOrders(base: string): Promise<Order[]> {\n  const res = await fetch(`${base}/orders`);\n  const body = await res.json();\n  return body.orders;\n}\n",
            &[
                (
                    NetworkError,
                    61,
                    "fetch(`${base}/orders`)",
                    "the API is unreachable",
                    "TypeError: fetch failed",
                ),
                (
                    ParseError,
                    62,
                    "res.json()",
                    "the gateway returns an HTML error page",
                    "SyntaxError: Unexpected token '<', \"<!DOCTYPE \"... is not valid JSON",
                ),
            ],
        ),
        // JavaScript
        fixture(
            "javascript",
            "lib/format.js",
            "formatDate",
            1,
            "function formatDate(iso) {\n  const d = new Date(iso);\n  return d.toISOString().slice(0, 10);\n}\n",
            &[(
                ParseError,
                3,
                "d.toISOString()",
                "iso is not a valid date",
                "RangeError: Invalid time value",
            )],
        ),
        fixture(
            "javascript",
            "lib/cart.js",
            "lastItem",
            18,
            "function lastItem(cart) {\n  return cart.items[cart.items.length - 1].name;\n}\n",
            &[(
                NullOrNone,
                19,
                "cart.items[cart.items.length - 1].name",
                "the cart is empty",
                "TypeError: Cannot read properties of undefined (reading 'name')",
            )],
        ),
        fixture(
            "javascript",
            "lib/config.js",
            "readPort",
            9,
            "function readPort(env) {\n  const port = parseInt(env.PORT, 10);\n  if (port > 65535) throw new RangeError('port');\n  return port;\n}\n",
            &[(
                ParseError,
                10,
                "parseInt(env.PORT, 10)",
                "PORT is unset and port is NaN",
                "RangeError: port",
            )],
        ),
        // Java
        fixture(
            "java",
            "src/main/java/shop/Orders.java",
            "firstOrderId",
            25,
            "public long firstOrderId(List<Order> orders) {\n    return orders.get(0).getId();\n}\n",
            &[(
                IndexOutOfRange,
                26,
                "orders.get(0)",
                "orders is empty",
                "java.lang.IndexOutOfBoundsException: Index 0 out of bounds for length 0",
            )],
        ),
        fixture(
            "java",
            "src/main/java/shop/Users.java",
            "emailDomain",
            70,
            "public String emailDomain(User user) {\n    String email = user.getEmail();\n    return email.substring(email.indexOf('@') + 1).toLowerCase();\n}\n",
            &[(
                NullOrNone,
                72,
                "email.substring(..)",
                "the user has no email",
                "java.lang.NullPointerException: Cannot invoke \"String.indexOf(int)\" because \"email\" is null",
            )],
        ),
        fixture(
            "java",
            "src/main/java/shop/Config.java",
            "timeoutSeconds",
            12,
            "public int timeoutSeconds(Properties props) {\n    return Integer.parseInt(props.getProperty(\"timeout\"));\n}\n",
            &[(
                ParseError,
                13,
                "Integer.parseInt(..)",
                "the property is missing or not a number",
                "java.lang.NumberFormatException: Cannot parse null string: null",
            )],
        ),
        fixture(
            "java",
            "src/main/java/shop/Stats.java",
            "ratio",
            40,
            "public int ratio(int hits, int total) {\n    return hits * 100 / total;\n}\n",
            &[(
                DivisionByZero,
                41,
                "hits * 100 / total",
                "total is zero",
                "java.lang.ArithmeticException: / by zero",
            )],
        ),
    ];
    // One fixture with callers and an incident, so every prompt section is exercised.
    fixtures[0].input.callers.push(PromptCaller {
        path: "shop/views.py".into(),
        line: 88,
        function: "checkout".into(),
    });
    fixtures[0]
        .input
        .incidents
        .push("IndexError: list index out of range in first_item_price (2024-03-02)".into());
    fixtures
}
