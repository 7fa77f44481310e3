(method_invocation
  name: (identifier) @call.name) @call

(object_creation_expression
  type: (type_identifier) @call.name) @call
