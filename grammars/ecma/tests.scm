; Jest, Vitest and Mocha blocks.

(call_expression
  function: [
    (identifier) @_fn
    (member_expression object: (identifier) @_fn)
  ]
  (#any-of? @_fn "describe" "it" "test")) @test
