; Shared by JavaScript and TypeScript: functions, methods, named arrow
; functions and function expressions, and the classes that contain them.

(function_declaration
  name: (identifier) @function.name) @function

(generator_function_declaration
  name: (identifier) @function.name) @function

(method_definition
  name: (_) @function.name) @function

(variable_declarator
  name: (identifier) @function.name
  value: [(arrow_function) (function_expression)] @function)

(assignment_expression
  left: (member_expression property: (property_identifier) @function.name)
  right: [(arrow_function) (function_expression)] @function)

(pair
  key: (property_identifier) @function.name
  value: [(arrow_function) (function_expression)] @function)

(class_declaration
  name: (_) @container.name) @container
