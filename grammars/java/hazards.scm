; Java hazards. Each pattern names its check in server/src/hazards/java.rs.

; map.get(key).method(), map.get(key).field
((method_invocation
  object: (method_invocation
    object: (_) @map
    name: (identifier) @get
    arguments: (argument_list . (_) @key .)) @call
  name: (identifier) @member
  arguments: (argument_list) @args) @hazard
  (#eq? @get "get")
  (#set! rule "java.map-get-deref"))

((field_access
  object: (method_invocation
    object: (_) @map
    name: (identifier) @get
    arguments: (argument_list . (_) @key .)) @call
  field: (identifier) @member) @hazard
  (#eq? @get "get")
  (#set! rule "java.map-get-deref"))

; User user = map.get(key); … user.getName()   and   int n = counts.get(key);
((local_variable_declaration
  type: (_) @type
  declarator: (variable_declarator
    name: (identifier) @var
    value: (method_invocation
      object: (_) @map
      name: (identifier) @get
      arguments: (argument_list . (_) @key .)) @call)) @hazard
  (#eq? @get "get")
  (#set! rule "java.map-get-var"))

; Integer.parseInt(s), Long.parseLong(s), Double.parseDouble(s), Integer.valueOf(s)
((method_invocation
  object: (identifier) @class
  name: (identifier) @method
  arguments: (argument_list . (_) @arg)) @hazard
  (#any-of? @class "Integer" "Long" "Double" "Float" "Short" "Byte")
  (#any-of? @method "parseInt" "parseLong" "parseDouble" "parseFloat" "parseShort" "parseByte" "valueOf" "decode" "parseUnsignedInt" "parseUnsignedLong")
  (#set! rule "java.parse-number"))

; new BigDecimal(s), new BigInteger(s)
((object_creation_expression
  type: (type_identifier) @class
  arguments: (argument_list . (_) @arg)) @hazard
  (#any-of? @class "BigDecimal" "BigInteger")
  (#set! rule "java.parse-number"))

; a[i], args[0], line.split(",")[1]
((array_access
  array: (_) @array
  index: (_) @index) @hazard
  (#set! rule "java.array-index"))

; list.get(0), list.get(list.size() - 1)
((method_invocation
  object: (_) @list
  name: (identifier) @get
  arguments: (argument_list . (_) @index .)) @hazard
  (#eq? @get "get")
  (#set! rule "java.list-get"))

; a / b, a % b, a /= b, a %= b
((binary_expression
  left: (_) @left
  operator: ["/" "%"] @op
  right: (_) @right) @hazard
  (#set! rule "java.division"))

((assignment_expression
  left: (_) @left
  operator: ["/=" "%="] @op
  right: (_) @right) @hazard
  (#set! rule "java.division"))

; HttpClient.newHttpClient(), HttpClient.newBuilder()…build()
((method_invocation
  object: (identifier) @class
  name: (identifier) @method) @hazard
  (#eq? @class "HttpClient")
  (#any-of? @method "newHttpClient" "newBuilder")
  (#set! rule "java.http-client-no-timeout"))

; HttpRequest.newBuilder(uri)…build()
((method_invocation
  object: (identifier) @class
  name: (identifier) @method) @hazard
  (#eq? @class "HttpRequest")
  (#eq? @method "newBuilder")
  (#set! rule "java.http-request-no-timeout"))

; FORMAT.parse(s), FORMAT.format(d) on a static SimpleDateFormat
((method_invocation
  object: (_) @object
  name: (identifier) @method) @hazard
  (#any-of? @method "parse" "format")
  (#set! rule "java.shared-date-format"))

; for (Item item : items) { items.remove(item); }
((enhanced_for_statement
  value: (_) @collection
  body: (_) @body) @hazard
  (#set! rule "java.concurrent-modification"))
