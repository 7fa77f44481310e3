; Functions, methods, named lambdas, and the classes that contain them.

(function_definition
  name: (identifier) @function.name) @function

(assignment
  left: (identifier) @function.name
  right: (lambda) @function)

(class_definition
  name: (identifier) @container.name) @container
