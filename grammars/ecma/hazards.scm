; JavaScript and TypeScript hazards (shared: only node types both grammars
; have). Each pattern names its check in server/src/hazards/ecma.rs.

; body.user.id, rows[0].id, req.headers.authorization.split(" ")
((member_expression
  object: (_) @object
  property: (_) @property) @hazard
  (#set! rule "ecma.property"))

((subscript_expression
  object: (_) @object
  index: (_) @property) @hazard
  (#set! rule "ecma.property"))

; const { id } = body.user; const { user: { id } } = body
((variable_declarator
  name: (object_pattern) @pattern
  value: (_) @object) @hazard
  (#set! rule "ecma.destructure"))

; for (const item of body.items), Object.keys(body.meta)
((for_in_statement
  operator: "of"
  right: (_) @object) @hazard
  (#set! rule "ecma.iterate"))

((call_expression
  function: (member_expression
    object: (identifier) @module
    property: (property_identifier) @callee)
  arguments: (arguments . (_) @object .)) @hazard
  (#eq? @module "Object")
  (#any-of? @callee "keys" "values" "entries")
  (#set! rule "ecma.iterate"))

; JSON.parse(text)
((call_expression
  function: (member_expression
    object: (identifier) @module
    property: (property_identifier) @callee)
  arguments: (arguments . (_) @arg)) @hazard
  (#eq? @module "JSON")
  (#eq? @callee "parse")
  (#set! rule "ecma.json-parse"))

; fetch(url), fetch(url, { method: "POST" }), globalThis.fetch(url)
((call_expression
  function: (identifier) @callee
  arguments: (arguments . (_) @url)) @hazard
  (#eq? @callee "fetch")
  (#set! rule "ecma.fetch-no-timeout"))

((call_expression
  function: (member_expression
    object: (identifier) @client
    property: (property_identifier) @callee)
  arguments: (arguments . (_) @url)) @hazard
  (#any-of? @client "window" "globalThis" "self")
  (#eq? @callee "fetch")
  (#set! rule "ecma.fetch-no-timeout"))

; axios.get(url), axios.post(url, body), axios(config)
((call_expression
  function: (member_expression
    object: (identifier) @client
    property: (property_identifier) @callee)
  arguments: (arguments . (_) @url)) @hazard
  (#eq? @client "axios")
  (#any-of? @callee "get" "post" "put" "patch" "delete" "head" "options" "request")
  (#set! rule "ecma.axios-no-timeout"))

((call_expression
  function: (identifier) @client
  arguments: (arguments . (_) @url)) @hazard
  (#eq? @client "axios")
  (#set! rule "ecma.axios-no-timeout"))

; Number(x), parseInt(x), parseFloat(x), Number.parseInt(x)
((call_expression
  function: (identifier) @callee
  arguments: (arguments . (_) @arg)) @hazard
  (#any-of? @callee "Number" "parseInt" "parseFloat")
  (#set! rule "ecma.nan"))

((call_expression
  function: (member_expression
    object: (identifier) @module
    property: (property_identifier) @callee)
  arguments: (arguments . (_) @arg)) @hazard
  (#eq? @module "Number")
  (#any-of? @callee "parseInt" "parseFloat")
  (#set! rule "ecma.nan"))

; new Date(text), Date.parse(text)
((new_expression
  constructor: (identifier) @callee
  arguments: (arguments . (_) @arg .)) @hazard
  (#eq? @callee "Date")
  (#set! rule "ecma.date-parse"))

((call_expression
  function: (member_expression
    object: (identifier) @callee
    property: (property_identifier) @method)
  arguments: (arguments . (_) @arg .)) @hazard
  (#eq? @callee "Date")
  (#eq? @method "parse")
  (#set! rule "ecma.date-parse"))

; saveOrder(order); promise.then(render);
((expression_statement
  (call_expression) @call) @hazard
  (#set! rule "ecma.floating-promise"))

; Promise.all([...]), Promise.all(ids.map(load))
((call_expression
  function: (member_expression
    object: (identifier) @module
    property: (property_identifier) @callee)
  arguments: (arguments . (_) @arg)) @hazard
  (#eq? @module "Promise")
  (#eq? @callee "all")
  (#set! rule "ecma.promise-all"))
