; Rust hazards. Each pattern names its check in server/src/hazards/rust.rs.

; x.unwrap(), x.expect("…")
((call_expression
  function: (field_expression
    value: (_) @receiver
    field: (field_identifier) @method)) @hazard
  (#any-of? @method "unwrap" "expect")
  (#set! rule "rs.unwrap"))

; v[i], &s[a..b], map["key"]
((index_expression
  .
  (_) @object
  .
  (_) @index) @hazard
  (#set! rule "rs.index"))

; v.len() - 1 and other subtractions that can go below zero
((binary_expression
  left: (_) @left
  operator: "-"
  right: (_) @right) @hazard
  (#set! rule "rs.subtract"))

; total -= 1 after a loop that may have added nothing
((compound_assignment_expr
  left: (identifier) @left
  operator: "-="
  right: (_) @right) @hazard
  (#set! rule "rs.subtract"))

; x as u8 / as i32 … that can truncate
((type_cast_expression
  value: (_) @value
  type: (primitive_type) @type) @hazard
  (#any-of? @type "u8" "i8" "u16" "i16" "u32" "i32")
  (#set! rule "rs.truncating-cast"))

; a / b, a % b
((binary_expression
  left: (_) @left
  operator: ["/" "%"] @op
  right: (_) @right) @hazard
  (#set! rule "rs.division"))

; std::thread::sleep, std::fs, blocking clients inside async fn
((call_expression
  function: [
    (scoped_identifier)
    (identifier)
  ] @callee) @hazard
  (#match? @callee "(thread::sleep|^sleep$|fs::(read|write|read_to_string|copy|create_dir_all|remove_file|metadata)$|File::(open|create)$|blocking::|TcpStream::connect$)")
  (#set! rule "rs.blocking-in-async"))

((call_expression
  function: (field_expression
    field: (field_identifier) @callee)) @hazard
  (#any-of? @callee "read_to_string" "output" "wait" "recv" "join")
  (#set! rule "rs.blocking-in-async"))

; reqwest::get(url), reqwest::Client::new(), Client::builder()….build(), ureq::get(url)
((call_expression
  function: [
    (scoped_identifier)
    (field_expression)
  ] @callee) @hazard
  (#match? @callee "(reqwest::(blocking::)?(get|Client::new)|^Client::new|ureq::(get|post|put|delete|request)|\\.build$)")
  (#set! rule "rs.http-no-timeout"))

; panic!, unreachable!, todo!, unimplemented!
((macro_invocation
  macro: (identifier) @name) @hazard
  (#any-of? @name "panic" "unreachable" "todo" "unimplemented")
  (#set! rule "rs.panic"))
