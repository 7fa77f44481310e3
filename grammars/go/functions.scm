; Functions, methods (named with their receiver type) and named func literals.

(function_declaration
  name: (identifier) @function.name) @function

(method_declaration
  receiver: (parameter_list
    (parameter_declaration
      type: [
        (type_identifier) @function.receiver
        (pointer_type (type_identifier) @function.receiver)
        (generic_type type: (type_identifier) @function.receiver)
        (pointer_type (generic_type type: (type_identifier) @function.receiver))
      ]))
  name: (field_identifier) @function.name) @function

(short_var_declaration
  left: (expression_list . (identifier) @function.name)
  right: (expression_list . (func_literal) @function))
