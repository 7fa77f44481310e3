; inherits: ecma
; TypeScript adds abstract classes; signatures without bodies are not functions.

(abstract_class_declaration
  name: (type_identifier) @container.name) @container

; Class fields holding a function: `private handle = (event) => { … }`.
(public_field_definition
  name: [(property_identifier) (private_property_identifier)] @function.name
  value: [(arrow_function) (function_expression)] @function)
