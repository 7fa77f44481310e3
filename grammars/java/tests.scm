; JUnit 4 and 5.

(method_declaration
  (modifiers
    [(marker_annotation name: (identifier) @_ann)
     (annotation name: (identifier) @_ann)])
  (#any-of? @_ann "Test" "ParameterizedTest" "RepeatedTest" "TestFactory")) @test
