; Go hazards. Each pattern names its check in server/src/hazards/golang.rs.

; m[k] = v, m[k] += v, m[k]++, m[k]--: a write to a map entry, which panics
; on a nil map and is fatal when two goroutines do it at once.
((assignment_statement
  left: (expression_list
    (index_expression
      operand: (_) @map
      index: (_) @key) @hazard))
  (#set! rule "go.nil-map-write"))

((inc_statement
  (index_expression
    operand: (_) @map
    index: (_) @key) @hazard)
  (#set! rule "go.nil-map-write"))

((dec_statement
  (index_expression
    operand: (_) @map
    index: (_) @key) @hazard)
  (#set! rule "go.nil-map-write"))

((assignment_statement
  left: (expression_list
    (index_expression
      operand: (_) @map
      index: (_) @key) @hazard))
  (#set! rule "go.concurrent-map-write"))

((inc_statement
  (index_expression
    operand: (_) @map
    index: (_) @key) @hazard)
  (#set! rule "go.concurrent-map-write"))

((dec_statement
  (index_expression
    operand: (_) @map
    index: (_) @key) @hazard)
  (#set! rule "go.concurrent-map-write"))

; parts[1], os.Args[1], s[len(s)-1], s[i]
((index_expression
  operand: (_) @object
  index: (_) @index) @hazard
  (#set! rule "go.index"))

; s[:8], s[i:], s[:strings.Index(s, ":")]
((slice_expression
  operand: (_) @object) @hazard
  (#set! rule "go.slice"))

; resp, _ := http.Get(url) … resp.Body
; resp, err := http.Get(url); defer resp.Body.Close(); if err != nil { … }
((short_var_declaration
  left: (expression_list . (identifier) @value . (identifier) @err .)
  right: (expression_list
    . (call_expression
      function: (_) @callee
      arguments: (argument_list) @args) .)) @hazard
  (#set! rule "go.unchecked-error-use"))

((assignment_statement
  left: (expression_list . (identifier) @value . (identifier) @err .)
  right: (expression_list
    . (call_expression
      function: (_) @callee
      arguments: (argument_list) @args) .)) @hazard
  (#set! rule "go.unchecked-error-use"))

; v := x.(T)
((type_assertion_expression
  operand: (_) @object
  type: (_) @type) @hazard
  (#set! rule "go.type-assertion"))

; a / b, a % b, a /= b, a %= b
((binary_expression
  left: (_) @left
  operator: ["/" "%"] @op
  right: (_) @right) @hazard
  (#set! rule "go.division"))

((assignment_statement
  left: (expression_list . (_) @left .)
  operator: ["/=" "%="] @op
  right: (expression_list . (_) @right .)) @hazard
  (#set! rule "go.division"))

; http.Get(url), http.Post(url, …): the default client has no timeout
((call_expression
  function: (selector_expression
    operand: (identifier) @package
    field: (field_identifier) @method)
  arguments: (argument_list) @args) @hazard
  (#eq? @package "http")
  (#any-of? @method "Get" "Post" "PostForm" "Head")
  (#set! rule "go.http-no-timeout"))

; http.DefaultClient.Do(req)
((call_expression
  function: (selector_expression
    operand: (selector_expression
      operand: (identifier) @package
      field: (field_identifier) @client)
    field: (field_identifier) @method)
  arguments: (argument_list) @args) @hazard
  (#eq? @package "http")
  (#eq? @client "DefaultClient")
  (#any-of? @method "Do" "Get" "Post" "PostForm" "Head")
  (#set! rule "go.http-no-timeout"))

; &http.Client{…} without Timeout, new(http.Client)
((composite_literal
  type: (qualified_type
    package: (package_identifier) @package
    name: (type_identifier) @type)
  body: (literal_value) @body) @hazard
  (#eq? @package "http")
  (#eq? @type "Client")
  (#set! rule "go.http-client-no-timeout"))

((call_expression
  function: (identifier) @callee
  arguments: (argument_list
    . (qualified_type
      package: (package_identifier) @package
      name: (type_identifier) @type) .)) @hazard
  (#eq? @callee "new")
  (#eq? @package "http")
  (#eq? @type "Client")
  (#set! rule "go.http-client-no-timeout"))

; time.Parse("YYYY-MM-DD", s): a layout that is not Go's reference time
((call_expression
  function: (selector_expression
    operand: (identifier) @package
    field: (field_identifier) @method)
  arguments: (argument_list . (_) @layout . (_) @value)) @hazard
  (#eq? @package "time")
  (#any-of? @method "Parse" "ParseInLocation")
  (#set! rule "go.time-layout"))

; time.Parse("2006-01-02 15:04", s) compared with time.Now(): read as UTC
((call_expression
  function: (selector_expression
    operand: (identifier) @package
    field: (field_identifier) @method)
  arguments: (argument_list . (_) @layout . (_) @value .)) @hazard
  (#eq? @package "time")
  (#eq? @method "Parse")
  (#set! rule "go.time-parse-utc"))

; n, _ := strconv.Atoi(s)
((short_var_declaration
  left: (expression_list . (identifier) @value . (identifier) @err .)
  right: (expression_list
    . (call_expression
      function: (selector_expression
        operand: (identifier) @package
        field: (field_identifier) @function)
      arguments: (argument_list . (_) @arg)) .)) @hazard
  (#eq? @package "strconv")
  (#eq? @err "_")
  (#any-of? @function "Atoi" "ParseInt" "ParseUint" "ParseFloat" "ParseBool")
  (#set! rule "go.strconv-ignored-error"))

((assignment_statement
  left: (expression_list . (identifier) @value . (identifier) @err .)
  right: (expression_list
    . (call_expression
      function: (selector_expression
        operand: (identifier) @package
        field: (field_identifier) @function)
      arguments: (argument_list . (_) @arg)) .)) @hazard
  (#eq? @package "strconv")
  (#eq? @err "_")
  (#any-of? @function "Atoi" "ParseInt" "ParseUint" "ParseFloat" "ParseBool")
  (#set! rule "go.strconv-ignored-error"))
