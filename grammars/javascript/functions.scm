; inherits: ecma
; Class fields holding a function: `handle = (event) => { … }`.

(field_definition
  property: (property_identifier) @function.name
  value: [(arrow_function) (function_expression)] @function)
