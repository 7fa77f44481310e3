//! Each rule beside a real bug it finds and its fix, which it must not flag.

use ropey::Rope;

use crate::analysis::analyze;
use crate::calls::CallIndex;
use crate::config::Config;
use crate::context::Context;
use crate::language::Language;
use crate::scenario::FailureClass::{self, *};

/// What the static pass finds in every function of `source`, precise
/// hazards and all candidates, as (class, 1-based line).
fn candidates_of(language: Language, path: &str, source: &str) -> Vec<(FailureClass, usize)> {
    let rope = Rope::from_str(source);
    let tree = crate::syntax::parse_str(language, source).expect("parses");
    let index = crate::functions::index_functions(language, &tree, &rope, path);
    let file = super::FileFacts::of(language, &tree, &rope, &index);
    let mut found = Vec::new();
    for function in &index.functions {
        let precise =
            super::super::function_hazards(language, &tree, &rope, function, &index, &file);
        let broad =
            super::function_candidates(language, &tree, &rope, function, &index, &precise, &file);
        for hazard in precise.iter().chain(&broad) {
            let line = super::Hazard::line_of(hazard.start, function, &rope) + 1;
            found.push((hazard.class, line));
        }
    }
    found
}

/// The broad candidates alone of every function of `source`, as (class,
/// 1-based line, likelihood, trigger): for rules whose candidate must be
/// told from another rule's of the same class and line.
fn broad_of(
    language: Language,
    path: &str,
    source: &str,
) -> Vec<(FailureClass, usize, f32, String)> {
    let rope = Rope::from_str(source);
    let tree = crate::syntax::parse_str(language, source).expect("parses");
    let index = crate::functions::index_functions(language, &tree, &rope, path);
    let file = super::FileFacts::of(language, &tree, &rope, &index);
    index
        .functions
        .iter()
        .flat_map(|function| {
            super::function_candidates(language, &tree, &rope, function, &index, &[], &file)
                .into_iter()
                .map(|h| {
                    let line = super::Hazard::line_of(h.start, function, &rope) + 1;
                    (h.class, line, h.likelihood, h.trigger)
                })
        })
        .collect()
}

/// Each pair is a real shape of bug and the fix that removed it: the
/// candidate must be on the bug and gone from the fix.
fn flags_bug_not_fix(
    language: Language,
    path: &str,
    bug: &str,
    fix: &str,
    expected: (FailureClass, usize),
) {
    let on_bug = candidates_of(language, path, bug);
    assert!(
        on_bug.contains(&expected),
        "{expected:?} not among {on_bug:?} in\n{bug}"
    );
    let on_fix = candidates_of(language, path, fix);
    assert!(
        !on_fix.iter().any(|(class, _)| *class == expected.0),
        "{:?} still flagged after the fix: {on_fix:?} in\n{fix}",
        expected.0
    );
}

#[test]
fn go_slice_after_a_length_check() {
    flags_bug_not_fix(
        Language::Go,
        "frame.go",
        "package p\n\nfunc body(buf []byte) []byte {\n\treturn buf[1:]\n}\n",
        "package p\n\nfunc body(buf []byte) []byte {\n\tif len(buf) < 1 {\n\t\treturn nil\n\t}\n\treturn buf[1:]\n}\n",
        (IndexOutOfRange, 4),
    );
    flags_bug_not_fix(
        Language::Go,
        "frame.go",
        "package p\n\nfunc inner(b []byte, i, j int) []byte {\n\treturn b[i:j]\n}\n",
        "package p\n\nfunc inner(b []byte, i, j int) []byte {\n\tif i < j {\n\t\treturn b[i:j]\n\t}\n\treturn nil\n}\n",
        (IndexOutOfRange, 4),
    );
}

#[test]
fn a_conditional_that_replaces_nothing_with_a_value() {
    // react-native-dialogs: the file checks `text` for null in one
    // callback and not in the next; the fix gives it a value first.
    let bug = "class D {\n    void a(C cb, CharSequence text) {\n        cb.invoke(text == null ? null : text.toString());\n    }\n    void b(C cb, CharSequence text) {\n        cb.invoke(text.toString());\n    }\n}\n";
    let fix = bug.replace(
        "    void b(C cb, CharSequence text) {\n",
        "    void b(C cb, CharSequence text) {\n        text = text == null ? \"\" : text;\n",
    );
    assert!(candidates_of(Language::Java, "D.java", bug).contains(&(NullOrNone, 6)));
    assert!(!candidates_of(Language::Java, "D.java", &fix).contains(&(NullOrNone, 7)));
    // A conditional that may still leave nothing is no default.
    let still = bug.replace(
        "    void b(C cb, CharSequence text) {\n",
        "    void b(C cb, CharSequence text) {\n        text = text == null ? null : text;\n",
    );
    assert!(candidates_of(Language::Java, "D.java", &still).contains(&(NullOrNone, 7)));
}

#[test]
fn division_behind_a_predicate_named_for_what_it_counts() {
    flags_bug_not_fix(
        Language::Go,
        "stats.go",
        "package p\n\nfunc (g *Group) Mean() int64 {\n\treturn g.sum / int64(len(g.Points))\n}\n",
        "package p\n\nfunc (g *Group) Mean() int64 {\n\tif !g.HasPoints() {\n\t\treturn 0\n\t}\n\treturn g.sum / int64(len(g.Points))\n}\n",
        (DivisionByZero, 4),
    );
}

#[test]
fn python_percent_formatting_is_no_division() {
    let found = candidates_of(
        Language::Python,
        "msg.py",
        "def describe(name, n):\n    fmt = '%s: %d'\n    return 'in %s' % name, fmt % (name, n)\n",
    );
    assert!(
        !found.iter().any(|(c, _)| *c == DivisionByZero),
        "{found:?}"
    );
    let found = candidates_of(
        Language::Python,
        "m.py",
        "def bucket(x, n):\n    return x % n\n",
    );
    assert!(found.contains(&(DivisionByZero, 2)), "{found:?}");
}

#[test]
fn java_handlers_of_the_exception_a_call_throws() {
    flags_bug_not_fix(
        Language::Java,
        "Downloads.java",
        "class D {\n  void start(Request r) {\n    manager.enqueue(r);\n  }\n}\n",
        "class D {\n  void start(Request r) {\n    try {\n      manager.enqueue(r);\n    } catch (IllegalArgumentException e) {\n      return;\n    }\n  }\n}\n",
        (Assertion, 3),
    );
}

#[test]
fn python_decoding_helper_inside_a_handler() {
    flags_bug_not_fix(
        Language::Python,
        "args.py",
        "def argument(value):\n    return to_unicode(value)\n",
        "def argument(value):\n    try:\n        return to_unicode(value)\n    except UnicodeDecodeError:\n        raise BadRequest(value)\n",
        (Encoding, 2),
    );
}

#[test]
fn python_max_of_a_collection_checked_for_emptiness() {
    flags_bug_not_fix(
        Language::Python,
        "table.py",
        "def width(rows):\n    return max(len(r.name) for r in rows)\n",
        "def width(rows):\n    if not rows:\n        return 0\n    return max(len(r.name) for r in rows)\n",
        (IndexOutOfRange, 2),
    );
    // pallets/flask: routes_command with no routes; a list mapped from the
    // checked one is empty exactly when it is.
    flags_bug_not_fix(
        Language::Python,
        "cli.py",
        "def widths(rules):\n    methods = [', '.join(r.methods) for r in rules]\n    return max(len(m) for m in methods)\n",
        "def widths(rules):\n    if not rules:\n        return 0\n    methods = [', '.join(r.methods) for r in rules]\n    return max(len(m) for m in methods)\n",
        (IndexOutOfRange, 3),
    );
}

#[test]
fn rust_recursion_through_a_depth_counting_wrapper() {
    flags_bug_not_fix(
        Language::Rust,
        "de.rs",
        "impl De {\n    fn value(&mut self) -> R {\n        match self.next() {\n            0xc0 => self.value(),\n            _ => self.leaf(),\n        }\n    }\n}\n",
        "impl De {\n    fn value(&mut self) -> R {\n        match self.next() {\n            0xc0 => self.recursion_checked(|de| de.value()),\n            _ => self.leaf(),\n        }\n    }\n}\n",
        (ResourceExhaustion, 4),
    );
    flags_bug_not_fix(
        Language::Python,
        "tree.py",
        "def walk(node, depth=0):\n    for child in node.children:\n        walk(child, depth + 1)\n",
        "def walk(node, depth=0):\n    if depth > MAX_DEPTH:\n        raise TooDeep()\n    for child in node.children:\n        walk(child, depth + 1)\n",
        (ResourceExhaustion, 3),
    );
}

#[test]
fn rust_read_loop_that_checks_for_the_end_of_input() {
    flags_bug_not_fix(
        Language::Rust,
        "skip.rs",
        "fn skip<R: BufRead>(r: &mut R, mut n: usize) -> io::Result<()> {\n    while n > 0 {\n        let got = r.fill_buf()?.len().min(n);\n        r.consume(got);\n        n -= got;\n    }\n    Ok(())\n}\n",
        "fn skip<R: BufRead>(r: &mut R, mut n: usize) -> io::Result<()> {\n    while n > 0 {\n        let got = match r.fill_buf()? {\n            b if b.is_empty() => return Err(eof()),\n            b => b.len().min(n),\n        };\n        r.consume(got);\n        n -= got;\n    }\n    Ok(())\n}\n",
        (ResourceExhaustion, 3),
    );
}

#[test]
fn java_string_from_chars_decodes_nothing() {
    flags_bug_not_fix(
        Language::Java,
        "Chunks.java",
        "class C {\n  void emit(InputStream in, byte[] buffer) throws IOException {\n    in.read(buffer);\n    send(new String(buffer));\n  }\n}\n",
        "class C {\n  void emit(Reader in) throws IOException {\n    char[] buffer = new char[4096];\n    in.read(buffer);\n    send(new String(buffer));\n  }\n}\n",
        (Encoding, 4),
    );
}

#[test]
fn a_value_one_branch_sets_to_nothing() {
    flags_bug_not_fix(
        Language::Python,
        "meter.py",
        "def scaled(total, n, scale):\n    if total and n > total:\n        total = None\n    if scale:\n        total *= scale\n    return total\n",
        "def scaled(total, n, scale):\n    if total and n > total:\n        total = None\n    if scale and total:\n        total *= scale\n    return total\n",
        (NullOrNone, 5),
    );
    // Set at the top and filled in before use: an initialisation.
    let found = candidates_of(
        Language::Python,
        "m.py",
        "def first(items):\n    best = None\n    for i in items:\n        best = i\n    return best.name\n",
    );
    assert!(!found.contains(&(NullOrNone, 5)), "{found:?}");
}

#[test]
fn javascript_typeof_object_lets_null_through() {
    flags_bug_not_fix(
        Language::JavaScript,
        "keys.js",
        "function valueOf(key, obj) {\n  return typeof key === 'object' && typeof key.value !== 'undefined' ? key.value : obj[key];\n}\n",
        "function valueOf(key, obj) {\n  return typeof key === 'object' && key && typeof key.value !== 'undefined' ? key.value : obj[key];\n}\n",
        (NullOrNone, 2),
    );
}

#[test]
fn the_right_of_or_runs_when_the_left_fails() {
    let found = candidates_of(
        Language::JavaScript,
        "is.js",
        "function isStream(obj) {\n  const pipes = 1;\n  return obj && obj.pipe || typeof obj.read === 'function';\n}\nfunction absent(obj) {\n  return obj == null;\n}\n",
    );
    assert!(found.contains(&(NullOrNone, 3)), "{found:?}");
    let found = candidates_of(
        Language::JavaScript,
        "is.js",
        "function isStream(obj) {\n  const pipes = obj && obj.pipe;\n  return !obj || typeof obj.read === 'function';\n}\nfunction absent(obj) {\n  return obj == null;\n}\n",
    );
    assert!(!found.contains(&(NullOrNone, 3)), "{found:?}");
}

#[test]
fn rust_length_subtracted_from_a_usize() {
    flags_bug_not_fix(
        Language::Rust,
        "truncate.rs",
        "fn keep(length: usize, ellipsis: &str) -> usize {\n    length - ellipsis.len()\n}\n",
        "fn keep(length: usize, ellipsis: &str) -> usize {\n    if length >= ellipsis.len() {\n        length - ellipsis.len()\n    } else {\n        0\n    }\n}\n",
        (Overflow, 2),
    );
}

#[test]
fn go_value_read_under_a_lock_used_after_the_unlock() {
    flags_bug_not_fix(
        Language::Go,
        "members.go",
        "package p\n\nfunc (m *M) expire(id string) {\n\tm.mu.Lock()\n\tnode, ok := m.nodes[id]\n\tm.mu.Unlock()\n\tif ok {\n\t\tm.report(node.Name)\n\t}\n}\n",
        "package p\n\nfunc (m *M) expire(id string) {\n\tm.mu.Lock()\n\tnode, ok := m.nodes[id]\n\tname := node.Name\n\tm.mu.Unlock()\n\tif ok {\n\t\tm.report(name)\n\t}\n}\n",
        (RaceCondition, 8),
    );
}

#[test]
fn go_callback_reads_what_its_enclosing_function_locked() {
    let found = candidates_of(
        Language::Go,
        "timers.go",
        "package p\n\nimport \"time\"\n\nfunc (m *M) arm(s *State) {\n\tm.mu.Lock()\n\tdefer m.mu.Unlock()\n\tfn := func() {\n\t\tm.fail(s.Name)\n\t}\n\ttime.AfterFunc(time.Second, fn)\n}\n",
    );
    assert!(found.contains(&(RaceCondition, 9)), "{found:?}");
    // A callback that takes the lock itself reads under it.
    let found = candidates_of(
        Language::Go,
        "timers.go",
        "package p\n\nimport \"time\"\n\nfunc (m *M) arm(s *State) {\n\tm.mu.Lock()\n\tdefer m.mu.Unlock()\n\tfn := func() {\n\t\tm.mu.Lock()\n\t\tm.fail(s.Name)\n\t\tm.mu.Unlock()\n\t}\n\ttime.AfterFunc(time.Second, fn)\n}\n",
    );
    assert!(!found.iter().any(|(c, _)| *c == RaceCondition), "{found:?}");
}

#[test]
fn python_constructor_changing_a_class_wide_collection() {
    flags_bug_not_fix(
        Language::Python,
        "bars.py",
        "class Bar:\n    _instances = set()\n\n    def __init__(self, disable):\n        if disable:\n            self._instances.discard(self)\n            return\n",
        "class Bar:\n    _instances = set()\n\n    def __init__(self, disable):\n        if disable:\n            with self._lock:\n                self._instances.discard(self)\n            return\n",
        (RaceCondition, 6),
    );
    // Its own new collection is no one else's yet.
    let found = candidates_of(
        Language::Python,
        "bars.py",
        "class Bar:\n    def __init__(self, items):\n        self.items = []\n        self.items.append(items)\n",
    );
    assert!(!found.iter().any(|(c, _)| *c == RaceCondition), "{found:?}");
}

#[test]
fn go_channel_operation_outside_a_select() {
    flags_bug_not_fix(
        Language::Go,
        "fetch.go",
        "package p\n\nfunc first(results chan int) int {\n\treturn <-results\n}\n",
        "package p\n\nfunc first(results chan int, ctx Ctx) int {\n\tselect {\n\tcase r := <-results:\n\t\treturn r\n\tcase <-ctx.Done():\n\t\treturn 0\n\t}\n}\n",
        (Timeout, 4),
    );
}

#[test]
fn node_emitter_without_an_error_listener() {
    flags_bug_not_fix(
        Language::JavaScript,
        "upload.js",
        "function upload(opts, body) {\n  const req = http.request(opts);\n  req.end(body);\n}\n",
        "function upload(opts, body) {\n  const req = http.request(opts);\n  req.on('error', (err) => log(err));\n  req.end(body);\n}\n",
        (NetworkError, 2),
    );
}

#[test]
fn python_http_call_without_a_timeout() {
    flags_bug_not_fix(
        Language::Python,
        "client.py",
        "import requests\n\ndef fetch(url):\n    return requests.get(url).json()\n",
        "import requests\n\ndef fetch(url):\n    return requests.get(url, timeout=10).json()\n",
        (Timeout, 4),
    );
}

#[test]
fn java_case_conversion_without_a_locale() {
    flags_bug_not_fix(
        Language::Java,
        "Keys.java",
        "class K {\n  String key(String name) {\n    return name.toLowerCase();\n  }\n}\n",
        "class K {\n  String key(String name) {\n    return name.toLowerCase(Locale.ROOT);\n  }\n}\n",
        (Encoding, 3),
    );
}

#[test]
fn java_field_from_a_lookup_that_can_find_nothing() {
    flags_bug_not_fix(
        Language::Java,
        "Receiver.java",
        "class C {\n    private final WifiManager mWifiManager;\n    C(Context c) {\n        mWifiManager =\n            (WifiManager) c.getSystemService(Context.WIFI_SERVICE);\n    }\n    void f() {\n        if (granted()) {\n            boolean e = mWifiManager.isWifiEnabled();\n        }\n    }\n}\n",
        "class C {\n    private final WifiManager mWifiManager;\n    C(Context c) {\n        mWifiManager =\n            (WifiManager) c.getSystemService(Context.WIFI_SERVICE);\n    }\n    void f() {\n        if (granted() && mWifiManager != null) {\n            boolean e = mWifiManager.isWifiEnabled();\n        }\n    }\n}\n",
        (NullOrNone, 9),
    );
}

#[test]
fn javascript_value_the_function_itself_tests_for_truthiness() {
    flags_bug_not_fix(
        Language::JavaScript,
        "is.js",
        "function isStream(obj) {\n  return obj && obj.readable || typeof obj.pipe === 'function';\n}\n",
        "function isStream(obj) {\n  return !!obj && (obj.readable || typeof obj.pipe === 'function');\n}\n",
        (NullOrNone, 2),
    );
}

#[test]
fn python_none_handed_to_a_call_that_raises_on_it() {
    flags_bug_not_fix(
        Language::Python,
        "ws.py",
        "def close_code(message):\n    return int(message.get('code', 1000))\n",
        "def close_code(message):\n    return int(message.get('code') or 1000)\n",
        (NullOrNone, 2),
    );
    flags_bug_not_fix(
        Language::Python,
        "blocks.py",
        "def code_blocks(root, unescape):\n    for pre in root.iter('pre'):\n        if pre[0].tag == 'code':\n            yield unescape(pre[0].text)\n",
        "def code_blocks(root, unescape):\n    for pre in root.iter('pre'):\n        if pre[0].tag == 'code' and pre[0].text:\n            yield unescape(pre[0].text)\n",
        (NullOrNone, 4),
    );
}

#[test]
fn python_docstring_is_none_under_optimisation() {
    flags_bug_not_fix(
        Language::Python,
        "codes.py",
        "def _init():\n    global __doc__\n    __doc__ = __doc__ + '\\n' + table()\n",
        "def _init():\n    global __doc__\n    if __doc__ is not None:\n        __doc__ = __doc__ + '\\n' + table()\n",
        (NullOrNone, 3),
    );
}

#[test]
fn a_handler_that_raises_again_handles_nothing() {
    let found = candidates_of(
        Language::Python,
        "ws.py",
        "def close_code(message):\n    try:\n        return int(message.get('code', 1000))\n    except Exception as exc:\n        log(exc)\n        raise exc\n",
    );
    assert!(found.contains(&(NullOrNone, 3)), "{found:?}");
    let found = candidates_of(
        Language::Python,
        "ws.py",
        "def close_code(message):\n    try:\n        return int(message.get('code', 1000))\n    except Exception as exc:\n        log(exc)\n        return 1011\n",
    );
    assert!(!found.contains(&(NullOrNone, 3)), "{found:?}");
}

#[test]
fn python_optional_parameter_used_unchecked() {
    flags_bug_not_fix(
        Language::Python,
        "meter.py",
        "def scale(total=None, unit=2):\n    total *= unit\n    return total\n",
        "def scale(total=None, unit=2):\n    if total:\n        total *= unit\n    return total\n",
        (NullOrNone, 2),
    );
}

#[test]
fn python_lookup_result_dereferenced() {
    flags_bug_not_fix(
        Language::Python,
        "parse.py",
        "import re\n\ndef version(text):\n    m = re.match(r'v(\\d+)', text)\n    return m.group(1)\n",
        "import re\n\ndef version(text):\n    m = re.match(r'v(\\d+)', text)\n    if m is None:\n        return None\n    return m.group(1)\n",
        (NullOrNone, 5),
    );
}

#[test]
fn go_shared_map_written_outside_the_lock() {
    flags_bug_not_fix(
        Language::Go,
        "cache.go",
        "package cache\n\nfunc (c *Cache) Put(k string, v int) {\n\tc.items[k] = v\n}\n",
        "package cache\n\nfunc (c *Cache) Put(k string, v int) {\n\tc.mu.Lock()\n\tdefer c.mu.Unlock()\n\tc.items[k] = v\n}\n",
        (RaceCondition, 4),
    );
}

#[test]
fn rust_parse_unwrapped_but_not_when_handled() {
    flags_bug_not_fix(
        Language::Rust,
        "src/port.rs",
        "fn port(s: &str) -> u16 {\n    s.parse().unwrap()\n}\n",
        "fn port(s: &str) -> u16 {\n    s.parse().unwrap_or(80)\n}\n",
        (ParseError, 2),
    );
}

#[test]
fn java_field_checked_for_null_elsewhere() {
    flags_bug_not_fix(
        Language::Java,
        "Net.java",
        "class Net {\n  WifiManager wifi;\n  boolean on() {\n    return wifi.isWifiEnabled();\n  }\n  void off() {\n    if (wifi != null) { wifi.disconnect(); }\n  }\n}\n",
        "class Net {\n  WifiManager wifi;\n  boolean on() {\n    return wifi != null && wifi.isWifiEnabled();\n  }\n  void off() {\n    if (wifi != null) { wifi.disconnect(); }\n  }\n}\n",
        (NullOrNone, 4),
    );
}

#[test]
fn javascript_json_parse_outside_a_try() {
    flags_bug_not_fix(
        Language::JavaScript,
        "body.js",
        "function id(body) {\n  const data = JSON.parse(body);\n  return data;\n}\n",
        "function id(body) {\n  try {\n    const data = JSON.parse(body);\n    return data;\n  } catch (e) {\n    return null;\n  }\n}\n",
        (ParseError, 2),
    );
}

#[test]
fn python_getattr_recursion() {
    let found = candidates_of(
        Language::Python,
        "proxy.py",
        "class Proxy:\n    def __getattr__(self, name):\n        return getattr(self._target, name)\n",
    );
    assert!(found.contains(&(ResourceExhaustion, 3)), "{found:?}");
    // arrow: private names turned away before the wrapped object is read.
    flags_bug_not_fix(
        Language::Python,
        "arrow.py",
        "class Arrow:\n    def __getattr__(self, name):\n        value = getattr(self._datetime, name, None)\n        return value\n",
        "class Arrow:\n    def __getattr__(self, name):\n        if not name.startswith('_'):\n            value = getattr(self._datetime, name, None)\n            return value\n        raise AttributeError(name)\n",
        (ResourceExhaustion, 3),
    );
}

#[test]
fn candidates_never_reach_the_diagnostic_threshold() {
    let source = "def f(data, n):\n    x = data['a'][0]\n    return int(x) / n\n";
    let rope = Rope::from_str(source);
    let tree = crate::syntax::parse_str(Language::Python, source).unwrap();
    let config = Config::default();
    let calls = CallIndex::default();
    let analysis = analyze(
        "f.py",
        Language::Python,
        0,
        &rope,
        &tree,
        None,
        &Context::new(&config, &calls),
    );
    for candidate in analysis.candidates.iter().flatten() {
        assert!(
            candidate.likelihood <= super::MAX_LIKELIHOOD,
            "{candidate:?}"
        );
    }
    let lowest_scenario = analysis
        .scenarios
        .iter()
        .flatten()
        .map(|s| s.likelihood)
        .fold(1.0, f32::min);
    assert!(lowest_scenario > super::MAX_LIKELIHOOD);
}

#[test]
fn java_read_timeout_without_a_connect_timeout() {
    flags_bug_not_fix(
        Language::Java,
        "Fetch.java",
        "class F {\n  void prepare(HttpURLConnection conn, int ms) {\n    conn.setReadTimeout(ms);\n    conn.setRequestMethod(\"GET\");\n  }\n}\n",
        "class F {\n  void prepare(HttpURLConnection conn, int ms) {\n    conn.setReadTimeout(ms);\n    conn.setConnectTimeout(ms);\n    conn.setRequestMethod(\"GET\");\n  }\n}\n",
        (Timeout, 3),
    );
}

#[test]
fn rust_allocation_sized_by_input_unless_capped() {
    flags_bug_not_fix(
        Language::Rust,
        "decode.rs",
        "fn read_into(count: u32, target: &mut Vec<u8>) {\n    target.clear();\n    target.reserve(count as usize);\n}\n",
        "fn read_into(count: u32, target: &mut Vec<u8>) {\n    target.clear();\n    target.reserve((count as usize).min(READ_LIMIT));\n}\n",
        (ResourceExhaustion, 3),
    );
}

#[test]
fn a_check_for_a_sentinel_or_for_absence_lets_zero_through() {
    flags_bug_not_fix(
        Language::Java,
        "Progress.java",
        "class P {\n  float progress(long written, long total) {\n    return (total != -1) ? written / total : 0;\n  }\n}\n",
        "class P {\n  float progress(long written, long total) {\n    return (total > 0) ? written / total : 0;\n  }\n}\n",
        (DivisionByZero, 3),
    );
    flags_bug_not_fix(
        Language::Python,
        "stats.py",
        "def mean(total, count):\n    if count is not None:\n        return total / count\n    return 0\n",
        "def mean(total, count):\n    if count:\n        return total / count\n    return 0\n",
        (DivisionByZero, 3),
    );
}

#[test]
fn python_key_errors_name_the_last_key_as_python_prints_it() {
    use super::messages::python_key;
    assert_eq!(python_key(r#"order["lines"][0]["sku"]"#), "'sku'");
    assert_eq!(python_key("headers['x-id']"), "'x-id'");
    assert_eq!(python_key("config[name]"), "name");
    assert_eq!(python_key("rows[i][cols[j]]"), "cols[j]");
    assert_eq!(python_key("plain"), "plain");
}

#[test]
fn a_file_used_after_a_check_that_it_exists() {
    // jinja2's bytecode cache: a second worker's cleanup removes the file
    // between the check and the open; the fix opens and catches instead.
    flags_bug_not_fix(
        Language::Python,
        "cache.py",
        "import os\n\ndef load(self, bucket):\n    filename = self.path(bucket)\n    if os.path.exists(filename):\n        with open(filename, 'rb') as f:\n            bucket.load(f)\n",
        "import os\n\ndef load(self, bucket):\n    filename = self.path(bucket)\n    try:\n        f = open(filename, 'rb')\n    except (FileNotFoundError, IsADirectoryError):\n        return\n    with f:\n        bucket.load(f)\n",
        (RaceCondition, 6),
    );
    flags_bug_not_fix(
        Language::JavaScript,
        "cache.js",
        "const fs = require('fs');\n\nfunction load(file) {\n  if (fs.existsSync(file)) {\n    return fs.readFileSync(file, 'utf8');\n  }\n  return null;\n}\n",
        "const fs = require('fs');\n\nfunction load(file) {\n  try {\n    return fs.readFileSync(file, 'utf8');\n  } catch (error) {\n    if (error.code === 'ENOENT') return null;\n    throw error;\n  }\n}\n",
        (RaceCondition, 5),
    );
    flags_bug_not_fix(
        Language::Java,
        "Cache.java",
        "class Cache {\n  byte[] load(File file) {\n    if (file.exists()) {\n      return Files.readAllBytes(file.toPath());\n    }\n    return null;\n  }\n}\n",
        "class Cache {\n  byte[] load(File file) {\n    try {\n      return Files.readAllBytes(file.toPath());\n    } catch (NoSuchFileException e) {\n      return null;\n    }\n  }\n}\n",
        (RaceCondition, 4),
    );
}

#[test]
fn java_loop_following_a_cause_chain() {
    // Maven's exception reporter hung on an exception that is its own
    // cause's cause; the fix remembers what it has seen.
    let bug = "class H {\n  String message(Throwable exception) {\n    String out = \"\";\n    for (Throwable t = exception; t != null; t = t.getCause()) {\n      out += t.getMessage();\n    }\n    return out;\n  }\n}\n";
    assert!(
        candidates_of(Language::Java, "H.java", bug).contains(&(Timeout, 4)),
        "{:?}",
        candidates_of(Language::Java, "H.java", bug)
    );
}

#[test]
fn a_string_cut_at_a_computed_position() {
    // tui-prompts: backspace removed the byte before the cursor, inside a
    // two-byte 'Ö'; the fix edits characters.
    flags_bug_not_fix(
        Language::Rust,
        "text.rs",
        "impl State {\n    fn backspace(&mut self) {\n        let position = self.position().saturating_sub(1);\n        self.value_mut().remove(position);\n    }\n}\n",
        "impl State {\n    fn backspace(&mut self) {\n        let position = self.position();\n        let kept: String = self.value().chars().take(position.saturating_sub(1)).collect();\n        *self.value_mut() = kept;\n    }\n}\n",
        (Encoding, 4),
    );
    // qs: chunks of 1024 UTF-16 units split an emoji; the fix moves a cut
    // that lands after a high surrogate.
    flags_bug_not_fix(
        Language::JavaScript,
        "encode.js",
        "function encode(string, limit) {\n  var out = '';\n  for (var j = 0; j < string.length; j += limit) {\n    var segment = string.slice(j, j + limit);\n    out += escape(segment);\n  }\n  return out;\n}\n",
        "function encode(string, limit) {\n  var out = '';\n  for (var j = 0; j < string.length; j += limit) {\n    var segment = string.slice(j, j + limit);\n    var last = segment.charCodeAt(segment.length - 1);\n    if (last >= 0xD800 && last <= 0xDBFF) {\n      segment = string.slice(j, j + limit + 1);\n      j += 1;\n    }\n    out += escape(segment);\n  }\n  return out;\n}\n",
        (Encoding, 4),
    );
}

#[test]
fn a_field_written_under_a_lock_and_read_without_one() {
    let bug = "package p\n\ntype Conn struct {\n\tmu  sync.Mutex\n\terr error\n}\n\nfunc (c *Conn) fail(err error) {\n\tc.mu.Lock()\n\tc.err = err\n\tc.mu.Unlock()\n}\n\nfunc (c *Conn) LastError() error {\n\treturn c.err\n}\n";
    let fix = "package p\n\ntype Conn struct {\n\tmu  sync.Mutex\n\terr error\n}\n\nfunc (c *Conn) fail(err error) {\n\tc.mu.Lock()\n\tc.err = err\n\tc.mu.Unlock()\n}\n\nfunc (c *Conn) LastError() error {\n\tc.mu.Lock()\n\tdefer c.mu.Unlock()\n\treturn c.err\n}\n";
    flags_bug_not_fix(Language::Go, "conn.go", bug, fix, (RaceCondition, 15));
    flags_bug_not_fix(
        Language::Python,
        "pool.py",
        "import threading\n\nclass Pool:\n    def __init__(self):\n        self._lock = threading.Lock()\n        self._idle = []\n\n    def put(self, conn):\n        with self._lock:\n            self._idle.append(conn)\n\n    def size(self):\n        return len(self._idle)\n",
        "import threading\n\nclass Pool:\n    def __init__(self):\n        self._lock = threading.Lock()\n        self._idle = []\n\n    def put(self, conn):\n        with self._lock:\n            self._idle.append(conn)\n\n    def size(self):\n        with self._lock:\n            return len(self._idle)\n",
        (RaceCondition, 13),
    );
    // A `with` that opens a file holds no lock.
    flags_bug_not_fix(
        Language::Python,
        "pool.py",
        "import threading\n\nclass Pool:\n    def __init__(self):\n        self._lock = threading.Lock()\n        self._idle = []\n\n    def put(self, conn):\n        with self._lock:\n            self._idle.append(conn)\n\n    def dump(self, path):\n        with open(path, \"w\") as out:\n            out.write(str(len(self._idle)))\n",
        "import threading\n\nclass Pool:\n    def __init__(self):\n        self._lock = threading.Lock()\n        self._idle = []\n\n    def put(self, conn):\n        with self._lock:\n            self._idle.append(conn)\n\n    def dump(self, path):\n        with self._lock:\n            idle = len(self._idle)\n        with open(path, \"w\") as out:\n            out.write(str(idle))\n",
        (RaceCondition, 14),
    );
}

#[test]
fn work_started_per_request_with_no_bound() {
    // HTTP/2 Rapid Reset: a handler goroutine per stream, however many the
    // client opens; the fix counts them against a limit.
    flags_bug_not_fix(
        Language::Go,
        "server.go",
        "package p\n\nfunc (sc *serverConn) processHeaders(f *Frame) error {\n\trw, req := sc.newRequest(f)\n\tgo sc.runHandler(rw, req)\n\treturn nil\n}\n",
        "package p\n\nfunc (sc *serverConn) processHeaders(f *Frame) error {\n\trw, req := sc.newRequest(f)\n\tif sc.curHandlers < sc.advMaxStreams {\n\t\tsc.curHandlers++\n\t\tgo sc.runHandler(rw, req)\n\t}\n\treturn nil\n}\n",
        (ResourceExhaustion, 5),
    );
    flags_bug_not_fix(
        Language::Python,
        "fanout.py",
        "import threading\n\ndef fan_out(items):\n    for item in items:\n        threading.Thread(target=work, args=(item,)).start()\n",
        "from concurrent.futures import ThreadPoolExecutor\n\ndef fan_out(items):\n    with ThreadPoolExecutor(max_workers=8) as pool:\n        pool.map(work, items)\n",
        (ResourceExhaustion, 5),
    );
}

#[test]
fn handlers_that_name_some_network_errors_and_not_the_rest() {
    // requests' iter_content: urllib3's ProtocolError and ReadTimeoutError
    // were wrapped, an SSLError or a socket timeout escaped raw; the fix
    // catches the base of them all.
    flags_bug_not_fix(
        Language::Python,
        "models.py",
        "def generate(self, size):\n    try:\n        for chunk in self.raw.stream(size):\n            yield chunk\n    except ProtocolError as e:\n        raise ChunkedEncodingError(e)\n    except ReadTimeoutError as e:\n        raise ConnectionError(e)\n",
        "def generate(self, size):\n    try:\n        for chunk in self.raw.stream(size):\n            yield chunk\n    except ProtocolError as e:\n        raise ChunkedEncodingError(e)\n    except (ReadTimeoutError, OSError) as e:\n        raise ConnectionError(e)\n",
        (NetworkError, 3),
    );
}

#[test]
fn helpers_named_for_the_check_they_make() {
    // TanStack Virtual: notUndefined() threw on a measurement of an item
    // that had been removed; the fix reads it optionally.
    flags_bug_not_fix(
        Language::TypeScript,
        "virtualizer.ts",
        "function offsetOf(cache: Item[], index: number) {\n  const item = notUndefined(cache[index])\n  return item.start\n}\n",
        "function offsetOf(cache: Item[], index: number) {\n  const item = cache[index]\n  return item?.start ?? 0\n}\n",
        (Assertion, 2),
    );
}

#[test]
fn a_pattern_that_backtracks_on_a_header() {
    // ws: a Sec-WebSocket-Protocol header of spaces held the event loop
    // for minutes in split(/ *, */); the fix splits by hand.
    flags_bug_not_fix(
        Language::JavaScript,
        "server.js",
        "function protocols(req) {\n  let protocol = req.headers['sec-websocket-protocol'];\n  return protocol.trim().split(/ *, */);\n}\n",
        "function protocols(req) {\n  let protocol = req.headers['sec-websocket-protocol'];\n  return parse(protocol);\n}\n",
        (Timeout, 3),
    );
}

#[test]
fn a_day_added_as_twenty_four_hours() {
    // The shape of many schedulers' "same time tomorrow"; the fix asks a
    // calendar library for the next day.
    flags_bug_not_fix(
        Language::JavaScript,
        "schedule.js",
        "function nextRun(last) {\n  return new Date(last.getTime() + 24 * 60 * 60 * 1000);\n}\n",
        "function nextRun(last) {\n  return addDays(last, 1);\n}\n",
        (TimezoneDst, 2),
    );
}

#[test]
fn rust_slices_at_what_a_search_found_are_on_boundaries() {
    let source = "fn split_pair(key_value: &str) -> (&str, &str) {\n    match key_value.find('=') {\n        Some(i) => (&key_value[..i], &key_value[(i + 1)..]),\n        None => (key_value, \"\"),\n    }\n}\n";
    let found = candidates_of(Language::Rust, "pair.rs", source);
    assert!(
        !found.iter().any(|(class, _)| *class == Encoding),
        "{found:?}"
    );
    let cut = "fn head(text: &str, n: usize) -> &str {\n    &text[..n]\n}\n";
    assert!(candidates_of(Language::Rust, "head.rs", cut).contains(&(Encoding, 2)));
    // Peeking at the first character makes no cut safe, and a value the
    // function calls a text-only method on is text, whatever its name.
    let peeked = "fn skip(rest: &str, n: usize) -> &str {\n    if rest.chars().next() == Some('_') {\n        return &rest[n..];\n    }\n    rest\n}\n";
    assert!(candidates_of(Language::Rust, "skip.rs", peeked).contains(&(Encoding, 3)));
    // rustc-demangle: the length is parsed from the text, and a later
    // `Some((i, _))` of a char_indices walk in another scope chose nothing
    // at the cut; the first character, peeked as ASCII, is one byte.
    let demangle = "fn fmt(&self) -> usize {\n    let mut rest = self.inner;\n    while rest.chars().next().unwrap().is_digit(10) {\n        rest = &rest[1..];\n    }\n    let i: usize = self.inner[..2].parse().unwrap();\n    let part = &rest[i..];\n    let idx = match part.char_indices().find(|&(_, c)| c == '$') {\n        None => part.len(),\n        Some((i, _)) => i,\n    };\n    part[..idx].len()\n}\n";
    let found = candidates_of(Language::Rust, "lib.rs", demangle);
    assert!(found.contains(&(Encoding, 7)), "{found:?}");
    assert!(!found.contains(&(Encoding, 4)), "{found:?}");
    assert!(!found.contains(&(Encoding, 12)), "{found:?}");
    let untyped = "fn skip(&self, n: usize) -> usize {\n    let rest = self.inner;\n    let digits = rest.trim();\n    rest[n..].len() + digits.len()\n}\n";
    assert!(candidates_of(Language::Rust, "skip.rs", untyped).contains(&(Encoding, 4)));
}

#[test]
fn python_wall_clock_arithmetic_on_aware_datetimes() {
    // celery's remaining(): end_date - now across a DST change was an hour
    // off; the fix converts both to UTC first.
    let bug = "from datetime import datetime, timezone\n\ndef remaining(start, ends_in, now):\n    end_date = start + ends_in\n    ret = end_date - now\n    return ret\n";
    let found = candidates_of(Language::Python, "time.py", bug);
    assert!(found.contains(&(TimezoneDst, 5)), "{found:?}");
    let counting = "def width(start, end):\n    return end - start\n";
    assert!(
        !candidates_of(Language::Python, "span.py", counting)
            .iter()
            .any(|(c, _)| *c == TimezoneDst)
    );
}

#[test]
fn a_helper_that_raises_fails_at_its_call() {
    // Maven's JDK profile activator: isInRange() parsed each version part
    // with Integer.parseInt, and a version such as "1.8.0_292-ea" made the
    // activation fail; the fix catches the NumberFormatException.
    let helper = "  static boolean isInRange(String version, String range) {\n    return Integer.parseInt(version) >= Integer.parseInt(range);\n  }\n";
    let bug = format!(
        "class Activator {{\n  boolean isActive(String version, String jdk) {{\n    return isInRange(version, jdk);\n  }}\n{helper}}}\n"
    );
    let fix = format!(
        "class Activator {{\n  boolean isActive(String version, String jdk) {{\n    try {{\n      return isInRange(version, jdk);\n    }} catch (NumberFormatException e) {{\n      return false;\n    }}\n  }}\n{helper}}}\n"
    );
    let on_bug = candidates_of(Language::Java, "Activator.java", &bug);
    assert!(on_bug.contains(&(ParseError, 3)), "{on_bug:?}");
    let on_fix = candidates_of(Language::Java, "Activator.java", &fix);
    assert!(
        !on_fix.iter().any(|(c, line)| *c == ParseError && *line < 9),
        "{on_fix:?}"
    );
}

#[test]
fn a_helper_that_raises_itself_fails_at_its_call() {
    // arrow's DateTimeParser.parse: _generate_pattern_re raised
    // ParserError("Unrecognized token …") from inside its own handler of
    // KeyError, and parse() let it escape for a format with a bad token.
    // The helper's handler is no guard for its own raise.
    let helper = "    def _pattern(self, fmt):\n        try:\n            return self._MAP[fmt]\n        except KeyError:\n            raise ParserError(\"Unrecognized token '{}'\".format(fmt))\n";
    let bug = format!(
        "class Parser:\n    def parse(self, text, fmt):\n        pattern = self._pattern(fmt)\n        return pattern.search(text)\n\n{helper}"
    );
    let fix = format!(
        "class Parser:\n    def parse(self, text, fmt):\n        try:\n            pattern = self._pattern(fmt)\n        except ValueError:\n            return None\n        return pattern.search(text)\n\n{helper}"
    );
    let on_bug = candidates_of(Language::Python, "parser.py", &bug);
    assert!(on_bug.contains(&(ParseError, 3)), "{on_bug:?}");
    let on_fix = candidates_of(Language::Python, "parser.py", &fix);
    assert!(
        !on_fix.iter().any(|(c, line)| *c == ParseError && *line < 8),
        "{on_fix:?}"
    );
    // Java: an unchecked precondition thrown by a helper.
    let helper = "  int width(String s) {\n    if (s.isEmpty()) {\n      throw new IllegalArgumentException(\"empty cell\");\n    }\n    return s.length();\n  }\n";
    let bug = format!(
        "class Table {{\n  int first(String s) {{\n    return width(s);\n  }}\n{helper}}}\n"
    );
    let on_bug = candidates_of(Language::Java, "Table.java", &bug);
    assert!(on_bug.contains(&(Assertion, 3)), "{on_bug:?}");
}

#[test]
fn a_checked_sum_of_a_widened_digit() {
    // base62's decode: `result += z` overflowed a u128 on a long input;
    // the fix adds with `checked_add(z as u128)`, and a cast to u128
    // truncates no unsigned value.
    let bug = "fn decode(s: &[u8]) -> Option<u128> {\n    let mut result = 0u128;\n    for (i, c) in s.iter().enumerate() {\n        let z = (*c as u128).checked_mul(62u128.checked_pow(i as u32)?)?;\n        result += z;\n    }\n    Some(result)\n}\n";
    let fix = bug.replace("result += z;", "result = result.checked_add(z as u128)?;");
    let on_bug = candidates_of(Language::Rust, "base62.rs", bug);
    assert!(on_bug.contains(&(Overflow, 5)), "{on_bug:?}");
    let on_fix = candidates_of(Language::Rust, "base62.rs", &fix);
    assert!(!on_fix.contains(&(Overflow, 5)), "{on_fix:?}");
}

#[test]
fn text_cut_where_a_search_found_its_delimiter() {
    // mediatype's Indices::parse cut the input at a fixed byte length,
    // inside a multi-byte character; the fix cuts where the '/' is.
    flags_bug_not_fix(
        Language::Rust,
        "parse.rs",
        "fn essence(s: &str) -> Option<(&str, &str)> {\n    let s = &s[..MAX_ESSENCE.min(s.len())];\n    s.split_once('/')\n}\n",
        "fn essence(s: &str) -> Option<(&str, &str)> {\n    let slash = s.find('/')?;\n    Some((&s[..slash], &s[slash + 1..]))\n}\n",
        (Encoding, 2),
    );
    flags_bug_not_fix(
        Language::Rust,
        "parse.rs",
        "fn essence(s: &str) -> Option<(&str, &str)> {\n    let s = &s[..MAX_ESSENCE.min(s.len())];\n    s.split_once('/')\n}\n",
        "fn essence(s: &str) -> Option<(&str, &str)> {\n    match s.bytes().take(MAX_ESSENCE).position(|b| b == b'/') {\n        Some(slash) => Some((&s[..slash], &s[slash + 1..])),\n        None => None,\n    }\n}\n",
        (Encoding, 2),
    );
}

#[test]
fn a_step_the_zone_corrects_crosses_no_dst_change() {
    // pytz keeps a datetime's offset through arithmetic: a day added
    // across a daylight-saving change lands an hour off until the zone
    // normalizes it.
    let bug = "import pytz\nfrom datetime import timedelta\n\nclass Job:\n    def next_run(self, start):\n        return start + timedelta(days=1)\n";
    let fix = "import pytz\nfrom datetime import timedelta\n\nclass Job:\n    def next_run(self, start):\n        return self.tz.normalize(start + timedelta(days=1))\n";
    flags_bug_not_fix(Language::Python, "job.py", bug, fix, (TimezoneDst, 6));
    // pytz's normalize is no text conversion either.
    assert!(!candidates_of(Language::Python, "job.py", fix).contains(&(Encoding, 6)));
}

#[test]
fn text_from_the_input_compiled_as_a_pattern() {
    // A search term handed to re.search: "c++" or "(draft" is no valid
    // pattern (re.error), and "." matches what it should not. Escaping
    // it is the fix.
    flags_bug_not_fix(
        Language::Python,
        "find.py",
        "import re\n\ndef find(term, text):\n    return re.search(term, text)\n",
        "import re\n\ndef find(term, text):\n    return re.search(re.escape(term), text)\n",
        (ParseError, 4),
    );
    // Java's String.split takes a regular expression: a "|" or "." given
    // as the separator splits on every character or fails.
    flags_bug_not_fix(
        Language::Java,
        "Fields.java",
        "class Fields {\n  String[] fields(String line, String sep) {\n    return line.split(sep);\n  }\n}\n",
        "class Fields {\n  String[] fields(String line, String sep) {\n    return line.split(java.util.regex.Pattern.quote(sep));\n  }\n}\n",
        (ParseError, 3),
    );
}

#[test]
fn prose_cut_to_a_display_length() {
    // A title shortened to twenty UTF-16 units cuts an emoji in half when
    // one straddles the cut; counting code points is the fix.
    flags_bug_not_fix(
        Language::JavaScript,
        "card.js",
        "function caption(title) {\n  return title.substring(0, 20);\n}\n",
        "function caption(title) {\n  return Array.from(title).slice(0, 20).join('');\n}\n",
        (Encoding, 2),
    );
    // A prefix the code compares is no display length.
    let prefix = candidates_of(
        Language::JavaScript,
        "url.js",
        "function secure(url) {\n  return url.substring(0, 5) === 'https';\n}\n",
    );
    assert!(!prefix.contains(&(Encoding, 2)), "{prefix:?}");
}

#[test]
fn a_calendar_day_stepped_in_local_time() {
    // A day added as 24 hours lands an hour off across a daylight-saving
    // change; setDate(getDate() + 1) keeps the wall-clock time.
    flags_bug_not_fix(
        Language::JavaScript,
        "days.js",
        "function nextDay(day) {\n  day.setTime(day.getTime() + 24 * 60 * 60 * 1000);\n  return day;\n}\n",
        "function nextDay(day) {\n  day.setDate(day.getDate() + 1);\n  return day;\n}\n",
        (TimezoneDst, 2),
    );
}

#[test]
fn the_fixes_every_language_writes_silence_their_bug() {
    // The idioms fixes are made of, one per row: the bug must be flagged
    // within a line, and no candidate of its class may stay after the fix.
    // (A timeout added to a call still leaves the peer able to refuse it,
    // a network error, so those fixes are not here.)
    let rows: &[(Language, &str, &str, &str, FailureClass, usize)] = &[
        (
            Language::Go,
            "jsondecode.go",
            "package p\n\nimport (\n\t\"encoding/json\"\n\t\"net/http\"\n)\n\nfunc f(w http.ResponseWriter, r *http.Request) {\n\tvar v map[string]any\n\tjson.NewDecoder(r.Body).Decode(&v)\n}\n",
            "package p\n\nimport (\n\t\"encoding/json\"\n\t\"net/http\"\n)\n\nfunc f(w http.ResponseWriter, r *http.Request) {\n\tvar v map[string]any\n\tjson.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&v)\n}\n",
            ResourceExhaustion,
            10,
        ),
        (
            Language::Go,
            "readstring.go",
            "package p\n\nimport \"bufio\"\n\nfunc f(r *bufio.Reader) (string, error) {\n\treturn r.ReadString('\\n')\n}\n",
            "package p\n\nimport (\n\t\"bufio\"\n\t\"io\"\n)\n\nfunc f(r io.Reader) (string, error) {\n\treturn bufio.NewReader(io.LimitReader(r, 4096)).ReadString('\\n')\n}\n",
            ResourceExhaustion,
            6,
        ),
        (
            Language::JavaScript,
            "bitor.js",
            "function f(s) {\n  return parseInt(s, 10) | 0;\n}\n",
            "function f(s) {\n  return Math.trunc(parseInt(s, 10));\n}\n",
            Overflow,
            2,
        ),
        (
            Language::JavaScript,
            "tofixed.js",
            "function f(data) {\n  return data.price.toFixed(2);\n}\n",
            "function f(data) {\n  return Number(data.price).toFixed(2);\n}\n",
            TypeError,
            2,
        ),
        (
            Language::Java,
            "Slice.java",
            "class Slice {\n  void slice(Blob b, double start, double end) {\n    b.copy((int) start, (int) end);\n  }\n}\n",
            "class Slice {\n  void slice(Blob b, double start, double end) {\n    b.copy((long) start, (long) end);\n  }\n}\n",
            Overflow,
            3,
        ),
        (
            Language::JavaScript,
            "metadata.js",
            "const http = require(\"http\");\n\nfunction f(url, cb) {\n  const req = http.request({ host: url, timeout: 10000 }, (res) => cb(null, res));\n  req.on(\"error\", cb);\n  req.end();\n}\n",
            "const http = require(\"http\");\n\nfunction f(url, cb) {\n  const req = http.request({ host: url, timeout: 10000 }, (res) => cb(null, res));\n  req.on(\"timeout\", () => req.destroy(new Error(\"timed out\")));\n  req.on(\"error\", cb);\n  req.end();\n}\n",
            Timeout,
            4,
        ),
        (
            Language::Java,
            "Share.java",
            "import java.math.BigDecimal;\n\nclass Share {\n  BigDecimal f(BigDecimal a, BigDecimal b) {\n    return a.divide(b);\n  }\n}\n",
            "import java.math.BigDecimal;\n\nclass Share {\n  BigDecimal f(BigDecimal a, BigDecimal b) {\n    if (b.signum() == 0) {\n      return BigDecimal.ZERO;\n    }\n    return a.divide(b);\n  }\n}\n",
            DivisionByZero,
            5,
        ),
        (
            Language::JavaScript,
            "validdate.js",
            "function f(value) {\n  return new Date(value).toISOString();\n}\n",
            "function f(value) {\n  const d = new Date(value);\n  if (isNaN(d.getTime())) {\n    return null;\n  }\n  return d.toISOString();\n}\n",
            ParseError,
            2,
        ),
        (
            Language::Python,
            "charref.py",
            "def convert(number):\n    try:\n        return chr(number)\n    except ValueError:\n        return ''\n",
            "def convert(number):\n    try:\n        return chr(number)\n    except (ValueError, OverflowError):\n        return ''\n",
            Overflow,
            3,
        ),
        (
            Language::Python,
            "idle.py",
            "def next_check_ms(deadline, now):\n    return int((deadline - now) * 1000)\n",
            "import math\n\ndef next_check_ms(deadline, now):\n    if not math.isfinite(deadline):\n        return None\n    return int((deadline - now) * 1000)\n",
            Overflow,
            2,
        ),
        (
            Language::Python,
            "handler.py",
            "def handler_name(event):\n    return 'on_' + event\n",
            "def handler_name(event):\n    return 'on_' + (event or '')\n",
            NullOrNone,
            2,
        ),
        (
            Language::Python,
            "counter.py",
            "import threading\n\ncount = 0\n\ndef worker():\n    global count\n    count += 1\n",
            "import threading\n\ncount = 0\nlock = threading.Lock()\n\ndef worker():\n    global count\n    with lock:\n        count += 1\n",
            RaceCondition,
            7,
        ),
        (
            Language::Python,
            "dget.py",
            "def f(d):\n    return d[\"k\"]\n",
            "def f(d):\n    return d.get(\"k\")\n",
            KeyMissing,
            2,
        ),
        (
            Language::Python,
            "split.py",
            "def f(s):\n    parts = s.split(\":\")\n    return parts[1]\n",
            "def f(s):\n    parts = s.split(\":\")\n    if len(parts) < 2:\n        return None\n    return parts[1]\n",
            IndexOutOfRange,
            3,
        ),
        (
            Language::Python,
            "div.py",
            "def f(a, b):\n    return a / b\n",
            "def f(a, b):\n    return a / b if b else 0\n",
            DivisionByZero,
            2,
        ),
        (
            Language::Python,
            "int.py",
            "def f(s):\n    return int(s)\n",
            "def f(s):\n    try:\n        return int(s)\n    except ValueError:\n        return None\n",
            ParseError,
            2,
        ),
        (
            Language::Python,
            "decode.py",
            "def f(data):\n    return data.decode(\"utf-8\")\n",
            "def f(data):\n    return data.decode(\"utf-8\", errors=\"replace\")\n",
            Encoding,
            2,
        ),
        (
            Language::Python,
            "openenc.py",
            "def f(p):\n    with open(p) as fh:\n        return fh.read()\n",
            "def f(p):\n    with open(p, encoding=\"utf-8\") as fh:\n        return fh.read()\n",
            Encoding,
            2,
        ),
        (
            Language::Python,
            "naive.py",
            "from datetime import datetime\n\ndef f():\n    return datetime.now()\n",
            "from datetime import datetime, timezone\n\ndef f():\n    return datetime.now(timezone.utc)\n",
            TimezoneDst,
            4,
        ),
        (
            Language::Python,
            "lock.py",
            "import threading\n\nclass C:\n    def __init__(self):\n        self._lock = threading.Lock()\n        self.items = {}\n\n    def add(self, k, v):\n        self.items[k] = v\n",
            "import threading\n\nclass C:\n    def __init__(self):\n        self._lock = threading.Lock()\n        self.items = {}\n\n    def add(self, k, v):\n        with self._lock:\n            self.items[k] = v\n",
            RaceCondition,
            9,
        ),
        (
            Language::Go,
            "slice.go",
            "package p\n\nfunc f(b []byte) []byte {\n\treturn b[4:]\n}\n",
            "package p\n\nfunc f(b []byte) []byte {\n\tif len(b) < 4 {\n\t\treturn nil\n\t}\n\treturn b[4:]\n}\n",
            IndexOutOfRange,
            4,
        ),
        (
            Language::Go,
            "maprace.go",
            "package p\n\nimport \"sync\"\n\ntype S struct {\n\tmu sync.Mutex\n\tm  map[string]int\n}\n\nfunc (s *S) Set(k string) {\n\tgo func() {\n\t\ts.m[k] = 1\n\t}()\n}\n",
            "package p\n\nimport \"sync\"\n\ntype S struct {\n\tmu sync.Mutex\n\tm  map[string]int\n}\n\nfunc (s *S) Set(k string) {\n\tgo func() {\n\t\ts.mu.Lock()\n\t\ts.m[k] = 1\n\t\ts.mu.Unlock()\n\t}()\n}\n",
            RaceCondition,
            12,
        ),
        (
            Language::Go,
            "chanwait.go",
            "package p\n\nfunc f(ch chan int) int {\n\treturn <-ch\n}\n",
            "package p\n\nimport \"time\"\n\nfunc f(ch chan int) int {\n\tselect {\n\tcase v := <-ch:\n\t\treturn v\n\tcase <-time.After(time.Second):\n\t\treturn 0\n\t}\n}\n",
            Timeout,
            4,
        ),
        (
            Language::Rust,
            "unwrap.rs",
            "fn f(s: &str) -> Result<u32, std::num::ParseIntError> {\n    Ok(s.parse::<u32>().unwrap())\n}\n",
            "fn f(s: &str) -> Result<u32, std::num::ParseIntError> {\n    Ok(s.parse::<u32>()?)\n}\n",
            ParseError,
            2,
        ),
        (
            Language::Rust,
            "add.rs",
            "fn f(a: u32, b: u32) -> u32 {\n    a + b\n}\n",
            "fn f(a: u32, b: u32) -> Option<u32> {\n    a.checked_add(b)\n}\n",
            Overflow,
            2,
        ),
        (
            Language::Rust,
            "index.rs",
            "fn f(v: &[u8], i: usize) -> u8 {\n    v[i]\n}\n",
            "fn f(v: &[u8], i: usize) -> Option<u8> {\n    v.get(i).copied()\n}\n",
            IndexOutOfRange,
            2,
        ),
        (
            Language::Rust,
            "cast.rs",
            "fn f(x: u64) -> u32 {\n    x as u32\n}\n",
            "fn f(x: u64) -> Option<u32> {\n    u32::try_from(x).ok()\n}\n",
            Overflow,
            2,
        ),
        (
            Language::Java,
            "A.java",
            "class A {\n  String f(java.util.List<String> xs) {\n    return xs.get(0);\n  }\n}\n",
            "class A {\n  String f(java.util.List<String> xs) {\n    if (xs.isEmpty()) {\n      return null;\n    }\n    return xs.get(0);\n  }\n}\n",
            IndexOutOfRange,
            3,
        ),
        (
            Language::Java,
            "A.java",
            "class A {\n  int f(String s) {\n    return Integer.parseInt(s);\n  }\n}\n",
            "class A {\n  int f(String s) {\n    try {\n      return Integer.parseInt(s);\n    } catch (NumberFormatException e) {\n      return 0;\n    }\n  }\n}\n",
            ParseError,
            3,
        ),
        (
            Language::Java,
            "A.java",
            "class A {\n  String f(byte[] b) {\n    return new String(b);\n  }\n}\n",
            "class A {\n  String f(byte[] b) {\n    return new String(b, java.nio.charset.StandardCharsets.UTF_8);\n  }\n}\n",
            Encoding,
            3,
        ),
        (
            Language::Java,
            "A.java",
            "class A {\n  int f(java.util.Map<String, String> m) {\n    return m.get(\"k\").length();\n  }\n}\n",
            "class A {\n  int f(java.util.Map<String, String> m) {\n    String v = m.get(\"k\");\n    if (v == null) {\n      return 0;\n    }\n    return v.length();\n  }\n}\n",
            NullOrNone,
            3,
        ),
        (
            Language::JavaScript,
            "jsonparse.js",
            "function f(body) {\n  return JSON.parse(body).id;\n}\n",
            "function f(body) {\n  try {\n    return JSON.parse(body).id;\n  } catch (e) {\n    return null;\n  }\n}\n",
            ParseError,
            2,
        ),
        (
            Language::JavaScript,
            "optchain.js",
            "function f(obj) {\n  return obj.user.name;\n}\n",
            "function f(obj) {\n  return obj.user?.name;\n}\n",
            NullOrNone,
            2,
        ),
        (
            Language::TypeScript,
            "arr0.ts",
            "function f(xs: {id: string}[]): string {\n  return xs[0].id;\n}\n",
            "function f(xs: {id: string}[]): string | undefined {\n  return xs[0]?.id;\n}\n",
            NullOrNone,
            2,
        ),
        (
            Language::Python,
            "recv.py",
            "def f(sock):\n    buf = b\"\"\n    while True:\n        chunk = sock.recv(4096)\n        if not chunk:\n            break\n        buf += chunk\n    return buf\n",
            "def f(sock):\n    buf = b\"\"\n    while True:\n        chunk = sock.recv(4096)\n        if not chunk:\n            break\n        buf += chunk\n        if len(buf) > MAX_SIZE:\n            raise ValueError(\"too large\")\n    return buf\n",
            ResourceExhaustion,
            7,
        ),
        (
            Language::Python,
            "recursion.py",
            "def walk(node):\n    return [walk(c) for c in node.children]\n",
            "def walk(node, depth=0):\n    if depth > MAX_DEPTH:\n        raise ValueError(\"too deep\")\n    return [walk(c, depth + 1) for c in node.children]\n",
            ResourceExhaustion,
            2,
        ),
        (
            Language::Python,
            "reescape.py",
            "import re\n\ndef f(user, text):\n    return re.search(user, text)\n",
            "import re\n\ndef f(user, text):\n    return re.search(re.escape(user), text)\n",
            ParseError,
            4,
        ),
        (
            Language::Python,
            "jsonloads.py",
            "import json\n\ndef f(body):\n    return json.loads(body)[\"id\"]\n",
            "import json\n\ndef f(body):\n    try:\n        data = json.loads(body)\n    except ValueError:\n        return None\n    return data.get(\"id\")\n",
            ParseError,
            4,
        ),
        (
            Language::Go,
            "atoi.go",
            "package p\n\nimport \"strconv\"\n\nfunc f(s string) int {\n\tn, _ := strconv.Atoi(s)\n\treturn 100 / n\n}\n",
            "package p\n\nimport \"strconv\"\n\nfunc f(s string) int {\n\tn, err := strconv.Atoi(s)\n\tif err != nil || n == 0 {\n\t\treturn 0\n\t}\n\treturn 100 / n\n}\n",
            DivisionByZero,
            7,
        ),
        (
            Language::Go,
            "readall.go",
            "package p\n\nimport (\n\t\"io\"\n\t\"net/http\"\n)\n\nfunc f(r *http.Request) ([]byte, error) {\n\treturn io.ReadAll(r.Body)\n}\n",
            "package p\n\nimport (\n\t\"io\"\n\t\"net/http\"\n)\n\nfunc f(r *http.Request) ([]byte, error) {\n\treturn io.ReadAll(io.LimitReader(r.Body, 1<<20))\n}\n",
            ResourceExhaustion,
            9,
        ),
        (
            Language::Go,
            "strcut.go",
            "package p\n\nfunc f(name string) string {\n\tif len(name) > 10 {\n\t\treturn name[:10]\n\t}\n\treturn name\n}\n",
            "package p\n\nfunc f(name string) string {\n\tr := []rune(name)\n\tif len(r) > 10 {\n\t\treturn string(r[:10])\n\t}\n\treturn name\n}\n",
            Encoding,
            5,
        ),
        (
            Language::Rust,
            "readtoend.rs",
            "use std::io::Read;\n\nfn f(mut r: impl Read) -> Vec<u8> {\n    let mut buf = Vec::new();\n    r.read_to_end(&mut buf).unwrap();\n    buf\n}\n",
            "use std::io::Read;\n\nfn f(r: impl Read) -> Vec<u8> {\n    let mut buf = Vec::new();\n    r.take(1 << 20).read_to_end(&mut buf).ok();\n    buf\n}\n",
            ResourceExhaustion,
            5,
        ),
        (
            Language::Rust,
            "strcut.rs",
            "fn f(name: &str) -> &str {\n    &name[..10]\n}\n",
            "fn f(name: &str) -> &str {\n    match name.char_indices().nth(10) {\n        Some((i, _)) => &name[..i],\n        None => name,\n    }\n}\n",
            Encoding,
            2,
        ),
        (
            Language::Java,
            "A.java",
            "import java.text.SimpleDateFormat;\n\nclass A {\n  private static final SimpleDateFormat FMT = new SimpleDateFormat(\"yyyy-MM-dd\");\n\n  String f(java.util.Date d) {\n    return FMT.format(d);\n  }\n}\n",
            "import java.time.format.DateTimeFormatter;\n\nclass A {\n  private static final DateTimeFormatter FMT = DateTimeFormatter.ofPattern(\"yyyy-MM-dd\");\n\n  String f(java.time.LocalDate d) {\n    return FMT.format(d);\n  }\n}\n",
            RaceCondition,
            7,
        ),
        (
            Language::Java,
            "A.java",
            "class A {\n  int f(int total, int count) {\n    return total / count;\n  }\n}\n",
            "class A {\n  int f(int total, int count) {\n    if (count == 0) {\n      return 0;\n    }\n    return total / count;\n  }\n}\n",
            DivisionByZero,
            3,
        ),
        (
            Language::JavaScript,
            "substr.js",
            "function f(title) {\n  return title.substring(0, 20);\n}\n",
            "function f(title) {\n  return Array.from(title).slice(0, 20).join(\"\");\n}\n",
            Encoding,
            2,
        ),
        (
            Language::Python,
            "listrace.py",
            "import threading\n\nclass Q:\n    def __init__(self):\n        self.lock = threading.Lock()\n        self.items = []\n\n    def pop_all(self):\n        out = list(self.items)\n        self.items.clear()\n        return out\n",
            "import threading\n\nclass Q:\n    def __init__(self):\n        self.lock = threading.Lock()\n        self.items = []\n\n    def pop_all(self):\n        with self.lock:\n            out = list(self.items)\n            self.items.clear()\n        return out\n",
            RaceCondition,
            10,
        ),
        (
            Language::TypeScript,
            "jsonparse.ts",
            "export function f(text: string): number {\n  return JSON.parse(text).count;\n}\n",
            "export function f(text: string): number {\n  try {\n    return JSON.parse(text).count;\n  } catch {\n    return 0;\n  }\n}\n",
            ParseError,
            2,
        ),
        (
            Language::Python,
            "alloc.py",
            "def f(n):\n    return bytearray(n)\n",
            "def f(n):\n    if n > MAX_SIZE:\n        raise ValueError(\"too large\")\n    return bytearray(n)\n",
            ResourceExhaustion,
            2,
        ),
    ];
    for (language, path, bug, fix, class, line) in rows {
        let same = |found: FailureClass| {
            found == *class
                || matches!(
                    (found, *class),
                    (KeyMissing, NullOrNone) | (NullOrNone, KeyMissing)
                )
        };
        let on_bug = candidates_of(*language, path, bug);
        assert!(
            on_bug
                .iter()
                .any(|(c, l)| same(*c) && l.abs_diff(*line) <= 1),
            "{class:?} not near line {line} in {on_bug:?}:\n{bug}"
        );
        let on_fix = candidates_of(*language, path, fix);
        assert!(
            !on_fix.iter().any(|(c, _)| same(*c)),
            "{class:?} still flagged after the fix: {on_fix:?}\n{fix}"
        );
    }
}

#[test]
fn the_commonest_shape_of_each_failure_is_flagged() {
    // One row per everyday shape of a failure in each language, as a
    // reviewer would name it: each must be among the function's
    // candidates within a line, with its class (or an accepted
    // equivalent: a timeout for a network error, null for a missing key).
    let rows: &[(Language, &str, &str, FailureClass, usize)] = &[
        (
            Language::Python,
            "choice.py",
            "import random\n\ndef f(servers):\n    return random.choice(servers)\n",
            IndexOutOfRange,
            4,
        ),
        (
            Language::Java,
            "Ratio.java",
            "import java.math.BigDecimal;\n\nclass Ratio {\n  BigDecimal f(BigDecimal a, BigDecimal b) {\n    return a.divide(b);\n  }\n}\n",
            DivisionByZero,
            5,
        ),
        (
            Language::Rust,
            "wait.rs",
            "use std::time::Duration;\n\nfn f(secs: f64) -> Duration {\n    Duration::from_secs_f64(secs)\n}\n",
            Overflow,
            4,
        ),
        (
            Language::Python,
            "rational.py",
            "from fractions import Fraction\n\ndef f(num, den):\n    return Fraction(num, den)\n",
            DivisionByZero,
            4,
        ),
        (
            Language::JavaScript,
            "bigint.js",
            "function f(s) {\n  return BigInt(s);\n}\n",
            ParseError,
            2,
        ),
        (
            Language::JavaScript,
            "isodate.js",
            "function f(value) {\n  return new Date(value).toISOString();\n}\n",
            ParseError,
            2,
        ),
        (
            Language::Java,
            "Column.java",
            "class Column {\n  int f(Cursor cursor, String column) {\n    return cursor.getColumnIndexOrThrow(column);\n  }\n}\n",
            KeyMissing,
            3,
        ),
        (
            Language::Python,
            "sockconnect.py",
            "import socket\n\ndef f(host, port):\n    s = socket.socket()\n    s.connect((host, port))\n    return s\n",
            NetworkError,
            5,
        ),
        (
            Language::Python,
            "narrowurl.py",
            "from urllib.request import urlopen\nfrom urllib.error import HTTPError\n\ndef f(url):\n    try:\n        return urlopen(url, timeout=5).read()\n    except HTTPError:\n        return None\n",
            NetworkError,
            6,
        ),
        (
            Language::Java,
            "A.java",
            "class A {\n  byte[] f(String u) throws Exception {\n    return new java.net.URL(u).openStream().readAllBytes();\n  }\n}\n",
            NetworkError,
            3,
        ),
        (
            Language::JavaScript,
            "httpget.js",
            "const http = require(\"http\");\n\nfunction f(url, cb) {\n  http.get(url, (res) => cb(res.statusCode));\n}\n",
            NetworkError,
            4,
        ),
        (
            Language::Rust,
            "tcpconnect.rs",
            "use std::net::TcpStream;\n\nfn f(addr: &str) -> TcpStream {\n    TcpStream::connect(addr).unwrap()\n}\n",
            NetworkError,
            4,
        ),
        (
            Language::Python,
            "raisefor.py",
            "import requests\n\ndef f(url, data):\n    r = requests.post(url, json=data, timeout=5)\n    r.raise_for_status()\n    return r.json()\n",
            NetworkError,
            5,
        ),
        (
            Language::Go,
            "makelen.go",
            "package p\n\nimport \"encoding/binary\"\n\nfunc f(hdr []byte) []byte {\n\tn := binary.BigEndian.Uint32(hdr)\n\treturn make([]byte, n)\n}\n",
            ResourceExhaustion,
            7,
        ),
        (
            Language::JavaScript,
            "bufalloc.js",
            "function f(req) {\n  const size = parseInt(req.headers[\"content-length\"], 10);\n  return Buffer.alloc(size);\n}\n",
            ResourceExhaustion,
            3,
        ),
        (
            Language::Java,
            "A.java",
            "class A {\n  byte[] f(java.io.DataInputStream in) throws java.io.IOException {\n    int len = in.readInt();\n    byte[] buf = new byte[len];\n    in.readFully(buf);\n    return buf;\n  }\n}\n",
            ResourceExhaustion,
            4,
        ),
        (
            Language::Rust,
            "withcap.rs",
            "fn f(n: usize) -> Vec<u8> {\n    Vec::with_capacity(n)\n}\n",
            ResourceExhaustion,
            2,
        ),
        (
            Language::JavaScript,
            "repeat.js",
            "function pad(s, n) {\n  return \" \".repeat(n) + s;\n}\n",
            ResourceExhaustion,
            2,
        ),
        (
            Language::Go,
            "readstring.go",
            "package p\n\nimport \"bufio\"\n\nfunc f(r *bufio.Reader) (string, error) {\n\treturn r.ReadString('\\n')\n}\n",
            ResourceExhaustion,
            6,
        ),
        (
            Language::Java,
            "A.java",
            "class A {\n  int f(int width, int height) {\n    return width * height * 4;\n  }\n}\n",
            Overflow,
            3,
        ),
        (
            Language::Go,
            "int32.go",
            "package p\n\nfunc f(n int64) int32 {\n\treturn int32(n)\n}\n",
            Overflow,
            4,
        ),
        (
            Language::JavaScript,
            "bitor.js",
            "function f(s) {\n  return parseInt(s, 10) | 0;\n}\n",
            Overflow,
            2,
        ),
        (
            Language::Go,
            "uint16len.go",
            "package p\n\nfunc f(data []byte) uint16 {\n\treturn uint16(len(data))\n}\n",
            Overflow,
            4,
        ),
        (
            Language::Python,
            "asciiencode.py",
            "def f(name):\n    return name.encode(\"ascii\")\n",
            Encoding,
            2,
        ),
        (
            Language::Java,
            "A.java",
            "class A {\n  byte[] f(String s) {\n    return s.getBytes();\n  }\n}\n",
            Encoding,
            3,
        ),
        (
            Language::JavaScript,
            "chunktostring.js",
            "function f(stream, cb) {\n  let text = \"\";\n  stream.on(\"data\", (chunk) => {\n    text += chunk.toString();\n  });\n  stream.on(\"end\", () => cb(text));\n}\n",
            Encoding,
            4,
        ),
        (
            Language::Python,
            "b64decode.py",
            "import base64\n\ndef f(s):\n    return base64.b64decode(s).decode()\n",
            Encoding,
            4,
        ),
        (
            Language::Python,
            "strplusint.py",
            "def f(count):\n    return \"Total: \" + count\n",
            TypeError,
            2,
        ),
        (
            Language::JavaScript,
            "tofixed.js",
            "function f(data) {\n  return data.price.toFixed(2);\n}\n",
            TypeError,
            2,
        ),
        (
            Language::Java,
            "A.java",
            "class A {\n  String f(java.util.Map<String, Object> m) {\n    return (String) m.get(\"name\");\n  }\n}\n",
            TypeError,
            3,
        ),
        (
            Language::Python,
            "fromts.py",
            "from datetime import datetime\n\ndef f(ts):\n    return datetime.fromtimestamp(ts)\n",
            TimezoneDst,
            4,
        ),
        (
            Language::Java,
            "A.java",
            "import java.time.LocalDateTime;\n\nclass A {\n  LocalDateTime f() {\n    return LocalDateTime.now().plusDays(1);\n  }\n}\n",
            TimezoneDst,
            5,
        ),
        (
            Language::Go,
            "timelocal.go",
            "package p\n\nimport \"time\"\n\nfunc f(y int, m time.Month, d int) time.Time {\n\treturn time.Date(y, m, d, 2, 30, 0, 0, time.Local)\n}\n",
            TimezoneDst,
            6,
        ),
        (
            Language::Python,
            "globalcounter.py",
            "import threading\n\ncount = 0\n\ndef worker():\n    global count\n    count += 1\n",
            RaceCondition,
            7,
        ),
        (
            Language::Java,
            "A.java",
            "import java.util.HashMap;\n\nclass Cache {\n  private final HashMap<String, String> map = new HashMap<>();\n\n  void put(String k, String v) {\n    new Thread(() -> map.put(k, v)).start();\n  }\n}\n",
            RaceCondition,
            7,
        ),
        (
            Language::Rust,
            "refcell.rs",
            "use std::cell::RefCell;\n\nfn f(c: &RefCell<Vec<u8>>) {\n    let a = c.borrow_mut();\n    let b = c.borrow_mut();\n    drop((a, b));\n}\n",
            RaceCondition,
            5,
        ),
        (
            Language::Python,
            "keyerrenv.py",
            "import os\n\ndef f():\n    return os.environ[\"API_KEY\"]\n",
            KeyMissing,
            4,
        ),
        (
            Language::Go,
            "mapnil.go",
            "package p\n\nfunc f(m map[string]*T, k string) string {\n\treturn m[k].Name\n}\n",
            NullOrNone,
            4,
        ),
        (
            Language::TypeScript,
            "findbang.ts",
            "function f(xs: {id: number}[], id: number): string {\n  return xs.find((x) => x.id === id)!.name;\n}\n",
            NullOrNone,
            2,
        ),
        (
            Language::Python,
            "assertin.py",
            "def f(x):\n    assert x > 0\n    return x\n",
            Assertion,
            2,
        ),
        (
            Language::Java,
            "A.java",
            "class A {\n  void f(int n) {\n    if (n < 0) {\n      throw new IllegalArgumentException(\"n\");\n    }\n  }\n}\n",
            Assertion,
            4,
        ),
        (
            Language::Python,
            "wsrecv.py",
            "async def f(ws):\n    msg = await ws.recv()\n    return msg\n",
            Timeout,
            2,
        ),
        (
            Language::JavaScript,
            "promiseall.js",
            "async function f(urls) {\n  return Promise.all(urls.map((u) => fetch(u)));\n}\n",
            NetworkError,
            2,
        ),
        (
            Language::Rust,
            "tokioread.rs",
            "use tokio::io::AsyncReadExt;\n\nasync fn f(stream: &mut tokio::net::TcpStream) -> std::io::Result<usize> {\n    let mut buf = [0u8; 1024];\n    stream.read(&mut buf).await\n}\n",
            Timeout,
            5,
        ),
        (
            Language::Go,
            "listen.go",
            "package p\n\nimport \"net/http\"\n\nfunc f(h http.Handler) error {\n\treturn http.ListenAndServe(\":8080\", h)\n}\n",
            Timeout,
            6,
        ),
        (
            Language::Java,
            "A.java",
            "class A {\n  String f(java.util.concurrent.Future<String> fut) throws Exception {\n    return fut.get();\n  }\n}\n",
            Timeout,
            3,
        ),
        (
            Language::Python,
            "subproc.py",
            "import subprocess\n\ndef f(cmd):\n    return subprocess.run(cmd, capture_output=True).stdout\n",
            Timeout,
            4,
        ),
        (
            Language::Python,
            "acquire.py",
            "import threading\n\nlock = threading.Lock()\n\ndef f():\n    lock.acquire()\n    try:\n        return 1\n    finally:\n        lock.release()\n",
            Timeout,
            6,
        ),
        (
            Language::Java,
            "A.java",
            "class A {\n  int f(java.net.Socket s) throws java.io.IOException {\n    return s.getInputStream().read();\n  }\n}\n",
            Timeout,
            3,
        ),
        (
            Language::Go,
            "jsondecode.go",
            "package p\n\nimport (\n\t\"encoding/json\"\n\t\"net/http\"\n)\n\nfunc f(w http.ResponseWriter, r *http.Request) {\n\tvar v map[string]any\n\tjson.NewDecoder(r.Body).Decode(&v)\n}\n",
            ResourceExhaustion,
            10,
        ),
        (
            Language::JavaScript,
            "bodyconcat.js",
            "function f(req, cb) {\n  let body = \"\";\n  req.on(\"data\", (c) => {\n    body += c;\n  });\n  req.on(\"end\", () => cb(body));\n}\n",
            ResourceExhaustion,
            4,
        ),
        (
            Language::Go,
            "wgwait.go",
            "package p\n\nimport \"sync\"\n\nfunc f(wg *sync.WaitGroup) {\n\twg.Wait()\n}\n",
            Timeout,
            6,
        ),
        (
            Language::Rust,
            "mutexpoison.rs",
            "use std::sync::Mutex;\n\nfn f(m: &Mutex<Vec<u8>>) -> usize {\n    m.lock().unwrap().len()\n}\n",
            RaceCondition,
            4,
        ),
        (
            Language::Python,
            "dictiter.py",
            "import threading\n\nclass Reg:\n    def __init__(self):\n        self.lock = threading.Lock()\n        self.items = {}\n\n    def names(self):\n        return [k for k in self.items]\n",
            RaceCondition,
            9,
        ),
        (
            Language::Java,
            "A.java",
            "class A {\n  void f(java.util.List<String> xs) {\n    for (String x : xs) {\n      if (x.isEmpty()) {\n        xs.remove(x);\n      }\n    }\n  }\n}\n",
            RaceCondition,
            5,
        ),
        (
            Language::Python,
            "strptime.py",
            "from datetime import datetime\n\ndef f(s):\n    return datetime.strptime(s, \"%Y-%m-%d\")\n",
            ParseError,
            4,
        ),
        (
            Language::Go,
            "parseint.go",
            "package p\n\nimport \"strconv\"\n\nfunc f(s string) int64 {\n\tn, _ := strconv.ParseInt(s, 10, 64)\n\treturn n\n}\n",
            ParseError,
            6,
        ),
        (
            Language::JavaScript,
            "urlparse.js",
            "function f(s) {\n  return new URL(s).hostname;\n}\n",
            ParseError,
            2,
        ),
        (
            Language::Rust,
            "fromstr.rs",
            "fn f(s: &str) -> std::net::IpAddr {\n    s.parse().unwrap()\n}\n",
            ParseError,
            2,
        ),
        (
            Language::Python,
            "avg.py",
            "def f(xs):\n    return sum(xs) / len(xs)\n",
            DivisionByZero,
            2,
        ),
        (
            Language::Go,
            "mod.go",
            "package p\n\nfunc f(i, n int) int {\n\treturn i % n\n}\n",
            DivisionByZero,
            4,
        ),
        (
            Language::Java,
            "A.java",
            "class A {\n  char f(String s) {\n    return s.charAt(0);\n  }\n}\n",
            IndexOutOfRange,
            3,
        ),
        (
            Language::Python,
            "pop.py",
            "def f(stack):\n    return stack.pop()\n",
            IndexOutOfRange,
            2,
        ),
        (
            Language::Rust,
            "first.rs",
            "fn f(v: &[u32]) -> u32 {\n    *v.first().unwrap()\n}\n",
            NullOrNone,
            2,
        ),
        (
            Language::Java,
            "A.java",
            "class A {\n  String f(java.util.Optional<String> o) {\n    return o.get();\n  }\n}\n",
            NullOrNone,
            3,
        ),
        (
            Language::Python,
            "nextiter.py",
            "def f(xs):\n    return next(x for x in xs if x > 0)\n",
            IndexOutOfRange,
            2,
        ),
    ];
    for (language, path, bug, class, line) in rows {
        let same = |found: FailureClass| {
            found == *class
                || matches!(
                    (found, *class),
                    (KeyMissing, NullOrNone)
                        | (NullOrNone, KeyMissing)
                        | (Timeout, NetworkError)
                        | (NetworkError, Timeout)
                )
        };
        let found = candidates_of(*language, path, bug);
        assert!(
            found
                .iter()
                .any(|(c, l)| same(*c) && l.abs_diff(*line) <= 1),
            "{class:?} not near line {line} in {found:?}:\n{bug}"
        );
    }
}

#[test]
fn an_http_body_read_as_json() {
    flags_bug_not_fix(
        Language::Python,
        "client.py",
        "import requests\n\ndef quote(url):\n    resp = requests.get(url, timeout=5)\n    return resp.json()['price']\n",
        "import requests\n\ndef quote(url):\n    resp = requests.get(url, timeout=5)\n    try:\n        body = resp.json()\n    except ValueError:\n        return None\n    return body.get('price')\n",
        (ParseError, 5),
    );
}

#[test]
fn a_call_on_a_connection() {
    // A write to a transport the peer has reset raises; a handler of the
    // network's errors is the fix.
    flags_bug_not_fix(
        Language::Python,
        "writer.py",
        "class Writer:\n    def push(self, chunk):\n        self._transport.write(chunk)\n",
        "class Writer:\n    def push(self, chunk):\n        try:\n            self._transport.write(chunk)\n        except OSError:\n            self.close()\n",
        (NetworkError, 3),
    );
    // A read with no deadline waits for a stalled peer for ever.
    flags_bug_not_fix(
        Language::Go,
        "client.go",
        "package p\n\nfunc (c *Client) next() (byte, error) {\n\treturn c.conn.ReadByte()\n}\n",
        "package p\n\nfunc (c *Client) next() (byte, error) {\n\tc.conn.SetReadDeadline(c.clock.Now().Add(c.wait))\n\treturn c.conn.ReadByte()\n}\n",
        (Timeout, 4),
    );
}

#[test]
fn a_value_reached_through_a_field() {
    // ZooKeeper's SendAckRequestProcessor: the learner's socket was null
    // when the connection to the leader had failed.
    flags_bug_not_fix(
        Language::Java,
        "Ack.java",
        "class Ack {\n  void stop() {\n    if (!learner.sock.isClosed()) {\n      learner.sock.close();\n    }\n  }\n}\n",
        "class Ack {\n  void stop() {\n    if (learner.sock != null && !learner.sock.isClosed()) {\n      learner.sock.close();\n    }\n  }\n}\n",
        (NullOrNone, 3),
    );
}

#[test]
fn fixed_width_arithmetic() {
    flags_bug_not_fix(
        Language::Rust,
        "area.rs",
        "fn area(w: u32, h: u32) -> u32 {\n    w * h\n}\n",
        "fn area(w: u32, h: u32) -> u32 {\n    w.saturating_mul(h)\n}\n",
        (Overflow, 2),
    );
}

#[test]
fn mutual_recursion_by_a_shared_verb() {
    // A deserializer's `visit_sequence` calls the visitor's `visit_seq`,
    // which deserializes each element through it again: a document nested
    // deep enough overflows the stack; the fix counts the depth.
    flags_bug_not_fix(
        Language::Rust,
        "de.rs",
        "impl De {\n    fn parse_value(&mut self) -> Value {\n        self.parse_array()\n    }\n}\n",
        "impl De {\n    fn parse_value(&mut self) -> Value {\n        if self.depth > MAX_DEPTH {\n            return Value::Null;\n        }\n        self.parse_array()\n    }\n}\n",
        (ResourceExhaustion, 3),
    );
    // Python's private helpers: the leading underscore is no part of the
    // verb (tomlkit's `_parse_value` and `_parse_array`).
    flags_bug_not_fix(
        Language::Python,
        "parser.py",
        "class Parser:\n    def _parse_value(self):\n        if self._current == '[':\n            return self._parse_array()\n        return None\n",
        "class Parser:\n    def _parse_value(self):\n        if self._depth > MAX_NESTING:\n            raise ParseError('too deep')\n        if self._current == '[':\n            return self._parse_array()\n        return None\n",
        (ResourceExhaustion, 4),
    );
}

#[test]
fn mutual_recursion_through_the_files_call_graph() {
    // tomlkit: `_parse_value` calls `_parse_array`, which calls
    // `_parse_value` for each element: a cycle, flagged at the call that
    // closes it. `_parse_true`, defined in the file and calling nothing
    // back, shares the verb and is no recursion.
    let source = "class Parser:\n    def _parse_value(self):\n        c = self._current\n        if c == 't':\n            return self._parse_true()\n        if c == '[':\n            return self._parse_array()\n        return None\n\n    def _parse_true(self):\n        return True\n\n    def _parse_array(self):\n        items = []\n        while self._current != ']':\n            items.append(self._parse_value())\n        return items\n";
    let found = candidates_of(Language::Python, "parser.py", source);
    assert!(found.contains(&(ResourceExhaustion, 7)), "{found:?}");
    assert!(!found.contains(&(ResourceExhaustion, 5)), "{found:?}");
    // wsproto: `send` hands an event to `_initiate`, which calls its
    // connection's own `send`, another object's method: no cycle.
    let found = candidates_of(
        Language::Python,
        "handshake.py",
        "class Handshake:\n    def send(self, event):\n        return self._initiate(event)\n\n    def _initiate(self, event):\n        return self._conn.send(event)\n",
    );
    assert!(!found.contains(&(ResourceExhaustion, 3)), "{found:?}");
    // With a real cycle (`_initiate` also calls `self.send`), the
    // connection's `send` beside it is still not the call back.
    let found = candidates_of(
        Language::Python,
        "handshake.py",
        "class Handshake:\n    def send(self, event):\n        return self._initiate(event)\n\n    def _initiate(self, event):\n        self._conn.send(event)\n        return self.send(event.next)\n",
    );
    assert!(found.contains(&(ResourceExhaustion, 7)), "{found:?}");
    assert!(!found.contains(&(ResourceExhaustion, 6)), "{found:?}");
}

#[test]
fn recursion_counted_before_the_call_is_bounded() {
    // msgp's Skip: the fix counts the depth with a helper before recursing
    // (`m.recursiveCall()`), which returns an error past its limit.
    flags_bug_not_fix(
        Language::Go,
        "read.go",
        "package p\n\nfunc (m *Reader) Skip() error {\n\tfor x := 0; x < m.n; x++ {\n\t\tif err := m.Skip(); err != nil {\n\t\t\treturn err\n\t\t}\n\t}\n\treturn nil\n}\n",
        "package p\n\nfunc (m *Reader) Skip() error {\n\tif done, err := m.recursiveCall(); err != nil {\n\t\treturn err\n\t} else {\n\t\tdefer done()\n\t}\n\tfor x := 0; x < m.n; x++ {\n\t\tif err := m.Skip(); err != nil {\n\t\t\treturn err\n\t\t}\n\t}\n\treturn nil\n}\n",
        (ResourceExhaustion, 5),
    );
    // A depth compared with its bound before the call.
    flags_bug_not_fix(
        Language::Python,
        "walk.py",
        "def walk(node, depth=0):\n    for child in node.children:\n        walk(child, depth + 1)\n",
        "def walk(node, depth=0):\n    if depth > MAX_DEPTH:\n        raise ValueError('too deep')\n    for child in node.children:\n        walk(child, depth + 1)\n",
        (ResourceExhaustion, 3),
    );
    // Or the stack's own error caught and turned into the caller's: a
    // Python RecursionError, JavaScript's RangeError (body-parser).
    flags_bug_not_fix(
        Language::Python,
        "walk.py",
        "def walk(node):\n    for child in node.children:\n        walk(child)\n",
        "def walk(node):\n    try:\n        for child in node.children:\n            walk(child)\n    except RecursionError:\n        raise ValueError('too deep')\n",
        (ResourceExhaustion, 3),
    );
    flags_bug_not_fix(
        Language::JavaScript,
        "parse.js",
        "function walk(node) {\n  for (const child of node.children) {\n    walk(child);\n  }\n}\n",
        "function walk(node) {\n  try {\n    for (const child of node.children) {\n      walk(child);\n    }\n  } catch (err) {\n    if (err instanceof RangeError) {\n      throw new Error('too deep');\n    }\n    throw err;\n  }\n}\n",
        (ResourceExhaustion, 3),
    );
}

#[test]
fn a_result_a_helper_of_the_file_can_return_null_is_checked() {
    // `session()` returns None once the client is closed: the caller that
    // reads an attribute of its result fails on that path; the check is
    // the fix.
    flags_bug_not_fix(
        Language::Python,
        "client.py",
        "class Client:\n    def session(self):\n        if self._closed:\n            return None\n        return self._session\n\n    def send(self, data):\n        current = self.session()\n        return current.post(data)\n",
        "class Client:\n    def session(self):\n        if self._closed:\n            return None\n        return self._session\n\n    def send(self, data):\n        current = self.session()\n        if current is None:\n            raise ClosedError()\n        return current.post(data)\n",
        (NullOrNone, 9),
    );
    flags_bug_not_fix(
        Language::JavaScript,
        "users.js",
        "function byId(list, id) {\n  for (const x of list) {\n    if (x.id === id) return x;\n  }\n  return null;\n}\n\nfunction name(list, id) {\n  const found = byId(list, id);\n  return found.name;\n}\n",
        "function byId(list, id) {\n  for (const x of list) {\n    if (x.id === id) return x;\n  }\n  return null;\n}\n\nfunction name(list, id) {\n  const found = byId(list, id);\n  return found ? found.name : '';\n}\n",
        (NullOrNone, 10),
    );
    // A helper that always returns a value says nothing.
    let found = candidates_of(
        Language::Python,
        "store.py",
        "class Store:\n    def make(self, key):\n        return Item(key)\n\n    def price(self, key):\n        entry = self.make(key)\n        return entry.price\n",
    );
    assert!(!found.contains(&(NullOrNone, 7)), "{found:?}");
}

#[test]
fn text_converted_by_the_default_locale() {
    // `String.format` formats numbers by the default locale: a decimal
    // comma where the reader expects a point.
    flags_bug_not_fix(
        Language::Java,
        "Price.java",
        "class Price {\n  String show(double price) {\n    return String.format(\"%.2f\", price);\n  }\n}\n",
        "class Price {\n  String show(double price) {\n    return String.format(Locale.ROOT, \"%.2f\", price);\n  }\n}\n",
        (Encoding, 3),
    );
}

#[test]
fn a_date_stepped_in_local_time() {
    // The end of a local day on which the clocks change is not 24 hours
    // after its start; in UTC it is.
    flags_bug_not_fix(
        Language::JavaScript,
        "range.js",
        "function lastMoment(date) {\n  return date.endOf('day');\n}\n",
        "function lastMoment(date) {\n  return date.toUTC().endOf('day');\n}\n",
        (TimezoneDst, 2),
    );
}

#[test]
fn a_call_that_takes_a_position() {
    flags_bug_not_fix(
        Language::Java,
        "Names.java",
        "class Names {\n  String first(List<String> items) {\n    return items.get(0);\n  }\n}\n",
        "class Names {\n  String first(List<String> items) {\n    if (items.isEmpty()) {\n      return null;\n    }\n    return items.get(0);\n  }\n}\n",
        (IndexOutOfRange, 3),
    );
    // A key is no position.
    let found = candidates_of(
        Language::Java,
        "Names.java",
        "class Names {\n  String of(Map<String, String> names, String key) {\n    return names.get(key);\n  }\n}\n",
    );
    assert!(
        !found.iter().any(|(c, _)| *c == IndexOutOfRange),
        "{found:?}"
    );
}

#[test]
fn a_field_tested_then_set() {
    // A lazily made connection: two threads both see None and both
    // connect; the fix holds a lock around the test and the write.
    flags_bug_not_fix(
        Language::Python,
        "pool.py",
        "class Pool:\n    def connection(self):\n        if self._conn is None:\n            self._conn = connect()\n        return self._conn\n",
        "class Pool:\n    def connection(self):\n        with self._lock:\n            if self._conn is None:\n                self._conn = connect()\n            return self._conn\n",
        (RaceCondition, 3),
    );
}

#[test]
fn a_shared_field_read_without_its_lock() {
    // nats.go's EncodedConn.LastError read the connection's error while
    // its reader goroutine set it; the fix reads it under the lock.
    flags_bug_not_fix(
        Language::Go,
        "conn.go",
        "package p\n\nimport \"sync\"\n\ntype Conn struct {\n\tmu  sync.Mutex\n\terr error\n}\n\nfunc (c *Conn) LastError() error {\n\treturn c.err\n}\n",
        "package p\n\nimport \"sync\"\n\ntype Conn struct {\n\tmu  sync.Mutex\n\terr error\n}\n\nfunc (c *Conn) LastError() error {\n\tc.mu.Lock()\n\tdefer c.mu.Unlock()\n\treturn c.err\n}\n",
        (RaceCondition, 11),
    );
}

#[test]
fn a_getter_result_dereferenced() {
    // A view that is not attached has no parent.
    flags_bug_not_fix(
        Language::Java,
        "Views.java",
        "class V {\n  int width(View view) {\n    return view.getParent().getWidth();\n  }\n}\n",
        "class V {\n  int width(View view) {\n    View parent = view.getParent();\n    if (parent == null) {\n      return 0;\n    }\n    return parent.getWidth();\n  }\n}\n",
        (NullOrNone, 3),
    );
}

#[test]
fn an_element_dereferenced() {
    flags_bug_not_fix(
        Language::JavaScript,
        "label.js",
        "function label(items, i) {\n  return items[i].name;\n}\n",
        "function label(items, i) {\n  return items[i]?.name;\n}\n",
        (NullOrNone, 2),
    );
}

#[test]
fn a_file_opened_and_never_closed() {
    flags_bug_not_fix(
        Language::Python,
        "head.py",
        "def head(path):\n    f = open(path)\n    line = f.readline()\n    return line\n",
        "def head(path):\n    with open(path) as f:\n        return f.readline()\n",
        (ResourceExhaustion, 2),
    );
    // Returned, it is the caller's to close.
    let found = candidates_of(
        Language::Python,
        "head.py",
        "def reader(path):\n    f = open(path)\n    return f\n",
    );
    assert!(
        !found.iter().any(|(c, _)| *c == ResourceExhaustion),
        "{found:?}"
    );
}

#[test]
fn a_goroutine_reading_the_loop_variable() {
    flags_bug_not_fix(
        Language::Go,
        "fetch.go",
        "package p\n\nfunc fetchAll(urls []string) {\n\tfor _, u := range urls {\n\t\tgo func() {\n\t\t\tfetch(u)\n\t\t}()\n\t}\n}\n",
        "package p\n\nfunc fetchAll(urls []string) {\n\tfor _, u := range urls {\n\t\tgo func(u string) {\n\t\t\tfetch(u)\n\t\t}(u)\n\t}\n}\n",
        (RaceCondition, 5),
    );
}

#[test]
fn a_call_on_a_remote_service() {
    // A database connection drops like any socket; so does a pooled one.
    flags_bug_not_fix(
        Language::Python,
        "store.py",
        "class Store:\n    def save(self, row):\n        self.db.execute(INSERT, row)\n",
        "class Store:\n    def save(self, row):\n        try:\n            self.db.execute(INSERT, row)\n        except Exception:\n            self.retry(row)\n",
        (NetworkError, 3),
    );
    // A map of pools is a map.
    let found = candidates_of(
        Language::Java,
        "Pools.java",
        "class P {\n  Object of(String key) {\n    return poolMap.get(key);\n  }\n}\n",
    );
    assert!(!found.iter().any(|(c, _)| *c == NetworkError), "{found:?}");
}

#[test]
fn a_collection_that_may_be_empty() {
    flags_bug_not_fix(
        Language::JavaScript,
        "sum.js",
        "function total(items) {\n  return items.reduce((a, b) => a + b);\n}\n",
        "function total(items) {\n  return items.reduce((a, b) => a + b, 0);\n}\n",
        (TypeError, 2),
    );
    flags_bug_not_fix(
        Language::Python,
        "undo.py",
        "def undo(stack):\n    return stack.pop()\n",
        "def undo(stack):\n    if not stack:\n        return None\n    return stack.pop()\n",
        (IndexOutOfRange, 2),
    );
    flags_bug_not_fix(
        Language::Java,
        "Pick.java",
        "class Pick {\n  User pick(List<User> users) {\n    return users.stream().filter(User::active).findFirst().get();\n  }\n}\n",
        "class Pick {\n  User pick(List<User> users) {\n    return users.stream().filter(User::active).findFirst().orElse(null);\n  }\n}\n",
        (KeyMissing, 3),
    );
}

#[test]
fn a_collection_changed_while_walked() {
    flags_bug_not_fix(
        Language::Python,
        "expire.py",
        "def expire(cache, now):\n    for key in cache:\n        if cache[key] < now:\n            del cache[key]\n",
        "def expire(cache, now):\n    for key in list(cache):\n        if cache[key] < now:\n            del cache[key]\n",
        (RaceCondition, 2),
    );
    flags_bug_not_fix(
        Language::Java,
        "Prune.java",
        "class Prune {\n  void prune(List<Item> items) {\n    for (Item item : items) {\n      if (item.dead()) {\n        items.remove(item);\n      }\n    }\n  }\n}\n",
        "class Prune {\n  void prune(List<Item> items) {\n    items.removeIf(Item::dead);\n  }\n}\n",
        (RaceCondition, 3),
    );
}

#[test]
fn a_go_map_field_written_unmade() {
    flags_bug_not_fix(
        Language::Go,
        "index.go",
        "package p\n\nfunc (s *Store) Put(k string, v int) {\n\ts.index[k] = v\n}\n",
        "package p\n\nfunc (s *Store) Put(k string, v int) {\n\tif s.index == nil {\n\t\ts.index = make(map[string]int)\n\t}\n\ts.index[k] = v\n}\n",
        (NullOrNone, 4),
    );
}

#[test]
fn a_go_http_client_without_a_timeout() {
    flags_bug_not_fix(
        Language::Go,
        "fetch.go",
        "package p\n\nimport \"net/http\"\n\nfunc client() *http.Client {\n\treturn &http.Client{Transport: tr}\n}\n",
        "package p\n\nimport \"net/http\"\n\nfunc client() *http.Client {\n\treturn &http.Client{Transport: tr, Timeout: 10 * time.Second}\n}\n",
        (Timeout, 6),
    );
}

#[test]
fn a_promise_only_callbacks_settle() {
    flags_bug_not_fix(
        Language::JavaScript,
        "drain.js",
        "function drained(stream) {\n  return new Promise((resolve) => {\n    stream.on('end', resolve);\n  });\n}\n",
        "function drained(stream) {\n  return new Promise((resolve, reject) => {\n    stream.on('end', resolve);\n    stream.on('error', reject);\n  });\n}\n",
        (Timeout, 2),
    );
}

#[test]
fn a_cache_that_only_grows() {
    flags_bug_not_fix(
        Language::Python,
        "cache.py",
        "class Resolver:\n    def resolve(self, host):\n        addr = lookup(host)\n        self._cache[host] = addr\n        return addr\n",
        "class Resolver:\n    def resolve(self, host):\n        addr = lookup(host)\n        if len(self._cache) > MAX_ENTRIES:\n            self._cache.clear()\n        self._cache[host] = addr\n        return addr\n",
        (ResourceExhaustion, 4),
    );
}

#[test]
fn an_allocation_sized_by_input() {
    flags_bug_not_fix(
        Language::Java,
        "Frame.java",
        "class Frame {\n  byte[] body(DataInputStream in) throws IOException {\n    int length = in.readInt();\n    byte[] body = new byte[length];\n    in.readFully(body);\n    return body;\n  }\n}\n",
        "class Frame {\n  byte[] body(DataInputStream in) throws IOException {\n    int length = in.readInt();\n    if (length > MAX_FRAME) {\n      throw new IOException(\"frame too large\");\n    }\n    byte[] body = new byte[length];\n    in.readFully(body);\n    return body;\n  }\n}\n",
        (ResourceExhaustion, 4),
    );
}

#[test]
fn a_call_result_dereferenced_unchecked() {
    // RxJS's audit: the subscription helper returns undefined for a
    // source that completes synchronously.
    flags_bug_not_fix(
        Language::TypeScript,
        "audit.ts",
        "function next(d: any) {\n  const inner = subscribeToResult(d);\n  if (inner.closed) {\n    clear();\n  }\n}\n",
        "function next(d: any) {\n  const inner = subscribeToResult(d);\n  if (!inner || inner.closed) {\n    clear();\n  }\n}\n",
        (NullOrNone, 3),
    );
}

#[test]
fn a_java_call_result_dereferenced_by_a_method_call() {
    // cordova-plugin-local-notification: an alarm for a notification no
    // longer in the preferences; the lookup, its arguments over two
    // lines, returns null and `show` is called on it. Java dereferences by
    // calling a method as often as by reading a field.
    flags_bug_not_fix(
        Language::Java,
        "TriggerReceiver.java",
        "class TriggerReceiver {\n  void onReceive(Context context, int id) {\n    Notification notification = Notification.getFromSharedPreferences(\n        context, id);\n    notification.show(false);\n  }\n}\n",
        "class TriggerReceiver {\n  void onReceive(Context context, int id) {\n    Notification notification = Notification.getFromSharedPreferences(\n        context, id);\n    if (notification == null) {\n      return;\n    }\n    notification.show(false);\n  }\n}\n",
        (NullOrNone, 5),
    );
}

#[test]
fn the_first_dereference_of_a_call_result_is_named() {
    // cordova-plugin-camera: `mimeType` is dereferenced in a condition,
    // and only a later branch checks it. The check after does not guard
    // the call before it.
    let found = candidates_of(
        Language::Java,
        "CameraLauncher.java",
        "class CameraLauncher {\n  void gallery(String uri) {\n    String mimeType = FileHelper.getMimeType(uri, this.cordova);\n    if (this.targetHeight == -1 && mimeType.equalsIgnoreCase(format())) {\n      return;\n    }\n    if (!\"image/jpeg\".equalsIgnoreCase(mimeType)) {\n      return;\n    }\n    mimeType.length();\n  }\n}\n",
    );
    assert!(found.contains(&(NullOrNone, 4)), "{found:?}");
    assert!(!found.contains(&(NullOrNone, 10)), "{found:?}");
}

#[test]
fn a_fixed_table_indexed_by_a_decoded_number() {
    // tinytag: an ID3 genre written `(255)` indexes the 192-entry genre
    // table past its end. The table is a list literal, so the subscript is
    // a position (an IndexError), not a key; checking the number against
    // the table's length is the fix.
    flags_bug_not_fix(
        Language::Python,
        "id3.py",
        "class ID3:\n    GENRES = [\"Blues\", \"Classic Rock\"]\n\n    def genre(self, value):\n        m = re.match(r\"^\\((\\d+)\\)$\", value)\n        if m:\n            return ID3.GENRES[int(m.group(1))]\n        return value\n",
        "class ID3:\n    GENRES = [\"Blues\", \"Classic Rock\"]\n\n    def genre(self, value):\n        m = re.match(r\"^\\((\\d+)\\)$\", value)\n        if m:\n            genre_id = int(m.group(1))\n            if 0 <= genre_id < len(ID3.GENRES):\n                return ID3.GENRES[genre_id]\n        return value\n",
        (IndexOutOfRange, 7),
    );
    // The same in Go and Java, whose tables are a slice literal and a
    // static array.
    let go = candidates_of(
        Language::Go,
        "op.go",
        "package p\n\nvar names = []string{\n\t\"nop\",\n\t\"push\",\n}\n\nfunc name(code byte) string {\n\treturn names[code]\n}\n",
    );
    assert!(go.contains(&(IndexOutOfRange, 9)), "{go:?}");
    let java = candidates_of(
        Language::Java,
        "Op.java",
        "class Op {\n  static final String[] NAMES = {\"nop\", \"push\"};\n  String name(int code) {\n    return NAMES[code];\n  }\n}\n",
    );
    assert!(java.contains(&(IndexOutOfRange, 4)), "{java:?}");
    // A dictionary is a table of keys: its lookup stays a key.
    let dict = candidates_of(
        Language::Python,
        "codes.py",
        "CODES = {\"a\": 1}\n\ndef code(name):\n    return CODES[name]\n",
    );
    assert!(!dict.iter().any(|(c, _)| *c == IndexOutOfRange), "{dict:?}");
}

#[test]
fn a_length_at_least_before_or_guards_nothing_after_it() {
    // tdewolff/parse: `for (let;;)` leaves the declaration list empty, and
    // the right of `||` runs exactly when the list is short.
    flags_bug_not_fix(
        Language::Go,
        "parse.go",
        "package p\n\nfunc bad(d *Decl) bool {\n\treturn 1 < len(d.List) || d.List[0].Default != nil\n}\n",
        "package p\n\nfunc bad(d *Decl) bool {\n\treturn 1 < len(d.List) || len(d.List) == 1 && d.List[0].Default != nil\n}\n",
        (IndexOutOfRange, 4),
    );
    let js = candidates_of(
        Language::JavaScript,
        "list.js",
        "function first(xs) {\n  return xs.length > 1 || xs[0].name === 'a';\n}\n",
    );
    assert!(js.contains(&(IndexOutOfRange, 2)), "{js:?}");
}

#[test]
fn a_pattern_compiled_elsewhere_backtracks_where_it_runs() {
    // configobj's validator: a class attribute compiled once, run on every
    // check string; `(.+?)\((.*)\)` on a long run of `(` tries every
    // split. The fix keeps parentheses out of the name.
    flags_bug_not_fix(
        Language::Python,
        "validate.py",
        "import re\n\nclass Validator:\n    _func_re = re.compile(r'(.+?)\\((.*)\\)', re.DOTALL)\n\n    def _parse_check(self, check):\n        fun_match = self._func_re.match(check)\n        return fun_match\n",
        "import re\n\nclass Validator:\n    _func_re = re.compile(r'([^\\(\\)]+?)\\((.*)\\)', re.DOTALL)\n\n    def _parse_check(self, check):\n        fun_match = self._func_re.match(check)\n        return fun_match\n",
        (Timeout, 7),
    );
    // A JavaScript module constant, run by `test` and by `replace`.
    let js = candidates_of(
        Language::JavaScript,
        "trim.js",
        "const TRAILING = /(\\s*,\\s*)+$/;\nfunction clean(s) {\n  return s.replace(TRAILING, '');\n}\nfunction dirty(s) {\n  return TRAILING.test(s);\n}\n",
    );
    assert!(
        js.contains(&(Timeout, 3)) && js.contains(&(Timeout, 6)),
        "{js:?}"
    );
}

#[test]
fn a_received_piece_kept_between_calls() {
    // Twisted's SSH transport: every piece a peer sends before its version
    // line is kept, and a version line that never ends fills the memory.
    // The fix disconnects past 4 KB.
    flags_bug_not_fix(
        Language::Python,
        "transport.py",
        "class SSHTransportBase(protocol.Protocol):\n    def dataReceived(self, data):\n        self.buf = self.buf + data\n        if not self.gotVersion:\n            if self.buf.find(b\"\\n\") == -1:\n                return\n",
        "class SSHTransportBase(protocol.Protocol):\n    def dataReceived(self, data):\n        self.buf = self.buf + data\n        if not self.gotVersion:\n            if len(self.buf) > 4096:\n                self.loseConnection()\n                return\n            if self.buf.find(b\"\\n\") == -1:\n                return\n",
        (ResourceExhaustion, 3),
    );
    // What a receiver builds in a local is gone when it returns.
    let local = candidates_of(
        Language::Python,
        "proto.py",
        "class P(asyncio.Protocol):\n    def data_received(self, data):\n        parts = []\n        parts.append(data)\n        self.handle(parts)\n",
    );
    assert!(
        !local.iter().any(|(c, _)| *c == ResourceExhaustion),
        "{local:?}"
    );
}

#[test]
fn a_class_of_one_method_still_has_its_parameters() {
    // The class's body spans exactly its one method: the analysis must
    // still read the method, parameters included, not the block.
    let found = candidates_of(
        Language::Python,
        "fields.py",
        "class Splitter:\n    def fields(self, sep, line):\n        return re.split(sep, line)\n",
    );
    assert!(found.contains(&(ParseError, 3)), "{found:?}");
}

#[test]
fn a_socket_of_the_ipv6_family_where_ipv6_is_off() {
    // mitmproxy: on a host with IPv6 disabled, making the socket raises
    // OSError (EAFNOSUPPORT) outside the handler meant for connecting.
    flags_bug_not_fix(
        Language::Python,
        "local_ip.py",
        "def get_local_ip6(reachable):\n    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)\n    try:\n        s.connect((reachable, 80))\n        return s.getsockname()\n    except OSError:\n        return None\n",
        "def get_local_ip6(reachable):\n    s = None\n    try:\n        s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)\n        s.connect((reachable, 80))\n        return s.getsockname()\n    except OSError:\n        return None\n",
        (NetworkError, 2),
    );
    // nebula's listener makes its socket through the system call.
    let go = candidates_of(
        Language::Go,
        "udp.go",
        "package p\n\nfunc listen() (int, error) {\n\treturn unix.Socket(unix.AF_INET6, unix.SOCK_DGRAM, unix.IPPROTO_UDP)\n}\n",
    );
    assert!(go.contains(&(NetworkError, 4)), "{go:?}");
}

#[test]
fn library_calls_documented_to_throw_on_what_they_are_given() {
    // Each call throws for some values of its argument, by its library's
    // contract; a constant argument is the value the code was tried with.
    let cases: &[(Language, &str, &str, FailureClass)] = &[
        (
            Language::Python,
            "zone.py",
            "def zone(name):\n    return ZoneInfo(name)\n",
            TimezoneDst,
        ),
        (
            Language::Python,
            "codec.py",
            "def codec(name):\n    return codecs.lookup(name)\n",
            Encoding,
        ),
        (
            Language::Java,
            "Money.java",
            "class Money {\n  Currency of(Locale locale) {\n    return Currency.getInstance(locale);\n  }\n}\n",
            KeyMissing,
        ),
        (
            Language::Java,
            "Tag.java",
            "class Tag {\n  JSONObject of(JSONObject json) throws JSONException {\n    return json.getJSONObject(\"ndef\");\n  }\n}\n",
            KeyMissing,
        ),
        (
            Language::Java,
            "Price.java",
            "class Price {\n  BigDecimal of(String text) {\n    return new BigDecimal(text);\n  }\n}\n",
            ParseError,
        ),
        (
            Language::JavaScript,
            "etag.js",
            "function length(chunk, encoding) {\n  return Buffer.byteLength(chunk, encoding);\n}\n",
            TypeError,
        ),
    ];
    for (language, path, source, class) in cases {
        let found = candidates_of(*language, path, source);
        assert!(
            found.iter().any(|(c, _)| c == class),
            "{class:?} not among {found:?} in\n{source}"
        );
    }
    let constant = candidates_of(
        Language::Python,
        "zone.py",
        "def zone():\n    return ZoneInfo(\"UTC\")\n",
    );
    assert!(
        !constant.iter().any(|(c, _)| *c == TimezoneDst),
        "{constant:?}"
    );
}

#[test]
fn a_not_found_position_used_as_a_position() {
    // cordova-plugin-contacts: a phone row without a label column, whose
    // index is then -1; the fix asks for the column or an exception.
    flags_bug_not_fix(
        Language::Java,
        "ContactAccessorSdk5.java",
        "class ContactAccessorSdk5 {\n  String label(Cursor cursor) {\n    return cursor.getString(cursor.getColumnIndex(Phone.LABEL));\n  }\n}\n",
        "class ContactAccessorSdk5 {\n  String label(Cursor cursor) {\n    return cursor.getString(cursor.getColumnIndexOrThrow(Phone.LABEL));\n  }\n}\n",
        (IndexOutOfRange, 3),
    );
    // `indexOf` through a local, and the same with its -1 checked.
    let not_found = |found: &[(FailureClass, usize, f32, String)], line: usize| {
        found
            .iter()
            .any(|(c, l, _, trigger)| *c == IndexOutOfRange && *l == line && trigger.contains("-1"))
    };
    let bug = broad_of(
        Language::Java,
        "Header.java",
        "class Header {\n  String name(String line) {\n    int colon = line.indexOf(':');\n    return line.substring(0, colon);\n  }\n}\n",
    );
    let fix = broad_of(
        Language::Java,
        "Header.java",
        "class Header {\n  String name(String line) {\n    int colon = line.indexOf(':');\n    if (colon < 0) {\n      return line;\n    }\n    return line.substring(0, colon);\n  }\n}\n",
    );
    assert!(not_found(&bug, 4), "{bug:?}");
    assert!(!not_found(&fix, 7), "{fix:?}");
}

#[test]
fn an_index_its_own_check_lets_through() {
    // gosnmp's unmarshalVBL: `cursor > len(packet)` returns, and
    // `packet[cursor]` then panics when the cursor sits at the end.
    flags_bug_not_fix(
        Language::Go,
        "marshal.go",
        "package p\n\nfunc vbl(packet []byte, cursor int) byte {\n\tif len(packet) == 0 || cursor > len(packet) {\n\t\treturn 0\n\t}\n\treturn packet[cursor]\n}\n",
        "package p\n\nfunc vbl(packet []byte, cursor int) byte {\n\tif len(packet) == 0 || cursor >= len(packet) {\n\t\treturn 0\n\t}\n\treturn packet[cursor]\n}\n",
        (IndexOutOfRange, 7),
    );
    flags_bug_not_fix(
        Language::Python,
        "pick.py",
        "def pick(xs, i):\n    if i <= len(xs):\n        return xs[i]\n    return None\n",
        "def pick(xs, i):\n    if i < len(xs):\n        return xs[i]\n    return None\n",
        (IndexOutOfRange, 3),
    );
    flags_bug_not_fix(
        Language::Rust,
        "sum.rs",
        "fn sum(v: &[u8]) -> u32 {\n    let mut s = 0;\n    for i in 0..=v.len() {\n        s += v[i] as u32;\n    }\n    s\n}\n",
        "fn sum(v: &[u8]) -> u32 {\n    let mut s = 0;\n    for i in 0..v.len() {\n        s += v[i] as u32;\n    }\n    s\n}\n",
        (IndexOutOfRange, 4),
    );
    flags_bug_not_fix(
        Language::Java,
        "Sum.java",
        "class Sum {\n  int sum(java.util.List<Integer> xs) {\n    int s = 0;\n    for (int i = 0; i <= xs.size(); i++) {\n      s += xs.get(i);\n    }\n    return s;\n  }\n}\n",
        "class Sum {\n  int sum(java.util.List<Integer> xs) {\n    int s = 0;\n    for (int i = 0; i < xs.size(); i++) {\n      s += xs.get(i);\n    }\n    return s;\n  }\n}\n",
        (IndexOutOfRange, 5),
    );
    // tera's truncate: `length > s.len()` returns, and the character one
    // past the end is None. The cut itself, at a char_indices offset, is
    // on a boundary.
    let truncate = |check: &str| {
        broad_of(
            Language::Rust,
            "filters.rs",
            &format!("fn truncate(s: &str, length: usize) -> String {{\n    if {check} {{\n        return s.to_string();\n    }}\n    s[..s.char_indices().nth(length).unwrap().0].to_string()\n}}\n"),
        )
        .into_iter()
        .any(|(c, l, _, t)| c == IndexOutOfRange && l == 5 && t.contains("lets through"))
    };
    assert!(truncate("length > s.len()"));
    assert!(!truncate("length >= s.len()"));
    let cut = candidates_of(
        Language::Rust,
        "filters.rs",
        "fn head(s: &str, length: usize) -> &str {\n    &s[..s.char_indices().nth(length).map_or(s.len(), |(i, _)| i)]\n}\n",
    );
    assert!(!cut.contains(&(Encoding, 2)), "{cut:?}");
    // The check is the likeliest failure of the function and says why.
    let found = broad_of(
        Language::JavaScript,
        "rows.js",
        "function names(rows) {\n  const out = [];\n  for (let i = 0; i <= rows.length; i++) {\n    out.push(rows[i].name.trim());\n  }\n  return out;\n}\n",
    );
    let top = found
        .iter()
        .max_by(|a, b| a.2.total_cmp(&b.2))
        .expect("candidates");
    assert_eq!((top.0, top.1), (IndexOutOfRange, 4), "{found:?}");
    assert!(top.3.contains("`i` equals the length of `rows`"), "{top:?}");
    // A cut may end at the length: `xs[:i]`, `&v[..i]`, `b[:i]`.
    for (language, path, source) in [
        (
            Language::Python,
            "cut.py",
            "def cut(xs, i):\n    if i <= len(xs):\n        return xs[:i]\n    return xs\n",
        ),
        (
            Language::Rust,
            "cut.rs",
            "fn cut(v: &[u8], i: usize) -> &[u8] {\n    if i <= v.len() {\n        return &v[..i];\n    }\n    v\n}\n",
        ),
        (
            Language::Go,
            "cut.go",
            "package p\n\nfunc cut(b []byte, i int) []byte {\n\tif i <= len(b) {\n\t\treturn b[:i]\n\t}\n\treturn b\n}\n",
        ),
    ] {
        let found = broad_of(language, path, source);
        assert!(
            !found
                .iter()
                .any(|(.., trigger)| trigger.contains("lets through")),
            "{language:?}: {found:?}"
        );
    }
}

#[test]
fn a_naive_utc_datetime_read_as_local_time() {
    // `utcnow()` is naive; `.timestamp()` reads it as local time, off by
    // the host's offset. The fix asks for an aware time.
    flags_bug_not_fix(
        Language::Python,
        "token.py",
        "from datetime import datetime, timezone\n\ndef expiry(ttl):\n    return datetime.utcnow().timestamp() + ttl\n",
        "from datetime import datetime, timezone\n\ndef expiry(ttl):\n    return datetime.now(timezone.utc).timestamp() + ttl\n",
        (TimezoneDst, 4),
    );
    // Through a local, and the same local given its zone.
    flags_bug_not_fix(
        Language::Python,
        "token.py",
        "from datetime import datetime, timezone\n\ndef expiry(ttl):\n    start = datetime.utcnow()\n    return start.timestamp() + ttl\n",
        "from datetime import datetime, timezone\n\ndef expiry(ttl):\n    start = datetime.utcnow().replace(tzinfo=timezone.utc)\n    return start.timestamp() + ttl\n",
        (TimezoneDst, 5),
    );
    // A UTC time tuple handed to the local-time `mktime`.
    let found = candidates_of(
        Language::Python,
        "epoch.py",
        "import time\n\ndef epoch(d):\n    return time.mktime(d.utctimetuple())\n",
    );
    assert!(found.contains(&(TimezoneDst, 4)), "{found:?}");
}

#[test]
fn a_lock_that_excludes_nothing() {
    // A lock made on every call: each thread holds its own. The fix makes
    // one for the module.
    flags_bug_not_fix(
        Language::Python,
        "counter.py",
        "import threading\n\ncount = 0\n\ndef bump():\n    global count\n    lock = threading.Lock()\n    with lock:\n        count += 1\n",
        "import threading\n\ncount = 0\nlock = threading.Lock()\n\ndef bump():\n    global count\n    with lock:\n        count += 1\n",
        (RaceCondition, 8),
    );
    // A local lock handed to the threads it starts is shared by them.
    let shared = broad_of(
        Language::Python,
        "pool.py",
        "import threading\n\ndef run(items):\n    lock = threading.Lock()\n    ts = [threading.Thread(target=work, args=(lock, i)) for i in items]\n    with lock:\n        pass\n",
    );
    assert!(
        !shared
            .iter()
            .any(|(c, l, ..)| *c == RaceCondition && *l == 6),
        "{shared:?}"
    );
    let java = candidates_of(
        Language::Java,
        "Counter.java",
        "class Counter {\n  private int n;\n  void bump() {\n    synchronized (new Object()) {\n      n++;\n    }\n  }\n}\n",
    );
    assert!(java.contains(&(RaceCondition, 4)), "{java:?}");
}

#[test]
fn java_double_checked_locking_without_volatile() {
    flags_bug_not_fix(
        Language::Java,
        "Registry.java",
        "class Registry {\n  private static Registry instance;\n  static Registry get() {\n    if (instance == null) {\n      synchronized (Registry.class) {\n        if (instance == null) {\n          instance = new Registry();\n        }\n      }\n    }\n    return instance;\n  }\n}\n",
        "class Registry {\n  private static volatile Registry instance;\n  static Registry get() {\n    if (instance == null) {\n      synchronized (Registry.class) {\n        if (instance == null) {\n          instance = new Registry();\n        }\n      }\n    }\n    return instance;\n  }\n}\n",
        (RaceCondition, 4),
    );
}

#[test]
fn a_goroutine_that_adds_for_another_it_starts() {
    // nats-server: the goroutine adds to the group for the goroutine it
    // starts, and waits on its own group itself: both are right.
    let found = broad_of(
        Language::Go,
        "stream.go",
        "package p\n\nfunc (m *M) setup() {\n\tgo func() {\n\t\tready := sync.WaitGroup{}\n\t\tm.wg.Add(1)\n\t\tready.Add(1)\n\t\tgo m.process(&ready)\n\t\tready.Wait()\n\t}()\n}\n",
    );
    assert!(
        !found.iter().any(|(.., t)| t.contains("added itself")),
        "{found:?}"
    );
}

#[test]
fn the_else_of_a_presence_test_has_the_value_absent() {
    // node-imap: the else branch of `typeof cur[1] === 'string'` reads
    // `cur[0]` with nothing known of it.
    let source = |test: &str| {
        format!(
            "function part(cur) {{\n  if ({test}) {{\n    return null;\n  }} else {{\n    return cur[0].toLowerCase();\n  }}\n}}\n"
        )
    };
    let flagged = |test: &str| {
        candidates_of(Language::JavaScript, "Parser.js", &source(test))
            .iter()
            .any(|(c, l)| *c == IndexOutOfRange && *l == 5)
    };
    assert!(flagged("typeof cur[0] === 'string'"));
    // An absence test, or an ordering, guards its else branch.
    assert!(!flagged("!cur[0]"));
    assert!(!flagged("cur[0] == null"));
    assert!(!flagged("cur.length < 1"));
    // Python's else and Rust's else of an emptiness test.
    let python = candidates_of(
        Language::Python,
        "p.py",
        "def first(xs):\n    if xs:\n        return None\n    else:\n        return xs[0]\n",
    );
    assert!(python.contains(&(IndexOutOfRange, 5)), "{python:?}");
    let rust = candidates_of(
        Language::Rust,
        "p.rs",
        "fn first(tail: &[u8]) -> Option<u8> {\n    if tail.is_empty() {\n        None\n    } else {\n        Some(tail[0])\n    }\n}\n",
    );
    assert!(!rust.contains(&(IndexOutOfRange, 5)), "{rust:?}");
}

#[test]
fn a_read_added_to_a_total_never_sees_the_end() {
    let spins = |language, path, source: &str, line| {
        broad_of(language, path, source).iter().any(|(c, l, _, t)| {
            *c == Timeout && *l == line && t.contains("every read returns nothing")
        })
    };
    // avsc's extractFileHeader: a file shorter than four bytes, and
    // `fs.readSync` adds 0 for ever. The fix stops on a read of nothing.
    assert!(spins(
        Language::JavaScript,
        "index.js",
        "function header(fd, buf) {\n  var pos = 0;\n  while (pos < 4) {\n    pos += fs.readSync(fd, buf, pos, 4 - pos);\n  }\n  return buf;\n}\n",
        4
    ));
    assert!(!spins(
        Language::JavaScript,
        "index.js",
        "function header(fd, buf) {\n  var pos = 0;\n  while (pos < 4) {\n    var n = fs.readSync(fd, buf, pos, 4 - pos);\n    if (n === 0) {\n      throw new Error('short file');\n    }\n    pos += n;\n  }\n  return buf;\n}\n",
        4
    ));
    // The same in Python, on a file; a loop that asks the stream for its
    // end is the guard.
    assert!(spins(
        Language::Python,
        "client.py",
        "def read_exact(f, n):\n    buf = b''\n    while len(buf) < n:\n        buf += f.read(n - len(buf))\n    return buf\n",
        4
    ));
    assert!(!spins(
        Language::Python,
        "client.py",
        "def read_exact(stream, n):\n    buf = b''\n    while len(buf) < n:\n        buf += stream.read(n - len(buf))\n        if stream.at_eof():\n            raise EOFError\n    return buf\n",
        4
    ));
}

#[test]
fn ord_of_what_a_read_returned() {
    // At the end of its input `read(1)` returns b"", and `ord(b"")` raises
    // TypeError; a character taken from a string is always one.
    flags_bug_not_fix(
        Language::Python,
        "port.py",
        "def receive(f):\n    byte = f.read(1)\n    return ord(byte)\n",
        "def receive(f):\n    byte = f.read(1)\n    if not byte:\n        return None\n    return ord(byte)\n",
        (TypeError, 3),
    );
    let chars = candidates_of(
        Language::Python,
        "codes.py",
        "def codes(s):\n    return [ord(c) for c in s]\n",
    );
    assert!(!chars.iter().any(|(c, _)| *c == TypeError), "{chars:?}");
}

#[test]
fn text_after_a_call_is_cut_between_characters() {
    // The rules that look a few bytes past a call (`.unwrap()` after it)
    // once cut the text inside a multi-byte character and panicked, and
    // `failcast check` with it. Every offset of the first `é` is tried.
    for pad in ["", "x", "xx", "xxx"] {
        let source = format!(
            "fn f(s: &str, n: usize, p: &Path) -> Option<char> {{\n    if p.exists() {{\n        fs::read(p) // {pad}éééééééééééééééééééééééé\n    }}\n    s.parse::<u8>() // {pad}éééééééééééééééééééééééééééééé\n    s.chars().nth(n) // {pad}éééééééééééé\n}}\n"
        );
        candidates_of(Language::Rust, "f.rs", &source);
    }
}

#[test]
fn a_check_made_before_the_index_moved_on() {
    // asn1crypto's _parse: `data_len < pointer + 2` is checked once, then
    // the pointer moves on through a tag of any length and the next byte
    // is read past the end. The fix checks again before the read.
    flags_bug_not_fix(
        Language::Python,
        "parser.py",
        "def _parse(encoded_data, data_len, pointer=0):\n    if data_len < pointer + 2:\n        raise ValueError('short')\n    pointer += 1\n    while encoded_data[pointer] & 128:\n        pointer += 1\n    return encoded_data[pointer]\n",
        "def _parse(encoded_data, data_len, pointer=0):\n    if data_len < pointer + 2:\n        raise ValueError('short')\n    pointer += 1\n    while pointer < data_len and encoded_data[pointer] & 128:\n        pointer += 1\n    if pointer >= data_len:\n        raise ValueError('short')\n    return encoded_data[pointer]\n",
        (IndexOutOfRange, 7),
    );
    // No number is divided by a tuple: `MESSAGE % (2, n)` formats.
    let formatted = candidates_of(
        Language::Python,
        "parser.py",
        "def fail(n):\n    raise ValueError(_INSUFFICIENT % (2, n))\n",
    );
    assert!(
        !formatted.iter().any(|(c, _)| *c == DivisionByZero),
        "{formatted:?}"
    );
}

#[test]
fn a_go_header_missing_is_an_empty_slice_indexed() {
    // git-lfs: a 429 with no Retry-After header. The map gives a nil
    // slice, and `[0]` of it panics; `Header.Get` gives "" instead.
    flags_bug_not_fix(
        Language::Go,
        "basic.go",
        "package p\n\nfunc retry(res *http.Response) string {\n\treturn res.Header[\"Retry-After\"][0]\n}\n",
        "package p\n\nfunc retry(res *http.Response) string {\n\treturn res.Header.Get(\"Retry-After\")\n}\n",
        (IndexOutOfRange, 4),
    );
    // The lookup itself is no failure of its own at that spot.
    let found = broad_of(
        Language::Go,
        "basic.go",
        "package p\n\nfunc retry(res *http.Response) string {\n\treturn res.Header[\"Retry-After\"][0]\n}\n",
    );
    assert!(!found.iter().any(|(c, ..)| *c == KeyMissing), "{found:?}");
}

#[test]
fn a_chain_walked_past_its_end() {
    // react-native-view-shot: the parents of a view not under `root` end
    // in null before they reach it, and the next turn calls getParent on
    // it. The fix stops at null too.
    flags_bug_not_fix(
        Language::Java,
        "ViewShot.java",
        "class ViewShot {\n  void parents(View root, View child) {\n    View iterator = child;\n    do {\n      ms.add(iterator);\n      iterator = (View) iterator.getParent();\n    } while (iterator != root);\n  }\n}\n",
        "class ViewShot {\n  void parents(View root, View child) {\n    View iterator = child;\n    do {\n      ms.add(iterator);\n      iterator = (View) iterator.getParent();\n    } while (iterator != null && iterator != root);\n  }\n}\n",
        (NullOrNone, 6),
    );
    flags_bug_not_fix(
        Language::JavaScript,
        "closest.js",
        "function below(node, stop) {\n  while (node !== stop) {\n    node = node.parentNode;\n  }\n  return node;\n}\n",
        "function below(node, stop) {\n  while (node && node !== stop) {\n    node = node.parentNode;\n  }\n  return node;\n}\n",
        (NullOrNone, 3),
    );
    flags_bug_not_fix(
        Language::Python,
        "tree.py",
        "def below(node, target):\n    while node is not target:\n        node = node.parent\n    return node\n",
        "def below(node, target):\n    while node is not None and node is not target:\n        node = node.parent\n    return node\n",
        (NullOrNone, 3),
    );
}

#[test]
fn a_timeout_is_handled_only_by_a_timeout_handler() {
    // A read that waits forever, around a handler of the socket's own
    // timeout, and the same read around a handler of a short body only:
    // `socket.timeout` passes `except IncompleteRead` by.
    let source = |handler: &str| {
        format!(
            "def get_message(sock):\n    try:\n        return sock.recv(4096)\n    except {handler}:\n        return None\n"
        )
    };
    let timeouts =
        |found: &[(FailureClass, usize)]| found.iter().any(|(c, l)| *c == Timeout && *l == 3);
    let narrow = candidates_of(Language::Python, "pubsub.py", &source("IncompleteRead"));
    let right = candidates_of(Language::Python, "pubsub.py", &source("socket.timeout"));
    assert!(timeouts(&narrow), "{narrow:?}");
    assert!(!timeouts(&right), "{right:?}");
}

#[test]
fn a_rust_cut_through_the_character_it_found() {
    // rust-sourcemap: `char_indices` gives where the last valid character
    // starts, and `..=` keeps only its first byte; a CJK name panics.
    flags_bug_not_fix(
        Language::Rust,
        "js_identifiers.rs",
        "fn strip(s: &str) -> Option<&str> {\n    let mut end_idx = 0;\n    for (i, c) in s.char_indices() {\n        if c.is_alphanumeric() {\n            end_idx = i;\n        } else {\n            break;\n        }\n    }\n    Some(&s[..=end_idx])\n}\n",
        "fn strip(s: &str) -> Option<&str> {\n    let mut end_idx = 0;\n    for (i, c) in s.char_indices() {\n        if c.is_alphanumeric() {\n            end_idx = i + c.len_utf8();\n        } else {\n            break;\n        }\n    }\n    Some(&s[..end_idx])\n}\n",
        (Encoding, 10),
    );
    // A number read from the text is no offset a search returned, though
    // a length is part of how it was read.
    let found = candidates_of(
        Language::Rust,
        "legacy.rs",
        "fn element(inner: &str, rest: &str) -> &str {\n    let i: usize = inner[..(inner.len() - rest.len())].parse().unwrap();\n    &rest[i..]\n}\n",
    );
    assert!(found.contains(&(Encoding, 3)), "{found:?}");
}

#[test]
fn every_language_s_facts_name_kinds_of_its_own_grammar() {
    // A kind the language's grammar lacks matches nothing there: Java's
    // dereferences are method invocations as much as field accesses, and
    // a loop kind of another language leaves this one's loops unread.
    // JavaScript and TypeScript share one table: a kind of either counts.
    let languages = Language::ALL;
    let mut unknown = Vec::new();
    for language in languages {
        let facts = super::facts::facts(language);
        let sharing: Vec<_> = languages
            .iter()
            .filter(|l| std::ptr::eq(super::facts::facts(**l), facts))
            .map(|l| l.grammar())
            .collect();
        for kind in [
            facts.call,
            facts.subscript,
            facts.slice,
            facts.binary,
            facts.member,
            facts.assignment,
            facts.assertion,
            facts.cast,
            facts.loops,
        ]
        .concat()
        {
            if sharing.iter().all(|g| g.id_for_node_kind(kind, true) == 0) {
                unknown.push(format!("{language:?}: {kind}"));
            }
        }
    }
    assert!(unknown.is_empty(), "{unknown:#?}");
}

#[test]
fn a_timeout_set_to_none_bounds_nothing() {
    // `settimeout(None)` makes the socket blocking again; a real bound
    // is the guard.
    flags_bug_not_fix(
        Language::Python,
        "client.py",
        "def read(sock):\n    sock.settimeout(None)\n    return sock.recv(4096)\n",
        "def read(sock):\n    sock.settimeout(5)\n    return sock.recv(4096)\n",
        (Timeout, 3),
    );
}

#[test]
fn a_stored_value_read_changed_and_written_back() {
    // Two workers binding queues to one exchange file: both read the
    // table, and the later write drops the other's binding.
    flags_bug_not_fix(
        Language::Python,
        "exchange.py",
        "class Channel:\n    def bind(self, exchange, queue):\n        queues = self.get_table(exchange)\n        queues.append(queue)\n        self.put_table(exchange, queues)\n",
        "class Channel:\n    def bind(self, exchange, queue):\n        with self._lock:\n            queues = self.get_table(exchange)\n            queues.append(queue)\n            self.put_table(exchange, queues)\n",
        (RaceCondition, 3),
    );
}

#[test]
fn a_loop_only_its_input_ends() {
    flags_bug_not_fix(
        Language::Go,
        "frames.go",
        "package p\n\nfunc (r *Reader) headers() error {\n\tfor {\n\t\tf, err := r.fr.ReadFrame()\n\t\tif err != nil {\n\t\t\treturn err\n\t\t}\n\t\tr.decode(f)\n\t}\n}\n",
        "package p\n\nfunc (r *Reader) headers() error {\n\tfor {\n\t\tf, err := r.fr.ReadFrame()\n\t\tif err != nil {\n\t\t\treturn err\n\t\t}\n\t\tif r.count > maxFrames {\n\t\t\treturn errTooMany\n\t\t}\n\t\tr.decode(f)\n\t}\n}\n",
        (ResourceExhaustion, 4),
    );
}

#[test]
fn javascript_field_writes_race_only_across_a_wait() {
    let plain = candidates_of(
        Language::JavaScript,
        "meter.js",
        "class Meter {\n  mark(v) {\n    this.last = v;\n  }\n}\n",
    );
    assert!(!plain.iter().any(|(c, _)| *c == RaceCondition), "{plain:?}");
    let waits = candidates_of(
        Language::JavaScript,
        "meter.js",
        "class Meter {\n  async mark(v) {\n    await flush();\n    this.last = v;\n  }\n}\n",
    );
    assert!(waits.contains(&(RaceCondition, 4)), "{waits:?}");
}

#[test]
fn go_values_a_function_made_are_not_shared_until_a_goroutine_has_them() {
    let own = candidates_of(
        Language::Go,
        "dial.go",
        "package p\n\nfunc dial(addr string) *Options {\n\tdo := &Options{}\n\tdo.addr = addr\n\treturn do\n}\n",
    );
    assert!(!own.iter().any(|(c, _)| *c == RaceCondition), "{own:?}");
    let handed = candidates_of(
        Language::Go,
        "writer.go",
        "package p\n\nfunc start(w io.Writer) *writer {\n\tmw := &writer{}\n\tgo func() {\n\t\tmw.err = run(w)\n\t}()\n\treturn mw\n}\n",
    );
    assert!(handed.contains(&(RaceCondition, 6)), "{handed:?}");
}

#[test]
fn a_byte_count_taken_from_a_character_count() {
    flags_bug_not_fix(
        Language::JavaScript,
        "send.js",
        "function send(res, body) {\n  res.writeHead(200, {\n    'Content-Length': body.length,\n  });\n  res.end(body);\n}\n",
        "function send(res, body) {\n  res.writeHead(200, {\n    'Content-Length': Buffer.byteLength(body),\n  });\n  res.end(body);\n}\n",
        (Encoding, 3),
    );
}

#[test]
fn an_index_counted_from_the_length() {
    // The length is one past the end; the length less one is in range
    // once the collection is known not to be empty.
    flags_bug_not_fix(
        Language::JavaScript,
        "last.js",
        "function last(a) {\n  return a[a.length];\n}\n",
        "function last(a) {\n  if (a.length === 0) {\n    return undefined;\n  }\n  return a[a.length - 1];\n}\n",
        (IndexOutOfRange, 2),
    );
    let found = candidates_of(
        Language::Python,
        "last.py",
        "def last(xs):\n    return xs[len(xs) - 1]\n",
    );
    assert!(found.contains(&(IndexOutOfRange, 2)), "{found:?}");
}

#[test]
fn a_go_result_used_before_its_error() {
    flags_bug_not_fix(
        Language::Go,
        "get.go",
        "package p\n\nfunc status(u string) int {\n\tresp, err := http.Get(u)\n\tcode := resp.StatusCode\n\tif err != nil {\n\t\treturn 0\n\t}\n\treturn code\n}\n",
        "package p\n\nfunc status(u string) int {\n\tresp, err := http.Get(u)\n\tif err != nil {\n\t\treturn 0\n\t}\n\treturn resp.StatusCode\n}\n",
        (NullOrNone, 5),
    );
}

#[test]
fn go_statements_that_outlive_their_iteration() {
    flags_bug_not_fix(
        Language::Go,
        "sizes.go",
        "package p\n\nfunc sizes(paths []string) {\n\tfor _, p := range paths {\n\t\tf, err := os.Open(p)\n\t\tif err != nil {\n\t\t\tcontinue\n\t\t}\n\t\tdefer f.Close()\n\t\tmeasure(f)\n\t}\n}\n",
        "package p\n\nfunc sizes(paths []string) {\n\tfor _, p := range paths {\n\t\tf, err := os.Open(p)\n\t\tif err != nil {\n\t\t\tcontinue\n\t\t}\n\t\tmeasure(f)\n\t\tf.Close()\n\t}\n}\n",
        (ResourceExhaustion, 9),
    );
    flags_bug_not_fix(
        Language::Go,
        "all.go",
        "package p\n\nfunc all(jobs []Job) {\n\tvar wg sync.WaitGroup\n\tfor i := range jobs {\n\t\tgo func(j Job) {\n\t\t\twg.Add(1)\n\t\t\tdefer wg.Done()\n\t\t\tj.Run()\n\t\t}(jobs[i])\n\t}\n\twg.Wait()\n}\n",
        "package p\n\nfunc all(jobs []Job) {\n\tvar wg sync.WaitGroup\n\tfor i := range jobs {\n\t\twg.Add(1)\n\t\tgo func(j Job) {\n\t\t\tdefer wg.Done()\n\t\t\tj.Run()\n\t\t}(jobs[i])\n\t}\n\twg.Wait()\n}\n",
        (RaceCondition, 6),
    );
}

#[test]
fn java_dereferences_without_a_dot() {
    flags_bug_not_fix(
        Language::Java,
        "Job.java",
        "class Job {\n  boolean done(Job job) {\n    return job.status.equals(\"done\");\n  }\n}\n",
        "class Job {\n  boolean done(Job job) {\n    return \"done\".equals(job.status);\n  }\n}\n",
        (NullOrNone, 3),
    );
    flags_bug_not_fix(
        Language::Java,
        "Counts.java",
        "class Counts {\n  int of(Map<String, Integer> counts, String key) {\n    int n = counts.get(key);\n    return n;\n  }\n}\n",
        "class Counts {\n  int of(Map<String, Integer> counts, String key) {\n    int n = counts.getOrDefault(key, 0);\n    return n;\n  }\n}\n",
        (NullOrNone, 3),
    );
}

#[test]
fn a_string_method_on_a_value_of_unknown_type() {
    // qs: a repeated query key parses to an array, and `.replace` is not
    // a function of arrays.
    flags_bug_not_fix(
        Language::JavaScript,
        "entities.js",
        "function interpret(str) {\n  return str.replace(/&#(\\d+);/g, decode);\n}\n",
        "function interpret(str) {\n  if (typeof str !== 'string') {\n    return str;\n  }\n  return str.replace(/&#(\\d+);/g, decode);\n}\n",
        (TypeError, 2),
    );
}

#[test]
fn python_text_split_into_a_fixed_number_of_names() {
    flags_bug_not_fix(
        Language::Python,
        "env.py",
        "def entry(line):\n    key, value = line.split('=')\n    return key, value\n",
        "def entry(line):\n    key, _, value = line.partition('=')\n    return key, value\n",
        (IndexOutOfRange, 2),
    );
}

#[test]
fn a_rust_map_indexed_by_reference() {
    let found = candidates_of(
        Language::Rust,
        "prices.rs",
        "fn price(prices: &HashMap<String, u32>, item: &String) -> u32 {\n    prices[item.as_str()] + prices[&item.to_lowercase()]\n}\n",
    );
    assert!(found.contains(&(KeyMissing, 2)), "{found:?}");
}

#[test]
fn one_prediction_per_class_and_line() {
    let found = candidates_of(
        Language::Python,
        "grid.py",
        "def cell(grid, i, j):\n    return grid[i][j]\n",
    );
    let same = found.iter().filter(|f| **f == (IndexOutOfRange, 2)).count();
    assert_eq!(same, 1, "{found:?}");
}

#[test]
fn text_built_chunk_by_chunk() {
    flags_bug_not_fix(
        Language::JavaScript,
        "read.js",
        "function readBody(req, done) {\n  let body = '';\n  req.on('data', (chunk) => {\n    body += chunk;\n  });\n  req.on('end', () => done(body));\n}\n",
        "function readBody(req, done) {\n  const chunks = [];\n  req.on('data', (chunk) => {\n    chunks.push(chunk);\n  });\n  req.on('end', () => done(Buffer.concat(chunks)));\n}\n",
        (Encoding, 4),
    );
}

#[test]
fn a_pytz_zone_attached_with_tzinfo() {
    // The fix, `localize`, is a candidate of its own (arithmetic on a
    // localized time still needs `normalize`), so only the bug is checked.
    let found = candidates_of(
        Language::Python,
        "meet.py",
        "def meeting(day, zone):\n    return day.replace(hour=9, tzinfo=pytz.timezone(zone))\n",
    );
    assert!(found.contains(&(TimezoneDst, 2)), "{found:?}");
}

#[test]
fn a_catch_on_another_promise_handles_nothing_here() {
    // The `.catch` belongs to the cache write; the fetch's rejection
    // escapes the function.
    flags_bug_not_fix(
        Language::JavaScript,
        "prices.js",
        "async function price(id) {\n  cache.warm().catch(log);\n  const res = await fetch(url(id));\n  return res.status;\n}\n",
        "async function price(id) {\n  cache.warm().catch(log);\n  const res = await fetch(url(id)).catch(() => null);\n  return res && res.status;\n}\n",
        (NetworkError, 3),
    );
}

#[test]
fn a_list_that_cannot_change_changed() {
    flags_bug_not_fix(
        Language::Java,
        "Tags.java",
        "class Tags {\n  List<String> tags(String a) {\n    List<String> tags = Arrays.asList(a, \"new\");\n    tags.add(\"seen\");\n    return tags;\n  }\n}\n",
        "class Tags {\n  List<String> tags(String a) {\n    List<String> tags = new ArrayList<>(Arrays.asList(a, \"new\"));\n    tags.add(\"seen\");\n    return tags;\n  }\n}\n",
        (TypeError, 4),
    );
}

#[test]
fn javascript_object_keys_of_nothing() {
    flags_bug_not_fix(
        Language::JavaScript,
        "headers.js",
        "function names(headers) {\n  return Object.keys(headers);\n}\n",
        "function names(headers) {\n  return Object.keys(headers || {});\n}\n",
        (NullOrNone, 2),
    );
}

/// A queue's `get()` or a thread's `join()` blocks until the other side
/// comes; a lookup by key (`dict.get("k")`, Java's `map.get(key)`), a
/// string join or a bounded wait (`future.get(5, TimeUnit.SECONDS)`,
/// `t.join(5)`) returns at once.
#[test]
fn only_a_get_or_join_without_arguments_waits() {
    flags_bug_not_fix(
        Language::Python,
        "worker.py",
        "def next_job(jobs):\n    return jobs.get()\n",
        "def next_job(jobs):\n    return jobs.get(\"next\")\n",
        (FailureClass::Timeout, 2),
    );
    flags_bug_not_fix(
        Language::Java,
        "Result.java",
        "class R {\n  String await(Future<String> f) throws Exception {\n    return f.get();\n  }\n}\n",
        "class R {\n  String await(Future<String> f) throws Exception {\n    return f.get(5, TimeUnit.SECONDS);\n  }\n}\n",
        (FailureClass::Timeout, 3),
    );
    flags_bug_not_fix(
        Language::Python,
        "report.py",
        "def finish(worker, parts):\n    worker.join()\n    return parts\n",
        "def finish(worker, parts):\n    worker.join(5)\n    return \", \".join(parts)\n",
        (FailureClass::Timeout, 2),
    );
    flags_bug_not_fix(
        Language::Rust,
        "paths.rs",
        "fn finish(h: std::thread::JoinHandle<()>) {\n    h.join().unwrap();\n}\n",
        "fn finish(parts: &[String]) -> String {\n    parts.join(\"/\")\n}\n",
        (FailureClass::Timeout, 2),
    );
}

#[test]
fn a_timeout_set_on_the_receiver_bounds_its_waits() {
    flags_bug_not_fix(
        Language::Python,
        "reply.py",
        "def read_reply(sock):\n    data = sock.recv(1024)\n    return data\n",
        "def read_reply(sock):\n    sock.settimeout(5)\n    data = sock.recv(1024)\n    return data\n",
        (Timeout, 2),
    );
    flags_bug_not_fix(
        Language::Go,
        "header.go",
        "package p\n\nimport \"net\"\n\nfunc readHeader(conn net.Conn, buf []byte) error {\n\t_, err := conn.Read(buf)\n\treturn err\n}\n",
        "package p\n\nimport (\n\t\"net\"\n\t\"time\"\n)\n\nfunc readHeader(conn net.Conn, buf []byte) error {\n\tconn.SetReadDeadline(time.Now().Add(5 * time.Second))\n\t_, err := conn.Read(buf)\n\treturn err\n}\n",
        (Timeout, 6),
    );
    // Another value's timeout bounds nothing here.
    flags_bug_not_fix(
        Language::Python,
        "reply.py",
        "def relay(sock, upstream):\n    upstream.settimeout(5)\n    return sock.recv(1024)\n",
        "def relay(sock, upstream):\n    sock.settimeout(5)\n    return sock.recv(1024)\n",
        (Timeout, 3),
    );
}

#[test]
fn a_read_loop_that_keeps_every_chunk() {
    flags_bug_not_fix(
        Language::Python,
        "body.py",
        "def read_body(stream):\n    chunks = []\n    while True:\n        chunk = stream.read(4096)\n        if not chunk:\n            break\n        chunks.append(chunk)\n    return b\"\".join(chunks)\n",
        "LIMIT = 1 << 20\n\ndef read_body(stream):\n    chunks = []\n    size = 0\n    while True:\n        chunk = stream.read(4096)\n        if not chunk:\n            break\n        size += len(chunk)\n        if size > LIMIT:\n            raise ValueError(\"body too large\")\n        chunks.append(chunk)\n    return b\"\".join(chunks)\n",
        (ResourceExhaustion, 7),
    );
}

#[test]
fn a_data_listener_that_keeps_every_chunk() {
    flags_bug_not_fix(
        Language::JavaScript,
        "collect.js",
        "function collect(req, done) {\n  let body = '';\n  req.on('data', (chunk) => {\n    body += chunk;\n  });\n  req.on('end', () => done(body));\n}\n",
        "function collect(req, done) {\n  let body = '';\n  req.on('data', (chunk) => {\n    if (body.length + chunk.length > 1e6) {\n      req.destroy();\n      return;\n    }\n    body += chunk;\n  });\n  req.on('end', () => done(body));\n}\n",
        (ResourceExhaustion, 4),
    );
}

#[test]
fn a_listener_for_other_events_or_a_bounded_loop_is_no_candidate() {
    let quiet = |language, path, source: &str| {
        let found = candidates_of(language, path, source);
        assert!(
            !found.iter().any(|(class, _)| *class == ResourceExhaustion),
            "{found:?} in\n{source}"
        );
    };
    quiet(
        Language::JavaScript,
        "log.js",
        "function watch(proc) {\n  let log = '';\n  proc.on('exit', (code) => {\n    log += code;\n  });\n}\n",
    );
    quiet(
        Language::Python,
        "lines.py",
        "def first_lines(stream, out):\n    for _ in range(10):\n        line = stream.readline()\n        out.append(line)\n",
    );
}

#[test]
fn a_clock_read_in_a_zone_and_a_file_opened_with_its_encoding() {
    flags_bug_not_fix(
        Language::Python,
        "tokens.py",
        "from datetime import datetime\n\ndef expired(token):\n    return datetime.now() > token.expires_at\n",
        "from datetime import datetime, timezone\n\ndef expired(token):\n    return datetime.now(timezone.utc) > token.expires_at\n",
        (TimezoneDst, 4),
    );
    let opened = |source: &str| {
        candidates_of(Language::Python, "names.py", source)
            .into_iter()
            .filter(|(class, line)| *class == Encoding && *line == 2)
            .count()
    };
    assert_eq!(opened("def load(path):\n    return open(path).read()\n"), 1);
    assert_eq!(
        opened("def load(path):\n    return open(path, encoding=\"utf-8\").read()\n"),
        0
    );
    assert_eq!(
        opened("def load(path):\n    return open(path, \"rb\").read()\n"),
        0
    );
    // A variable may hold None: the locale's encoding.
    assert_eq!(
        opened("def load(path, enc):\n    return open(path, encoding=enc).read()\n"),
        1
    );
}

#[test]
fn text_cut_in_characters_is_no_encoding_candidate() {
    flags_bug_not_fix(
        Language::Rust,
        "preview.rs",
        "fn preview(s: &str) -> &str {\n    if s.len() > 10 {\n        &s[..10]\n    } else {\n        s\n    }\n}\n",
        "fn preview(s: &str) -> &str {\n    match s.char_indices().nth(10) {\n        Some((end, _)) => &s[..end],\n        None => s,\n    }\n}\n",
        (Encoding, 3),
    );
    flags_bug_not_fix(
        Language::Go,
        "preview.go",
        "package p\n\nfunc preview(s string) string {\n\tif len(s) > 10 {\n\t\treturn s[:10]\n\t}\n\treturn s\n}\n",
        "package p\n\nfunc preview(s string) string {\n\tr := []rune(s)\n\tif len(r) > 10 {\n\t\treturn string(r[:10])\n\t}\n\treturn s\n}\n",
        (Encoding, 5),
    );
}

#[test]
fn a_rust_map_indexed_by_key_and_its_lookup_read_through_option() {
    flags_bug_not_fix(
        Language::Rust,
        "prices.rs",
        "use std::collections::HashMap;\n\nfn price(prices: &HashMap<String, u32>, item: &str) -> u32 {\n    prices[item]\n}\n",
        "use std::collections::HashMap;\n\nfn price(prices: &HashMap<String, u32>, item: &str) -> u32 {\n    prices.get(item).copied().unwrap_or(0)\n}\n",
        (KeyMissing, 4),
    );
    let found = candidates_of(
        Language::Rust,
        "owners.rs",
        "use std::collections::HashMap;\n\nfn owner(owners: &HashMap<u32, String>, id: u32) -> &str {\n    owners.get(&id).map_or(\"\", String::as_str)\n}\n",
    );
    assert!(
        !found.iter().any(|(class, _)| *class == NullOrNone),
        "an Option read through map_or cannot fail: {found:?}"
    );
}

#[test]
fn a_module_function_named_like_a_lookup_is_no_lookup() {
    let keys = |source: &str| {
        candidates_of(Language::Rust, "status.rs", source)
            .into_iter()
            .filter(|(class, _)| *class == KeyMissing)
            .count()
    };
    assert_eq!(
        keys(
            "fn status(url: &str) -> u16 {\n    reqwest::blocking::get(url).unwrap().status().as_u16()\n}\n"
        ),
        0
    );
    assert!(
        keys(
            "use std::collections::HashMap;\n\nfn price(m: &HashMap<String, u32>, k: &str) -> u32 {\n    *m.get(k).unwrap()\n}\n"
        ) > 0
    );
}

#[test]
fn the_usual_fixes_of_go_assertions_and_conversions_python_max_and_java_optionals() {
    flags_bug_not_fix(
        Language::Go,
        "count.go",
        "package p\n\nfunc count(v interface{}) int {\n\treturn v.(int)\n}\n",
        "package p\n\nfunc count(v interface{}) int {\n\tn, ok := v.(int)\n\tif !ok {\n\t\treturn 0\n\t}\n\treturn n\n}\n",
        (TypeError, 4),
    );
    flags_bug_not_fix(
        Language::Go,
        "offset.go",
        "package p\n\nfunc offset(total int) int32 {\n\treturn int32(total)\n}\n",
        "package p\n\nimport \"math\"\n\nfunc offset(total int) int32 {\n\tif total > math.MaxInt32 {\n\t\treturn math.MaxInt32\n\t}\n\treturn int32(total)\n}\n",
        (Overflow, 4),
    );
    flags_bug_not_fix(
        Language::Python,
        "events.py",
        "def latest(events):\n    return max(e.timestamp for e in events)\n",
        "def latest(events):\n    return max((e.timestamp for e in events), default=None)\n",
        (IndexOutOfRange, 2),
    );
    flags_bug_not_fix(
        Language::Java,
        "Lookup.java",
        "import java.util.Optional;\n\nclass Lookup {\n  String id(Optional<String> found) {\n    return found.get();\n  }\n}\n",
        "import java.util.Optional;\n\nclass Lookup {\n  String id(Optional<String> found) {\n    return found.orElse(\"\");\n  }\n}\n",
        (NullOrNone, 5),
    );
    let waits = candidates_of(
        Language::Java,
        "Lookup.java",
        "import java.util.Optional;\n\nclass Lookup {\n  String id(Optional<String> found) {\n    return found.get();\n  }\n}\n",
    );
    assert!(
        !waits.iter().any(|(class, _)| *class == Timeout),
        "an Optional's get() waits for nothing: {waits:?}"
    );
}

#[test]
fn module_state_a_remote_value_written_back_and_thread_safe_fields() {
    flags_bug_not_fix(
        Language::Python,
        "clients.py",
        "import threading\n\n_client = None\n\ndef client():\n    global _client\n    if _client is None:\n        _client = make_client()\n    return _client\n",
        "import threading\n\n_client = None\n_LOCK = threading.Lock()\n\ndef client():\n    global _client\n    with _LOCK:\n        if _client is None:\n            _client = make_client()\n        return _client\n",
        (RaceCondition, 7),
    );
    flags_bug_not_fix(
        Language::JavaScript,
        "points.js",
        "async function addPoints(store, user, points) {\n  const current = await store.get(user);\n  await store.set(user, current + points);\n}\n",
        "async function addPoints(store, user, points) {\n  await store.incrBy(user, points);\n}\n",
        (RaceCondition, 2),
    );
    flags_bug_not_fix(
        Language::Java,
        "Sessions.java",
        "import java.util.HashMap;\nimport java.util.Map;\n\nclass Sessions {\n  private final Map<String, Session> byId = new HashMap<>();\n\n  void open(Session s) {\n    byId.put(s.id(), s);\n  }\n}\n",
        "import java.util.Map;\nimport java.util.concurrent.ConcurrentHashMap;\n\nclass Sessions {\n  private final Map<String, Session> byId = new ConcurrentHashMap<>();\n\n  void open(Session s) {\n    byId.put(s.id(), s);\n  }\n}\n",
        (RaceCondition, 8),
    );
}

#[test]
fn go_type_assertion_in_each_two_value_form() {
    let bug = "package p\n\nfunc count(v interface{}) int {\n\tn := v.(int)\n\treturn n\n}\n";
    for fix in [
        "package p\n\nfunc count(v interface{}) int {\n\tn, ok := v.(int)\n\tif !ok {\n\t\treturn 0\n\t}\n\treturn n\n}\n",
        "package p\n\nfunc count(v interface{}) int {\n\tvar n, ok = v.(int)\n\tif !ok {\n\t\treturn 0\n\t}\n\treturn n\n}\n",
        "package p\n\nfunc count(v interface{}) (n int) {\n\tvar ok bool\n\tn, ok = v.(int)\n\tif !ok {\n\t\treturn 0\n\t}\n\treturn n\n}\n",
    ] {
        flags_bug_not_fix(Language::Go, "count.go", bug, fix, (TypeError, 4));
    }
}

#[test]
fn a_loop_over_one_collection_does_not_bound_a_lookup_into_another() {
    flags_bug_not_fix(
        Language::Python,
        "table.py",
        "def row(self, fields):\n    out = []\n    for field in fields:\n        out.append(self.none_format[field])\n    return out\n",
        "def row(self, fields):\n    out = []\n    for field in fields:\n        if field in self.none_format:\n            out.append(self.none_format[field])\n    return out\n",
        (KeyMissing, 4),
    );
    // The loop over the collection itself (or its length) keeps it quiet.
    for quiet in [
        "def row(self):\n    out = []\n    for field in self.none_format:\n        out.append(self.none_format[field])\n    return out\n",
        "def row(xs):\n    out = []\n    for i in range(len(xs)):\n        out.append(xs[i])\n    return out\n",
    ] {
        let found = candidates_of(Language::Python, "table.py", quiet);
        assert!(
            !found
                .iter()
                .any(|(c, _)| matches!(c, KeyMissing | IndexOutOfRange)),
            "{found:?} in\n{quiet}"
        );
    }
}

#[test]
fn go_panic_on_a_decode_error_is_the_decode_failing() {
    flags_bug_not_fix(
        Language::Go,
        "peers.go",
        "package p\n\nfunc decodePeers(buf []byte) [][]byte {\n\tvar enc [][]byte\n\tif err := decodeMsgPack(buf, &enc); err != nil {\n\t\tpanic(fmt.Errorf(\"failed to decode peers: %v\", err))\n\t}\n\treturn enc\n}\n",
        "package p\n\nfunc decodePeers(buf []byte) ([][]byte, error) {\n\tvar enc [][]byte\n\tif err := decodeMsgPack(buf, &enc); err != nil {\n\t\treturn nil, fmt.Errorf(\"failed to decode peers: %v\", err)\n\t}\n\treturn enc, nil\n}\n",
        (ParseError, 6),
    );
    // The error of a call named for nothing that fails on input stays an
    // assertion's.
    let found = candidates_of(
        Language::Go,
        "config.go",
        "package p\n\nfunc mustLoad() {\n\terr := setup()\n\tif err != nil {\n\t\tlog.Fatal(err)\n\t}\n}\n",
    );
    assert!(
        !found
            .iter()
            .any(|(c, _)| matches!(c, ParseError | NetworkError)),
        "{found:?}"
    );
}

#[test]
fn a_truthiness_check_reaches_the_first_element_not_the_second() {
    flags_bug_not_fix(
        Language::Python,
        "headers.py",
        "def value(line):\n    parts = line.split(':')\n    if parts:\n        return parts[1]\n    return None\n",
        "def value(line):\n    parts = line.split(':')\n    if len(parts) > 1:\n        return parts[1]\n    return None\n",
        (IndexOutOfRange, 4),
    );
    let first = "def name(line):\n    parts = line.split(':')\n    if parts:\n        return parts[0]\n    return None\n";
    assert!(
        !candidates_of(Language::Python, "headers.py", first)
            .iter()
            .any(|(class, _)| *class == IndexOutOfRange)
    );
}

#[test]
fn a_length_compared_with_a_number_reaches_the_positions_below_it() {
    flags_bug_not_fix(
        Language::Python,
        "headers.py",
        "def value(line):\n    parts = line.split(':')\n    if len(parts) > 0:\n        return parts[1]\n    return None\n",
        "def value(line):\n    parts = line.split(':')\n    if len(parts) < 2:\n        return None\n    return parts[1]\n",
        (IndexOutOfRange, 4),
    );
    flags_bug_not_fix(
        Language::Go,
        "args.go",
        "package p\n\nfunc second(args []string) string {\n\tif len(args) >= 1 {\n\t\treturn args[1]\n\t}\n\treturn \"\"\n}\n",
        "package p\n\nfunc second(args []string) string {\n\tif 1 < len(args) {\n\t\treturn args[1]\n\t}\n\treturn \"\"\n}\n",
        (IndexOutOfRange, 5),
    );
}

#[test]
fn a_return_between_lock_and_unlock_leaves_the_lock_held() {
    // hashicorp/yamux: the receive-window check returned with recvLock held.
    let go = (
        "package p\n\nfunc (s *Stream) readData(length uint32) error {\n\ts.recvLock.Lock()\n\tif length > s.recvWindow {\n\t\treturn ErrRecvWindowExceeded\n\t}\n\ts.recvWindow -= length\n\ts.recvLock.Unlock()\n\treturn nil\n}\n",
        "package p\n\nfunc (s *Stream) readData(length uint32) error {\n\ts.recvLock.Lock()\n\tif length > s.recvWindow {\n\t\ts.recvLock.Unlock()\n\t\treturn ErrRecvWindowExceeded\n\t}\n\ts.recvWindow -= length\n\ts.recvLock.Unlock()\n\treturn nil\n}\n",
    );
    assert!(candidates_of(Language::Go, "stream.go", go.0).contains(&(Timeout, 6)));
    // Taking the lock may wait (line 4); no return leaves it held.
    assert_eq!(
        candidates_of(Language::Go, "stream.go", go.1)
            .iter()
            .filter(|(class, _)| *class == Timeout)
            .collect::<Vec<_>>(),
        [&(Timeout, 4)]
    );
    flags_bug_not_fix(
        Language::Java,
        "Pool.java",
        "class Pool {\n    Item take() {\n        lock.lock();\n        if (items.isEmpty()) {\n            return null;\n        }\n        Item item = items.remove(0);\n        lock.unlock();\n        return item;\n    }\n}\n",
        "class Pool {\n    Item take() {\n        lock.lock();\n        try {\n            if (items.isEmpty()) {\n                return null;\n            }\n            return items.remove(0);\n        } finally {\n            lock.unlock();\n        }\n    }\n}\n",
        (Timeout, 5),
    );
    // A function that returns holding the lock on purpose never releases it.
    let on_purpose = "package p\n\nfunc (s *Store) lockFor(id string) *Entry {\n\ts.mu.Lock()\n\tif id == \"\" {\n\t\treturn nil\n\t}\n\treturn s.entries[id]\n}\n";
    assert!(
        !candidates_of(Language::Go, "store.go", on_purpose)
            .iter()
            .any(|found| [(Timeout, 6), (Timeout, 8)].contains(found))
    );
}

#[test]
fn go_interface_comparison_behind_a_comparable_test() {
    // BurntSushi/toml: omitempty compared a struct holding a map.
    flags_bug_not_fix(
        Language::Go,
        "encode.go",
        "package p\n\nfunc isEmpty(rv reflect.Value) bool {\n\tswitch rv.Kind() {\n\tcase reflect.Struct:\n\t\treturn reflect.Zero(rv.Type()).Interface() == rv.Interface()\n\t}\n\treturn false\n}\n",
        "package p\n\nfunc isEmpty(rv reflect.Value) bool {\n\tswitch rv.Kind() {\n\tcase reflect.Struct:\n\t\tif rv.Type().Comparable() {\n\t\t\treturn reflect.Zero(rv.Type()).Interface() == rv.Interface()\n\t\t}\n\t}\n\treturn false\n}\n",
        (TypeError, 6),
    );
}

#[test]
fn a_chain_walk_that_stops_where_the_chain_loops_back() {
    // apache/maven: an exception whose cause is itself hung the build.
    flags_bug_not_fix(
        Language::Java,
        "DefaultExceptionHandler.java",
        "class H {\n    String message(Throwable exception) {\n        String full = \"\";\n        for (Throwable t = exception; t != null; t = t.getCause()) {\n            full += t.getMessage();\n        }\n        return full;\n    }\n}\n",
        "class H {\n    String message(Throwable exception) {\n        String full = \"\";\n        for (Throwable t = exception; t != null && t != t.getCause(); t = t.getCause()) {\n            full += t.getMessage();\n        }\n        return full;\n    }\n}\n",
        (Timeout, 4),
    );
}

#[test]
fn time_arithmetic_in_utc_crosses_no_daylight_saving() {
    // celery: the time remaining across a DST change was an hour off.
    flags_bug_not_fix(
        Language::Python,
        "time.py",
        "from datetime import datetime, timezone\n\ndef remaining(start, ends_in, now):\n    end_date = start + ends_in\n    ret = end_date - now\n    return ret\n",
        "from datetime import datetime, timezone\n\ndef remaining(end_date, now):\n    now_utc = now.astimezone(timezone.utc)\n    end_date_utc = end_date.astimezone(timezone.utc)\n    ret = end_date_utc - now_utc\n    return ret\n",
        (TimezoneDst, 5),
    );
}

#[test]
fn a_time_made_in_utc_has_no_daylight_saving() {
    flags_bug_not_fix(
        Language::JavaScript,
        "day.js",
        "function startOfDay(y, m, d) {\n  const day = new Date(y, m, d);\n  day.setHours(0, 0, 0, 0);\n  return day;\n}\n",
        "function startOfDay(y, m, d) {\n  return new Date(Date.UTC(y, m, d));\n}\n",
        (TimezoneDst, 3),
    );
}

#[test]
fn a_call_of_the_same_name_on_another_object_delegates() {
    let delegating = [
        (
            Language::Go,
            "enc.go",
            "package p\n\nfunc (c *EncodedConn) LastError() error {\n\treturn c.Conn.LastError()\n}\n",
        ),
        (
            Language::Python,
            "wrap.py",
            "class Reader:\n    def read(self, n):\n        return self.inner.read(n)\n",
        ),
        (
            Language::Java,
            "Wrap.java",
            "class Wrap {\n    int read() {\n        return super.read();\n    }\n}\n",
        ),
    ];
    for (language, path, source) in delegating {
        assert!(
            !candidates_of(language, path, source).contains(&(ResourceExhaustion, 3))
                && !candidates_of(language, path, source).contains(&(ResourceExhaustion, 4)),
            "{source}"
        );
    }
    let recursive = [
        (
            Language::Go,
            "tree.go",
            "package p\n\nfunc (n *Node) Depth() int {\n\treturn 1 + n.Depth()\n}\n",
            4,
        ),
        (
            Language::Python,
            "tree.py",
            "class Node:\n    def walk(self, seen):\n        return self.walk(seen)\n",
            3,
        ),
        (
            Language::Python,
            "tree.py",
            "def flatten(items):\n    return [flatten(i) for i in items]\n",
            2,
        ),
        // A name compression pointer read by the type's own `read`.
        (
            Language::Rust,
            "name.rs",
            "impl Name {\n    fn read(decoder: &mut Decoder) -> Result<Name> {\n        let mut pointer = decoder.clone();\n        let pointed = Name::read(&mut pointer)?;\n        Ok(pointed)\n    }\n}\n",
            4,
        ),
    ];
    for (language, path, source, line) in recursive {
        assert!(
            candidates_of(language, path, source).contains(&(ResourceExhaustion, line)),
            "{source}"
        );
    }
}

#[test]
fn text_cut_into_fixed_size_chunks_splits_a_surrogate_pair() {
    // ljharb/qs: encode() cut long strings every 1024 UTF-16 units.
    flags_bug_not_fix(
        Language::JavaScript,
        "utils.js",
        "function encode(string, limit) {\n  var out = '';\n  for (var j = 0; j < string.length; j += limit) {\n    var segment = string.slice(j, j + limit);\n    for (var i = 0; i < segment.length; ++i) {\n      var c = segment.charCodeAt(i);\n      if (c >= 0xD800 && c < 0xDC00) { i++; }\n    }\n    out += segment;\n  }\n  return out;\n}\n",
        "function encode(string, limit) {\n  var out = '';\n  for (var j = 0; j < string.length; j += limit) {\n    var segment = string.slice(j, j + limit);\n    var last = segment.charCodeAt(segment.length - 1);\n    if (last >= 0xD800 && last <= 0xDBFF) {\n      segment = segment.slice(0, -1);\n      j -= 1;\n    }\n    out += segment;\n  }\n  return out;\n}\n",
        (Encoding, 4),
    );
    let java = "class Sms {\n    List<String> parts(String text, int size) {\n        List<String> out = new ArrayList<>();\n        for (int i = 0; i < text.length(); i += size) {\n            out.add(text.substring(i, Math.min(i + size, text.length())));\n        }\n        return out;\n    }\n}\n";
    assert!(candidates_of(Language::Java, "Sms.java", java).contains(&(Encoding, 5)));
}

#[test]
fn regex_match_positions_are_no_times() {
    let source = "from datetime import datetime\n\ndef widen(fmt_pattern, m, offset, input_pattern):\n    fmt_pattern = fmt_pattern[: m.start() + offset] + input_pattern\n    offset += len(input_pattern) - (m.end() - m.start())\n    return fmt_pattern\n\ndef remaining(end):\n    now = datetime.now()\n    return end - now\n";
    let found = candidates_of(Language::Python, "parser.py", source);
    assert!(
        !found.contains(&(TimezoneDst, 4)) && !found.contains(&(TimezoneDst, 5)),
        "{found:?}"
    );
    assert!(found.contains(&(TimezoneDst, 10)), "{found:?}");
}

#[test]
fn a_body_wrapped_in_a_limit_before_it_is_read_to_the_end() {
    // tokio-rs/axum: the Bytes extractor buffered any body whole.
    flags_bug_not_fix(
        Language::Rust,
        "request_parts.rs",
        "async fn from_request(req: &mut RequestParts<B>) -> Result<Bytes, Rejection> {\n    let body = take_body(req)?;\n    let bytes = crate::body::to_bytes(body).await?;\n    Ok(bytes)\n}\n",
        "async fn from_request(req: &mut RequestParts<B>) -> Result<Bytes, Rejection> {\n    let body = take_body(req)?;\n    let body = http_body::Limited::new(body, DEFAULT_LIMIT);\n    let bytes = crate::body::to_bytes(body).await?;\n    Ok(bytes)\n}\n",
        (ResourceExhaustion, 3),
    );
}

#[test]
fn a_send_on_a_buffered_channel_does_not_wait() {
    // gomodule/redigo: the handshake's error channel has a slot per sender.
    let source = "package p\n\nfunc handshake(conn *tls.Conn) error {\n\terrc := make(chan error, 2)\n\tgo func() {\n\t\terrc <- conn.Handshake()\n\t}()\n\treturn <-errc\n}\n\nfunc unbuffered(conn *tls.Conn) error {\n\terrc := make(chan error)\n\tgo func() {\n\t\terrc <- conn.Handshake()\n\t}()\n\treturn nil\n}\n";
    let found = candidates_of(Language::Go, "conn.go", source);
    assert!(!found.contains(&(Timeout, 6)), "{found:?}");
    assert!(found.contains(&(Timeout, 14)), "{found:?}");
}

#[test]
fn a_javascript_quotient_checked_with_is_finite() {
    // visionmedia/node-progress: the ETA before the first tick was Infinity.
    flags_bug_not_fix(
        Language::JavaScript,
        "progress.js",
        "function render(bar) {\n  var eta = bar.elapsed * (bar.total / bar.curr - 1);\n  return isNaN(eta) ? '0.0' : (eta / 1000).toFixed(1);\n}\n",
        "function render(bar) {\n  var eta = bar.elapsed * (bar.total / bar.curr - 1);\n  return (isNaN(eta) || !isFinite(eta)) ? '0.0' : (eta / 1000).toFixed(1);\n}\n",
        (DivisionByZero, 2),
    );
}

#[test]
fn javascript_changes_in_place_race_only_across_an_await() {
    let sync = "class CronDate {\n  addHour() {\n    this._date.add(1, 'hour');\n  }\n}\n";
    assert!(!candidates_of(Language::JavaScript, "date.js", sync).contains(&(RaceCondition, 3)));
    let awaiting = "class Cache {\n  async refresh(key) {\n    const value = await fetchValue(key);\n    this.entries.set(key, value);\n  }\n}\n";
    assert!(
        candidates_of(Language::JavaScript, "cache.js", awaiting).contains(&(RaceCondition, 4))
    );
}

#[test]
fn a_connection_types_own_reads_wait_for_the_peer() {
    // lettre's SMTP client read the server's greeting before it set any
    // timeout: a server that accepts and says nothing hangs `connect`.
    flags_bug_not_fix(
        Language::Rust,
        "client.rs",
        "struct InnerClient;\n\nimpl InnerClient {\n    fn connect(&mut self, addr: &str) -> Result<(), Error> {\n        self.set_stream(Connector::connect(addr)?);\n        self.read_response()\n    }\n}\n",
        "struct InnerClient;\n\nimpl InnerClient {\n    fn connect(&mut self, addr: &str, timeout: Duration) -> Result<(), Error> {\n        self.set_stream(Connector::connect(addr)?);\n        self.set_timeout(Some(timeout))?;\n        self.read_response()\n    }\n}\n",
        (FailureClass::Timeout, 6),
    );
}

#[test]
fn a_connection_types_own_writes_find_the_peer_gone() {
    let on_stream = candidates_of(
        Language::Go,
        "stream.go",
        "package p\n\nfunc (s *Stream) Read(b []byte) (int, error) {\n\tn := copy(b, s.buf)\n\treturn n, s.sendWindowUpdate()\n}\n",
    );
    assert!(
        on_stream.contains(&(FailureClass::NetworkError, 5)),
        "{on_stream:?}"
    );
    // The same call on a type that is not a connection is bookkeeping.
    let on_parser = candidates_of(
        Language::Go,
        "parser.go",
        "package p\n\nfunc (p *Parser) Read(b []byte) (int, error) {\n\tn := copy(b, p.buf)\n\treturn n, p.sendWindowUpdate()\n}\n",
    );
    assert!(
        !on_parser
            .iter()
            .any(|(class, _)| *class == FailureClass::NetworkError),
        "{on_parser:?}"
    );
}

#[test]
fn a_required_module_and_a_non_null_assertion_name_their_connection() {
    let found = candidates_of(
        Language::TypeScript,
        "transport.ts",
        "class T {\n  open(opts: any) {\n    const sock = require('node:tls').connect(opts);\n    this.session!.request(opts);\n    return sock;\n  }\n}\n",
    );
    assert!(
        found.contains(&(FailureClass::NetworkError, 3)),
        "{found:?}"
    );
    assert!(
        found.contains(&(FailureClass::NetworkError, 4)),
        "{found:?}"
    );
}

#[test]
fn a_null_value_fails_at_its_first_dereference() {
    // amqplib's `connect` read a dozen fields of `url`: were it null, the
    // first read throws and the others never run, so they must not crowd
    // out the other ways the function fails.
    let found = candidates_of(
        Language::JavaScript,
        "connect.js",
        "function connect(name, port) {\n  const url = servers.find(name);\n  const proto = url.protocol;\n  const host = url.hostname;\n  const sock = new URL(port);\n  return [proto, host, sock];\n}\n",
    );
    let at = |wanted: (FailureClass, usize)| found.iter().position(|c| *c == wanted);
    let first = at((FailureClass::NullOrNone, 3)).expect("the first dereference");
    let parse = at((FailureClass::ParseError, 5)).expect("the URL parse");
    let later = at((FailureClass::NullOrNone, 4)).expect("a later dereference");
    assert!(first < parse && parse < later, "{found:?}");
}

#[test]
fn a_connection_made_or_passed_in_is_known_by_its_type() {
    // go-smtp's handleConn greets over the `*Conn` it is handed: a client
    // that connects and stalls (or resets) fails that first write.
    let found = candidates_of(
        Language::Go,
        "server.go",
        "package p\n\nfunc (s *Server) handleConn(c *Conn) error {\n\tdefer c.Close()\n\tc.greet()\n\treturn nil\n}\n",
    );
    assert!(
        found.contains(&(FailureClass::NetworkError, 5)),
        "{found:?}"
    );
    let made = candidates_of(
        Language::Python,
        "client.py",
        "def send(addr, data):\n    s = socket.create_connection(addr)\n    s.sendall(data)\n",
    );
    assert!(made.contains(&(FailureClass::NetworkError, 3)), "{made:?}");
    let constructed = candidates_of(
        Language::Java,
        "Client.java",
        "class Client {\n  void hello(String host) throws IOException {\n    Socket s = new Socket(host, 25);\n    s.shutdownOutput();\n  }\n}\n",
    );
    assert!(
        constructed.contains(&(FailureClass::NetworkError, 4)),
        "{constructed:?}"
    );
    // A parser handed in is no connection, whatever its methods are named.
    let parser = candidates_of(
        Language::Go,
        "parse.go",
        "package p\n\nfunc run(p *Parser) error {\n\tp.greet()\n\treturn nil\n}\n",
    );
    assert!(
        !parser
            .iter()
            .any(|(class, _)| *class == FailureClass::NetworkError),
        "{parser:?}"
    );
}

#[test]
fn a_nesting_counter_raised_with_no_limit() {
    // yaml-rust's scanner raised flow_level once per `[` or `{`, and the
    // loader recursed once per level: `[` * 10000 overflowed the stack.
    // The fix adds with a check that fails past the limit.
    flags_bug_not_fix(
        Language::Rust,
        "scanner.rs",
        "impl Scanner {\n    fn increase_flow_level(&mut self) {\n        self.simple_keys.push(SimpleKey::new());\n        self.flow_level += 1;\n    }\n}\n",
        "impl Scanner {\n    fn increase_flow_level(&mut self) -> ScanResult {\n        self.simple_keys.push(SimpleKey::new());\n        self.flow_level = self\n            .flow_level\n            .checked_add(1)\n            .ok_or_else(|| ScanError::new(self.mark, \"recursion limit exceeded\"))?;\n        Ok(())\n    }\n}\n",
        (FailureClass::ResourceExhaustion, 4),
    );
    // A depth compared with a bound is the guard; a log level is no depth.
    for clean in [
        "function enter(state) {\n  state.depth++;\n  if (state.depth > state.maxDepth) throw new Error('too deep');\n}\n",
        "function louder(opts) {\n  opts.logLevel++;\n}\n",
    ] {
        let found = candidates_of(Language::JavaScript, "walk.js", clean);
        assert!(
            !found.contains(&(FailureClass::ResourceExhaustion, 2)),
            "{found:?} in\n{clean}"
        );
    }
}

#[test]
fn python_text_grown_through_an_attribute_in_a_loop() {
    // markdown-it-py joined adjacent text tokens with `+=` on the previous
    // token's content: a document of 100,000 escapes took minutes. The fix
    // collects the pieces and joins them once.
    flags_bug_not_fix(
        Language::Python,
        "text_join.py",
        "def text_join(children):\n    new_tokens = []\n    for child in children:\n        if new_tokens and new_tokens[-1].type == \"text\":\n            new_tokens[-1].content += child.content\n        else:\n            new_tokens.append(child)\n    return new_tokens\n",
        "def text_join(children):\n    new_tokens = []\n    pieces = []\n    for child in children:\n        if new_tokens and new_tokens[-1].type == \"text\":\n            pieces.append(child.content)\n        else:\n            new_tokens.append(child)\n    new_tokens[-1].content = \"\".join(pieces)\n    return new_tokens\n",
        (FailureClass::ResourceExhaustion, 5),
    );
    // Numbers add; outside a loop a `+=` copies once.
    for clean in [
        "def tally(rows, stats):\n    for row in rows:\n        stats[row.key].count += row.count\n",
        "def close(self, tail):\n    self.content += tail\n",
    ] {
        let found = candidates_of(Language::Python, "clean.py", clean);
        assert!(
            !found
                .iter()
                .any(|(class, _)| *class == FailureClass::ResourceExhaustion),
            "{found:?} in\n{clean}"
        );
    }
}

#[test]
fn input_split_whole_only_to_count_its_parts() {
    // body-parser counted a form's parameters with body.split('&').length:
    // a megabyte of '&' made a million strings before the limit applied.
    // The fix counts with indexOf and stops at the limit.
    flags_bug_not_fix(
        Language::JavaScript,
        "urlencoded.js",
        "function parameterCount (body, limit) {\n  var len = body.split('&').length\n  return len > limit ? undefined : len - 1\n}\n",
        "function parameterCount (body, limit) {\n  var count = 0\n  var index = -1\n  do {\n    count++\n    if (count > limit) return undefined\n    index = body.indexOf('&', index + 1)\n  } while (index !== -1)\n  return count\n}\n",
        (FailureClass::ResourceExhaustion, 2),
    );
    let python = candidates_of(
        Language::Python,
        "count.py",
        "def fields(line):\n    return len(line.split(\",\"))\n",
    );
    assert!(
        python.contains(&(FailureClass::ResourceExhaustion, 2)),
        "{python:?}"
    );
    let go = candidates_of(
        Language::Go,
        "token.go",
        "package p\n\nfunc parts(token string) int {\n\treturn len(strings.Split(token, \".\"))\n}\n",
    );
    assert!(
        go.contains(&(FailureClass::ResourceExhaustion, 4)),
        "{go:?}"
    );
    // A split with a limit, or of the code's own constant, is bounded.
    for clean in [
        "def fields(line):\n    return len(line.split(\",\", 8))\n",
        "def fields(line):\n    return len(\"a,b,c\".split(\",\"))\n",
    ] {
        let found = candidates_of(Language::Python, "count.py", clean);
        assert!(
            !found
                .iter()
                .any(|(class, _)| *class == FailureClass::ResourceExhaustion),
            "{found:?} in\n{clean}"
        );
    }
}

#[test]
fn a_do_while_loop_is_held_by_its_condition() {
    // papaparse renamed duplicate headers in a do-while until the name was
    // unused; `__proto__` is always "used" in a plain object, so the loop
    // never ended. The failing line is the condition, at the bottom.
    let found = candidates_of(
        Language::JavaScript,
        "papaparse.js",
        "function unique(header, used) {\n  let n = 1;\n  let name;\n  do {\n    name = header + '_' + n;\n    n++;\n  } while (used.has(name));\n  return name;\n}\n",
    );
    assert!(found.contains(&(FailureClass::Timeout, 7)), "{found:?}");
    assert!(!found.contains(&(FailureClass::Timeout, 4)), "{found:?}");
}

#[test]
fn a_position_pinned_to_a_sentinel_is_not_bounded() {
    // react-native-track-player read the previous track at a remembered
    // window index that was only compared with INDEX_UNSET: after the last
    // track was removed the index was past the end. Comparing it with the
    // list's size is the guard.
    flags_bug_not_fix(
        Language::Java,
        "ExoPlayback.java",
        "class P {\n  void changed() {\n    Track previous = lastKnownWindow == C.INDEX_UNSET ? null : queue.get(lastKnownWindow);\n    report(previous);\n  }\n}\n",
        "class P {\n  void changed() {\n    Track previous = lastKnownWindow == C.INDEX_UNSET || lastKnownWindow >= queue.size() ? null : queue.get(lastKnownWindow);\n    report(previous);\n  }\n}\n",
        (FailureClass::IndexOutOfRange, 3),
    );
}

#[test]
fn decompression_without_an_output_bound() {
    // grpc-js inflated every gzip message whole (CVE-2024-37168): a small
    // message became gigabytes. Bounding zlib's output is the fix.
    flags_bug_not_fix(
        Language::TypeScript,
        "compression.ts",
        "class GzipHandler {\n  decompressMessage(message: Buffer) {\n    return new Promise<Buffer>((resolve, reject) => {\n      zlib.unzip(message, (err, output) => (err ? reject(err) : resolve(output)));\n    });\n  }\n}\n",
        "class GzipHandler {\n  decompressMessage(message: Buffer, max: number) {\n    return new Promise<Buffer>((resolve, reject) => {\n      zlib.unzip(message, { maxOutputLength: max }, (err, output) => (err ? reject(err) : resolve(output)));\n    });\n  }\n}\n",
        (FailureClass::ResourceExhaustion, 4),
    );
    let go = candidates_of(
        Language::Go,
        "body.go",
        "package p\n\nfunc body(r io.Reader) ([]byte, error) {\n\tzr, err := gzip.NewReader(r)\n\tif err != nil {\n\t\treturn nil, err\n\t}\n\treturn io.ReadAll(zr)\n}\n",
    );
    assert!(
        go.contains(&(FailureClass::ResourceExhaustion, 4)),
        "{go:?}"
    );
    let limited = candidates_of(
        Language::Go,
        "body.go",
        "package p\n\nfunc body(r io.Reader) ([]byte, error) {\n\tzr, err := gzip.NewReader(r)\n\tif err != nil {\n\t\treturn nil, err\n\t}\n\treturn io.ReadAll(io.LimitReader(zr, maxBody))\n}\n",
    );
    assert!(
        !limited.contains(&(FailureClass::ResourceExhaustion, 4)),
        "{limited:?}"
    );
}

#[test]
fn python_dates_moved_by_a_count_from_the_input() {
    // parsedatetime added `timedelta(days=qty)` for "9999999 days from
    // now": OverflowError ("date value out of range"). The fix catches it.
    flags_bug_not_fix(
        Language::Python,
        "parsedatetime.py",
        "def build(start, qty):\n    target = start + datetime.timedelta(days=qty)\n    return target\n",
        "def build(start, qty):\n    try:\n        target = start + datetime.timedelta(days=qty)\n    except OverflowError:\n        target = start\n    return target\n",
        (FailureClass::Overflow, 2),
    );
    // A step the code spells out cannot overflow.
    let fixed_step = candidates_of(
        Language::Python,
        "step.py",
        "def tomorrow(day):\n    return day + timedelta(days=1)\n",
    );
    assert!(
        !fixed_step
            .iter()
            .any(|(class, _)| *class == FailureClass::Overflow),
        "{fixed_step:?}"
    );
    // dateutil raises OverflowError as well as ValueError on a long run of
    // digits; a handler of ValueError alone lets it through.
    let narrow = candidates_of(
        Language::Python,
        "finder.py",
        "def parse_date_string(self, text):\n    try:\n        return parser.parse(text)\n    except ValueError:\n        return None\n",
    );
    assert!(narrow.contains(&(FailureClass::Overflow, 3)), "{narrow:?}");
}

#[test]
fn a_variable_a_java_header_declares_is_no_shared_field() {
    // `for (int i = 0; …; i++)`, `for (String k : keys)`, `catch
    // (IOException e)`: locals, which no other thread sees.
    let found = candidates_of(
        Language::Java,
        "Escape.java",
        "class Escape {\n  String f(String s, java.util.List<String> keys) {\n    StringBuilder b = new StringBuilder();\n    for (int i = 0; i < s.length(); i++) {\n      b.append(s.charAt(i));\n    }\n    for (String k : keys) {\n      k = k.trim();\n    }\n    return b.toString();\n  }\n}\n",
    );
    assert!(
        !found
            .iter()
            .any(|(class, _)| *class == FailureClass::RaceCondition),
        "{found:?}"
    );
}

#[test]
fn a_functions_top_three_names_different_failures() {
    // react-native-track-player: three unlocked field writes outranked the
    // stale index that crashed. The third write is the first one again;
    // the index is a failure of its own and belongs in the top three.
    let found = candidates_of(
        Language::Java,
        "ExoPlayback.java",
        "class P {\n  void changed() {\n    if (lastKnownWindow != player.getCurrentWindowIndex()) {\n      Track previous = lastKnownWindow == C.INDEX_UNSET ? null : queue.get(lastKnownWindow);\n      manager.update(previous, lastKnownPosition);\n    }\n    lastKnownPosition = player.getDuration();\n    lastKnownWindow = player.getCurrentWindowIndex();\n    lastKnownPosition = player.getCurrentPosition();\n  }\n}\n",
    );
    let top: Vec<_> = found.iter().take(3).collect();
    assert!(
        top.contains(&&(FailureClass::IndexOutOfRange, 4)),
        "{found:?}"
    );
    assert!(
        top.contains(&&(FailureClass::RaceCondition, 7)),
        "{found:?}"
    );
}

#[test]
fn a_timer_started_over_the_one_in_its_field() {
    // faye-websocket's close() started its 30 s close timer again when the
    // close handler called close() a second time: the first timer, no
    // longer referenced, kept the process alive. Clearing it first is the
    // fix.
    flags_bug_not_fix(
        Language::JavaScript,
        "api.js",
        "var API = {\n  close: function(code) {\n    var self = this;\n    this._closeTimer = setTimeout(function() { self._beginClose('', 1006); }, 30000);\n    this._driver.close(code);\n  }\n};\n",
        "var API = {\n  close: function(code) {\n    var self = this;\n    clearTimeout(this._closeTimer);\n    this._closeTimer = setTimeout(function() { self._beginClose('', 1006); }, 30000);\n    this._driver.close(code);\n  }\n};\n",
        (FailureClass::Timeout, 4),
    );
    flags_bug_not_fix(
        Language::Go,
        "conn.go",
        "package p\n\nfunc (c *Conn) arm(d time.Duration) {\n\tc.timer = time.AfterFunc(d, c.expire)\n}\n",
        "package p\n\nfunc (c *Conn) arm(d time.Duration) {\n\tif c.timer != nil {\n\t\tc.timer.Stop()\n\t}\n\tc.timer = time.AfterFunc(d, c.expire)\n}\n",
        (FailureClass::Timeout, 4),
    );
    // A local timer, or one a constructor starts, is no overwrite.
    let local = candidates_of(
        Language::JavaScript,
        "wait.js",
        "function wait(ms) {\n  const timer = setTimeout(done, ms);\n  return timer;\n}\n",
    );
    assert!(
        !local
            .iter()
            .any(|(class, _)| *class == FailureClass::Timeout),
        "{local:?}"
    );
}

#[test]
fn prose_cut_at_a_counted_position() {
    // html-ellipsis counted visible characters in UTF-16 units and cut the
    // markup there: an emoji on the edge lost its second half. The fix
    // steps over a surrogate pair as one character.
    flags_bug_not_fix(
        Language::JavaScript,
        "ellipsis.js",
        "function ellipsis(html, maxLength) {\n  var i = 0;\n  while (i < html.length && i < maxLength) {\n    ++i;\n  }\n  return html.slice(0, i);\n}\n",
        "function ellipsis(html, maxLength) {\n  var i = 0;\n  while (i < html.length && i < maxLength) {\n    var code = html.codePointAt(i);\n    i += code > 0xffff ? 2 : 1;\n  }\n  return html.slice(0, i);\n}\n",
        (FailureClass::Encoding, 6),
    );
    // A TypeScript string parameter, whatever its name.
    let typed = candidates_of(
        Language::TypeScript,
        "cut.ts",
        "function cut(s2: string, n: number) {\n  return s2.substring(0, n);\n}\n",
    );
    assert!(typed.contains(&(FailureClass::Encoding, 2)), "{typed:?}");
}

#[test]
fn python_exception_indexed_like_a_tuple() {
    // gunicorn's SO_REUSEPORT handler read `err[0]`, Python 2's errno: on
    // Python 3 the handler itself raised TypeError. The fix reads errno.
    flags_bug_not_fix(
        Language::Python,
        "sock.py",
        "def set_options(sock):\n    try:\n        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)\n    except socket.error as err:\n        if err[0] not in (errno.ENOPROTOOPT, errno.EINVAL):\n            raise\n",
        "def set_options(sock):\n    try:\n        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)\n    except socket.error as err:\n        if err.errno not in (errno.ENOPROTOOPT, errno.EINVAL):\n            raise\n",
        (FailureClass::TypeError, 5),
    );
    // The subscript fails on its type, never on its position: no index
    // candidate repeats it.
    let found = candidates_of(
        Language::Python,
        "sock.py",
        "def set_options(sock):\n    try:\n        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)\n    except socket.error as err:\n        if err[0] not in (errno.ENOPROTOOPT, errno.EINVAL):\n            raise\n",
    );
    assert!(!found.contains(&(IndexOutOfRange, 5)), "{found:?}");
}

#[test]
fn a_put_on_a_bounded_queue_with_nothing_bounding_the_wait() {
    // nats.py's KeyWatcher.stop() pushed its sentinel onto the updates
    // queue (maxsize 256) that nobody read any more: a full queue hung
    // stop() for ever. put_nowait (or a timeout) is the fix.
    flags_bug_not_fix(
        Language::Python,
        "kv.py",
        "class KeyWatcher:\n    def __init__(self):\n        self._updates = asyncio.Queue(maxsize=256)\n\n    async def stop(self):\n        await self._sub.unsubscribe()\n        await self._updates.put(STOP_ITER)\n",
        "class KeyWatcher:\n    def __init__(self):\n        self._updates = asyncio.Queue(maxsize=256)\n\n    async def stop(self):\n        await self._sub.unsubscribe()\n        self._updates.put_nowait(STOP_ITER)\n",
        (FailureClass::Timeout, 7),
    );
    // An unbounded queue always has room.
    let unbounded = candidates_of(
        Language::Python,
        "kv.py",
        "class W:\n    def __init__(self):\n        self._updates = asyncio.Queue()\n\n    async def stop(self):\n        await self._updates.put(None)\n",
    );
    assert!(
        !unbounded.contains(&(FailureClass::Timeout, 6)),
        "{unbounded:?}"
    );
}

#[test]
fn a_v8_only_api_called_without_a_test() {
    // jsonwebtoken's error constructor called Error.captureStackTrace,
    // which Firefox and Safari lack: building the error threw instead.
    flags_bug_not_fix(
        Language::JavaScript,
        "JsonWebTokenError.js",
        "var JsonWebTokenError = function (message) {\n  Error.call(this, message);\n  Error.captureStackTrace(this, this.constructor);\n  this.message = message;\n};\n",
        "var JsonWebTokenError = function (message) {\n  Error.call(this, message);\n  if (Error.captureStackTrace) {\n    Error.captureStackTrace(this, this.constructor);\n  }\n  this.message = message;\n};\n",
        (FailureClass::TypeError, 3),
    );
}

#[test]
fn a_constructor_called_with_a_dict_filled_from_the_input() {
    // dateparser checked each parsed token by building datetime(**params)
    // from what it had so far: without a day, "missing required argument
    // 'day'". The fix builds the date from complete values.
    flags_bug_not_fix(
        Language::Python,
        "parser.py",
        "def check(self, known, tokens):\n    params = {}\n    for attr in known:\n        params.update({attr: getattr(self, attr)})\n    for token in tokens:\n        params.update({token.attr: int(token)})\n        datetime(**params)\n",
        "def check(self, known, tokens):\n    params = {}\n    for attr in known:\n        params.update({attr: getattr(self, attr)})\n    for token in tokens:\n        params.update({token.attr: int(token)})\n    self._check_date(params)\n",
        (FailureClass::TypeError, 7),
    );
}

#[test]
fn fixed_width_reads_of_a_buffer_the_function_was_handed() {
    flags_bug_not_fix(
        Language::Go,
        "header.go",
        "package p\n\nimport \"encoding/binary\"\n\nfunc size(b []byte) uint32 {\n\treturn binary.BigEndian.Uint32(b[4:])\n}\n",
        "package p\n\nimport \"encoding/binary\"\n\nfunc size(b []byte) uint32 {\n\tif len(b) < 8 {\n\t\treturn 0\n\t}\n\treturn binary.BigEndian.Uint32(b[4:])\n}\n",
        (IndexOutOfRange, 6),
    );
    flags_bug_not_fix(
        Language::JavaScript,
        "entry.js",
        "function entry(buffer, offset) {\n  const size = buffer.readUInt32LE(offset + 20);\n  return size;\n}\n",
        "function entry(buffer, offset) {\n  if (offset + 24 > buffer.length) throw new Error('truncated entry');\n  const size = buffer.readUInt32LE(offset + 20);\n  return size;\n}\n",
        (IndexOutOfRange, 2),
    );
    flags_bug_not_fix(
        Language::Python,
        "record.py",
        "import struct\n\ndef header(data):\n    kind, size = struct.unpack('>HI', data[:6])\n    return kind, size\n",
        "import struct\n\ndef header(data):\n    try:\n        kind, size = struct.unpack('>HI', data[:6])\n    except struct.error:\n        raise ValueError('short header')\n    return kind, size\n",
        (IndexOutOfRange, 4),
    );
    flags_bug_not_fix(
        Language::Java,
        "Frame.java",
        "class Frame {\n  byte[] payload(byte[] frame, int offset, int length) {\n    byte[] out = new byte[length];\n    System.arraycopy(frame, offset, out, 0, length);\n    return out;\n  }\n}\n",
        "class Frame {\n  byte[] payload(byte[] frame, int offset, int length) {\n    if (offset + length > frame.length) {\n      throw new IllegalArgumentException(\"truncated\");\n    }\n    byte[] out = new byte[length];\n    System.arraycopy(frame, offset, out, 0, length);\n    return out;\n  }\n}\n",
        (IndexOutOfRange, 4),
    );
    flags_bug_not_fix(
        Language::Rust,
        "frame.rs",
        "use bytes::Buf;\n\nfn stream_id(mut src: &[u8]) -> u32 {\n    src.get_u32() & 0x7fff_ffff\n}\n",
        "use bytes::Buf;\n\nfn stream_id(mut src: &[u8]) -> Option<u32> {\n    if src.remaining() < 4 {\n        return None;\n    }\n    Some(src.get_u32() & 0x7fff_ffff)\n}\n",
        (IndexOutOfRange, 4),
    );
    // A buffer the function made itself holds what it was made to hold.
    let made_here = candidates_of(
        Language::Go,
        "local.go",
        "package p\n\nimport (\n\t\"encoding/binary\"\n\t\"io\"\n)\n\nfunc size(r io.Reader) (uint32, error) {\n\tvar b [4]byte\n\tif _, err := io.ReadFull(r, b[:]); err != nil {\n\t\treturn 0, err\n\t}\n\treturn binary.BigEndian.Uint32(b[:]), nil\n}\n",
    );
    assert!(!made_here.contains(&(IndexOutOfRange, 13)), "{made_here:?}");
    // Not buffers read at a position: a stream's `write` handing its own
    // arguments on, a reader object's `readInt8()`, a JSON array's
    // `getInt(1)`, a utility's `write(data, out, charset)`.
    for (language, path, quiet) in [
        (
            Language::Java,
            "Tee.java",
            "class Tee extends java.io.FilterOutputStream {\n  public void write(byte[] b, int off, int len) throws java.io.IOException {\n    out.write(b, off, len);\n  }\n}\n",
        ),
        (
            Language::JavaScript,
            "row.js",
            "function parse(packet) {\n  return packet.readInt32();\n}\n",
        ),
        (
            Language::Java,
            "Plugin.java",
            "class Plugin {\n  int timeout(org.json.JSONArray args) throws Exception {\n    return args.getInt(1);\n  }\n}\n",
        ),
        (
            Language::Java,
            "Save.java",
            "class Save {\n  void save(String data, java.io.OutputStream out) throws Exception {\n    IOUtils.write(data, out, \"UTF-8\");\n  }\n}\n",
        ),
    ] {
        let found = broad_of(language, path, quiet);
        assert!(
            !found
                .iter()
                .any(|(_, _, _, t)| t.starts_with("the buffer is shorter")),
            "{found:?} in\n{quiet}"
        );
    }
}

#[test]
fn a_read_in_a_loop_that_never_looks_for_the_end_of_input() {
    // Other rules keep their own hang candidates on the loop and the read
    // (no deadline, no bound); this rule's spin is what the fix removes.
    let spins = |language, path: &str, source: &str| -> Vec<(FailureClass, usize)> {
        broad_of(language, path, source)
            .into_iter()
            .filter(|(_, _, _, trigger)| trigger.contains("every read returns nothing"))
            .map(|(class, line, _, _)| (class, line))
            .collect()
    };
    let flags_read_not_fixed_read = |language, path, bug, fix, expected| {
        let on_bug = spins(language, path, bug);
        assert_eq!(on_bug, vec![expected], "in\n{bug}");
        let on_fix = spins(language, path, fix);
        assert!(on_fix.is_empty(), "{on_fix:?} in\n{fix}");
    };
    flags_read_not_fixed_read(
        Language::Rust,
        "reply.rs",
        "impl Conn {\n    fn reply(&mut self) -> Result<String> {\n        let mut line = String::new();\n        loop {\n            line.clear();\n            self.reader.read_line(&mut line)?;\n            if line.starts_with(\"220 \") {\n                return Ok(line);\n            }\n        }\n    }\n}\n",
        "impl Conn {\n    fn reply(&mut self) -> Result<String> {\n        let mut line = String::new();\n        loop {\n            line.clear();\n            let n = self.reader.read_line(&mut line)?;\n            if n == 0 {\n                return Err(Error::Eof);\n            }\n            if line.starts_with(\"220 \") {\n                return Ok(line);\n            }\n        }\n    }\n}\n",
        (Timeout, 6),
    );
    flags_read_not_fixed_read(
        Language::Python,
        "headers.py",
        "def headers(stream):\n    lines = []\n    while True:\n        line = stream.readline()\n        if line.startswith('END'):\n            return lines\n        lines.append(line)\n",
        "def headers(stream):\n    lines = []\n    while True:\n        line = stream.readline()\n        if not line:\n            raise EOFError('stream ended before END')\n        if line.startswith('END'):\n            return lines\n        lines.append(line)\n",
        (Timeout, 4),
    );
    flags_read_not_fixed_read(
        Language::Go,
        "lines.go",
        "package p\n\nfunc fill(r io.Reader, buf []byte) int {\n\ttotal := 0\n\tfor total < len(buf) {\n\t\tn, _ := r.Read(buf[total:])\n\t\ttotal += n\n\t}\n\treturn total\n}\n",
        "package p\n\nfunc fill(r io.Reader, buf []byte) (int, error) {\n\ttotal := 0\n\tfor total < len(buf) {\n\t\tn, err := r.Read(buf[total:])\n\t\ttotal += n\n\t\tif err != nil {\n\t\t\treturn total, err\n\t\t}\n\t}\n\treturn total, nil\n}\n",
        (Timeout, 6),
    );
    flags_read_not_fixed_read(
        Language::Java,
        "Fill.java",
        "class Fill {\n  int fill(java.io.InputStream in, byte[] buf) throws java.io.IOException {\n    int total = 0;\n    while (total < buf.length) {\n      int n = in.read(buf, total, buf.length - total);\n      total += n;\n    }\n    return total;\n  }\n}\n",
        "class Fill {\n  int fill(java.io.InputStream in, byte[] buf) throws java.io.IOException {\n    int total = 0;\n    while (total < buf.length) {\n      int n = in.read(buf, total, buf.length - total);\n      if (n < 0) {\n        throw new java.io.EOFException();\n      }\n      total += n;\n    }\n    return total;\n  }\n}\n",
        (Timeout, 5),
    );
    // Reads the end of input cannot make spin: a loop whose own condition
    // tests the value (false for the empty read), a read whose closed
    // stream raises into a handler that leaves the loop, a Python read
    // dropped to skip input.
    for quiet in [
        "def skip_space(stream):\n    tok = stream.read(1)\n    while tok.isspace():\n        tok = stream.read(1)\n    return tok\n",
        "def pump(self):\n    while self.state == 'connected':\n        try:\n            p = self.ws.recv()\n        except ClosedError:\n            break\n        self.handle(p)\n",
        "def drain(resp):\n    while resp.more:\n        resp.raw.read(1)\n        resp.more = False\n",
    ] {
        let found = spins(Language::Python, "quiet.py", quiet);
        assert!(found.is_empty(), "{found:?} in\n{quiet}");
    }
}

#[test]
fn what_the_files_own_callers_pass_raises_what_it_sets_off() {
    let helper = "def is_quoted(string):\n    return string[0] == '\"'\n\n\ndef first_word(header):\n    return header.split(' ')[0]\n";
    let alone = broad_of(Language::Python, "quoted.py", helper);
    let called = broad_of(
        Language::Python,
        "quoted.py",
        &format!(
            "{helper}\n\ndef parse(value):\n    return is_quoted(''), first_word(header=None)\n"
        ),
    );
    let at = |found: &[(FailureClass, usize, f32, String)], class, line| {
        found
            .iter()
            .find(|(c, l, _, _)| *c == class && *l == line)
            .cloned()
    };
    // `string[0]` on the empty string a caller passes: raised, and said.
    let (_, _, before, _) = at(&alone, IndexOutOfRange, 2).expect("an index candidate");
    let (_, _, after, why) = at(&called, IndexOutOfRange, 2).expect("an index candidate");
    assert!(after > before, "{before} -> {after}");
    assert_eq!(why, "a caller passes an empty value for `string`");
    // `header.split` on the None a caller passes by keyword: a new candidate.
    assert_eq!(at(&alone, NullOrNone, 6), None, "{alone:?}");
    let (_, _, _, why) = at(&called, NullOrNone, 6).expect("a null candidate");
    assert_eq!(why, "a caller passes None for `header`");
    // A caller passing None to a function that checks for it changes nothing.
    let checked = "def first_word(header):\n    if header is None:\n        return ''\n    return header.split(' ')[0]\n\n\ndef parse():\n    return first_word(None)\n";
    let found = broad_of(Language::Python, "checked.py", checked);
    assert!(
        !found.iter().any(|(c, _, _, _)| *c == NullOrNone),
        "{found:?}"
    );
}

#[test]
fn literal_nothing_and_empty_arguments_of_the_files_own_functions() {
    use super::caller_arguments::{Passed, Slot, passed};
    let source = "func get(m map[string]int, key string) int {\n\treturn m[key]\n}\n\nfunc f() {\n\tget(nil, \"\")\n\tget(map[string]int{\"a\": 1}, strings.Join([]string{\"a, b\"}, \",\"))\n}\n";
    let rope = Rope::from_str(source);
    let tree = crate::syntax::parse_str(Language::Go, source).expect("parses");
    let index = crate::functions::index_functions(Language::Go, &tree, &rope, "get.go");
    assert_eq!(
        passed(Language::Go, source, &index),
        vec![
            ("get".to_owned(), Slot::Position(0), Passed::Nothing),
            ("get".to_owned(), Slot::Position(1), Passed::Empty),
        ]
    );
}

#[test]
fn a_comparison_with_the_empty_string_reaches_the_first_character() {
    flags_bug_not_fix(
        Language::Go,
        "path.go",
        "package p\n\nfunc absolute(ref string) bool {\n\treturn ref[0] == '/'\n}\n",
        "package p\n\nfunc absolute(ref string) bool {\n\tif ref == \"\" {\n\t\treturn false\n\t} else if ref[0] == '/' {\n\t\treturn true\n\t}\n\treturn false\n}\n",
        (IndexOutOfRange, 4),
    );
    // It says nothing of a second character.
    let second = candidates_of(
        Language::Go,
        "path.go",
        "package p\n\nfunc drive(ref string) bool {\n\treturn ref != \"\" && ref[1] == ':'\n}\n",
    );
    assert!(second.contains(&(IndexOutOfRange, 4)), "{second:?}");
}

#[test]
fn a_value_given_a_default_when_it_has_none_is_not_null_after() {
    flags_bug_not_fix(
        Language::Python,
        "pool.py",
        "def run(func, executor=None):\n    if executor is None:\n        log('no executor')\n    return executor.submit(func)\n",
        "def run(func, executor=None):\n    if executor is None:\n        executor = default_executor()\n    return executor.submit(func)\n",
        (NullOrNone, 4),
    );
    flags_bug_not_fix(
        Language::JavaScript,
        "client.js",
        "function connect(opts) {\n  if (opts == null) {\n    log('no options');\n  }\n  return opts.timeout;\n}\nconnect(null);\n",
        "function connect(opts) {\n  opts = opts || {};\n  return opts.timeout;\n}\nconnect(null);\n",
        (NullOrNone, 5),
    );
    flags_bug_not_fix(
        Language::Go,
        "dial.go",
        "package p\n\nfunc dial(cfg *Config) int {\n\treturn cfg.Timeout\n}\n\nfunc main() {\n\tdial(nil)\n}\n",
        "package p\n\nfunc dial(cfg *Config) int {\n\tif cfg == nil {\n\t\tcfg = &Config{}\n\t}\n\treturn cfg.Timeout\n}\n\nfunc main() {\n\tdial(nil)\n}\n",
        (NullOrNone, 4),
    );
}

/// Hazard-dense code of each language, for the property below.
const SEEDS: &[(Language, &str, &str)] = &[
    (
        Language::Rust,
        "f.rs",
        "fn f(s: &str, v: &[u8], n: usize, p: &Path) -> Option<char> {\n    if n > s.len() {\n        return None;\n    }\n    let i: usize = s[..2].parse().unwrap();\n    let t = &s[i..];\n    for k in 0..=v.len() {\n        let _ = v[k] as u32;\n    }\n    if p.exists() {\n        fs::read(p).unwrap();\n    }\n    t.chars().nth(n).unwrap();\n    s.char_indices().find(|&(_, c)| c == '$').map(|(j, _)| &s[..j])\n}\n",
    ),
    (
        Language::Python,
        "f.py",
        "import threading\nfrom datetime import datetime\n\ndef f(xs, i, sock, f):\n    lock = threading.Lock()\n    with lock:\n        if i <= len(xs):\n            return xs[i]\n    buf = b''\n    while len(buf) < 4:\n        buf += f.read(4 - len(buf))\n    byte = sock.recv(1)\n    if byte:\n        pass\n    else:\n        return ord(byte), datetime.utcnow().timestamp(), xs[0]\n",
    ),
    (
        Language::Go,
        "f.go",
        "package p\n\nfunc f(packet []byte, cursor int, wg *sync.WaitGroup) byte {\n\tgo func() {\n\t\twg.Add(1)\n\t\tdefer wg.Done()\n\t}()\n\twg.Wait()\n\tif len(packet) == 0 || cursor > len(packet) {\n\t\treturn 0\n\t}\n\treturn packet[cursor]\n}\n",
    ),
    (
        Language::JavaScript,
        "f.js",
        "function f(cur, fd, buf, rows) {\n  var pos = 0;\n  while (pos < 4) {\n    pos += fs.readSync(fd, buf, pos, 4 - pos);\n  }\n  for (let i = 0; i <= rows.length; i++) {\n    rows[i].name.trim();\n  }\n  if (typeof cur[1] === 'string') {\n    return null;\n  } else {\n    return cur[0].toLowerCase();\n  }\n}\n",
    ),
    (
        Language::Rust,
        "g.rs",
        "const LENS: [usize; 3] = [1, 2, 3];\n\nfn g(r: &mut impl Read, kv: &str, d: u64) -> u64 {\n    let mut buf = [0u8; 8];\n    let s = buf[0..4].try_into().unwrap();\n    let size = u32::from_be_bytes(s);\n    let large = u64::from_be_bytes(buf);\n    let tz = kv.parse::<i32>().unwrap_or(0);\n    let hours = tz / 100;\n    match large {\n        0..=15 => 0,\n        16..=u64::MAX => large - 8 + (size as u64) * LENS[2] as u64 + (hours * 3600) as u64 / (d * 4),\n    }\n}\n",
    ),
    (
        Language::Python,
        "g.py",
        "def helper(x):\n    if not x:\n        return {\"a\": 1,  # note\n        }\n    return {'a': 2, \"b\": {\"c\": [1, 2]}}\n\ndef g(x):\n    info = helper(x)\n    return info[\"b\"]\n",
    ),
    (
        Language::JavaScript,
        "g.js",
        "function g(info, value) {\n  const results = info.response.contents.secondary.results;\n  for (const r of results) {\n    try {\n      return decodeURIComponent(value);\n    } catch (e) {\n      return r;\n    }\n  }\n}\n",
    ),
    (
        Language::Go,
        "g.go",
        "package p\n\ntype Q struct {\n\tacks map[string]int\n}\n\nfunc (q *Q) g(b []byte, k string) uint32 {\n\tn := binary.BigEndian.Uint32(b)\n\tif _, ok := q.acks[k]; ok {\n\t\treturn n\n\t}\n\tq.acks[k] = 1\n\treturn n + 4\n}\n",
    ),
    (
        Language::Java,
        "G.java",
        "class G {\n  int g(java.io.DataInputStream in, JSONArray a, int i) throws java.io.IOException {\n    int len = in.readInt();\n    if (!a.isNull(i)) {\n      JSONObject o = (JSONObject) a.get(i);\n    }\n    return len + 4;\n  }\n}\n",
    ),
    (
        Language::Java,
        "F.java",
        "class F {\n  private static F instance;\n  static F get(java.util.List<Integer> xs) {\n    if (instance == null) {\n      synchronized (F.class) {\n        if (instance == null) {\n          instance = new F();\n        }\n      }\n    }\n    for (int i = 0; i <= xs.size(); i++) {\n      xs.get(i);\n    }\n    synchronized (new Object()) {\n      return instance;\n    }\n  }\n}\n",
    ),
];

/// Text inserted into the seeds: characters of one to four bytes, and the
/// pieces the rules look for around an operation.
const PIECES: &[&str] = &[
    "é",
    "漢",
    "😀",
    "\u{301}",
    " ",
    "\n",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ".",
    "..",
    "..=",
    "<=",
    ">",
    "=",
    ";",
    ",",
    ":",
    "'",
    "\"",
    ".unwrap()",
    ".expect(",
    "len(",
    ".length",
    "// é",
    "# é",
    "not ",
    "!",
    "0",
    "1",
];

proptest::proptest! {
    // 48 cases in every run; PROPTEST_CASES=5000 to hunt.
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(48)
    ))]
    /// Whatever is typed into code, and wherever, the rules neither panic
    /// nor read outside the text: the analysis of the broken file completes.
    #[test]
    fn the_rules_survive_any_insertion(
        seed in 0..SEEDS.len(),
        edits in proptest::collection::vec((0usize..10_000, 0..PIECES.len()), 1..6),
    ) {
        let (language, path, source) = SEEDS[seed];
        let mut text = source.to_owned();
        for (at, piece) in edits {
            let chars = text.chars().count();
            let byte = text.char_indices().nth(at % (chars + 1)).map_or(text.len(), |(b, _)| b);
            text.insert_str(byte, PIECES[piece]);
        }
        candidates_of(language, path, &text);
    }
}

/// The lines where the decoded-integer rule fires, told from the other
/// overflow candidates by its trigger.
fn decoded_lines(language: Language, source: &str) -> Vec<usize> {
    broad_of(language, "d", source)
        .into_iter()
        .filter(|(class, _, _, trigger)| {
            *class == Overflow && trigger.contains("near its type's limit")
        })
        .map(|(_, line, _, _)| line)
        .collect()
}

#[test]
fn arithmetic_on_an_integer_the_input_decides() {
    let pairs = [
        // ring's AES counter: the low 32 bits come from the peer's bytes.
        (
            Language::Rust,
            "fn increment(c: &mut [u8; 4], by: u32) -> u32 {\n    let old: u32 = u32::from_be_bytes(*c);\n    let new = old + by;\n    new\n}\n",
            "fn increment(c: &mut [u8; 4], by: u32) -> u32 {\n    let old: u32 = u32::from_be_bytes(*c);\n    let new = old.checked_add(by).unwrap_or(0);\n    new\n}\n",
            3,
        ),
        // An MP4 box's 64-bit size, less its header: the fix matches the
        // value first, and an arm of literals checks it.
        (
            Language::Rust,
            "fn size(buf: [u8; 8]) -> u64 {\n    let largesize = u64::from_be_bytes(buf);\n    largesize - 8\n}\n",
            "fn size(buf: [u8; 8]) -> Option<u64> {\n    let largesize = u64::from_be_bytes(buf);\n    match largesize {\n        0..=15 => None,\n        16..=u64::MAX => Some(largesize - 8),\n    }\n}\n",
            3,
        ),
        // A timezone parsed as i32, then scaled through a local: a check
        // of the parsed value bounds what is computed from it.
        (
            Language::Rust,
            "fn offset(tok: &str) -> Option<i32> {\n    let tz = tok.parse::<i32>().ok()?;\n    let hours = tz / 100;\n    Some(hours * 3600)\n}\n",
            "fn offset(tok: &str) -> Option<i32> {\n    let tz = tok.parse::<i32>().ok()?;\n    if tz > 2400 {\n        return None;\n    }\n    let hours = tz / 100;\n    Some(hours * 3600)\n}\n",
            4,
        ),
        (
            Language::Go,
            "package p\n\nimport \"encoding/binary\"\n\nfunc size(b []byte) uint32 {\n\tn := binary.BigEndian.Uint32(b)\n\treturn n + 4\n}\n",
            "package p\n\nimport \"encoding/binary\"\n\nfunc size(b []byte) uint32 {\n\tn := binary.BigEndian.Uint32(b)\n\tif n > 1<<20 {\n\t\treturn 0\n\t}\n\treturn n + 4\n}\n",
            7,
        ),
        (
            Language::Java,
            "class F {\n  int size(java.io.DataInputStream in) throws java.io.IOException {\n    int len = in.readInt();\n    return len + 4;\n  }\n}\n",
            "class F {\n  int size(java.io.DataInputStream in) throws java.io.IOException {\n    int len = in.readInt();\n    if (len < 0 || len > MAX) throw new java.io.IOException(\"bad length\");\n    return len + 4;\n  }\n}\n",
            4,
        ),
    ];
    for (language, bug, fix, line) in pairs {
        assert_eq!(decoded_lines(language, bug), vec![line], "{bug}");
        assert_eq!(decoded_lines(language, fix), Vec::<usize>::new(), "{fix}");
    }
    // Widened before the arithmetic, a decoded value has room.
    for quiet in [
        "fn secs(tok: &str) -> i64 {\n    let hour = tok.parse::<u8>().unwrap_or(0);\n    3600 * i64::from(hour)\n}\n",
        "fn total(b: [u8; 4]) -> u64 {\n    let n = u32::from_be_bytes(b);\n    n as u64 + 1\n}\n",
        // A length is no longer the decoded value.
        "fn total(b: &[u8]) -> usize {\n    let n = b.len();\n    n + 1\n}\n",
    ] {
        assert_eq!(
            decoded_lines(Language::Rust, quiet),
            Vec::<usize>::new(),
            "{quiet}"
        );
    }
}

#[test]
fn rust_literal_bounds_inside_an_array_of_declared_size() {
    let header = "fn read(r: &mut impl std::io::Read) -> std::io::Result<u32> {\n    let mut buf = [0u8; 8];\n    r.read_exact(&mut buf)?;\n    let s = buf[0..4].try_into().unwrap();\n    let t = buf[4..12].to_vec();\n    Ok(u32::from_be_bytes(s) + t.len() as u32)\n}\n";
    let found = candidates_of(Language::Rust, "box.rs", header);
    // `buf[0..4]` of eight bytes, and its conversion into `[u8; 4]`,
    // cannot fail; `buf[4..12]` overruns it.
    assert!(
        !found
            .iter()
            .any(|(class, line)| *line == 4
                && matches!(class, IndexOutOfRange | NullOrNone | Overflow)),
        "{found:?}"
    );
    assert!(found.contains(&(IndexOutOfRange, 5)), "{found:?}");
    // A name bound again to a slice of any length is no array any more.
    let shadowed = "fn f(data: &[u8], n: usize) -> usize {\n    let buf = [0u8; 8];\n    let a = buf[0..4].len();\n    let buf = &data[..n];\n    a + buf[0..4].len()\n}\n";
    let found = candidates_of(Language::Rust, "s.rs", shadowed);
    assert!(!found.contains(&(IndexOutOfRange, 3)), "{found:?}");
    assert!(found.contains(&(IndexOutOfRange, 5)), "{found:?}");
}

#[test]
fn python_unpack_of_what_a_read_returned() {
    // piexif: `f.read(4)` returns fewer bytes at the end of the file, and
    // `struct.unpack` raises `struct.error`; the `[0]` of its tuple
    // cannot fail.
    let bug = "import struct\n\ndef segments(f):\n    head = f.read(4)\n    while 1:\n        length = struct.unpack('>H', head[2:4])[0]\n        head = f.read(length)\n";
    let fix = bug.replace("while 1:", "while len(head) == 4:");
    flags_bug_not_fix(
        Language::Python,
        "piexif.py",
        bug,
        &fix,
        (IndexOutOfRange, 6),
    );
    let parameter = "import struct\n\ndef size(head):\n    return struct.unpack('>H', head)[0]\n";
    assert!(candidates_of(Language::Python, "p.py", parameter).contains(&(IndexOutOfRange, 4)));
    let local =
        "import struct\n\ndef size():\n    head = b'ab'\n    return struct.unpack('>H', head)[0]\n";
    assert!(!candidates_of(Language::Python, "p.py", local).contains(&(IndexOutOfRange, 5)));
}

#[test]
fn rust_duration_from_decoded_parts() {
    // bincode: `Duration::new` panics when the nanoseconds' carry
    // overflows the seconds; the fix checks the sum first.
    flags_bug_not_fix(
        Language::Rust,
        "impls.rs",
        "fn decode(d: &mut D) -> Result<Duration, E> {\n    let secs: u64 = Decode::decode(d)?;\n    let nanos: u32 = Decode::decode(d)?;\n    Ok(Duration::new(secs, nanos))\n}\n",
        "fn decode(d: &mut D) -> Result<Duration, E> {\n    let secs: u64 = Decode::decode(d)?;\n    let nanos: u32 = Decode::decode(d)?;\n    if secs.checked_add(u64::from(nanos) / 1_000_000_000).is_none() {\n        return Err(E::Overflow);\n    }\n    Ok(Duration::new(secs, nanos))\n}\n",
        (Overflow, 4),
    );
}

#[test]
fn prosemirror_positions_past_the_document() {
    // BlockNote: `$pos.before(depth)` one level out of a top-level block.
    flags_bug_not_fix(
        Language::TypeScript,
        "merge.ts",
        "export const parent = (doc: Node, at: number) => {\n  const $pos = doc.resolve(at);\n  const depth = $pos.depth - 1;\n  return $pos.before(depth);\n};\n",
        "export const parent = (doc: Node, at: number) => {\n  const $pos = doc.resolve(at);\n  const depth = $pos.depth - 1;\n  if (depth < 1) {\n    return undefined;\n  }\n  return $pos.before(depth);\n};\n",
        (IndexOutOfRange, 4),
    );
    // tiptap: a position counted past the node it ends.
    let counted = "export function range(doc: Node, result: Found) {\n  return doc.resolve(result.pos + result.node.nodeSize);\n}\n";
    assert!(
        candidates_of(Language::TypeScript, "drag.ts", counted).contains(&(IndexOutOfRange, 2))
    );
    let clamped = counted.replace(
        "result.pos + result.node.nodeSize",
        "Math.min(result.pos + result.node.nodeSize, doc.content.size)",
    );
    assert!(
        !candidates_of(Language::TypeScript, "drag.ts", &clamped).contains(&(IndexOutOfRange, 2))
    );
    // A position just read, and a promise's `resolve`, are not positions.
    let read = "export function at(doc: Node, pos: number) {\n  Promise.resolve(pos + 1);\n  return doc.resolve(pos);\n}\n";
    assert!(
        !candidates_of(Language::TypeScript, "at.ts", read)
            .iter()
            .any(|(c, _)| *c == IndexOutOfRange)
    );
    // prosemirror-dropcursor: a kept position resolved by a helper after
    // the document shrank; the fix compares it with the size first.
    let bug = "class View {\n  update(view, prev) {\n    if (prev.doc != view.state.doc)\n      this.overlay()\n  }\n  overlay() {\n    return this.view.state.doc.resolve(this.cursorPos)\n  }\n}\n";
    let fix = bug.replace(
        "    if (prev.doc != view.state.doc)\n",
        "    if (this.cursorPos > view.state.doc.content.size) this.cursorPos = null\n    else\n",
    );
    assert!(
        candidates_of(Language::JavaScript, "dropcursor.js", bug).contains(&(IndexOutOfRange, 4))
    );
    let on_fix = candidates_of(Language::JavaScript, "dropcursor.js", &fix);
    assert!(!on_fix.contains(&(IndexOutOfRange, 5)), "{on_fix:?}");
    assert!(on_fix.contains(&(IndexOutOfRange, 8)), "{on_fix:?}");
}

#[test]
fn a_narrow_counter_stepped_per_element_of_the_input() {
    // json-rust: every digit past u64's precision steps an i16 exponent.
    flags_bug_not_fix(
        Language::Rust,
        "parser.rs",
        "fn big(p: &mut P) -> i16 {\n    let mut e = 0i16;\n    loop {\n        if p.is_eof() {\n            return e;\n        }\n        e += 1;\n    }\n}\n",
        "fn big(p: &mut P) -> i16 {\n    let mut e = 0i16;\n    loop {\n        if p.is_eof() {\n            return e;\n        }\n        e = e.checked_add(1).unwrap_or(i16::MAX);\n    }\n}\n",
        (Overflow, 7),
    );
    for quiet in [
        "fn f(p: &mut P) -> usize {\n    let mut n = 0usize;\n    loop {\n        if p.done() {\n            return n;\n        }\n        n += 1;\n    }\n}\n",
        "fn f() -> u8 {\n    let mut n: u8 = 0;\n    for _ in 0..8 {\n        n += 1;\n    }\n    n\n}\n",
    ] {
        assert!(
            !candidates_of(Language::Rust, "q.rs", quiet).contains(&(Overflow, 7)),
            "{quiet}"
        );
        assert!(
            !candidates_of(Language::Rust, "q.rs", quiet).contains(&(Overflow, 4)),
            "{quiet}"
        );
    }
}

#[test]
fn python_star_unpacking_of_a_sequence_that_may_be_empty() {
    // natsort: `PurePath('.').parts` is empty.
    flags_bug_not_fix(
        Language::Python,
        "natsort.py",
        "def path_splitter(s):\n    *path_parts, base = s.parts\n    return path_parts, base\n",
        "def path_splitter(s):\n    if not s.parts:\n        return [], ''\n    *path_parts, base = s.parts\n    return path_parts, base\n",
        (IndexOutOfRange, 2),
    );
    let known = "def f(s):\n    first, *rest = [1, 2]\n    a, b = s.parts\n    *init, last = g(s)\n    return first\n";
    assert!(
        !candidates_of(Language::Python, "k.py", known)
            .iter()
            .any(|(c, _)| *c == IndexOutOfRange)
    );
}

#[test]
fn python_numbers_mapped_over_text() {
    // pip show: an empty Metadata-Version, split and mapped to int.
    flags_bug_not_fix(
        Language::Python,
        "show.py",
        "def version(dist):\n    return tuple(map(int, dist.metadata_version.split('.')))\n",
        "def version(dist):\n    try:\n        return tuple(map(int, dist.metadata_version.split('.')))\n    except ValueError:\n        return None\n",
        (ParseError, 2),
    );
    let names = "def names(xs):\n    return list(map(str, xs))\n";
    assert!(
        !candidates_of(Language::Python, "n.py", names)
            .iter()
            .any(|(c, _)| *c == ParseError)
    );
}

#[test]
fn a_name_only_a_branch_fills_in() {
    // whatwg-url: `parsedBase` stays null when no base is given.
    flags_bug_not_fix(
        Language::JavaScript,
        "url.js",
        "function init(url, base) {\n  let parsedBase = null;\n  if (base) {\n    parsedBase = parse(base);\n  }\n  return make(url, parsedBase.url);\n}\n",
        "function init(url, base) {\n  let parsedBase = null;\n  if (base) {\n    parsedBase = parse(base);\n  }\n  return make(url, parsedBase && parsedBase.url);\n}\n",
        (NullOrNone, 6),
    );
    let python = "def a(base):\n    parsed = None\n    if base:\n        parsed = parse(base)\n    else:\n        parsed = default()\n    return parsed.url\n\ndef b(path):\n    data = None\n    with open(path, encoding='utf-8') as fh:\n        data = fh.read()\n    return data.split()\n\ndef c(items):\n    found = None\n    for item in items:\n        if item.ok:\n            found = item\n    return found.name\n";
    let found = candidates_of(Language::Python, "w.py", python);
    // Both branches fill it, or a block that always runs does.
    assert!(!found.contains(&(NullOrNone, 7)), "{found:?}");
    assert!(!found.contains(&(NullOrNone, 13)), "{found:?}");
    // A loop that may find nothing.
    assert!(found.contains(&(NullOrNone, 20)), "{found:?}");
}

#[test]
fn rust_view_bounded_by_its_owners_length() {
    // serde_qs: `as_slice()` of an iterator has the iterator's length.
    flags_bug_not_fix(
        Language::Rust,
        "de.rs",
        "fn next(it: &mut std::slice::Iter<u8>) -> bool {\n    match it.next() {\n        Some(v) if *v == b'%' => &it.as_slice()[..2] == b\"5B\",\n        _ => false,\n    }\n}\n",
        "fn next(it: &mut std::slice::Iter<u8>) -> bool {\n    match it.next() {\n        Some(v) if *v == b'%' && it.len() >= 2 => &it.as_slice()[..2] == b\"5B\",\n        _ => false,\n    }\n}\n",
        (IndexOutOfRange, 3),
    );
}

#[test]
fn rust_literal_positions_inside_an_array_literal() {
    // zip's extended timestamp: `flags` is one byte, read whole.
    let literal = "fn f(r: &mut impl std::io::Read) -> u8 {\n    let mut flags = [0u8];\n    r.read_exact(&mut flags).unwrap();\n    let flags = flags[0];\n    flags + [0u8][1]\n}\n";
    let found = candidates_of(Language::Rust, "z.rs", literal);
    assert!(!found.contains(&(IndexOutOfRange, 4)), "{found:?}");
    assert!(found.contains(&(IndexOutOfRange, 5)), "{found:?}");
    // An array used where it is written is some other length.
    let used = "fn f(a: &[u8], b: &[u8]) -> u8 {\n    let v = [a, b].concat();\n    v[1]\n}\n";
    assert!(candidates_of(Language::Rust, "c.rs", used).contains(&(IndexOutOfRange, 3)));
}

#[test]
fn rust_subtraction_of_a_fixed_length() {
    // zip's extended timestamp: `len - 1` below zero on an empty field,
    // until the fix returns early on `len == 0`. The check is of the
    // value the local was cast from.
    let bug = "fn f(r: &mut impl std::io::Read, len: u16) -> usize {\n    let mut flags = [0u8];\n    let mut bytes_to_read = len as usize;\n    r.read_exact(&mut flags).unwrap();\n    bytes_to_read -= flags.len();\n    bytes_to_read\n}\n";
    let fix = bug.replace(
        "    let mut flags",
        "    if len == 0 {\n        return 0;\n    }\n    let mut flags",
    );
    assert!(candidates_of(Language::Rust, "z.rs", bug).contains(&(Overflow, 5)));
    let on_fix = candidates_of(Language::Rust, "z.rs", &fix);
    assert!(
        !on_fix.iter().any(|(class, _)| *class == Overflow),
        "{on_fix:?}"
    );
}

#[test]
fn rust_cast_of_a_local_declared_narrower_is_lossless() {
    let widen =
        "fn size(s: [u8; 4]) -> u64 {\n    let size = u32::from_be_bytes(s);\n    size as u64\n}\n";
    let narrow =
        "fn size(s: [u8; 8]) -> u32 {\n    let size = u64::from_be_bytes(s);\n    size as u32\n}\n";
    assert!(!candidates_of(Language::Rust, "c.rs", widen).contains(&(Overflow, 3)));
    assert!(candidates_of(Language::Rust, "c.rs", narrow).contains(&(Overflow, 3)));
}

#[test]
fn a_decoder_that_throws_is_handled_by_its_try() {
    // set-cookie-parser: `decodeURIComponent` throws URIError on a stray
    // `%`, where JavaScript's other decoders replace bad bytes.
    flags_bug_not_fix(
        Language::JavaScript,
        "cookie.js",
        "function parse(value, options) {\n  return options.decode ? decodeURIComponent(value) : value;\n}\n",
        "function parse(value, options) {\n  try {\n    return options.decode ? decodeURIComponent(value) : value;\n  } catch (e) {\n    console.error(e);\n    return value;\n  }\n}\n",
        (Encoding, 2),
    );
}

#[test]
fn java_cast_after_a_test_of_that_type() {
    // cordova-plugin-contacts: a deleted entry is JSON null, not an object.
    flags_bug_not_fix(
        Language::Java,
        "Contacts.java",
        "class C {\n  void save(JSONArray phones, int i) {\n    JSONObject phone = (JSONObject) phones.get(i);\n    insert(phone);\n  }\n}\n",
        "class C {\n  void save(JSONArray phones, int i) {\n    if (!phones.isNull(i)) {\n      JSONObject phone = (JSONObject) phones.get(i);\n      insert(phone);\n    }\n  }\n}\n",
        (TypeError, 3),
    );
    // A test of another type leaves the cast to a subclass unchecked.
    let other = "class C {\n  JSObject get(Object value) {\n    if (value instanceof JSONObject) {\n      return (JSObject) value;\n    }\n    return null;\n  }\n}\n";
    assert!(candidates_of(Language::Java, "C.java", other).contains(&(TypeError, 4)));
    let same = "class C {\n  JSObject get(Object value) {\n    if (value instanceof JSObject) {\n      return (JSObject) value;\n    }\n    return null;\n  }\n}\n";
    assert!(!candidates_of(Language::Java, "C.java", same).contains(&(TypeError, 4)));
}

#[test]
fn a_product_divisor_is_checked_through_its_factors() {
    // rust_decimal's `ln`: `C4 / (self * C256)` is zero where `self` is.
    flags_bug_not_fix(
        Language::Rust,
        "maths.rs",
        "impl D {\n    fn ln(&self) -> D {\n        if self.is_sign_positive() {\n            let rhs = C4 / (self * C256);\n            return rhs;\n        }\n        D::ZERO\n    }\n}\n",
        "impl D {\n    fn ln(&self) -> D {\n        if self.is_sign_positive() && !self.is_zero() {\n            let rhs = C4 / (self * C256);\n            return rhs;\n        }\n        D::ZERO\n    }\n}\n",
        (DivisionByZero, 4),
    );
    // The candidate scan's own test (Go's precise rule reads its
    // divisors its own way).
    let division = |source: &str| {
        broad_of(Language::Go, "rate.go", source)
            .into_iter()
            .any(|(class, line, _, _)| class == DivisionByZero && line == 4)
    };
    assert!(division(
        "package p\n\nfunc per(total, n int) int {\n\treturn total / (n * 4)\n}\n"
    ));
    assert!(!division(
        "package p\n\nfunc per(total, n int) int {\n\tif n != 0 { return total / (n * 4) }\n\treturn 0\n}\n"
    ));
}

#[test]
fn rust_index_converted_where_it_is_used() {
    // wasmtime's flags: the loop bounds `offset`, the index converts it.
    flags_bug_not_fix(
        Language::Rust,
        "values.rs",
        "fn push_flags(names: &[String], flags: &mut Vec<String>, mut offset: u32, mut bits: u32) {\n    while bits > 0 {\n        flags.push(names[offset as usize].clone());\n        bits >>= 1;\n        offset += 1;\n    }\n}\n",
        "fn push_flags(names: &[String], flags: &mut Vec<String>, mut offset: u32, mut bits: u32) {\n    while bits > 0 && (offset as usize) < names.len() {\n        flags.push(names[offset as usize].clone());\n        bits >>= 1;\n        offset += 1;\n    }\n}\n",
        (IndexOutOfRange, 3),
    );
}

#[test]
fn indexes_that_cannot_fail() {
    // A Go map read gives the zero value: by the file's declaration, or by
    // the comma-ok form; a slice of the same shape still panics.
    let go = "package p\n\ntype Q struct {\n\tacks map[string]struct{}\n\tids []string\n}\n\nfunc (q *Q) seen(from string) bool {\n\t_, ok := q.acks[from]\n\treturn ok\n}\n\nfunc (q *Q) first(i int) string {\n\treturn q.ids[i]\n}\n\nfunc count(m map[string]int, k string) int {\n\tn, ok := m[k]\n\tif !ok {\n\t\treturn 0\n\t}\n\treturn n\n}\n";
    let found = candidates_of(Language::Go, "q.go", go);
    assert!(!found.contains(&(IndexOutOfRange, 9)), "{found:?}");
    assert!(!found.contains(&(IndexOutOfRange, 18)), "{found:?}");
    assert!(found.contains(&(IndexOutOfRange, 14)), "{found:?}");
    // Rust: a cut where a search of the text found its delimiter, and a
    // literal position in a constant array the compiler checks.
    let rust = "const GROUP_LENS: [usize; 5] = [8, 4, 4, 4, 12];\n\nfn kv(s: &str) -> (&str, &str) {\n    match s.find('=') {\n        Some(i) => (&s[..i], &s[(i + 1)..]),\n        None => (s, \"\"),\n    }\n}\n\nfn last(d: usize, v: &[usize]) -> bool {\n    GROUP_LENS[4] != d\n        && v[4] != d\n}\n";
    let found = candidates_of(Language::Rust, "kv.rs", rust);
    assert!(!found.contains(&(IndexOutOfRange, 5)), "{found:?}");
    assert!(!found.contains(&(IndexOutOfRange, 11)), "{found:?}");
    // `v[4]` of a slice still may not reach.
    assert!(found.contains(&(IndexOutOfRange, 12)), "{found:?}");
    // The whole of a slice; a bound clamped to its length; a check of a
    // name bound to its length.
    let clamped = "fn f(buf: &[u8], left: usize, data: &str) -> usize {\n    let n = std::cmp::min(left, buf.len());\n    let a = &buf[..n];\n    let size = data.len();\n    let mut i = 0;\n    while i < size {\n        let _ = &data[i..];\n        i += 1;\n    }\n    let whole = &data[..];\n    a.len() + whole.len()\n        + buf[left..].len()\n}\n";
    let found = candidates_of(Language::Rust, "c.rs", clamped);
    for line in [3, 7, 10] {
        assert!(
            !found.contains(&(IndexOutOfRange, line)),
            "{line}: {found:?}"
        );
    }
    assert!(found.contains(&(IndexOutOfRange, 12)), "{found:?}");
    // From the start of the text to where a walk of its characters is.
    let words = "fn words(line: &str) -> Vec<&str> {\n    let mut out = Vec::new();\n    let mut start = 0;\n    let mut it = line.char_indices();\n    while let Some((idx, ch)) = it.next() {\n        if ch == ' ' {\n            out.push(&line[start..idx]);\n            start = idx;\n        }\n    }\n    out\n}\n";
    let found = candidates_of(Language::Rust, "words.rs", words);
    assert!(
        !found
            .iter()
            .any(|(class, line)| *line == 7 && matches!(class, IndexOutOfRange | Encoding)),
        "{found:?}"
    );
}

#[test]
fn javascript_for_of_over_a_value_read_down_a_chain() {
    // ytdl-core: one video's response lacks `results`; the fix defaults it.
    let bug = "function related(info) {\n  const results = info.response.contents.secondary.results;\n  const out = [];\n  for (const r of results) {\n    out.push(r);\n  }\n  return out;\n}\n";
    let fix = bug.replace("results;", "results || [];");
    assert!(candidates_of(Language::JavaScript, "info.js", bug).contains(&(NullOrNone, 4)));
    assert!(!candidates_of(Language::JavaScript, "info.js", &fix).contains(&(NullOrNone, 4)));
    // A local array the function built is iterable.
    let built = "function f(xs) {\n  const ys = xs.map(x => x + 1);\n  for (const y of ys) {\n    console.log(y);\n  }\n}\n";
    assert!(!candidates_of(Language::JavaScript, "f.js", built).contains(&(NullOrNone, 3)));
}

#[test]
fn python_key_one_of_a_helpers_returned_dicts_lacks() {
    // python-email-validator: on a DNS timeout the helper returns a dict
    // without "mx".
    let helper = "def deliverability(domain):\n    try:\n        mtas = resolve(domain)\n    except Timeout:\n        return {\n            \"unknown-deliverability\": \"timeout\",  # not a failure\n        }\n    return {\"mx\": mtas, \"mx-fallback\": None}\n\n";
    let bug = format!(
        "{helper}def validate(ret, domain):\n    info = deliverability(domain)\n    ret.mx = info[\"mx\"]\n    return ret\n"
    );
    let fix = format!(
        "{helper}def validate(ret, domain):\n    info = deliverability(domain)\n    if \"mx\" in info:\n        ret.mx = info[\"mx\"]\n    return ret\n"
    );
    let on_bug = broad_of(Language::Python, "v.py", &bug);
    assert!(
        on_bug
            .iter()
            .any(|(class, line, _, trigger)| *class == KeyMissing
                && *line == 12
                && trigger.contains("returns a dict without \"mx\"")),
        "{on_bug:?}"
    );
    let on_fix = broad_of(Language::Python, "v.py", &fix);
    assert!(
        !on_fix
            .iter()
            .any(|(_, _, _, trigger)| trigger.contains("returns a dict without")),
        "{on_fix:?}"
    );
}

#[test]
fn python_subscript_of_a_helper_that_returns_none() {
    let helper = "def helper(x):\n    if not x:\n        return None\n    return {\"a\": 1}\n\n";
    let said = |source: &str| {
        broad_of(Language::Python, "n.py", source)
            .into_iter()
            .any(|(class, line, _, trigger)| {
                class == NullOrNone && line == 8 && trigger.starts_with("`helper` returns nothing")
            })
    };
    assert!(said(&format!(
        "{helper}def use(x):\n    info = helper(x)\n    return info[\"a\"]\n"
    )));
    assert!(!said(&format!(
        "{helper}def use(x):\n    info = helper(x)\n    return info[\"a\"] if info is not None else 0\n"
    )));
}

#[test]
fn javascript_streaming_decoder_keeps_a_cut_character() {
    let bug = "function decodeAll(chunks, decoder) {\n  const out = [];\n  for (const c of chunks) {\n    out.push(decoder.decode(c));\n  }\n  return out;\n}\n";
    let fix = bug.replace("decoder.decode(c)", "decoder.decode(c, { stream: true })");
    assert!(candidates_of(Language::JavaScript, "d.js", bug).contains(&(Encoding, 4)));
    assert!(!candidates_of(Language::JavaScript, "d.js", &fix).contains(&(Encoding, 4)));
}

#[test]
fn a_number_built_digit_by_digit_with_no_bound() {
    let accumulated = |language: Language, source: &str| -> Vec<usize> {
        broad_of(language, "n", source)
            .into_iter()
            .filter(|(class, _, _, trigger)| *class == Overflow && trigger.contains("more digits"))
            .map(|(_, line, _, _)| line)
            .collect()
    };
    // object's COFF section name: a base-64 offset of any length.
    let bug = "fn parse(bytes: &[u8]) -> u32 {\n    let mut offset = 0;\n    for byte in bytes[2..].iter() {\n        let digit = byte - b'A';\n        offset = offset * 64 + digit as u32;\n    }\n    offset\n}\n";
    let fix = bug.replace(
        "offset = offset * 64 + digit as u32;",
        "offset = offset.checked_mul(64)?.checked_add(digit as u32)?;",
    );
    assert_eq!(accumulated(Language::Rust, bug), [5]);
    assert_eq!(accumulated(Language::Rust, &fix), Vec::<usize>::new());
    // Go's `n *= 10` in a loop over a header's digits.
    let go = "package p\n\nfunc parseLen(p []byte) int {\n\tn := 0\n\tfor _, b := range p {\n\t\tn *= 10\n\t\tn += int(b - '0')\n\t}\n\treturn n\n}\n";
    assert_eq!(accumulated(Language::Go, go), [6]);
    // vte: a parser fed a byte per call keeps the number in a field.
    let fed = "impl P {\n    fn param(&mut self, byte: u8) {\n        self.param *= 10;\n        self.param += (byte - b'0') as i64;\n    }\n}\n";
    assert_eq!(accumulated(Language::Rust, fed), [3]);
    let saturating = fed
        .replace(
            "self.param *= 10;",
            "self.param = self.param.saturating_mul(10);",
        )
        .replace(
            "self.param += (byte - b'0') as i64;",
            "self.param = self.param.saturating_add((byte - b'0') as i64);",
        );
    assert_eq!(
        accumulated(Language::Rust, &saturating),
        Vec::<usize>::new()
    );
    // A field scaled without a digit is no number being read.
    let scaled = "impl P {\n    fn grow(&mut self) {\n        self.size *= 2;\n    }\n}\n";
    assert_eq!(accumulated(Language::Rust, scaled), Vec::<usize>::new());
    // A constant count of digits, or a check of the number, bounds it.
    for quiet in [
        "fn p(b: &[u8]) -> u32 {\n    let mut n = 0u32;\n    for i in 0..4 {\n        n = n * 10 + b[i] as u32;\n    }\n    n\n}\n",
        "fn p(b: &[u8]) -> u32 {\n    let mut n = 0u32;\n    for c in b {\n        if n > 100_000 {\n            break;\n        }\n        n = n * 10 + *c as u32;\n    }\n    n\n}\n",
    ] {
        assert_eq!(
            accumulated(Language::Rust, quiet),
            Vec::<usize>::new(),
            "{quiet}"
        );
    }
}

#[test]
fn a_lock_taken_again_by_the_goroutine_that_holds_it() {
    // testify's Suite.Require: T() takes the RWMutex Require already holds.
    // The fix reads the field under the lock it holds.
    let go_bug = "package suite\n\nimport \"sync\"\n\ntype Suite struct {\n\tmu sync.RWMutex\n\tt  *T\n\tr  *R\n}\n\nfunc (s *Suite) T() *T {\n\ts.mu.RLock()\n\tdefer s.mu.RUnlock()\n\treturn s.t\n}\n\nfunc (s *Suite) Require() *R {\n\ts.mu.Lock()\n\tdefer s.mu.Unlock()\n\tif s.r == nil {\n\t\ts.r = newR(s.T())\n\t}\n\treturn s.r\n}\n";
    let go_fix = go_bug.replace("newR(s.T())", "newR(s.t)");
    assert_eq!(relocks(Language::Go, "suite.go", go_bug), [21]);
    assert_eq!(relocks(Language::Go, "suite.go", &go_fix), [0; 0]);
    // Released before the call, or called from another goroutine: the
    // second take waits for the first, it does not deadlock.
    for quiet in [
        go_bug.replace(
            "\tdefer s.mu.Unlock()\n\tif s.r == nil {\n\t\ts.r = newR(s.T())\n\t}\n",
            "\tr := s.r\n\ts.mu.Unlock()\n\tif r == nil {\n\t\tr = newR(s.T())\n\t}\n",
        ),
        go_bug.replace(
            "\t\ts.r = newR(s.T())\n",
            "\t\tgo func() {\n\t\t\tuse(s.T())\n\t\t}()\n",
        ),
        // Another type's method of the same name takes its own lock.
        go_bug.replace("func (s *Suite) T() *T", "func (s *Other) T() *T"),
    ] {
        assert_eq!(relocks(Language::Go, "suite.go", &quiet), [0; 0], "{quiet}");
    }
    // Python's threading.Lock is not reentrant; an RLock is.
    let py_bug = "import threading\n\nclass Batcher:\n    def __init__(self):\n        self._lock = threading.Lock()\n        self._items = []\n\n    def flush(self):\n        with self._lock:\n            self._items.clear()\n\n    def add(self, item):\n        with self._lock:\n            self._items.append(item)\n            if len(self._items) > 100:\n                self.flush()\n";
    let py_fix = py_bug.replace(
        "            if len(self._items) > 100:\n                self.flush()\n",
        "            full = len(self._items) > 100\n        if full:\n            self.flush()\n",
    );
    assert_eq!(relocks(Language::Python, "batcher.py", py_bug), [16]);
    assert_eq!(relocks(Language::Python, "batcher.py", &py_fix), [0; 0]);
    let reentrant = py_bug.replace("threading.Lock()", "threading.RLock()");
    assert_eq!(relocks(Language::Python, "batcher.py", &reentrant), [0; 0]);
    // Rust: a guard bound to a name lives to the end of its block; a
    // temporary one is dropped with its statement.
    let rs_bug = "use std::sync::Mutex;\n\nstruct Cache {\n    map: Mutex<Vec<u8>>,\n}\n\nimpl Cache {\n    fn len(&self) -> usize {\n        self.map.lock().unwrap().len()\n    }\n\n    fn push(&self, b: u8) {\n        let mut map = self.map.lock().unwrap();\n        map.push(b);\n        if self.len() > 10 {\n            map.clear();\n        }\n    }\n}\n";
    let rs_fix = rs_bug.replace("if self.len() > 10", "if map.len() > 10");
    assert_eq!(relocks(Language::Rust, "cache.rs", rs_bug), [15]);
    assert_eq!(relocks(Language::Rust, "cache.rs", &rs_fix), [0; 0]);
    let dropped = rs_bug.replace(
        "        map.push(b);\n",
        "        map.push(b);\n        drop(map);\n",
    );
    assert_eq!(relocks(Language::Rust, "cache.rs", &dropped), [0; 0]);
}

/// The lines where a lock is taken again by its holder.
fn relocks(language: Language, path: &str, source: &str) -> Vec<usize> {
    broad_of(language, path, source)
        .into_iter()
        .filter(|(class, _, _, trigger)| *class == Timeout && trigger.contains("again while"))
        .map(|(_, line, _, _)| line)
        .collect()
}

#[test]
fn a_backtracking_pattern_run_on_text_whose_length_was_bounded() {
    // ms: the fix returns early on strings over 100 characters.
    let bug = "function parse(str) {\n  str = String(str);\n  var match = /^((?:\\d+)?\\.?\\d+) *(ms|s)?$/i.exec(str);\n  return match;\n}\n";
    let fix = bug.replace(
        "  str = String(str);\n",
        "  str = String(str);\n  if (str.length > 100) {\n    return;\n  }\n",
    );
    flags_bug_not_fix(Language::JavaScript, "index.js", bug, &fix, (Timeout, 3));
    // A check for emptiness bounds nothing.
    let empty = bug.replace(
        "  str = String(str);\n",
        "  str = String(str);\n  if (str.length < 1) {\n    return;\n  }\n",
    );
    let found = candidates_of(Language::JavaScript, "index.js", &empty);
    assert!(found.contains(&(Timeout, 6)), "{found:?}");
    // Nor does one of 10,000: ms had it, and needed a second fix.
    let loose = fix.replace("100)", "10000)");
    let found = candidates_of(Language::JavaScript, "index.js", &loose);
    assert!(found.contains(&(Timeout, 6)), "{found:?}");
    // A compiled Python pattern, and a named limit.
    let py_bug = "import re\n\nBLAME = re.compile(r'\\s*(\\d+)\\s*(\\S+) (.*)')\n\ndef blame(line):\n    m = BLAME.match(line)\n    return m\n";
    let py_fix = py_bug.replace(
        "def blame(line):\n",
        "def blame(line):\n    if len(line) > MAX_LINE:\n        return None\n",
    );
    flags_bug_not_fix(Language::Python, "wc.py", py_bug, &py_fix, (Timeout, 6));
}

#[test]
fn a_pattern_that_backtracks_only_when_searched_under_python_match() {
    // py's svnwc blame, fixed: it opens with `\s*`, which costs only when a
    // search tries it at every offset; `match` tries the start alone.
    let source = "import re\n\nBLAME = re.compile(r'\\s*(\\d+)\\s+(\\S+) (.*)')\n\ndef blame(line):\n    return BLAME.match(line)\n\ndef find(line):\n    return BLAME.search(line)\n";
    let found = broad_of(Language::Python, "wc.py", source);
    let backtracking = |line: usize| {
        found
            .iter()
            .any(|(c, l, _, t)| *c == Timeout && *l == line && t.contains("split it between"))
    };
    assert!(!backtracking(6), "{found:?}");
    assert!(backtracking(9), "{found:?}");
}

#[test]
fn android_calls_that_throw_on_the_device_not_in_the_code() {
    // react-native-bluetooth-classic: discovery cancelled without the
    // BLUETOOTH_SCAN permission Android 12 added; the fix checks it and
    // catches SecurityException.
    let bug = "import android.bluetooth.BluetoothAdapter;\n\nclass Module {\n  public void onHostDestroy() {\n    mAdapter.cancelDiscovery();\n  }\n}\n";
    let caught = bug.replace(
        "    mAdapter.cancelDiscovery();\n",
        "    try {\n      mAdapter.cancelDiscovery();\n    } catch (SecurityException e) {\n      Log.e(TAG, \"no permission\");\n    }\n",
    );
    flags_bug_not_fix(Language::Java, "Module.java", bug, &caught, (Other, 5));
    let checked = bug.replace(
        "    mAdapter.cancelDiscovery();\n",
        "    if (hasBluetoothScanPermission()) {\n      mAdapter.cancelDiscovery();\n    }\n",
    );
    flags_bug_not_fix(Language::Java, "Module.java", bug, &checked, (Other, 5));
    // react-native-nfc-manager: a stale tag; the fix adds a catch of
    // SecurityException beside the NullPointerException one.
    let nfc = "import android.nfc.tech.Ndef;\n\nclass Util {\n  static JSONObject toJson(Ndef ndef) {\n    JSONObject json = new JSONObject();\n    try {\n      json.put(\"ro\", ndef.canMakeReadOnly());\n    } catch (NullPointerException e) {\n      json.put(\"ro\", JSONObject.NULL);\n    }\n    return json;\n  }\n}\n";
    let nfc_fix = nfc.replace(
        "    }\n    return json;",
        "    } catch (SecurityException e) {\n      json.put(\"ro\", JSONObject.NULL);\n    }\n    return json;",
    );
    flags_bug_not_fix(Language::Java, "Util.java", nfc, &nfc_fix, (Other, 7));
    // A catch of a base catches it too.
    let media = "import android.media.MediaMetadataRetriever;\n\nclass Sizes {\n  void put(FileDescriptor fd) {\n    MediaMetadataRetriever retriever = new MediaMetadataRetriever();\n    retriever.setDataSource(fd);\n  }\n}\n";
    let media_fix = media.replace(
        "    retriever.setDataSource(fd);\n",
        "    try {\n      retriever.setDataSource(fd);\n    } catch (RuntimeException e) {\n    }\n",
    );
    flags_bug_not_fix(Language::Java, "Sizes.java", media, &media_fix, (Other, 6));
    // A foreground service promoted from the background (Android 12);
    // a catch of IllegalStateException, its base, is the fix.
    let service = "import android.app.Service;\n\nclass Tracker extends Service {\n  void onActivityStopped() {\n    startForeground(ID, notification);\n  }\n}\n";
    let service_fix = service.replace(
        "    startForeground(ID, notification);\n",
        "    try {\n      startForeground(ID, notification);\n    } catch (IllegalStateException e) {\n    }\n",
    );
    flags_bug_not_fix(
        Language::Java,
        "Tracker.java",
        service,
        &service_fix,
        (Other, 5),
    );
    // The same names outside the API's files are other methods.
    let elsewhere = "class Search {\n  void stop() {\n    engine.cancelDiscovery();\n    player.setDataSource(url);\n  }\n}\n";
    let found = candidates_of(Language::Java, "Search.java", elsewhere);
    assert!(!found.iter().any(|(class, _)| *class == Other), "{found:?}");
}

#[test]
fn an_array_of_data_spread_into_the_arguments_of_one_call() {
    // pako: the buffer's bytes as the arguments of String.fromCharCode,
    // behind a bound above what JavaScriptCore accepts; the fix lowers it.
    let bug = "function buf2binstring(buf, len) {\n  if (len < 65537) {\n    return String.fromCharCode.apply(null, shrinkBuf(buf, len));\n  }\n  var result = '';\n  for (var i = 0; i < len; i++) {\n    result += String.fromCharCode(buf[i]);\n  }\n  return result;\n}\n";
    let fix = bug.replace("65537", "65534");
    flags_bug_not_fix(
        Language::JavaScript,
        "strings.js",
        bug,
        &fix,
        (ResourceExhaustion, 3),
    );
    // Spread as well as applied; chunks cut with subarray pass.
    let spread = "function max(values) {\n  return Math.max(...values);\n}\n";
    let found = candidates_of(Language::JavaScript, "stats.js", spread);
    assert!(found.contains(&(ResourceExhaustion, 2)), "{found:?}");
    let chunked = "function decode(bytes) {\n  let out = '';\n  for (let i = 0; i < bytes.length; i += CHUNK) {\n    out += String.fromCharCode.apply(null, bytes.subarray(i, i + CHUNK));\n  }\n  return out;\n}\n";
    let found = candidates_of(Language::JavaScript, "decode.js", chunked);
    assert!(!found.contains(&(ResourceExhaustion, 4)), "{found:?}");
    // A rest parameter passes on what a call site wrote; `push` appends a
    // few results.
    let rest = "function largest(...values) {\n  return Math.max(...values);\n}\nfunction add(list, more) {\n  list.push(...more);\n}\n";
    let found = broad_of(Language::JavaScript, "rest.js", rest);
    assert!(
        !found
            .iter()
            .any(|(_, _, _, trigger)| trigger.contains("as arguments of one call")),
        "{found:?}"
    );
}

#[test]
fn a_standard_stream_chosen_at_run_time_is_none_without_a_console() {
    // tqdm.write under pythonw: the fix returns when the stream is None.
    let bug = "import sys\n\ndef write(s, file=None):\n    fp = file if file is not None else sys.stdout\n    fp.write(s)\n";
    let fix = bug.replace(
        "    fp.write(s)\n",
        "    if fp is None:\n        return\n    fp.write(s)\n",
    );
    flags_bug_not_fix(Language::Python, "std.py", bug, &fix, (NullOrNone, 5));
    // A default of the stream itself, and the terminal probe.
    let default = "import sys\n\ndef show(text, out=sys.stderr):\n    out.write(text)\n\ndef colour():\n    return sys.stdout.isatty()\n";
    let found = candidates_of(Language::Python, "show.py", default);
    assert!(found.contains(&(NullOrNone, 4)), "{found:?}");
    assert!(found.contains(&(NullOrNone, 7)), "{found:?}");
    // A script's own write, and what is read off the stream, are not.
    let script = "import sys\n\ndef main():\n    sys.stdout.write('done')\n    out = sys.stdout.buffer\n    out.write(b'x')\n";
    let found = broad_of(Language::Python, "main.py", script);
    assert!(
        !found
            .iter()
            .any(|(_, _, _, trigger)| trigger.contains("no console")),
        "{found:?}"
    );
}

#[test]
fn json_stringify_of_values_json_has_no_form_for() {
    // A BigInt or a cycle throws; a replacer that converts is the fix.
    let bug = "function send(socket, message) {\n  socket.write(JSON.stringify(message));\n}\n";
    let fix = bug.replace(
        "JSON.stringify(message)",
        "JSON.stringify(message, (k, v) => (typeof v === 'bigint' ? v.toString() : v))",
    );
    flags_bug_not_fix(Language::JavaScript, "send.js", bug, &fix, (TypeError, 2));
}

#[test]
fn an_array_of_the_callers_type_built_on_the_stack() {
    // crossbeam: a block of BLOCK_CAP slots of the message type is built
    // on the stack; the fix allocates it zeroed on the heap.
    let bug = "struct Slot<T> {\n    msg: UnsafeCell<MaybeUninit<T>>,\n}\n\nimpl<T> Block<T> {\n    fn new() -> Block<T> {\n        Self {\n            slots: [Slot::UNINIT; BLOCK_CAP],\n        }\n    }\n}\n";
    let fix = bug.replace(
        "    fn new() -> Block<T> {\n        Self {\n            slots: [Slot::UNINIT; BLOCK_CAP],\n        }\n    }\n",
        "    fn new() -> Box<Self> {\n        let ptr = unsafe { alloc_zeroed(Self::LAYOUT) };\n        unsafe { Box::from_raw(ptr.cast()) }\n    }\n",
    );
    flags_bug_not_fix(
        Language::Rust,
        "list.rs",
        bug,
        &fix,
        (ResourceExhaustion, 8),
    );
    // A megabyte of anything, even outside a generic type.
    let long = "fn scratch() -> Box<[u8; 1 << 20]> {\n    Box::new([0u8; 1 << 20])\n}\n";
    let found = candidates_of(Language::Rust, "scratch.rs", long);
    assert!(found.contains(&(ResourceExhaustion, 2)), "{found:?}");
    // A small table of a fixed type in a generic method is no hazard.
    let small = "impl<R: Read> Decoder<R> {\n    fn reset(&mut self) {\n        self.dc = [0i16; MAX_COMPONENTS];\n    }\n}\n";
    let found = candidates_of(Language::Rust, "decoder.rs", small);
    assert!(!found.contains(&(ResourceExhaustion, 3)), "{found:?}");
}

#[test]
fn a_field_the_file_empties_is_absent_before_it_is_filled() {
    // discord.js: `_ws` is null until the first connection; destroy()
    // before login dereferenced it. The fix reads it optionally.
    let bug = "class WebSocketManager {\n  constructor(client) {\n    this.client = client;\n    this._ws = null;\n  }\n  destroy() {\n    this.destroyed = true;\n    this._ws.destroy({ code: 1000 });\n  }\n}\n";
    let fix = bug.replace("this._ws.destroy(", "this._ws?.destroy(");
    flags_bug_not_fix(
        Language::JavaScript,
        "manager.js",
        bug,
        &fix,
        (NullOrNone, 8),
    );
    // A method that fills the field first holds a value there.
    let filled = bug.replace(
        "    this.destroyed = true;\n",
        "    this._ws = new WebSocketShard(this.client);\n",
    );
    let found = candidates_of(Language::JavaScript, "manager.js", &filled);
    assert!(!found.contains(&(NullOrNone, 8)), "{found:?}");
    // Written without semicolons (standard style): the line ends the
    // assignment; the `}` after it is not part of it.
    let bare = "class Torrent {\n  destroy () {\n    this.client = null\n  }\n\n  port () {\n    return this.client.port\n  }\n}\n";
    let found = candidates_of(Language::JavaScript, "torrent.js", bare);
    assert!(found.contains(&(NullOrNone, 7)), "{found:?}");
    // Python: `self.sock = None` in `close`, `self.sock.send` elsewhere.
    let python = "class Client:\n    def close(self):\n        self.sock.close()\n        self.sock = None\n\n    def send(self, data):\n        self.sock.sendall(data)\n";
    let found = candidates_of(Language::Python, "client.py", python);
    assert!(found.contains(&(NullOrNone, 7)), "{found:?}");
}

#[test]
fn a_plain_object_looked_up_with_a_key_from_the_data_and_called() {
    // atproto: `did:toString:x` finds Object.prototype.toString, which the
    // truthiness check lets through; the fix keeps the methods in a Map.
    let bug = "class DidResolver {\n  constructor() {\n    this.methods = { plc: new PlcResolver(), web: new WebResolver() }\n  }\n  resolve(did) {\n    const split = did.split(':')\n    const method = this.methods[split[1]]\n    if (!method) throw new Error(did)\n    return method.resolveNoCheck(did)\n  }\n}\n";
    let fix = bug
        .replace(
            "this.methods = { plc: new PlcResolver(), web: new WebResolver() }",
            "this.methods = new Map([['plc', new PlcResolver()], ['web', new WebResolver()]])",
        )
        .replace("this.methods[split[1]]", "this.methods.get(split[1])");
    let found = candidates_of(Language::JavaScript, "resolver.js", bug);
    assert!(found.contains(&(TypeError, 9)), "{found:?}");
    let found = candidates_of(Language::JavaScript, "resolver.js", &fix);
    assert!(!found.contains(&(TypeError, 9)), "{found:?}");
    // An own-property check is the other fix.
    let checked = bug.replace(
        "    if (!method) throw",
        "    if (!Object.hasOwn(this.methods, split[1])) throw",
    );
    let found = candidates_of(Language::JavaScript, "resolver.js", &checked);
    assert!(!found.contains(&(TypeError, 9)), "{found:?}");
}

#[test]
fn a_repeated_group_of_alternatives_that_accept_the_same_character() {
    // colorama: `(?:.|;)*?` splits each `;` two ways; the fix takes
    // anything but the terminator once.
    let bug = "import re\n\nclass AnsiToWin32:\n    ANSI_OSC_RE = re.compile('\\001?\\033\\\\]((?:.|;)*?)(\\x07)\\002?')\n\n    def convert_osc(self, text):\n        for match in self.ANSI_OSC_RE.finditer(text):\n            text = text[:match.start()]\n        return text\n";
    let fix = bug.replace("((?:.|;)*?)", "([^\\\\a]*)");
    flags_bug_not_fix(Language::Python, "ansitowin32.py", bug, &fix, (Timeout, 7));
    // Alternatives that share no character are one way through.
    let distinct = bug.replace("((?:.|;)*?)", "((?:\\\\d|;)*)");
    let found = candidates_of(Language::Python, "ansitowin32.py", &distinct);
    assert!(!found.contains(&(Timeout, 7)), "{found:?}");
}

#[test]
fn a_deserializer_recursing_through_serdes_visitor() {
    // ron: each `{` hands the deserializer to visit_map, which calls back
    // into it for the values; the fix counts the depth.
    let bug = "impl<'de, 'a> de::Deserializer<'de> for &'a mut Deserializer<'de> {\n    fn deserialize_map<V>(self, visitor: V) -> Result<V::Value>\n    where\n        V: Visitor<'de>,\n    {\n        if self.bytes.consume(\"{\") {\n            let value = visitor.visit_map(CommaSeparated::new(b'}', self))?;\n            Ok(value)\n        } else {\n            Err(Error::ExpectedMap)\n        }\n    }\n}\n";
    let fix = bug.replace(
        "            let value = visitor.visit_map(CommaSeparated::new(b'}', self))?;\n",
        "            let value = guard_recursion! { self =>\n                visitor.visit_map(CommaSeparated::new(b'}', self))?\n            };\n",
    );
    flags_bug_not_fix(Language::Rust, "de.rs", bug, &fix, (ResourceExhaustion, 7));
}

#[test]
fn a_check_before_a_loop_that_shrinks_the_collection_holds_once() {
    // isort: `if current:` holds for the loop's first test only; the fix
    // checks it in the condition.
    let bug = "def process(lines):\n    current = ''.join(lines)\n    if current:\n        while current[-1] == '\\n':\n            current = current[:-1]\n    return current\n";
    let fix = bug.replace("while current[-1]", "while current and current[-1]");
    flags_bug_not_fix(Language::Python, "core.py", bug, &fix, (IndexOutOfRange, 4));
    // A loop that does not shrink it keeps the check's word.
    let steady = bug.replace("current = current[:-1]", "print(current)");
    let found = candidates_of(Language::Python, "core.py", &steady);
    assert!(!found.contains(&(IndexOutOfRange, 4)), "{found:?}");
}

#[test]
fn a_pending_poll_the_loop_ignores() {
    // tower's CallAll: the stream is not ready, the arm does nothing and
    // the loop polls it again at once; the fix hands Pending up.
    let bug = "impl<S> Stream for CallAll<S> {\n    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {\n        loop {\n            if *this.eof {\n                return Poll::Pending;\n            }\n            match this.stream.as_mut().poll_next(cx) {\n                Poll::Ready(r) => this.queue.push(r),\n                Poll::Pending => {\n                    // the slot stays reserved\n                }\n            }\n        }\n    }\n}\n";
    let found = candidates_of(Language::Rust, "common.rs", bug);
    assert!(found.contains(&(Timeout, 7)), "{found:?}");
    let fix = bug.replace(
        "match this.stream.as_mut().poll_next(cx) {\n                Poll::Ready(r) => this.queue.push(r),\n                Poll::Pending => {\n                    // the slot stays reserved\n                }\n            }",
        "match ready!(this.stream.as_mut().poll_next(cx)) {\n                r => this.queue.push(r),\n            }",
    );
    let found = candidates_of(Language::Rust, "common.rs", &fix);
    assert!(!found.contains(&(Timeout, 7)), "{found:?}");
    // A flag the loop tests afterwards leaves it (tokio-rustls), and a
    // match with work after it in the loop is not the loop's last word.
    let flagged = bug.replace(
        "Poll::Pending => {\n                    // the slot stays reserved\n                }",
        "Poll::Pending => {\n                    would_block = true;\n                }",
    );
    let found = candidates_of(Language::Rust, "common.rs", &flagged);
    assert!(!found.contains(&(Timeout, 7)), "{found:?}");
    let followed = bug.replace(
        "            }\n        }\n    }\n}\n",
        "            }\n            if this.queue.is_empty() {\n                return Poll::Pending;\n            }\n        }\n    }\n}\n",
    );
    let found = candidates_of(Language::Rust, "common.rs", &followed);
    assert!(!found.contains(&(Timeout, 7)), "{found:?}");
}

#[test]
fn text_grown_through_an_element_by_plain_assignment() {
    // asgiref: every repeat of a header copies the joined value so far;
    // the fix collects the values in a list and joins them once.
    let bug = "def build_environ(self, environ):\n    for name, value in self.scope.get(\"headers\", []):\n        corrected_name = \"HTTP_%s\" % name.upper()\n        if corrected_name in environ:\n            value = environ[corrected_name] + \",\" + value\n        environ[corrected_name] = value\n    return environ\n";
    let fix = "def build_environ(self, environ):\n    headers = defaultdict(list)\n    for name, value in self.scope.get(\"headers\", []):\n        corrected_name = \"HTTP_%s\" % name.upper()\n        headers[corrected_name].append(value)\n    for name, values in headers.items():\n        environ[name] = \",\".join(values)\n    return environ\n";
    flags_bug_not_fix(
        Language::Python,
        "wsgi.py",
        bug,
        fix,
        (ResourceExhaustion, 5),
    );
    let direct = "def feed(self, chunks):\n    for chunk in chunks:\n        self.buffer = self.buffer + chunk\n";
    let found = candidates_of(Language::Python, "feed.py", direct);
    assert!(found.contains(&(ResourceExhaustion, 3)), "{found:?}");
    // A number grown the same way adds, and a local copy never stored
    // back grows nothing.
    let counted = direct.replace(
        "self.buffer = self.buffer + chunk",
        "self.total = self.total + 1",
    );
    let found = candidates_of(Language::Python, "feed.py", &counted);
    assert!(!found.contains(&(ResourceExhaustion, 3)), "{found:?}");
    let local = bug.replace(
        "        environ[corrected_name] = value\n",
        "        print(value)\n",
    );
    let found = candidates_of(Language::Python, "wsgi.py", &local);
    assert!(!found.contains(&(ResourceExhaustion, 5)), "{found:?}");
}

#[test]
fn go_pointer_field_dereferenced_unchecked() {
    // prometheus/exporter-toolkit: a FlagConfig built by hand leaves the
    // *bool nil; the fix checks it first.
    let bug = "package web\n\nfunc ListenAndServe(server *http.Server, flags *FlagConfig) error {\n\tif *flags.WebSystemdSocket {\n\t\treturn serveSystemd(server)\n\t}\n\treturn nil\n}\n";
    let fix = bug.replace(
        "if *flags.WebSystemdSocket {",
        "if flags.WebSystemdSocket != nil && *flags.WebSystemdSocket {",
    );
    flags_bug_not_fix(Language::Go, "tls_config.go", bug, &fix, (NullOrNone, 4));
    // Set in the function first, or a package's variable: no doubt.
    let set = bug.replace(
        "\tif *flags.WebSystemdSocket {",
        "\tflags.WebSystemdSocket = &off\n\tif *flags.WebSystemdSocket {",
    );
    let found = candidates_of(Language::Go, "tls_config.go", &set);
    assert!(!found.contains(&(NullOrNone, 5)), "{found:?}");
    let package = "package main\n\nimport \"flag\"\n\nfunc run() int {\n\treturn *flag.Port\n}\n";
    let found = candidates_of(Language::Go, "main.go", package);
    assert!(!found.contains(&(NullOrNone, 6)), "{found:?}");
}

#[test]
fn waiting_for_a_child_before_reading_its_pipe() {
    // The rule's own trigger tells it from "a wait without a timeout".
    let pipe_waits = |language, path, source: &str| -> Vec<usize> {
        broad_of(language, path, source)
            .into_iter()
            .filter(|(class, _, _, trigger)| *class == Timeout && trigger.contains("pipe holds"))
            .map(|(_, line, _, _)| line)
            .collect()
    };
    // python-lsp-server: pylint's JSON fills the pipe while lint() waits;
    // the fix reads everything with communicate().
    let bug = "def lint(cmd):\n    with Popen(cmd, stdout=PIPE, stderr=PIPE,\n               universal_newlines=True) as process:\n        process.wait()\n        json_out = process.stdout.read()\n    return json_out\n";
    assert_eq!(pipe_waits(Language::Python, "pylint_lint.py", bug), [4]);
    let fix = "def lint(cmd):\n    with Popen(cmd, stdout=PIPE, stderr=PIPE,\n               universal_newlines=True) as process:\n        json_out, err = process.communicate()\n        process.wait()\n    return json_out\n";
    assert_eq!(
        pipe_waits(Language::Python, "pylint_lint.py", fix),
        [0usize; 0]
    );
    // Output that goes nowhere near a pipe cannot fill one.
    let quiet = bug.replace("stdout=PIPE, stderr=PIPE", "stdout=DEVNULL");
    assert_eq!(
        pipe_waits(Language::Python, "pylint_lint.py", &quiet),
        [0usize; 0]
    );
    // Java reads the stream only after waitFor; Go reads the pipe after Wait.
    let java = "class Run {\n    String run(ProcessBuilder pb) throws Exception {\n        Process p = pb.start();\n        p.waitFor();\n        return new String(p.getInputStream().readAllBytes());\n    }\n}\n";
    assert_eq!(pipe_waits(Language::Java, "Run.java", java), [4]);
    let java_fix = java.replace("        p.waitFor();\n        return new String(p.getInputStream().readAllBytes());\n", "        String out = new String(p.getInputStream().readAllBytes());\n        p.waitFor();\n        return out;\n");
    assert_eq!(
        pipe_waits(Language::Java, "Run.java", &java_fix),
        [0usize; 0]
    );
    let go = "package run\n\nfunc run(cmd *exec.Cmd) ([]byte, error) {\n\tout, err := cmd.StdoutPipe()\n\tif err != nil {\n\t\treturn nil, err\n\t}\n\tcmd.Start()\n\tcmd.Wait()\n\treturn io.ReadAll(out)\n}\n";
    assert_eq!(pipe_waits(Language::Go, "run.go", go), [9]);
    let go_fix = go.replace(
        "\tcmd.Wait()\n\treturn io.ReadAll(out)\n",
        "\tdata, err := io.ReadAll(out)\n\tcmd.Wait()\n\treturn data, err\n",
    );
    assert_eq!(pipe_waits(Language::Go, "run.go", &go_fix), [0usize; 0]);
}

#[test]
fn go_embedded_struct_read_whole_without_the_lock() {
    // zipkin-go: Tag writes the embedded SpanModel's Tags under s.mtx;
    // Finish hands the whole SpanModel to the reporter unlocked.
    let bug = "package zipkin\n\ntype spanImpl struct {\n\tmtx sync.RWMutex\n\tmodel.SpanModel\n\ttracer *Tracer\n}\n\nfunc (s *spanImpl) Tag(key, value string) {\n\ts.mtx.Lock()\n\ts.Tags[key] = value\n\ts.mtx.Unlock()\n}\n\nfunc (s *spanImpl) Finish() {\n\ts.tracer.reporter.Send(s.SpanModel)\n}\n";
    let fix = bug.replace(
        "\ts.tracer.reporter.Send(s.SpanModel)\n",
        "\ts.mtx.RLock()\n\ts.tracer.reporter.Send(s.SpanModel)\n\ts.mtx.RUnlock()\n",
    );
    flags_bug_not_fix(Language::Go, "span.go", bug, &fix, (RaceCondition, 16));
    // The embedded struct's fields are not the ones the lock guards when
    // the guarded field is declared on the type itself.
    let own = bug
        .replace(
            "\ttracer *Tracer\n",
            "\ttracer *Tracer\n\ttags map[string]string\n",
        )
        .replace("s.Tags[key] = value", "s.tags[key] = value");
    let found = broad_of(Language::Go, "span.go", &own);
    assert!(
        !found
            .iter()
            .any(|(_, line, _, trigger)| *line == 17 && trigger.contains("under the lock")),
        "{found:?}"
    );
}

#[test]
fn a_file_system_call_on_a_path_that_may_be_gone() {
    // cachecontrol: deleting a cache entry that was never written; the fix
    // ignores FileNotFoundError.
    let bug = "import os\n\nclass FileCache:\n    def delete(self, key):\n        name = self._fn(key)\n        if not self.forever:\n            os.remove(name)\n";
    let fix = bug.replace(
        "            os.remove(name)\n",
        "            try:\n                os.remove(name)\n            except FileNotFoundError:\n                pass\n",
    );
    flags_bug_not_fix(Language::Python, "file_cache.py", bug, &fix, (Other, 7));
    let quiet = "import shutil\n\ndef clean(path):\n    shutil.rmtree(path, ignore_errors=True)\n";
    assert!(!candidates_of(Language::Python, "clean.py", quiet).contains(&(Other, 4)));
    // chokidar: a dangling symlink's realpath rejects, unhandled; the fix
    // catches it. Node's callback form reports the error to its callback.
    let js = "const fsrealpath = promisify(fs.realpath);\n\nasync function handleSymlink(path) {\n  const linkPath = await fsrealpath(path);\n  return linkPath;\n}\n";
    let js_fix = js.replace(
        "  const linkPath = await fsrealpath(path);\n",
        "  let linkPath;\n  try {\n    linkPath = await fsrealpath(path);\n  } catch (e) {\n    return true;\n  }\n",
    );
    flags_bug_not_fix(
        Language::JavaScript,
        "nodefs-handler.js",
        js,
        &js_fix,
        (Other, 4),
    );
    let callback =
        "function check(path, done) {\n  fs.stat(path, (err, stats) => done(err, stats));\n}\n";
    assert!(!candidates_of(Language::JavaScript, "check.js", callback).contains(&(Other, 2)));
    let sync = "function size(path) {\n  return fs.statSync(path).size;\n}\n";
    assert!(candidates_of(Language::JavaScript, "size.js", sync).contains(&(Other, 2)));
}

#[test]
fn rust_channel_send_unwrapped_after_the_receiver_quit() {
    // fd: the receiver stops after the first result (`fd -1`) and drops
    // its end; a walker thread's send(..).unwrap() then panics. The fix
    // quits the walk when the send fails.
    let bug = "use std::sync::mpsc::channel;\n\nfn spawn_senders(tx: Sender<WorkerResult>) {\n    walker.run(|| {\n        let tx_thread = tx.clone();\n        Box::new(move |entry| {\n            tx_thread.send(WorkerResult::Entry(entry)).unwrap();\n            WalkState::Continue\n        })\n    });\n}\n";
    let fix = bug.replace(
        "            tx_thread.send(WorkerResult::Entry(entry)).unwrap();\n            WalkState::Continue\n",
        "            match tx_thread.send(WorkerResult::Entry(entry)) {\n                Ok(_) => WalkState::Continue,\n                Err(_) => WalkState::Quit,\n            }\n",
    );
    flags_bug_not_fix(Language::Rust, "walk.rs", bug, &fix, (RaceCondition, 7));
    // A socket's send is a network call, not a channel's.
    let socket = "fn ping(socket: &UdpSocket) {\n    socket.send(b\"ping\").unwrap();\n}\n";
    let found = candidates_of(Language::Rust, "ping.rs", socket);
    assert!(found.contains(&(NetworkError, 2)), "{found:?}");
}

#[test]
fn go_pattern_from_configuration_compiled_with_must_compile() {
    // hugo: a whitelist pattern from the site's config panics MustCompile;
    // the fix compiles with Compile and returns the error.
    let bug = "package security\n\nfunc NewWhitelist(patterns ...string) Whitelist {\n\tvar res []*regexp.Regexp\n\tfor _, p := range patterns {\n\t\tres = append(res, regexp.MustCompile(p))\n\t}\n\treturn Whitelist{res}\n}\n";
    let fix = bug
        .replace("\t\tres = append(res, regexp.MustCompile(p))\n", "\t\tre, err := regexp.Compile(p)\n\t\tif err != nil {\n\t\t\treturn Whitelist{}, err\n\t\t}\n\t\tres = append(res, re)\n");
    flags_bug_not_fix(Language::Go, "whitelist.go", bug, &fix, (ParseError, 6));
    // A pattern written out is compiled the same way every run, commas,
    // `=` and backquotes included.
    for constant in ["`bytes (\\d+)\\-.*`", "\"a{1,3}=b\"", "`^(\\w+),(\\w+)$`"] {
        let source = format!(
            "package p\n\nfunc f(s string) bool {{\n\tre := regexp.MustCompile({constant})\n\treturn re.MatchString(s)\n}}\n"
        );
        let found = candidates_of(Language::Go, "p.go", &source);
        assert!(!found.contains(&(ParseError, 4)), "{constant}: {found:?}");
    }
}

#[test]
fn node_request_that_throws_on_the_spot() {
    // request: http.request throws ERR_UNESCAPED_CHARACTERS for a path in
    // Hebrew before any 'error' listener exists; the fix wraps it.
    let bug = "var http = require('http')\n\nRequest.prototype.start = function () {\n  var self = this\n  var reqOptions = copy(self)\n  self.req = self.httpModule.request(reqOptions)\n  self.req.on('error', self.onRequestError.bind(self))\n}\n";
    let fix = bug.replace(
        "  self.req = self.httpModule.request(reqOptions)\n",
        "  try {\n    self.req = self.httpModule.request(reqOptions)\n  } catch (err) {\n    self.emit('error', err)\n    return\n  }\n",
    );
    flags_bug_not_fix(
        Language::JavaScript,
        "request.js",
        bug,
        &fix,
        (NetworkError, 6),
    );
    // Angular's HttpClient shares the name and throws nothing.
    let angular = "export class Users {\n  load(id: string) {\n    return this.http.get(`/users/${id}`)\n  }\n}\n";
    let found = broad_of(Language::TypeScript, "users.ts", angular);
    assert!(
        !found
            .iter()
            .any(|(_, _, _, t)| t.contains("HTTP does not allow")),
        "{found:?}"
    );
}

#[test]
fn javascript_var_read_after_the_block_that_set_it() {
    // superagent: queryArr is declared inside `if (~index)` and joined
    // after it; the fix moves the join into the block.
    let bug = "Request.prototype._appendQueryString = function (req) {\n  var index = req.path.indexOf('?');\n  if (~index) {\n    var queryArr = req.path.substring(index + 1).split('&');\n    queryArr.sort();\n  }\n  req.path = req.path.substring(0, index) + '?' + queryArr.join('&');\n};\n";
    let fix = bug.replace(
        "    queryArr.sort();\n  }\n  req.path = req.path.substring(0, index) + '?' + queryArr.join('&');\n",
        "    queryArr.sort();\n    req.path = req.path.substring(0, index) + '?' + queryArr.join('&');\n  }\n",
    );
    let undefined_reads = |source: &str| -> Vec<usize> {
        broad_of(Language::JavaScript, "index.js", source)
            .into_iter()
            .filter(|(_, _, _, t)| t.contains("left the name undefined"))
            .map(|(_, line, _, _)| line)
            .collect()
    };
    assert!(candidates_of(Language::JavaScript, "index.js", bug).contains(&(NullOrNone, 7)));
    assert_eq!(undefined_reads(&fix), [0usize; 0]);
    // Set on every path past the block: by both branches, or in a `try`
    // whose handler returns.
    let both = bug.replace(
        "  }\n  req.path",
        "  } else {\n    queryArr = [];\n  }\n  req.path",
    );
    let found = broad_of(Language::JavaScript, "index.js", &both);
    assert!(
        !found
            .iter()
            .any(|(_, _, _, t)| t.contains("left the name undefined")),
        "{found:?}"
    );
    let tried = "function make(re) {\n  try {\n    var regExp = new RegExp(re);\n  } catch (er) {\n    return null;\n  }\n  regExp._src = re;\n  return regExp;\n}\n";
    let found = broad_of(Language::JavaScript, "make.js", tried);
    assert!(
        !found
            .iter()
            .any(|(_, _, _, t)| t.contains("left the name undefined")),
        "{found:?}"
    );
}

#[test]
fn java_directory_listing_that_is_null() {
    // capacitor live-update: listFiles() is null for an unreadable
    // directory; the fix checks it before the loop.
    let bug = "class LiveUpdate {\n    private void deleteFileRecursively(File file) {\n        if (file.isDirectory()) {\n            for (File child : file.listFiles()) {\n                deleteFileRecursively(child);\n            }\n        }\n        file.delete();\n    }\n}\n";
    let fix = bug.replace(
        "            for (File child : file.listFiles()) {\n                deleteFileRecursively(child);\n            }\n",
        "            File[] children = file.listFiles();\n            if (children != null) {\n                for (File child : children) {\n                    deleteFileRecursively(child);\n                }\n            }\n",
    );
    flags_bug_not_fix(
        Language::Java,
        "LiveUpdate.java",
        bug,
        &fix,
        (NullOrNone, 4),
    );
    let local = bug.replace(
        "            for (File child : file.listFiles()) {\n",
        "            File[] children = file.listFiles();\n            for (File child : children) {\n",
    );
    assert!(candidates_of(Language::Java, "LiveUpdate.java", &local).contains(&(NullOrNone, 5)));
}

#[test]
fn an_allocation_sized_by_a_product() {
    // bstr: `bs.len() * n` overflows before vec! sees it; the fix leaves
    // the sizing to `repeat`, which checks it.
    let bug = "fn repeatn(&self, n: usize) -> Vec<u8> {\n    let bs = self.as_bytes();\n    let mut dst = vec![0; bs.len() * n];\n    dst\n}\n";
    let fix = "fn repeatn(&self, n: usize) -> Vec<u8> {\n    self.as_bytes().repeat(n)\n}\n";
    flags_bug_not_fix(Language::Rust, "ext_slice.rs", bug, fix, (Overflow, 3));
    // A constant factor cannot make the product wrap on its own.
    let scaled = "fn pixels(n: usize) -> Vec<u8> {\n    vec![0; n * 4]\n}\n";
    assert!(!candidates_of(Language::Rust, "image.rs", scaled).contains(&(Overflow, 2)));
    let java = "class Image {\n    byte[] buffer(int width, int height) {\n        return new byte[width * height];\n    }\n}\n";
    assert!(candidates_of(Language::Java, "Image.java", java).contains(&(Overflow, 3)));
}

#[test]
fn python_submodule_used_through_its_package_unimported() {
    // typer: `import rich` does not load rich.markup; the fix imports the
    // helper module that does.
    let bug = "try:\n    import rich\nexcept ImportError:\n    rich = None\n\ndef get_help_record(extra_str):\n    if rich is not None:\n        extra_str = rich.markup.escape(extra_str).strip()\n    return extra_str\n";
    let fix = bug.replace(
        "    import rich\n",
        "    import rich\n    import rich.markup\n",
    );
    flags_bug_not_fix(Language::Python, "core.py", bug, &fix, (Other, 8));
    let logging = "import logging\n\ndef setup(path):\n    return logging.handlers.RotatingFileHandler(path)\n";
    assert!(candidates_of(Language::Python, "log.py", logging).contains(&(Other, 4)));
    let imported = logging.replace(
        "import logging\n",
        "import logging\nfrom logging import handlers\n",
    );
    assert!(!candidates_of(Language::Python, "log.py", &imported).contains(&(Other, 4)));
    // `os.path` is loaded by `os` itself.
    let os = "import os\n\ndef base(p):\n    return os.path.basename(p)\n";
    assert!(
        !candidates_of(Language::Python, "base.py", os)
            .iter()
            .any(|(c, _)| *c == Other)
    );
}

#[test]
fn python_text_and_bytes_added() {
    // httplib2's SOCKS5 authentication packet, ported from Python 2: the
    // fix builds it in a bytearray.
    let bug = "def negotiate(self, user, password):\n    self.sendall(\n        chr(0x01).encode()\n        + chr(len(user))\n        + user\n        + chr(len(password))\n        + password\n    )\n";
    let fix = "def negotiate(self, user, password):\n    packet = bytearray()\n    packet.append(0x01)\n    packet.append(len(user))\n    packet.extend(user)\n    self.sendall(packet)\n";
    flags_bug_not_fix(Language::Python, "socks.py", bug, fix, (TypeError, 3));
    let mixed = |source: &str| {
        broad_of(Language::Python, "a.py", source)
            .iter()
            .filter(|(_, _, _, trigger)| trigger.contains("never adds text and bytes"))
            .map(|(class, line, _, _)| (*class, *line))
            .collect::<Vec<_>>()
    };
    assert_eq!(mixed(fix), []);
    let text_first = "def line(name):\n    return \"name: \" + name.encode(\"utf-8\")\n";
    assert_eq!(mixed(text_first), [(TypeError, 2)]);
    // All bytes, all text, or an operand whose type the text does not say.
    for quiet in [
        "def f(name):\n    return b\"\\r\\n\" + name.encode() + bytes([0])\n",
        "def f(name):\n    return \"<\" + chr(60) + data.decode() + \">\"\n",
        "def f(name):\n    return b\"x\" + name\n",
    ] {
        assert_eq!(mixed(quiet), [], "{quiet}");
    }
}

#[test]
fn java_field_only_a_method_sets_read_by_a_callback() {
    // Cordova's geolocation plugin: `context` is set in `execute`, and the
    // permission result may arrive first. The fix checks it.
    let bug = "public class Geolocation extends CordovaPlugin {\n    CallbackContext context;\n\n    public boolean execute(String action, JSONArray args, CallbackContext callbackContext) {\n        context = callbackContext;\n        return true;\n    }\n\n    public void onRequestPermissionResult(int requestCode, String[] permissions, int[] grantResults) {\n        PluginResult result = new PluginResult(PluginResult.Status.OK);\n        context.sendPluginResult(result);\n    }\n}\n";
    let fix = bug.replace(
        "        context.sendPluginResult(result);\n",
        "        if (context != null) {\n            context.sendPluginResult(result);\n        }\n",
    );
    flags_bug_not_fix(
        Language::Java,
        "Geolocation.java",
        bug,
        &fix,
        (NullOrNone, 11),
    );
    let late = |source: &str| {
        broad_of(Language::Java, "A.java", source)
            .iter()
            .filter(|(_, _, _, trigger)| trigger.contains("ever set"))
            .map(|(_, line, _, _)| *line)
            .collect::<Vec<_>>()
    };
    // Set by the constructor, or final, or injected: always there.
    let constructed = bug.replace(
        "    CallbackContext context;\n",
        "    CallbackContext context;\n    Geolocation() { context = new CallbackContext(); }\n",
    );
    assert_eq!(late(&constructed), Vec::<usize>::new());
    let injected = bug.replace(
        "    CallbackContext context;",
        "    @Inject CallbackContext context;",
    );
    assert_eq!(late(&injected), Vec::<usize>::new());
    // A private helper called only from the setter runs after it; one a
    // callback calls does not (fingerprint-aio's `sendError`).
    let helper = "class Parser {\n    private static String s = null;\n\n    public static void parse(String d) {\n        s = d;\n        skip();\n    }\n\n    private static void skip() {\n        s.charAt(0);\n    }\n\n    public void onActivityResult(int code) {\n        report();\n    }\n\n    private void report() {\n        this.s.length();\n    }\n}\n";
    assert_eq!(late(helper), [18]);
}

#[test]
fn error_first_callback_result_read_before_the_error() {
    // webtorrent's file stream: the store calls back with an error and no
    // buffer; the fix reads `buffer && buffer.length`.
    let bug = "function notify(store, p) {\n  store.get(p, (err, buffer) => {\n    debug('read %s (length %s) (err %s)', p, buffer.length, err && err.message)\n    if (err) return destroy(err)\n    push(buffer)\n  })\n}\n";
    let fix = bug.replace("p, buffer.length,", "p, buffer && buffer.length,");
    flags_bug_not_fix(
        Language::JavaScript,
        "file-stream.js",
        bug,
        &fix,
        (NullOrNone, 3),
    );
    let first = |source: &str| {
        broad_of(Language::JavaScript, "a.js", source)
            .iter()
            .filter(|(_, _, _, trigger)| trigger.contains("gets the error and no result"))
            .map(|(_, line, _, _)| *line)
            .collect::<Vec<_>>()
    };
    // After the error is tested, the result is there.
    let checked = "function f(cb) {\n  fs.readFile('x', function (err, data) {\n    if (err) return cb(err)\n    cb(null, data.length)\n  })\n}\n";
    assert_eq!(first(checked), Vec::<usize>::new());
    // A method whose first parameter is named `error` is no callback.
    let method = "Cluster.prototype.handleError = function (error, ttl) {\n  return ttl.value\n}\n";
    assert_eq!(first(method), Vec::<usize>::new());
}

#[test]
fn rust_answer_to_a_peer_unwrapped() {
    // libp2p's rendezvous server: the peer disconnects while its request
    // is handled, send_response hands the answer back as the error, and
    // `.expect` panics the swarm. The fix logs it.
    let bug = "fn answer(&mut self, channel: ResponseChannel, resp: Message) {\n    self.inner\n        .send_response(channel, resp)\n        .expect(\"Send response\");\n}\n";
    let fix = "fn answer(&mut self, channel: ResponseChannel, resp: Message) {\n    if let Err(resp) = self.inner.send_response(channel, resp) {\n        tracing::debug!(\"Failed to send response {resp:?}\");\n    }\n}\n";
    let on_bug = candidates_of(Language::Rust, "server.rs", bug);
    assert!(
        on_bug
            .iter()
            .any(|(c, l)| *c == NetworkError && (2..=4).contains(l)),
        "{on_bug:?}"
    );
    let on_fix = candidates_of(Language::Rust, "server.rs", fix);
    assert!(
        !on_fix.iter().any(|(c, _)| *c == NetworkError),
        "{on_fix:?}"
    );
}

#[test]
fn python_float_of_a_huge_integer() {
    // django-rest-framework's FloatField: a JSON integer of hundreds of
    // digits makes float() raise OverflowError past the parser's handler.
    let bug = "def to_internal_value(self, data):\n    try:\n        return float(data)\n    except (TypeError, ValueError):\n        self.fail('invalid')\n";
    let fix = bug.replace(
        "        self.fail('invalid')\n",
        "        self.fail('invalid')\n    except OverflowError:\n        self.fail('max_value')\n",
    );
    flags_bug_not_fix(Language::Python, "fields.py", bug, &fix, (Overflow, 3));
}

#[test]
fn a_field_read_in_a_callback_is_read_when_it_runs() {
    // webtorrent: a reconnect timer reads `this.client.utp` after
    // `destroy()` emptied it; the check and the read before the timer
    // was set say nothing about the time it fires.
    let source = "class Torrent {\n  destroy () {\n    this.client = null\n  }\n  _drain (peer, conn, ms) {\n    if (this.client.maxConns < 1) return\n    conn.on('close', () => {\n      setTimeout(() => {\n        this._addPeer(peer.addr, this.client.utp ? 'utp' : 'tcp')\n      }, ms)\n    })\n  }\n}\n";
    let nulls: Vec<(usize, f32)> = broad_of(Language::JavaScript, "torrent.js", source)
        .into_iter()
        .filter(|(class, ..)| *class == NullOrNone)
        .map(|(_, line, likelihood, _)| (line, likelihood))
        .collect();
    let first = nulls.iter().find(|(line, _)| *line == 6).expect("line 6");
    let timer = nulls.iter().find(|(line, _)| *line == 9).expect("line 9");
    // Ranked as a failure of its own, not as the repeat of line 6 (a
    // repeat keeps under a third of the first read's score).
    assert!(timer.1 > first.1 * 0.5, "{nulls:?}");
}

#[test]
fn python_attribute_only_one_branch_of_init_sets() {
    // prometheus_client: `_lock` exists only for metrics with labels, and
    // `clear()` on one without raised AttributeError.
    let bug = "class MetricWrapperBase:\n    def __init__(self, labelnames):\n        self._labelnames = labelnames\n        if self._is_parent():\n            self._lock = Lock()\n            self._metrics = {}\n\n    def clear(self):\n        with self._lock:\n            self._metrics = {}\n";
    let late = |source: &str| {
        broad_of(Language::Python, "metrics.py", source)
            .iter()
            .filter(|(class, _, _, _)| *class == Other)
            .map(|(_, line, _, _)| *line)
            .collect::<Vec<_>>()
    };
    assert_eq!(late(bug), [9]);
    // Both branches set it; or the class body does; or a parent's
    // `__init__` may.
    let both = bug.replace(
        "            self._metrics = {}\n\n",
        "            self._metrics = {}\n        else:\n            self._lock = None\n\n",
    );
    assert_eq!(late(&both), Vec::<usize>::new());
    let class_level = bug.replace(
        "class MetricWrapperBase:\n",
        "class MetricWrapperBase:\n    _lock = None\n",
    );
    assert_eq!(late(&class_level), Vec::<usize>::new());
    let parent = bug.replace(
        "        self._labelnames = labelnames\n",
        "        super().__init__()\n        self._labelnames = labelnames\n",
    );
    assert_eq!(late(&parent), Vec::<usize>::new());
    // Set by `connect`, read by `send`; a private helper only `connect`
    // calls runs after it.
    let connect = "class Client:\n    def __init__(self, host):\n        self.host = host\n\n    def connect(self):\n        self.sock = socket.create_connection((self.host, 80))\n        self._greet()\n\n    def _greet(self):\n        self.sock.sendall(b'hi')\n\n    def send(self, data):\n        self.sock.sendall(data)\n";
    assert_eq!(late(connect), [13]);
}

#[test]
fn rust_division_by_a_value_a_pattern_only_binds() {
    // cel-interpreter: `(Value::Int(l), Value::Int(r)) => l / r` matches
    // every pair of ints, zero included; the float arms cannot panic.
    let bug = "impl ops::Div<Value> for Value {\n    fn div(self, rhs: Value) -> Self::Output {\n        match (self, rhs) {\n            (Value::Int(l), Value::Int(r)) => Value::Int(l / r).into(),\n            (Value::Float(l), Value::Int(r)) => Value::Float(l / r as f64).into(),\n            _ => unreachable!(),\n        }\n    }\n}\n";
    let fix = bug.replace(
        "Value::Int(l / r).into(),",
        "if r == 0 { Err(DivisionByZero) } else { Value::Int(l / r).into() },",
    );
    flags_bug_not_fix(Language::Rust, "objects.rs", bug, &fix, (DivisionByZero, 4));
    let found = candidates_of(Language::Rust, "objects.rs", bug);
    assert!(!found.contains(&(DivisionByZero, 5)), "{found:?}");
}

#[test]
fn rust_fencepost_through_a_byte_view() {
    // freedesktop-desktop-entry: a value ending in '\' passes the check
    // `input.len() < i + 1`, and `as_bytes()[i + 1]` reads past the end.
    let bug = "fn format_value(input: &str) -> Result<String, DecodeError> {\n    for i in memchr::memchr_iter(b'\\\\', input.as_bytes()) {\n        if input.len() < i + 1 {\n            return Err(DecodeError::InvalidValue);\n        }\n        match input.as_bytes()[i + 1] {\n            b's' => res.push(' '),\n            _ => return Err(DecodeError::InvalidValue),\n        }\n    }\n}\n";
    let fix = bug.replace("input.len() < i + 1", "input.len() <= i + 1");
    flags_bug_not_fix(
        Language::Rust,
        "decoder.rs",
        bug,
        &fix,
        (IndexOutOfRange, 6),
    );
}

#[test]
fn javascript_prototype_builtin_called_on_given_object() {
    // yargs: a config object with a null prototype has no hasOwnProperty;
    // the fix calls Object.prototype's.
    let bug = "function applyExtends (config, cwd) {\n  let defaultConfig = {}\n  if (config.hasOwnProperty('extends')) {\n    return load(config.extends)\n  }\n  return defaultConfig\n}\n";
    let fix = bug.replace(
        "config.hasOwnProperty('extends')",
        "Object.prototype.hasOwnProperty.call(config, 'extends')",
    );
    flags_bug_not_fix(
        Language::JavaScript,
        "apply-extends.js",
        bug,
        &fix,
        (TypeError, 3),
    );
    // The object's own: it has the prototype it was made with.
    let own = "class Store {\n  has (key) {\n    return this.items.hasOwnProperty(key)\n  }\n}\n";
    assert!(!candidates_of(Language::JavaScript, "store.js", own).contains(&(TypeError, 3)));
}

#[test]
fn rust_vector_with_capacity_written_by_index() {
    // mp3-metadata: `reserve` gives the buffer capacity, not length, so
    // the first `v[new_pos] = 0xFF` panics; the fix writes through
    // `get_mut` and fails with an error.
    let bug = "fn unsync(buf: &[u8], tag_size: usize) -> Vec<u8> {\n    let mut v = Vec::new();\n    v.reserve(tag_size);\n    let mut new_pos = 0;\n    for i in 0..tag_size {\n        if buf[i] == 0xFF {\n            v[new_pos] = 0xFF;\n            new_pos += 1;\n        }\n    }\n    v\n}\n";
    let fix = bug.replace(
        "            v[new_pos] = 0xFF;\n",
        "            v.push(0xFF);\n",
    );
    assert!(candidates_of(Language::Rust, "metadata.rs", bug).contains(&(IndexOutOfRange, 7)));
    let written = |source: &str| {
        broad_of(Language::Rust, "m.rs", source)
            .iter()
            .filter(|(_, _, _, trigger)| trigger.contains("only given capacity"))
            .count()
    };
    assert_eq!(written(bug), 1);
    assert_eq!(written(&fix), 0);
    // A length check first keeps the write from running.
    let checked = bug.replace(
        "            v[new_pos] = 0xFF;\n",
        "            if new_pos >= v.len() {\n                return v;\n            }\n            v[new_pos] = 0xFF;\n",
    );
    assert_eq!(written(&checked), 0);
}

#[test]
fn rust_every_assertion_macro_is_an_assertion() {
    // async-compression: a debug_assert_eq! fired in a debug build when
    // the writer under the buffer failed mid-flush.
    let source = "fn flush_buf(&mut self) {\n    debug_assert_eq!(self.buffered, self.written);\n    assert_ne!(self.written, 0);\n    debug_assert_ne!(self.buffered, 0);\n}\n";
    let found = candidates_of(Language::Rust, "buf_writer.rs", source);
    for line in 2..=4 {
        assert!(found.contains(&(Assertion, line)), "{line}: {found:?}");
    }
}

#[test]
fn a_value_a_swallowed_failure_left_empty() {
    // React Native's camera roll: opening the asset throws, the handler
    // logs, and `close()` after the null-checked block runs on null. The
    // fix closes it inside the check.
    let bug = "class M {\n  boolean put(ContentResolver resolver, Uri uri) {\n    boolean success = true;\n    @Nullable AssetFileDescriptor descriptor = null;\n    try {\n      descriptor = resolver.openAssetFileDescriptor(uri, \"r\");\n    } catch (FileNotFoundException e) {\n      success = false;\n    }\n    if (descriptor != null) {\n      use(descriptor.getFileDescriptor());\n    }\n    try {\n      descriptor.close();\n    } catch (IOException e) {\n    }\n    return success;\n  }\n}\n";
    let fix = "class M {\n  boolean put(ContentResolver resolver, Uri uri) {\n    boolean success = true;\n    @Nullable AssetFileDescriptor descriptor = null;\n    try {\n      descriptor = resolver.openAssetFileDescriptor(uri, \"r\");\n    } catch (FileNotFoundException e) {\n      success = false;\n    }\n    if (descriptor != null) {\n      use(descriptor.getFileDescriptor());\n      try {\n        descriptor.close();\n      } catch (IOException e) {\n      }\n    }\n    return success;\n  }\n}\n";
    flags_bug_not_fix(Language::Java, "M.java", bug, fix, (NullOrNone, 14));
    let swallowed = |language: Language, path: &str, source: &str| {
        broad_of(language, path, source)
            .iter()
            .filter(|(_, _, _, trigger)| trigger.contains("the handler went on"))
            .map(|(_, line, _, _)| *line)
            .collect::<Vec<_>>()
    };
    let python = "def load(path):\n    handle = None\n    try:\n        handle = open(path)\n    except OSError:\n        log.warning('cannot open %s', path)\n    return handle.read()\n";
    assert_eq!(swallowed(Language::Python, "a.py", python), [7]);
    // A handler that exits, or fills the value, leaves nothing empty.
    let exits = python.replace("log.warning('cannot open %s', path)", "raise");
    assert_eq!(
        swallowed(Language::Python, "a.py", &exits),
        Vec::<usize>::new()
    );
    let fills = python.replace(
        "log.warning('cannot open %s', path)",
        "handle = io.StringIO('')",
    );
    assert_eq!(
        swallowed(Language::Python, "a.py", &fills),
        Vec::<usize>::new()
    );
    // A value filled before the `try` as well is not empty after it.
    let filled = python.replace("handle = None", "handle = io.StringIO('')");
    assert_eq!(
        swallowed(Language::Python, "a.py", &filled),
        Vec::<usize>::new()
    );
    let js = "function load(path) {\n  let handle = null;\n  try {\n    handle = fs.openSync(path);\n  } catch (e) {\n    console.warn(e);\n  }\n  return handle.fd;\n}\n";
    assert_eq!(swallowed(Language::JavaScript, "a.js", js), [8]);
    // Inside the `try`, the value is what the call returned.
    let inside = "function load(path) {\n  let handle = null;\n  try {\n    handle = fs.openSync(path);\n    return handle.fd;\n  } catch (e) {\n    console.warn(e);\n  }\n}\n";
    assert_eq!(
        swallowed(Language::JavaScript, "a.js", inside),
        Vec::<usize>::new()
    );
}

#[test]
fn a_handler_of_a_library_parse_failure_handles_the_parse() {
    // pip: a malformed environment marker raised packaging's InvalidMarker
    // out of the command; the fix catches it by that name.
    let bug = "def parse(line):\n    name, marker_text = line.split(';', 1)\n    markers = Marker(marker_text.strip())\n    return name, markers\n";
    let fix = "def parse(line):\n    name, marker_text = line.split(';', 1)\n    try:\n        markers = Marker(marker_text.strip())\n    except InvalidMarker as exc:\n        raise InstallationError(f'Invalid requirement: {exc}')\n    return name, markers\n";
    flags_bug_not_fix(
        Language::Python,
        "constructors.py",
        bug,
        fix,
        (ParseError, 3),
    );
    // Java's libraries name theirs the same way.
    let unhandled = "class C {\n  Url read(String text) {\n    return Url.parse(text);\n  }\n}\n";
    let handled = "class C {\n  Url read(String text) {\n    try {\n      return Url.parse(text);\n    } catch (MalformedUrlException e) {\n      return null;\n    }\n  }\n}\n";
    flags_bug_not_fix(
        Language::Java,
        "C.java",
        unhandled,
        handled,
        (ParseError, 3),
    );
    // A handler of some other failure does not.
    let other = fix.replace("InvalidMarker", "KeyboardInterrupt");
    assert!(candidates_of(Language::Python, "constructors.py", &other).contains(&(ParseError, 4)),);
}

#[test]
fn a_handler_of_unicode_encode_errors_handles_encoding() {
    // jsonpickle: a lone surrogate in a "py/b64" value raised
    // UnicodeEncodeError past `except AttributeError`; the fix adds it.
    let bug = "def restore(obj):\n    try:\n        return b64decode(obj['py/b64'].encode('utf-8'))\n    except AttributeError:\n        return b''\n";
    let fix = bug.replace(
        "except AttributeError:",
        "except (AttributeError, UnicodeEncodeError):",
    );
    flags_bug_not_fix(Language::Python, "unpickler.py", bug, &fix, (Encoding, 3));
}

#[test]
fn handlers_named_for_a_subclass_handle_their_failure() {
    // `catch (SocketTimeoutException e)` handles a read that times out;
    // the other failures of the exchange are still the network's.
    let bare = "class C {\n  String read(Socket socket) throws IOException {\n    return new BufferedReader(new InputStreamReader(socket.getInputStream())).readLine();\n  }\n}\n";
    let handled = "class C {\n  String read(Socket socket) {\n    try {\n      return new BufferedReader(new InputStreamReader(socket.getInputStream())).readLine();\n    } catch (SocketTimeoutException e) {\n      return null;\n    }\n  }\n}\n";
    let classes = |source: &str| {
        candidates_of(Language::Java, "C.java", source)
            .into_iter()
            .map(|(class, _)| class)
            .collect::<Vec<_>>()
    };
    assert!(classes(bare).contains(&Timeout));
    assert!(!classes(handled).contains(&Timeout));
}

#[test]
fn a_terminal_probe_of_a_replaced_stream() {
    // IPython's kitty check at import: Sphinx had replaced sys.stdout with
    // a dummy file that has no isatty. The fix looks the method up first.
    let bug = "def supports_kitty():\n    if not sys.stdout.isatty():\n        return False\n    return True\n";
    let fix = "def supports_kitty():\n    isatty = getattr(sys.stdout, 'isatty', None)\n    if not callable(isatty) or not isatty():\n        return False\n    return True\n";
    flags_bug_not_fix(Language::Python, "display.py", bug, fix, (TypeError, 2));
}

#[test]
fn a_path_that_may_be_none_given_to_path_functions() {
    // dill: a namespace package's __file__ is None, and realpath raised
    // TypeError; the fix returns first when it is.
    let bug = "def is_builtin(module):\n    if not hasattr(module, '__file__'):\n        return True\n    return any(os.path.realpath(module.__file__).startswith(p) for p in prefixes)\n";
    let fix = "def is_builtin(module):\n    if not hasattr(module, '__file__'):\n        return True\n    if module.__file__ is None:\n        return False\n    return any(os.path.realpath(module.__file__).startswith(p) for p in prefixes)\n";
    flags_bug_not_fix(Language::Python, "_dill.py", bug, fix, (NullOrNone, 4));
    // An optional parameter joined into a path.
    let optional = "def config_path(root, name=None):\n    return os.path.join(root, name)\n";
    assert!(candidates_of(Language::Python, "a.py", optional).contains(&(NullOrNone, 2)));
    // A value nothing doubts is left alone.
    let plain = "def config_path(root, name):\n    return os.path.join(root, name)\n";
    assert!(!candidates_of(Language::Python, "a.py", plain).contains(&(NullOrNone, 2)));
}

#[test]
fn a_go_value_updated_atomically_and_read_plainly() {
    // go-maildir: the key counter was read plainly and then incremented
    // with atomic.AddInt64; the fix takes the value atomic.AddInt64 returns.
    let bug = "package maildir\n\nvar id int64 = 10000\n\nfunc newKey() string {\n\tkey := strconv.FormatInt(id, 10)\n\tatomic.AddInt64(&id, 1)\n\treturn key\n}\n";
    let fix = "package maildir\n\nvar id int64 = 10000\n\nfunc newKey() string {\n\tkey := strconv.FormatInt(atomic.AddInt64(&id, 1), 10)\n\treturn key\n}\n";
    flags_bug_not_fix(Language::Go, "maildir.go", bug, fix, (RaceCondition, 6));
    // A field handed to atomic functions, read plainly under the lock of
    // nothing, is the same race; read with atomic.Load it is not.
    let field = "package p\n\nfunc (s *S) inc() { atomic.AddUint32(&s.count, 1) }\n\nfunc (s *S) get() uint32 { return s.count }\n\nfunc (s *S) load() uint32 { return atomic.LoadUint32(&s.count) }\n";
    let found = candidates_of(Language::Go, "s.go", field);
    assert!(found.contains(&(RaceCondition, 5)), "{found:?}");
    assert!(!found.contains(&(RaceCondition, 7)), "{found:?}");
}

#[test]
fn an_array_grown_by_every_write_spread_into_one_call() {
    // micro-packed: the writer pushed a buffer per element and finish()
    // spread them all into concatBytes, past V8's argument limit.
    let grown = "class Writer {\n  write(b) {\n    this.buffers.push(b);\n  }\n  finish() {\n    return concatBytes(...this.buffers);\n  }\n}\n";
    let found = candidates_of(Language::TypeScript, "index.ts", grown);
    assert!(found.contains(&(ResourceExhaustion, 6)), "{found:?}");
    // A field nothing pushes onto holds what the code put there.
    let fixed = grown.replace("this.buffers.push(b);", "this.last = b;");
    let found = candidates_of(Language::TypeScript, "index.ts", &fixed);
    assert!(!found.contains(&(ResourceExhaustion, 6)), "{found:?}");
}

#[test]
fn a_nested_loop_that_reuses_the_enclosing_counter() {
    // koa-router: the inner `var i` reset the outer loop's counter while
    // copying a nested router's layers; the fix renames it `j`.
    let bug = "function use(middleware) {\n  for (var i = 0; i < middleware.length; i++) {\n    var m = middleware[i];\n    for (var i = 0; i < m.stack.length; i++) {\n      this.stack.push(m.stack[i]);\n    }\n  }\n}\n";
    let fix = bug
        .replace(
            "for (var i = 0; i < m.stack.length; i++)",
            "for (var j = 0; j < m.stack.length; j++)",
        )
        .replace("m.stack[i]", "m.stack[j]");
    flags_bug_not_fix(Language::JavaScript, "router.js", bug, &fix, (Timeout, 4));
    let let_scoped = bug.replace(
        "for (var i = 0; i < m.stack.length",
        "for (let i = 0; i < m.stack.length",
    );
    assert!(!candidates_of(Language::JavaScript, "router.js", &let_scoped).contains(&(Timeout, 4)));
    // Java: an inner loop that assigns the outer `int i`.
    let java = "class K {\n  void f(int[][] rows) {\n    int i;\n    for (i = 0; i < rows.length; i++) {\n      for (i = 0; i < rows[0].length; i++) {\n        use(i);\n      }\n    }\n  }\n}\n";
    assert!(candidates_of(Language::Java, "K.java", java).contains(&(Timeout, 5)));
}

#[test]
fn a_loop_over_a_value_the_code_doubts() {
    // Python: a parameter defaulting to None, iterated unchecked.
    let python =
        "def merge(headers, extra=None):\n    for field in extra:\n        headers.append(field)\n";
    let fixed = "def merge(headers, extra=None):\n    if extra is None:\n        return\n    for field in extra:\n        headers.append(field)\n";
    flags_bug_not_fix(Language::Python, "a.py", python, fixed, (NullOrNone, 2));
    // Java: a list the file compares with null elsewhere.
    let java = "class P {\n  List<Purchase> purchases;\n  void clear() {\n    if (purchases != null) {\n      purchases.clear();\n    }\n  }\n  void each() {\n    for (Purchase p : purchases) {\n      use(p);\n    }\n  }\n}\n";
    assert!(candidates_of(Language::Java, "P.java", java).contains(&(NullOrNone, 9)));
}

#[test]
fn a_repeat_count_that_a_subtraction_can_make_negative() {
    // gomega: the padding before a long message came out negative and
    // strings.Repeat panicked; the fix returns before repeating.
    let bug = "package format\n\nfunc MessageWithDiff(actual, message, expected string) string {\n\tspaceFromMessageToActual := 4 + len(\"<string>: \") - len(message)\n\tpadding := strings.Repeat(\" \", spaceFromMessageToActual) + \"|\"\n\treturn message + padding\n}\n";
    let fix = bug.replace(
        "\tpadding := strings.Repeat",
        "\tif spaceFromMessageToActual < 0 {\n\t\treturn message\n\t}\n\tpadding := strings.Repeat",
    );
    flags_bug_not_fix(Language::Go, "format.go", bug, &fix, (IndexOutOfRange, 5));
    let js =
        "function pad(label, width) {\n  return label + ' '.repeat(width - label.length);\n}\n";
    assert!(candidates_of(Language::JavaScript, "a.js", js).contains(&(IndexOutOfRange, 2)));
    let clamped = js.replace(
        "(width - label.length)",
        "(Math.max(0, width - label.length))",
    );
    assert!(!candidates_of(Language::JavaScript, "a.js", &clamped).contains(&(IndexOutOfRange, 2)));
}

#[test]
fn a_send_on_a_channel_another_function_closes() {
    // wireguard-go: ForceMTU after Close sent on the closed events
    // channel; the fix returns first when the device is closed.
    let bug = "package tun\n\nfunc (tun *NativeTun) Close() error {\n\tclose(tun.events)\n\treturn nil\n}\n\nfunc (tun *NativeTun) ForceMTU(mtu int) {\n\tif tun.forcedMTU != mtu {\n\t\ttun.events <- EventMTUUpdate\n\t}\n}\n";
    let fix = bug.replace(
        "func (tun *NativeTun) ForceMTU(mtu int) {\n",
        "func (tun *NativeTun) ForceMTU(mtu int) {\n\tif tun.close.Load() {\n\t\treturn\n\t}\n",
    );
    flags_bug_not_fix(Language::Go, "tun.go", bug, &fix, (Other, 10));
    // A channel nothing closes is no candidate.
    let open = bug.replace("\tclose(tun.events)\n", "");
    assert!(!candidates_of(Language::Go, "tun.go", &open).contains(&(Other, 9)));
}

#[test]
fn code_run_when_the_module_is_loaded() {
    // Import-time failures: a variable the environment lacks or holds as
    // garbage stops the process before it serves anything. The
    // environment holds text only, so a lookup with a default is no None;
    // a conversion of constants fails on every start or never.
    let python = candidates_of(
        Language::Python,
        "settings.py",
        "import os\n\nPORT = int(os.environ[\"PORT\"])\nRETRIES = int(os.environ.get(\"RETRIES\", \"3\"))\nDEFAULT = int(\"8080\")\n\ndef serve():\n    return PORT\n",
    );
    assert!(
        python.contains(&(KeyMissing, 3)) && python.contains(&(ParseError, 3)),
        "{python:?}"
    );
    assert!(python.contains(&(ParseError, 4)) && !python.contains(&(NullOrNone, 4)));
    assert!(!python.iter().any(|(_, line)| *line == 5), "{python:?}");
    let javascript = candidates_of(
        Language::JavaScript,
        "server.js",
        "const fs = require('fs');\nconst config = JSON.parse(fs.readFileSync('config.json', 'utf8'));\nfunction port() {\n  return config.port;\n}\n",
    );
    assert!(javascript.contains(&(ParseError, 2)), "{javascript:?}");
    let go = candidates_of(
        Language::Go,
        "main.go",
        "package main\n\nimport \"os\"\n\nvar home = os.Args[1]\n\nfunc main() {\n\tprintln(home)\n}\n",
    );
    assert!(go.contains(&(IndexOutOfRange, 5)), "{go:?}");
    let java = candidates_of(
        Language::Java,
        "Main.java",
        "public class Main {\n    private static final int PORT = Integer.parseInt(System.getenv(\"PORT\"));\n}\n",
    );
    assert!(java.contains(&(ParseError, 2)), "{java:?}");
}

#[test]
fn a_backtracking_pattern_the_module_compiles_for_another_file_to_run() {
    // mistletoe: a span token's class attribute, run by the tokenizer of
    // another module; nothing in this file runs it, so it hangs where it
    // is written. A pattern the file's own functions run is predicted
    // there instead (`a_pattern_compiled_elsewhere_backtracks_where_it_runs`).
    let bug = "import re\nfrom mistletoe.span_token import SpanToken\n\nclass GithubWiki(SpanToken):\n    pattern = re.compile(r\"\\[\\[ *(.+?) *\\| *(.+?) *\\]\\]\")\n\n    def __init__(self, match):\n        self.target = match.group(2)\n";
    assert!(candidates_of(Language::Python, "github_wiki.py", bug).contains(&(Timeout, 5)));
    // browserslist: a table of queries, each with its pattern, handed to
    // the parser of another module.
    let table = "var QUERIES = {\n  last_years: {\n    regexp: /^last\\s+(\\d*.?\\d+)\\s+years?$/i,\n    select: function (context, node) {\n      return filterByYear(node.years, context)\n    }\n  }\n}\nfunction resolve(queries) {\n  return parseWithoutCache(QUERIES, queries)\n}\n";
    let found = candidates_of(Language::JavaScript, "index.js", table);
    assert!(found.contains(&(Timeout, 3)), "{found:?}");
    let run_here =
        format!("{bug}\n    def find(self, text):\n        return self.pattern.finditer(text)\n");
    let found = candidates_of(Language::Python, "github_wiki.py", &run_here);
    assert!(
        !found.contains(&(Timeout, 5)) && found.contains(&(Timeout, 11)),
        "{found:?}"
    );
}

#[test]
fn a_lookup_destructured_where_it_may_find_nothing() {
    // exifr: a web view's user agent names an iPad but no OS version, so
    // the match is null and the module throws while it is loaded. The fix
    // destructures only a match it has checked.
    let bug = "if (typeof navigator === 'object') {\n  let ua = navigator.userAgent\n  if (ua.includes('iPad') || ua.includes('iPhone')) {\n    let [match, major, minor] = ua.match(/OS (\\d+)_(\\d+)/)\n    rotateCanvas = Number(major) < 13\n  }\n}\n";
    let fix = "if (typeof navigator === 'object') {\n  let ua = navigator.userAgent\n  if (ua.includes('iPad') || ua.includes('iPhone')) {\n    let matchArray = ua.match(/OS (\\d+)_(\\d+)/)\n    if (matchArray) {\n      let [match, major, minor] = matchArray\n      rotateCanvas = Number(major) < 13\n    }\n  }\n}\n";
    let on_bug = candidates_of(Language::JavaScript, "api.mjs", bug);
    assert!(on_bug.contains(&(NullOrNone, 4)), "{on_bug:?}");
    // (`navigator.userAgent` on line 2 is its own candidate in both.)
    let on_fix = candidates_of(Language::JavaScript, "api.mjs", fix);
    assert!(
        !on_fix
            .iter()
            .any(|&(class, line)| class == NullOrNone && line > 2),
        "{on_fix:?}"
    );
    // An object pattern of a map's lookup; a fallback is the guard.
    let map = "function name(cache, key) {\n  const { name } = cache.get(key)\n  return name\n}\n";
    assert!(candidates_of(Language::TypeScript, "names.ts", map).contains(&(NullOrNone, 2)));
    let fallback = map.replace("cache.get(key)", "cache.get(key) ?? {}");
    let found = candidates_of(Language::TypeScript, "names.ts", &fallback);
    assert!(!found.contains(&(NullOrNone, 2)), "{found:?}");
}

#[test]
fn a_sign_check_is_no_bound_on_an_allocation() {
    // devalue: a sparse array's declared length, checked to be a whole
    // number and not negative, and then allocated whatever its size.
    flags_bug_not_fix(
        Language::JavaScript,
        "parse.js",
        "function sparse(value) {\n  const len = value[1];\n  if (!Number.isInteger(len) || len < 0) {\n    throw new Error('Invalid input');\n  }\n  const array = new Array(len);\n  return array;\n}\n",
        "function sparse(value) {\n  const len = value[1];\n  if (!Number.isInteger(len) || len < 0 || len > MAX_LENGTH) {\n    throw new Error('Invalid input');\n  }\n  const array = new Array(len);\n  return array;\n}\n",
        (ResourceExhaustion, 6),
    );
    assert!(super::sized_allocation::bounds("n > limit", "n"));
    assert!(super::sized_allocation::bounds("0 < n && n <= 4096", "n"));
    assert!(!super::sized_allocation::bounds("n < 0 || typeof n", "n"));
    assert!(!super::sized_allocation::bounds("n >= 0.5", "m"));
    assert!(!super::sized_allocation::bounds("0 < n", "n"));
    assert!(super::sized_allocation::bounds("10 < n", "n"));
}

#[test]
fn a_split_on_a_separator_has_a_first_part() {
    // microdot: `c = cookie.split('=', 1)` then `c[0]`: a split on a
    // separator gives at least one part; only the second can be missing.
    let python = "def cookies(cookie, s):\n    c = cookie.strip().split('=', 1)\n    name = c[0]\n    last = s.split(',')[-1]\n    word = s.split()[0]\n    return name, last, word, c[1]\n";
    let found = candidates_of(Language::Python, "microdot.py", python);
    assert!(!found.contains(&(IndexOutOfRange, 3)), "{found:?}");
    assert!(!found.contains(&(IndexOutOfRange, 4)), "{found:?}");
    assert!(found.contains(&(IndexOutOfRange, 5)), "{found:?}");
    assert!(found.contains(&(IndexOutOfRange, 6)), "{found:?}");
    // JavaScript's `parts[-1]` is no element at all.
    let js = "function f(s) {\n  const parts = s.split(',');\n  return parts[-1];\n}\n";
    assert!(candidates_of(Language::JavaScript, "f.js", js).contains(&(IndexOutOfRange, 3)));
    // Java drops trailing empty parts: `",".split(",")` has none.
    let java = "class A {\n  String f(String s) {\n    return s.split(\",\")[0];\n  }\n}\n";
    assert!(candidates_of(Language::Java, "A.java", java).contains(&(IndexOutOfRange, 3)));
}

#[test]
fn a_split_checked_for_its_separator_has_two_parts() {
    // eve: a token header without a space.
    flags_bug_not_fix(
        Language::Python,
        "auth.py",
        "def token(auth):\n    if auth.lower().startswith('token'):\n        auth = auth.split(\" \")[1]\n    return auth\n",
        "def token(auth):\n    if auth.lower().startswith('token'):\n        auth = auth.split(\" \")[1] if \" \" in auth else \"\"\n    return auth\n",
        (IndexOutOfRange, 3),
    );
    flags_bug_not_fix(
        Language::JavaScript,
        "auth.js",
        "function token(auth) {\n  return auth.split(':')[1];\n}\n",
        "function token(auth) {\n  return auth.includes(':') ? auth.split(':')[1] : '';\n}\n",
        (IndexOutOfRange, 2),
    );
}

#[test]
fn a_comprehension_over_one_collection_guards_no_lookup_in_another() {
    // django-import-export: the export order names a column the resource
    // has no field for. The statement form was already a candidate.
    flags_bug_not_fix(
        Language::Python,
        "resources.py",
        "class Resource:\n    def get_export_fields(self):\n        return [self.fields[f] for f in self.get_export_order()]\n",
        "class Resource:\n    def get_export_fields(self):\n        return [self.fields[f] for f in self.get_export_order() if f in self.fields]\n",
        (KeyMissing, 3),
    );
}

#[test]
fn a_call_the_file_checks_for_null_is_doubted_where_it_is_not() {
    // react-native-iap: one method checked the purchase list for null,
    // the next iterated it unchecked.
    let bug = "class Iap {\n  void refresh(Result result) {\n    List<Purchase> purchases = result.getPurchasesList();\n    if (purchases == null) {\n      return;\n    }\n  }\n  void available(Result result) {\n    List<Purchase> items = result.getPurchasesList();\n    for (Purchase p : items) {\n      use(p);\n    }\n  }\n}\n";
    let fix = bug.replace(
        "    for (Purchase p : items) {",
        "    if (items == null) {\n      return;\n    }\n    for (Purchase p : items) {",
    );
    flags_bug_not_fix(Language::Java, "Iap.java", bug, &fix, (NullOrNone, 10));
    // A call nothing checks is no doubt.
    let unchecked = bug.replace("    if (purchases == null) {\n      return;\n    }\n", "");
    assert!(!candidates_of(Language::Java, "Iap.java", &unchecked).contains(&(NullOrNone, 7)));
}

#[test]
fn a_childs_two_pipes_read_one_after_the_other() {
    // cc: the compiler's stdout read to its end, then its stderr; a
    // compiler with many warnings fills stderr first and both wait.
    flags_bug_not_fix(
        Language::Rust,
        "tool.rs",
        "fn detect(cmd: &mut Command) -> io::Result<Vec<u8>> {\n    let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn()?;\n    let mut out = vec![];\n    let mut err = vec![];\n    child.stdout.take().unwrap().read_to_end(&mut out)?;\n    child.stderr.take().unwrap().read_to_end(&mut err)?;\n    child.wait()?;\n    Ok(out)\n}\n",
        "fn detect(cmd: &mut Command) -> io::Result<Vec<u8>> {\n    let child = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn()?;\n    let output = child.wait_with_output()?;\n    Ok(output.stdout)\n}\n",
        (Timeout, 5),
    );
    flags_bug_not_fix(
        Language::Python,
        "run.py",
        "def run(args):\n    p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)\n    out = p.stdout.read()\n    err = p.stderr.read()\n    return out, err\n",
        "def run(args):\n    p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)\n    out, err = p.communicate(timeout=60)\n    return out, err\n",
        (Timeout, 3),
    );
}

#[test]
fn a_parameter_used_before_its_default() {
    // mqemitter: `emit(message)` on a closed emitter called `cb` two lines
    // before `cb = cb || noop`.
    flags_bug_not_fix(
        Language::JavaScript,
        "mqemitter.js",
        "function emit(message, cb) {\n  if (this.closed) {\n    return cb(new Error('closed'))\n  }\n  cb = cb || noop\n  cb()\n}\n",
        "function emit(message, cb) {\n  cb = cb || noop\n  if (this.closed) {\n    return cb(new Error('closed'))\n  }\n  cb()\n}\n",
        (TypeError, 3),
    );
    flags_bug_not_fix(
        Language::JavaScript,
        "get.js",
        "function get(url, opts) {\n  const t = opts.timeout\n  opts = opts ?? {}\n  return t\n}\n",
        "function get(url, opts) {\n  opts = opts ?? {}\n  const t = opts.timeout\n  return t\n}\n",
        (NullOrNone, 2),
    );
    // A parameter the function never defaults is the caller's to give.
    let plain = "function emit(message, cb) {\n  return cb(null)\n}\n";
    assert!(!candidates_of(Language::JavaScript, "plain.js", plain).contains(&(TypeError, 2)));
}

#[test]
fn a_go_call_documented_to_answer_nil_used_unchecked() {
    // git-lfs: a client key that is not PEM; `pem.Decode` answers a nil
    // block and no error, and the block is handed on.
    flags_bug_not_fix(
        Language::Go,
        "certs.go",
        "package lfs\n\nfunc key(k []byte) error {\n\tblock, _ := pem.Decode(k)\n\tif x509.IsEncryptedPEMBlock(block) {\n\t\treturn errEncrypted\n\t}\n\treturn nil\n}\n",
        "package lfs\n\nfunc key(k []byte) error {\n\tblock, _ := pem.Decode(k)\n\tif block == nil {\n\t\treturn errNoPEM\n\t}\n\tif x509.IsEncryptedPEMBlock(block) {\n\t\treturn errEncrypted\n\t}\n\treturn nil\n}\n",
        (NullOrNone, 5),
    );
}

#[test]
fn a_result_whose_error_was_dropped_is_guarded_by_a_check_of_itself() {
    // `block, _ := pem.Decode(k)` then `if block == nil { return }`: the
    // check of the value is the guard when the error is thrown away.
    let fixed = "package lfs\n\nfunc key(k []byte) []byte {\n\tf, _ := load(k)\n\tif f == nil {\n\t\treturn nil\n\t}\n\treturn f.Bytes\n}\n";
    assert!(!candidates_of(Language::Go, "k.go", fixed).contains(&(NullOrNone, 8)));
    let bug =
        "package lfs\n\nfunc key(k []byte) []byte {\n\tf, _ := load(k)\n\treturn f.Bytes\n}\n";
    let found = broad_of(Language::Go, "k.go", bug);
    assert!(
        found
            .iter()
            .any(|(class, line, _, _)| *class == NullOrNone && *line == 5),
        "{found:?}"
    );
}

#[test]
fn rusts_process_arguments_panic_on_text_that_is_not_unicode() {
    // pico-args: `std::env::args()` panics on a Latin-1 file name given on
    // the command line; `args_os()` hands it over as it is.
    flags_bug_not_fix(
        Language::Rust,
        "lib.rs",
        "fn from_env() -> Vec<String> {\n    let args: Vec<String> = std::env::args().collect();\n    args\n}\n",
        "fn from_env() -> Vec<OsString> {\n    let args: Vec<OsString> = std::env::args_os().collect();\n    args\n}\n",
        (Encoding, 2),
    );
}

#[test]
fn a_tuple_assignment_binds_its_first_name() {
    use super::absent::assigned_name;
    assert_eq!(assigned_name("a, _, err"), "a");
    assert_eq!(assigned_name("x, y"), "x");
    assert_eq!(assigned_name("const x"), "x");
    assert_eq!(assigned_name("Map<String, Integer> m"), "m");
    assert_eq!(assigned_name("user: Optional[User]"), "user");
    assert_eq!(assigned_name("const x: Map<string, number>"), "x");
    assert_eq!(assigned_name("let n: u32"), "n");
    assert_eq!(assigned_name("const { a, b }"), "");
    assert_eq!(assigned_name("    Geolocation() { context"), "context");
    assert_eq!(assigned_name("} else { x"), "x");
}

#[test]
fn a_go_lookup_kept_beside_its_error_is_doubted_where_read() {
    // hcloud-go: `GetByID` answers nil and no error for an action that is
    // gone; `a.Status` then panics.
    flags_bug_not_fix(
        Language::Go,
        "action.go",
        "package hcloud\n\nfunc (c *ActionClient) Watch(ctx context.Context, id int64) error {\n\ta, _, err := c.GetByID(ctx, id)\n\tif err != nil {\n\t\treturn err\n\t}\n\tswitch a.Status {\n\tcase \"running\":\n\t\treturn nil\n\t}\n\treturn nil\n}\n",
        "package hcloud\n\nfunc (c *ActionClient) Watch(ctx context.Context, id int64) error {\n\ta, _, err := c.GetByID(ctx, id)\n\tif err != nil {\n\t\treturn err\n\t}\n\tif a == nil {\n\t\treturn fmt.Errorf(\"action %d not found\", id)\n\t}\n\tswitch a.Status {\n\tcase \"running\":\n\t\treturn nil\n\t}\n\treturn nil\n}\n",
        (NullOrNone, 8),
    );
}

/// Every entry of the named-call tables must be able to fire: an entry a
/// later check always lets through is dead weight that reads as coverage
/// (Rust's `env::args` sat in its table unreported until the "handled"
/// check learned it panics itself). Each is called in the plainest forms
/// (`name(x)`, `name(x, x)`, `x.name()`, Rust's `.unwrap()`ed and Go's
/// `y, _ :=`); the few that fire only in context say why below.
#[test]
fn every_named_call_fact_fires() {
    const IN_CONTEXT: &[(&str, &str)] = &[
        // A clock read in UTC is what fixes write; it misleads only where
        // read as local time (`naive_utc.rs`).
        ("Python", "utcnow"),
        ("Python", "utcfromtimestamp"),
        // A character of a string is one character; only a read's result
        // can be empty.
        ("Python", "ord"),
    ];
    let languages = [
        (Language::Python, "a.py", &super::facts::PYTHON),
        (Language::JavaScript, "a.js", &super::facts::ECMA),
        (Language::Go, "a.go", &super::facts::GO),
        (Language::Java, "A.java", &super::facts::JAVA),
        (Language::Rust, "a.rs", &super::facts::RUST),
    ];
    let mut dead = Vec::new();
    for (language, path, facts) in languages {
        for &(name, class, _) in facts.calls {
            if IN_CONTEXT.contains(&(format!("{language:?}").as_str(), name)) {
                continue;
            }
            let last = name.rsplit(['.', ':']).next().unwrap_or(name);
            let calls = [
                format!("{name}(x)"),
                format!("{name}(x, x)"),
                format!("x.{last}()"),
            ];
            let forms: Vec<String> = calls
                .iter()
                .flat_map(|call| match language {
                    Language::Python => vec![format!("def f(x):\n    y = {call}\n    return y\n")],
                    Language::JavaScript => {
                        vec![format!("function f(x) {{\n  const y = {call};\n  return y;\n}}\n")]
                    }
                    Language::Go => vec![
                        format!("package p\n\nfunc f(x string) int {{\n\ty := {call}\n\treturn y\n}}\n"),
                        format!("package p\n\nfunc f(x string) int {{\n\ty, _ := {call}\n\treturn y\n}}\n"),
                    ],
                    Language::Java => vec![format!(
                        "class A {{\n  int f(String x) {{\n    int y = {call};\n    return y;\n  }}\n}}\n"
                    )],
                    _ => vec![
                        format!("fn f(x: &str) -> u32 {{\n    let y = {call};\n    y\n}}\n"),
                        format!("fn f(x: &str) -> u32 {{\n    let y = {call}.unwrap();\n    y\n}}\n"),
                    ],
                })
                .collect();
            let fired = forms.iter().any(|source| {
                // The call is on the function's second line.
                let line = source
                    .lines()
                    .position(|l| l.contains(" y ") || l.contains("\ty"))
                    .map_or(0, |at| at + 1);
                candidates_of(language, path, source).contains(&(class, line))
            });
            if !fired {
                dead.push(format!("{language:?} {name} ({class:?})"));
            }
        }
    }
    assert!(
        dead.is_empty(),
        "named-call facts that never fire: {dead:#?}"
    );
}

#[test]
fn a_trait_method_that_reaches_itself_through_its_trait() {
    // rusty-leveldb: `Status`'s Display wrote `self.to_string()`, which is
    // Display again.
    flags_bug_not_fix(
        Language::Rust,
        "error.rs",
        "impl Display for Status {\n    fn fmt(&self, fmt: &mut Formatter) -> fmt::Result {\n        fmt.write_str(&self.to_string())\n    }\n}\n",
        "impl Display for Status {\n    fn fmt(&self, fmt: &mut Formatter) -> fmt::Result {\n        fmt.write_str(&self.err)\n    }\n}\n",
        (ResourceExhaustion, 3),
    );
    // rasn: `PartialEq<[u32]>` compared `self == rhs`, which is itself.
    flags_bug_not_fix(
        Language::Rust,
        "oid.rs",
        "impl PartialEq<[u32]> for ObjectIdentifier {\n    fn eq(&self, rhs: &[u32]) -> bool {\n        self == rhs\n    }\n}\n",
        "impl PartialEq<[u32]> for ObjectIdentifier {\n    fn eq(&self, rhs: &[u32]) -> bool {\n        self.0 == rhs\n    }\n}\n",
        (ResourceExhaustion, 3),
    );
    let found = |source: &str| {
        candidates_of(Language::Rust, "a.rs", source)
            .into_iter()
            .filter(|(class, _)| *class == ResourceExhaustion)
            .map(|(_, line)| line)
            .collect::<Vec<_>>()
    };
    // The format's own placeholder decides: `{}` of self in Display and
    // `{:?}` in Debug recurse; a field, or `{:?}` in Display, does not.
    assert_eq!(
        found(
            "impl fmt::Display for Id {\n    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {\n        write!(f, \"id {} ({:>4})\", self.0, self)\n    }\n}\n"
        ),
        [3]
    );
    assert_eq!(
        found(
            "impl fmt::Display for Id {\n    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {\n        write!(f, \"{:?}\", self)\n    }\n}\n"
        ),
        Vec::<usize>::new()
    );
    assert_eq!(
        found(
            "impl fmt::Debug for Id {\n    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {\n        write!(f, \"Id({:?})\", self)\n    }\n}\n"
        ),
        [3]
    );
    assert_eq!(
        found(
            "impl Ord for Version {\n    fn cmp(&self, other: &Self) -> Ordering {\n        self.cmp(other)\n    }\n}\n"
        ),
        [3]
    );
    // Comparing the fields, or another trait's method, is no recursion.
    assert_eq!(
        found(
            "impl Ord for Version {\n    fn cmp(&self, other: &Self) -> Ordering {\n        self.major.cmp(&other.major)\n    }\n}\nimpl PartialOrd for Version {\n    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {\n        Some(self.cmp(other))\n    }\n}\n"
        ),
        Vec::<usize>::new()
    );
}

#[test]
fn a_result_unpacked_from_a_function_that_returns_nothing_on_a_path() {
    // plaster: `_find_ep_in_dist` returns None for a distribution with no
    // matching entry point; its caller unpacked the result. The fix
    // returns a pair on every path.
    let bug = "def _find_ep_in_dist(dist, scheme, groups):\n    eps = [ep for ep in dist.entry_points if ep.group in groups]\n    if not eps:\n        return None\n    return (dist, eps[0])\n\n\ndef find_loaders(distro, name, groups):\n    (dist, ep) = _find_ep_in_dist(distro, name, groups)\n    return [ep.load()]\n";
    let fix = bug.replace("        return None\n", "        return (dist, None)\n");
    flags_bug_not_fix(Language::Python, "plaster.py", bug, &fix, (NullOrNone, 9));
    let js = "function lookup(table, key) {\n  if (!table.has(key)) return;\n  return [key, table.get(key)];\n}\n\nfunction use(table, key) {\n  const [name, value] = lookup(table, key);\n  return name + value;\n}\n";
    let js_fix = js.replace(
        "  if (!table.has(key)) return;\n",
        "  if (!table.has(key)) return [key, null];\n",
    );
    flags_bug_not_fix(
        Language::JavaScript,
        "lookup.js",
        js,
        &js_fix,
        (NullOrNone, 7),
    );
    // A handler of the error guards it.
    let caught = bug.replace(
        "    (dist, ep) = _find_ep_in_dist(distro, name, groups)\n",
        "    try:\n        (dist, ep) = _find_ep_in_dist(distro, name, groups)\n    except TypeError:\n        return []\n",
    );
    assert!(
        !candidates_of(Language::Python, "plaster.py", &caught).contains(&(NullOrNone, 10)),
        "a handled unpacking is still flagged"
    );
}

#[test]
fn a_host_only_global_read_as_the_module_loads_is_missing_elsewhere() {
    // Read as the module is evaluated: a bundle for an edge runtime or
    // React Native Web has no `navigator` / `__DEV__`.
    flags_bug_not_fix(
        Language::JavaScript,
        "browser.js",
        "const level = (() => {\n  if (navigator.userAgentData) {\n    return 3;\n  }\n  return 0;\n})();\nexport default level;\n",
        "const level = (() => {\n  if (typeof navigator !== 'undefined' && navigator.userAgentData) {\n    return 3;\n  }\n  return 0;\n})();\nexport default level;\n",
        (NullOrNone, 2),
    );
    flags_bug_not_fix(
        Language::TypeScript,
        "logger.ts",
        "let print = () => {};\nif (__DEV__) {\n  print = () => console.log('x');\n}\nexport { print };\n",
        "let print = () => {};\nif (typeof __DEV__ !== 'undefined' && __DEV__) {\n  print = () => console.log('x');\n}\nexport { print };\n",
        (NullOrNone, 2),
    );
    // Inside a function it runs when called, in the host the caller is in;
    // a name the file binds itself is no global; only the first read throws.
    let quiet = candidates_of(
        Language::JavaScript,
        "view.js",
        "export function show() {\n  return document.title;\n}\n",
    );
    assert!(!quiet.contains(&(NullOrNone, 2)), "{quiet:?}");
    let bound = candidates_of(
        Language::JavaScript,
        "shim.js",
        "const window = globalThis;\nexport const width = window.innerWidth;\n",
    );
    assert!(!bound.contains(&(NullOrNone, 2)), "{bound:?}");
    let twice = candidates_of(
        Language::JavaScript,
        "env.js",
        "export const a = window.innerWidth;\nexport const b = window.innerHeight;\n",
    );
    assert!(
        twice.contains(&(NullOrNone, 1)) && !twice.contains(&(NullOrNone, 2)),
        "{twice:?}"
    );
}

#[test]
fn a_navigator_property_some_runtimes_lack_is_used_untested() {
    flags_bug_not_fix(
        Language::TypeScript,
        "platform.ts",
        "export function detectPlatform(): string {\n  if (typeof navigator === 'undefined') {\n    return 'linux';\n  }\n  const platform = navigator.platform.toLowerCase();\n  return platform.includes('mac') ? 'mac' : 'linux';\n}\n",
        "export function detectPlatform(): string {\n  if (typeof navigator === 'undefined') {\n    return 'linux';\n  }\n  const platform = navigator.platform?.toLowerCase() ?? '';\n  return platform.includes('mac') ? 'mac' : 'linux';\n}\n",
        (NullOrNone, 5),
    );
    // Tested first, or one every runtime has: nothing to predict.
    let tested = candidates_of(
        Language::JavaScript,
        "copy.js",
        "export async function copy(text) {\n  if (!navigator.clipboard) {\n    return false;\n  }\n  await navigator.clipboard.writeText(text);\n  return true;\n}\n",
    );
    assert!(!tested.contains(&(NullOrNone, 5)), "{tested:?}");
    let everywhere = candidates_of(
        Language::JavaScript,
        "ua.js",
        "export function mobile() {\n  return navigator.userAgent.includes('Mobile');\n}\n",
    );
    assert!(!everywhere.contains(&(NullOrNone, 2)), "{everywhere:?}");
}

#[test]
fn a_field_of_a_parameter_iterated_unchecked_may_be_missing() {
    flags_bug_not_fix(
        Language::TypeScript,
        "diff.ts",
        "function toDom(desc: Desc): Node {\n  const node = create(desc.nodeName);\n  for (const child of desc.childNodes) {\n    node.appendChild(toDom(child));\n  }\n  return node;\n}\n",
        "function toDom(desc: Desc): Node {\n  const node = create(desc.nodeName);\n  for (const child of desc.childNodes ?? []) {\n    node.appendChild(toDom(child));\n  }\n  return node;\n}\n",
        (NullOrNone, 3),
    );
    // The function's own object is not a caller's.
    let own = candidates_of(
        Language::JavaScript,
        "list.js",
        "class List {\n  each(fn) {\n    for (const item of this.items) {\n      fn(item);\n    }\n  }\n}\n",
    );
    assert!(!own.contains(&(NullOrNone, 3)), "{own:?}");
}

#[test]
fn in_asks_an_object_and_throws_on_anything_else() {
    // Never tested: undefined when the payload leaves it out.
    flags_bug_not_fix(
        Language::TypeScript,
        "helpers.ts",
        "export function isChangeMessage(message: Message): boolean {\n  return `key` in message\n}\n",
        "export function isChangeMessage(message: Message): boolean {\n  return message != null && `key` in message\n}\n",
        (NullOrNone, 2),
    );
    // Tested for truth only: `true` or a string gets through.
    flags_bug_not_fix(
        Language::TypeScript,
        "schema.ts",
        "export function item(schema: Schema): string {\n  if (schema.items) {\n    if (\"type\" in schema.items) {\n      return 'typed';\n    }\n  }\n  return 'any';\n}\n",
        "export function item(schema: Schema): string {\n  if (schema.items && typeof schema.items === \"object\") {\n    if (\"type\" in schema.items) {\n      return 'typed';\n    }\n  }\n  return 'any';\n}\n",
        (TypeError, 3),
    );
    // The function's own object is one.
    let own = candidates_of(
        Language::JavaScript,
        "cache.js",
        "class Cache {\n  has(key) {\n    return 'store' in this;\n  }\n}\n",
    );
    assert!(!own.iter().any(|(_, line)| *line == 3), "{own:?}");
}

#[test]
fn a_range_bound_checked_against_the_length_is_in_range() {
    // The check names another index than the cut (skim's merge).
    flags_bug_not_fix(
        Language::Rust,
        "ansi.rs",
        "fn rest(new: &[u8], i: usize, j: usize) -> Vec<u8> {\n    let mut ret = Vec::new();\n    if j < new.len() {\n        ret.extend_from_slice(&new[i..]);\n    }\n    ret\n}\n",
        "fn rest(new: &[u8], i: usize, j: usize) -> Vec<u8> {\n    let mut ret = Vec::new();\n    if j < new.len() {\n        ret.extend_from_slice(&new[j..]);\n    }\n    ret\n}\n",
        (IndexOutOfRange, 4),
    );
    // An early return when the end passes the length.
    flags_bug_not_fix(
        Language::Rust,
        "asn1.rs",
        "fn take(data: &[u8], offset: usize, n: usize) -> Option<&[u8]> {\n    Some(&data[offset..offset + n])\n}\n",
        "fn take(data: &[u8], offset: usize, n: usize) -> Option<&[u8]> {\n    if offset + n > data.len() {\n        return None;\n    }\n    Some(&data[offset..offset + n])\n}\n",
        (IndexOutOfRange, 2),
    );
    // A range that holds its end is one past it at `<=`.
    let inclusive = candidates_of(
        Language::Rust,
        "cut.rs",
        "fn head(data: &[u8], end: usize) -> &[u8] {\n    if end <= data.len() {\n        return &data[..=end];\n    }\n    data\n}\n",
    );
    assert!(inclusive.contains(&(IndexOutOfRange, 3)), "{inclusive:?}");
    // A check of the bound that is not against the length bounds nothing.
    let unrelated = candidates_of(
        Language::Rust,
        "cut.rs",
        "fn head(data: &[u8], end: usize) -> &[u8] {\n    if end > 0 {\n        return &data[..end];\n    }\n    data\n}\n",
    );
    assert!(unrelated.contains(&(IndexOutOfRange, 3)), "{unrelated:?}");
}

#[test]
fn a_crates_own_error_macro_leaves_the_block() {
    flags_bug_not_fix(
        Language::Rust,
        "minialloc.rs",
        "fn next(table: &[u32], id: u32) -> io::Result<u32> {\n    let index = id as usize;\n    Ok(table[index])\n}\n",
        "fn next(table: &[u32], id: u32) -> io::Result<u32> {\n    let index = id as usize;\n    if index >= table.len() {\n        invalid_data!(\"no entry {}\", index);\n    }\n    Ok(table[index])\n}\n",
        (IndexOutOfRange, 3),
    );
    // A logging macro does not.
    let logged = candidates_of(
        Language::Rust,
        "minialloc.rs",
        "fn next(table: &[u32], id: u32) -> io::Result<u32> {\n    let index = id as usize;\n    if index >= table.len() {\n        error!(\"no entry {}\", index);\n    }\n    Ok(table[index])\n}\n",
    );
    assert!(logged.contains(&(IndexOutOfRange, 6)), "{logged:?}");
}

#[test]
fn a_pattern_match_on_a_parameter_needs_a_string() {
    flags_bug_not_fix(
        Language::JavaScript,
        "minimist.js",
        "function isFlag(arg) {\n  return arg.match(/^--.+=/) !== null;\n}\n",
        "function isFlag(arg) {\n  return typeof arg === 'string' && arg.match(/^--.+=/) !== null;\n}\n",
        (TypeError, 2),
    );
}

#[test]
fn reduce_of_an_empty_sequence_has_nothing_to_start_from() {
    flags_bug_not_fix(
        Language::Python,
        "tree.py",
        "from functools import reduce\n\ndef solutions(children):\n    return reduce(lambda x, y: x * y, (c.solutions for c in children))\n",
        "from functools import reduce\n\ndef solutions(children):\n    return reduce(lambda x, y: x * y, (c.solutions for c in children), 1)\n",
        (TypeError, 4),
    );
    // A check of the collection a filter empties says nothing of the
    // filter's result; the candidate is on the line of the call.
    flags_bug_not_fix(
        Language::TypeScript,
        "devices.ts",
        "export function best(devices: Device[], position: string): Device | undefined {\n  if (devices.length < 1) return undefined\n  return devices\n    .filter((d) => d.position === position)\n    .reduce((prev, curr) => (curr.score > prev.score ? curr : prev))\n}\n",
        "export function best(devices: Device[], position: string): Device | undefined {\n  return devices\n    .filter((d) => d.position === position)\n    .reduce<Device | undefined>((prev, curr) => (prev == null || curr.score > prev.score ? curr : prev), undefined)\n}\n",
        (TypeError, 5),
    );
    // A literal list, or a checked one, has a first item.
    let held = candidates_of(
        Language::Python,
        "sum.py",
        "from functools import reduce\n\ndef total(a, b, parts):\n    x = reduce(max, [a, b])\n    if not parts:\n        return 0\n    return x + reduce(lambda p, q: p + q, parts)\n",
    );
    assert!(
        !held.iter().any(|(class, _)| *class == TypeError),
        "{held:?}"
    );
}

#[test]
fn a_check_of_a_class_does_not_guard_what_a_lookup_through_it_finds() {
    flags_bug_not_fix(
        Language::Python,
        "validators.py",
        "def refresh(token, instance, previous):\n    if isinstance(instance, RefreshToken):\n        token[\"refresh_token\"] = RefreshToken.objects.filter(access_token=previous).first().token\n",
        "def refresh(token, instance, previous):\n    if isinstance(instance, RefreshToken):\n        found = RefreshToken.objects.filter(access_token=previous).first()\n        if found is not None:\n            token[\"refresh_token\"] = found.token\n",
        (NullOrNone, 3),
    );
}

#[test]
fn iterating_a_collection_does_not_check_its_elements() {
    // The file checks `entry` for null; the loop over `entries` binds it
    // and checks nothing (webpack's context hash of a null entry).
    flags_bug_not_fix(
        Language::JavaScript,
        "hashes.js",
        "function size(entry) {\n  if (entry === null) return 0;\n  return entry.size;\n}\nfunction hashAll(hash, entries) {\n  for (const entry of entries) {\n    if (typeof entry === \"string\") {\n      hash.update(entry);\n    } else {\n      hash.update(entry.hash);\n    }\n  }\n}\n",
        "function size(entry) {\n  if (entry === null) return 0;\n  return entry.size;\n}\nfunction hashAll(hash, entries) {\n  for (const entry of entries) {\n    if (typeof entry === \"string\") {\n      hash.update(entry);\n    } else if (entry) {\n      hash.update(entry.hash);\n    }\n  }\n}\n",
        (NullOrNone, 10),
    );
}

#[test]
fn the_else_of_a_length_lower_bound_may_be_empty() {
    flags_bug_not_fix(
        Language::Python,
        "task.py",
        "def short(args):\n    lines = [l.strip() for l in args.splitlines() if l.strip()]\n    return f\"{lines[0]}...\" if len(lines) > 1 else lines[0]\n",
        "def short(args):\n    lines = [l.strip() for l in args.splitlines() if l.strip()]\n    return f\"{lines[0]}...\" if len(lines) > 1 else \"\".join(lines)\n",
        (IndexOutOfRange, 3),
    );
}

#[test]
fn an_option_that_holds_a_collection_says_nothing_of_its_length() {
    flags_bug_not_fix(
        Language::Rust,
        "installer.rs",
        "fn command(task: &Task) -> String {\n    match task.args {\n        Some(ref args) => args[0].to_string(),\n        None => String::new(),\n    }\n}\n",
        "fn command(task: &Task) -> String {\n    match task.args {\n        Some(ref args) if !args.is_empty() => args[0].to_string(),\n        _ => String::new(),\n    }\n}\n",
        (IndexOutOfRange, 3),
    );
}
