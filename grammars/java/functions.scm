; Methods and constructors with bodies, and the types that contain them.

(method_declaration
  name: (identifier) @function.name
  body: (block)) @function

(constructor_declaration
  name: (identifier) @function.name) @function

(class_declaration
  name: (identifier) @container.name) @container

(interface_declaration
  name: (identifier) @container.name) @container

(enum_declaration
  name: (identifier) @container.name) @container

(record_declaration
  name: (identifier) @container.name) @container
