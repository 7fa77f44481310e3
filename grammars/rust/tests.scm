; `mod tests`, and functions marked #[test] / #[tokio::test] / #[bench].

(mod_item
  name: (identifier) @_name
  (#eq? @_name "tests")) @test

((attribute_item
  (attribute [(identifier) (scoped_identifier)] @_attr))
  .
  (function_item) @test
  (#match? @_attr "(^|::)(test|bench)$"))
