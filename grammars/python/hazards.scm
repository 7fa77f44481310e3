; Python hazards. Each pattern names its check in server/src/hazards/python.rs.

; d["key"], items[0], data["a"]["b"], os.environ["X"], sys.argv[1]
((subscript
  value: (_) @object
  subscript: (_) @key) @hazard
  (#set! rule "py.subscript"))

; int(x), float(x), Decimal(x)
((call
  function: (identifier) @callee
  arguments: (argument_list . (_) @arg)) @hazard
  (#any-of? @callee "int" "float" "Decimal" "complex")
  (#set! rule "py.conversion"))

; json.loads(s), yaml.safe_load(s), tomllib.loads(s) …
((call
  function: (attribute
    object: (identifier) @module
    attribute: (identifier) @callee)) @hazard
  (#any-of? @callee "loads" "load" "safe_load")
  (#any-of? @module "json" "yaml" "tomllib" "toml" "ujson" "orjson" "simplejson")
  (#set! rule "py.decode"))

; datetime.strptime(s, fmt), date.fromisoformat(s), datetime.fromisoformat(s)
((call
  function: (attribute
    attribute: (identifier) @callee)
  arguments: (argument_list) @args) @hazard
  (#any-of? @callee "strptime" "fromisoformat")
  (#set! rule "py.datetime-parse"))

; a / b, a // b, a % b
((binary_operator
  left: (_) @left
  operator: ["/" "//" "%"] @op
  right: (_) @right) @hazard
  (#set! rule "py.division"))

((augmented_assignment
  operator: ["/=" "//=" "%="] @op
  right: (_) @right) @hazard
  (#set! rule "py.division"))

; requests.get(url), httpx.post(url), session.get(url), urlopen(url)
((call
  function: (attribute
    object: (_) @client
    attribute: (identifier) @method)
  arguments: (argument_list) @args) @hazard
  (#any-of? @method "get" "post" "put" "patch" "delete" "head" "options" "request" "urlopen" "send" "stream")
  (#set! rule "py.http-no-timeout"))

((call
  function: (identifier) @method
  arguments: (argument_list) @args) @hazard
  (#eq? @method "urlopen")
  (#set! rule "py.http-no-timeout"))

; open(path) in text mode without encoding=
((call
  function: (identifier) @callee
  arguments: (argument_list) @args) @hazard
  (#eq? @callee "open")
  (#set! rule "py.open-no-encoding"))

((call
  function: (attribute
    attribute: (identifier) @callee)
  arguments: (argument_list) @args) @hazard
  (#any-of? @callee "read_text" "write_text")
  (#set! rule "py.open-no-encoding"))

; datetime.now(), datetime.today(), datetime.utcnow()
((call
  function: (attribute
    object: (_) @object
    attribute: (identifier) @callee)
  arguments: (argument_list) @args) @hazard
  (#any-of? @callee "now" "today" "utcnow")
  (#set! rule "py.naive-datetime"))

; re.match(p, s).group(1)
((call
  function: (attribute
    object: (call
      function: (attribute
        object: (identifier) @module
        attribute: (identifier) @matcher))
    attribute: (identifier) @accessor)) @hazard
  (#eq? @module "re")
  (#any-of? @matcher "match" "search" "fullmatch")
  (#any-of? @accessor "group" "groups" "groupdict" "start" "end" "span")
  (#set! rule "py.match-group"))

; m = re.match(…) … m.group(1)
((call
  function: (attribute
    object: (identifier) @var
    attribute: (identifier) @accessor)) @hazard
  (#any-of? @accessor "group" "groups" "groupdict" "start" "end" "span")
  (#set! rule "py.match-var-group"))

; next(iterator) and next(x for x in xs) without a default
((call
  function: (identifier) @callee
  arguments: [
    (argument_list . (_) .)
    (generator_expression)
  ]) @hazard
  (#eq? @callee "next")
  (#set! rule "py.next-no-default"))

; stream.read(), request.files["f"].read(), sys.stdin.read()
((call
  function: (attribute
    object: (_) @object
    attribute: (identifier) @callee)
  arguments: (argument_list) @args) @hazard
  (#any-of? @callee "read" "readlines" "read_bytes" "recv_all")
  (#set! rule "py.unbounded-read"))

; Shared state mutated by a function that runs on several threads.
((augmented_assignment
  left: (_) @target) @hazard
  (#set! rule "py.shared-mutation"))

((assignment
  left: (subscript value: (_) @target)) @hazard
  (#set! rule "py.shared-mutation"))

((call
  function: (attribute
    object: (_) @target
    attribute: (identifier) @callee)) @hazard
  (#any-of? @callee "append" "extend" "update" "pop" "remove" "add" "setdefault" "insert" "clear" "discard")
  (#set! rule "py.shared-mutation"))

; assert on a parameter
((assert_statement) @hazard
  (#set! rule "py.assert-input"))

; asyncio.sleep(…, loop=…): the argument Python 3.10 removed
((call
  function: (attribute
    object: (identifier) @module
    attribute: (identifier) @callee)
  arguments: (argument_list
    (keyword_argument
      name: (identifier) @keyword))) @hazard
  (#eq? @module "asyncio")
  (#eq? @keyword "loop")
  (#set! rule "py.asyncio-loop-argument"))

; struct.unpack("!H", data[2:10]): a format whose size is not the slice's
((call
  function: (attribute
    object: (identifier) @module
    attribute: (identifier) @callee)
  arguments: (argument_list
    .
    (string) @format
    .
    (_) @buffer .)) @hazard
  (#eq? @module "struct")
  (#eq? @callee "unpack")
  (#set! rule "py.struct-size"))
