(call_expression
  function: [
    (identifier) @call.name
    (member_expression property: (property_identifier) @call.name)
  ]) @call

(new_expression
  constructor: (identifier) @call.name) @call
