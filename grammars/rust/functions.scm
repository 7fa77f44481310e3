; Functions, methods and named closures, and the items that contain them.

(function_item
  name: (identifier) @function.name) @function

(let_declaration
  pattern: (identifier) @function.name
  value: (closure_expression) @function)

(impl_item
  type: (_) @container.name) @container

(trait_item
  name: (type_identifier) @container.name) @container

(mod_item
  name: (identifier) @container.name
  body: (declaration_list)) @container
