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

; A factory returning a named function: `return function queryparse
; (body) { … }` (middleware, parsers). Its lines are that function's, not
; the factory's.
(return_statement
  (function_expression
    name: (identifier) @function.name) @function)

(class_declaration
  name: (_) @container.name) @container

; A callback with a body handed to a wrapper, named by what it is assigned
; to: `const handler = wrap((req, res) => { … })`, `export const X =
; $constructor("X", (inst, def) => { … })`, `useCallback(() => { … }, [])`.
; One-expression callbacks (`xs.map((x) => x * 2)`) are no function of
; their own.
(variable_declarator
  name: (identifier) @function.name
  value: (call_expression
    arguments: (arguments
      [(arrow_function body: (statement_block))
       (function_expression)] @function)))

; The same wrapper's last argument written as one expression, in the
; functional style where that expression is the whole implementation:
; `export const decodeText = dual(2, (self, encoding) => suspend(() => {
; … }))`. Only the last argument: the arguments before it are predicates
; and arities (`(args) => isStream(args[0])`).
(variable_declarator
  name: (identifier) @function.name
  value: (call_expression
    arguments: (arguments
      (arrow_function
        body: [(call_expression) (await_expression) (new_expression)
               (parenthesized_expression) (ternary_expression)]) @function .)))

; A callback with a body handed to a call made at the top of a module:
; an Express route (`app.get('/users/:id', async (req, res) => { … })`),
; a method defined through a helper (`AST_Node.DEFMETHOD("size",
; function () { … })`), a test (`it('parses', () => { … })`). No other
; function holds these lines. Named by the call's first argument when
; that is a string, else by the callee (see `functions.rs`).
(program
  (expression_statement
    (call_expression
      function: (_) @function.name
      arguments: (arguments
        [(arrow_function body: (statement_block))
         (function_expression)] @function))))
