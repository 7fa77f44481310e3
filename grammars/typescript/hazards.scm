; inherits: ecma
; TypeScript shares every pattern with JavaScript. Optional fields
; (`customer?: Customer`) and optional parameters are read from the
; declarations by server/src/hazards/ecma.rs, not matched here.

; tree-sitter-typescript parses `await axios.get<T>(url)` as a call whose
; function is `await axios.get`; generic calls need their own pattern.
((call_expression
  function: (await_expression
    (member_expression
      object: (identifier) @client
      property: (property_identifier) @callee))
  type_arguments: (_)
  arguments: (arguments . (_) @url)) @hazard
  (#eq? @client "axios")
  (#any-of? @callee "get" "post" "put" "patch" "delete" "head" "options" "request")
  (#set! rule "ecma.axios-no-timeout"))
