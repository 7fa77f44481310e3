; go test conventions.

(function_declaration
  name: (identifier) @_name
  (#match? @_name "^(Test|Benchmark|Fuzz|Example)")) @test
