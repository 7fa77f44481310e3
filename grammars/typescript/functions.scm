; inherits: ecma
; TypeScript adds abstract classes; signatures without bodies are not functions.

(abstract_class_declaration
  name: (type_identifier) @container.name) @container
