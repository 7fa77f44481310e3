; pytest and unittest conventions.

(function_definition
  name: (identifier) @_name
  (#match? @_name "^test")) @test

(class_definition
  name: (identifier) @_name
  (#match? @_name "^Test")) @test
