//! The ECMAScript value interpreter behind the property-read rules: what
//! each expression of one function holds (outside data, a value that may be
//! missing, an array that may be empty, a promise), followed through
//! bindings, destructuring, callbacks and calls the way V8 would read it.
//! Kept apart from the checks so the rules read as "is this read of a
//! missing value guarded" and the interpreter can grow without them.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::rc::Rc;
use std::sync::Arc;

use ropey::Rope;
use tree_sitter::{Node, Tree};
use xxhash_rust::xxh3::Xxh3;

use crate::hazards::FnCx;
use crate::hazards::guards::{mentions, string_contents};
use crate::language::Language;
use crate::text::one_line;

pub(super) use crate::hazards::origin::Origin;

/// What one expression holds, as far as a failing property read goes.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Value {
    Plain,
    /// An array with at least one element (`s.split(",")`).
    NonEmpty,
    /// An array that may be empty (`xs.filter(..)`, `Object.keys(o)`).
    MaybeEmpty,
    /// Holds outside data in some of its properties: `req` (`body`,
    /// `query`…), an axios response (`data`), Koa's `ctx`.
    Envelope(Envelope),
    /// Outside data that is itself present: reading its properties is
    /// safe, reading theirs is not.
    Root(Origin),
    /// May be `undefined` (or `null`): reading a property throws.
    Missing(Rc<Missing>),
    /// A promise of a value (`p.then(cb)`): its own properties are fine.
    Promise(Rc<Value>),
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Envelope {
    Request,
    Axios,
    Koa,
}

#[derive(Clone, Debug, PartialEq)]
pub(super) struct Missing {
    pub(super) origin: Origin,
    /// The name of what may be absent (`user`, `authorization`).
    pub(super) key: String,
    /// The expression it is read from (`payload`, `req.headers`).
    pub(super) container: String,
    /// Absent as `null` (regex, API Gateway) rather than `undefined`.
    pub(super) null: bool,
    /// Sets of words; a condition or early exit that mentions every word of
    /// one set guards the value (`if (!user)`, `'user' in body`).
    pub(super) guards: Vec<Vec<String>>,
}

impl Value {
    /// The origin of outside data this value holds or belongs to. Values
    /// that are merely missing (`find()`, a regex match, an element) are
    /// local data: what they hold when present is not outside data.
    pub(super) fn external(&self) -> Option<&Origin> {
        let origin = match self {
            Value::Root(origin) => origin,
            Value::Missing(missing) => &missing.origin,
            _ => return None,
        };
        origin.is_data().then_some(origin)
    }
}

/// Fields of an AWS Lambda event; others (`event.target`) belong to DOM or
/// emitter events that share the parameter name.
const LAMBDA_FIELDS: &[&str] = &[
    "body",
    "pathParameters",
    "queryStringParameters",
    "multiValueQueryStringParameters",
    "stageVariables",
    "requestContext",
    "headers",
    "Records",
    "detail",
    "rawPath",
    "rawQueryString",
    "routeKey",
    "arguments",
    "identity",
    "source",
];

/// Parameter names that by convention carry outside data.
const EXTERNAL_PARAMETERS: &[&str] = &[
    "payload", "body", "webhook", "message", "msg", "record", "json",
];

/// Array methods whose callback receives the elements.
const ELEMENT_CALLBACKS: &[&str] = &[
    "map",
    "forEach",
    "filter",
    "find",
    "findIndex",
    "findLast",
    "some",
    "every",
    "flatMap",
    "reduce",
];

/// What the checks of one function share: the bindings of every name in
/// order, with the value each binding gives.
pub(super) struct Facts {
    pub(super) bindings: HashMap<String, Vec<(usize, Value)>>,
    /// Names declared with a TypeScript type: `order: Order`.
    pub(super) typed: HashMap<String, String>,
    /// What the file declares at its top, read once per file.
    declarations: Arc<Declarations>,
    /// The class the function belongs to, for `this.field`.
    pub(super) class: Option<String>,
    /// Async functions declared in this function, with whether they can
    /// reject at all; they shadow the file's.
    local_async: HashMap<String, bool>,
    /// The function's parameters.
    pub(super) parameters: Vec<String>,
    /// Names bound to a search result that is -1 when nothing matches
    /// (`const i = xs.indexOf(x)`).
    pub(super) search_results: HashSet<String>,
    /// Names bound to `JSON.stringify(…)`: valid JSON by construction.
    pub(super) serialized: HashSet<String>,
    /// Names bound to a number or a boolean literal (`let escape = false`).
    pub(super) numeric: HashSet<String>,
    /// The first failing read of each missing value (by container and
    /// key), found on first use: later reads of the same value fail for
    /// the same reason and are not reported again.
    pub(super) first_failures: RefCell<Option<HashMap<(String, String), usize>>>,
}

impl Facts {
    /// Whether `name` is an async function (of this function or the file)
    /// and, if so, whether it can reject.
    pub(super) fn async_function(&self, name: &str) -> Option<bool> {
        self.local_async
            .get(name)
            .or_else(|| self.declarations.async_functions.get(name))
            .copied()
    }

    /// Whether the type or class `owner` declares `field` optional.
    fn optional_field(&self, owner: &str, field: &str) -> bool {
        self.declarations
            .optional_fields
            .get(owner)
            .is_some_and(|fields| fields.contains(field))
    }

    pub(super) fn lookup(&self, name: &str, at: usize) -> Value {
        self.bindings
            .get(name)
            .and_then(|list| list.iter().rev().find(|(pos, _)| *pos <= at))
            .map_or(Value::Plain, |(_, value)| value.clone())
    }

    pub(super) fn bind(&mut self, name: String, at: usize, value: Value) {
        let list = self.bindings.entry(name).or_default();
        list.push((at, value));
        list.sort_by_key(|(pos, _)| *pos);
    }
}

thread_local! {
    /// The facts of the function analysed last: every match of one
    /// function shares them, and building them walks the whole function.
    static FACTS: RefCell<Option<(u64, Rc<Facts>)>> = const { RefCell::new(None) };
}

pub(super) fn facts(cx: &FnCx) -> Rc<Facts> {
    let key = {
        let mut hasher = Xxh3::new();
        let range = cx.function.range.clone();
        let end = range.end.min(cx.rope.len_bytes());
        for chunk in cx.rope.byte_slice(range.start.min(end)..end).chunks() {
            hasher.update(chunk.as_bytes());
        }
        hasher.update(&range.start.to_le_bytes());
        hasher.update(&cx.rope.len_bytes().to_le_bytes());
        hasher.update(&cx.tree.root_node().id().to_le_bytes());
        hasher.update(&[cx.language as u8]);
        hasher.digest()
    };
    if let Some(found) = FACTS.with(|cell| {
        cell.borrow()
            .as_ref()
            .filter(|(k, _)| *k == key)
            .map(|(_, f)| f.clone())
    }) {
        return found;
    }
    let built = Rc::new(build_facts(cx));
    FACTS.with(|cell| *cell.borrow_mut() = Some((key, built.clone())));
    built
}

fn build_facts(cx: &FnCx) -> Facts {
    let mut facts = Facts {
        bindings: HashMap::new(),
        typed: HashMap::new(),
        declarations: cx.file.ecma.clone(),
        class: cx.file.ecma.class_at(cx.node.start_byte()),
        local_async: HashMap::new(),
        parameters: cx.parameters(),
        search_results: HashSet::new(),
        serialized: HashSet::new(),
        numeric: HashSet::new(),
        first_failures: RefCell::new(None),
    };
    let start = cx.node.start_byte();
    bind_parameters(cx, cx.node, start, &mut facts);
    let Some(body) = cx.node.child_by_field_name("body") else {
        return facts;
    };
    walk_bindings(cx, body, &mut facts);
    facts
}

/// What a file declares at its top (or exports, or puts in a class body)
/// that every function's reads depend on: the optional fields of its types
/// and classes, and its async functions with whether they can reject.
/// Sorted maps, so the file's cache key can hash them in order.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Declarations {
    optional_fields: BTreeMap<String, BTreeSet<String>>,
    async_functions: BTreeMap<String, bool>,
    /// The named top-level classes and their bytes, in source order, for
    /// `this`. Not hashed: the text between functions, which the cache key
    /// holds, already says which class a function is in.
    classes: Vec<(std::ops::Range<usize>, String)>,
}

impl Declarations {
    /// Read once per file: one walk of the top level, where every function
    /// reading it once made a file of many small functions quadratic.
    pub(crate) fn of(language: Language, tree: &Tree, rope: &Rope) -> Declarations {
        let mut found = Declarations::default();
        if !matches!(
            language,
            Language::JavaScript | Language::TypeScript | Language::Tsx
        ) {
            return found;
        }
        let text = |node: Node| crate::functions::node_text(node, rope);
        let root = tree.root_node();
        let mut stack: Vec<Node> = {
            let mut cursor = root.walk();
            root.named_children(&mut cursor).collect()
        };
        while let Some(node) = stack.pop() {
            match node.kind() {
                "export_statement" | "ambient_declaration" => {
                    let mut cursor = node.walk();
                    stack.extend(node.named_children(&mut cursor));
                }
                "lexical_declaration" | "variable_declaration" => {
                    let mut cursor = node.walk();
                    for declarator in node.named_children(&mut cursor) {
                        if let (Some(name), Some(value)) = (
                            declarator.child_by_field_name("name"),
                            declarator.child_by_field_name("value"),
                        ) && matches!(value.kind(), "arrow_function" | "function_expression")
                            && name.kind() == "identifier"
                            && starts_async(value)
                        {
                            found
                                .async_functions
                                .insert(text(name), may_reject(rope, value));
                        }
                    }
                }
                "function_declaration" | "generator_function_declaration" => {
                    if let Some(name) = node.child_by_field_name("name")
                        && starts_async(node)
                    {
                        found
                            .async_functions
                            .insert(text(name), may_reject(rope, node));
                    }
                }
                "interface_declaration" | "type_alias_declaration" => {
                    let (Some(name), Some(body)) = (
                        node.child_by_field_name("name"),
                        node.child_by_field_name("body")
                            .or_else(|| node.child_by_field_name("value")),
                    ) else {
                        continue;
                    };
                    let fields = optional_members(rope, body);
                    if !fields.is_empty() {
                        found.optional_fields.insert(text(name), fields);
                    }
                }
                "class_declaration" | "abstract_class_declaration" | "class" => {
                    let (Some(name), Some(body)) = (
                        node.child_by_field_name("name"),
                        node.child_by_field_name("body"),
                    ) else {
                        continue;
                    };
                    let fields = optional_members(rope, body);
                    if !fields.is_empty() {
                        found.optional_fields.insert(text(name), fields);
                    }
                    found.classes.push((node.byte_range(), text(name)));
                    let mut cursor = body.walk();
                    for member in body.named_children(&mut cursor) {
                        if member.kind() == "method_definition"
                            && let Some(method) = member.child_by_field_name("name")
                            && starts_async(member)
                        {
                            found
                                .async_functions
                                .insert(text(method), may_reject(rope, member));
                        }
                    }
                }
                _ => {}
            }
        }
        found.classes.sort_by_key(|(range, _)| range.start);
        found
    }

    /// The top-level class whose bytes hold `offset`.
    fn class_at(&self, offset: usize) -> Option<String> {
        let after = self
            .classes
            .partition_point(|(range, _)| range.start <= offset);
        let (range, name) = self.classes.get(after.checked_sub(1)?)?;
        range.contains(&offset).then(|| name.clone())
    }

    pub(crate) fn hash_into(&self, hasher: &mut Xxh3) {
        for (owner, fields) in &self.optional_fields {
            hasher.update(owner.as_bytes());
            for field in fields {
                hasher.update(&[0]);
                hasher.update(field.as_bytes());
            }
            hasher.update(&[1]);
        }
        for (name, rejects) in &self.async_functions {
            hasher.update(name.as_bytes());
            hasher.update(&[2 + u8::from(*rejects)]);
        }
    }
}

/// Names of the members of an object type or class body marked `?`.
fn optional_members(rope: &Rope, body: Node) -> BTreeSet<String> {
    let mut fields = BTreeSet::new();
    let mut cursor = body.walk();
    for member in body.named_children(&mut cursor) {
        if !matches!(
            member.kind(),
            "property_signature" | "public_field_definition"
        ) {
            continue;
        }
        let mut inner = member.walk();
        let optional = member.children(&mut inner).any(|c| c.kind() == "?");
        if optional
            && let Some(name) = member
                .child_by_field_name("name")
                .or_else(|| member.child_by_field_name("property"))
        {
            fields.insert(crate::functions::node_text(name, rope));
        }
    }
    fields
}

/// Whether a function node is declared `async` (the keyword, not a
/// parameter that happens to be called `async`).
fn starts_async(function: Node) -> bool {
    let mut cursor = function.walk();
    function.children(&mut cursor).any(|c| c.kind() == "async")
}

/// Whether an async function can reject: not when its whole body is one
/// `try` whose `catch` never throws.
fn may_reject(rope: &Rope, function: Node) -> bool {
    let Some(body) = function.child_by_field_name("body") else {
        return true;
    };
    if body.kind() != "statement_block" || body.named_child_count() != 1 {
        return true;
    }
    let Some(only) = body.named_child(0) else {
        return true;
    };
    if only.kind() != "try_statement" {
        return true;
    }
    match only.child_by_field_name("handler") {
        Some(handler) => crate::functions::node_text(handler, rope).contains("throw"),
        None => true,
    }
}

/// Binds the parameters of a function or callback by convention and by
/// declared type.
fn bind_parameters(cx: &FnCx, function: Node, at: usize, facts: &mut Facts) {
    let params = function
        .child_by_field_name("parameters")
        .or_else(|| function.child_by_field_name("parameter"));
    let Some(params) = params else {
        return;
    };
    let list: Vec<Node> = if params.kind() == "identifier" {
        vec![params]
    } else {
        let mut cursor = params.walk();
        params.named_children(&mut cursor).collect()
    };
    let typescript = cx.language != Language::JavaScript;
    for param in list {
        let annotation = param
            .child_by_field_name("type")
            .and_then(|t| t.named_child(0));
        let (pattern, optional, type_name) = match param.kind() {
            "identifier" => (Some(param), false, None),
            "assignment_pattern" => (param.child_by_field_name("left"), false, None),
            "required_parameter" | "optional_parameter" => {
                let type_name = annotation
                    .filter(|t| t.kind() == "type_identifier")
                    .map(|t| cx.text(t));
                let has_default = param.child_by_field_name("value").is_some();
                (
                    param.child_by_field_name("pattern"),
                    param.kind() == "optional_parameter" && !has_default,
                    type_name,
                )
            }
            _ => (None, false, None),
        };
        // A declared type says what a `payload` holds, and so does the
        // place a callback is written (an argument, a property): there the
        // caller is the program itself. The naming convention only speaks
        // for untyped data at an entry point.
        let by_convention = match annotation {
            Some(t) if typescript => {
                let text = cx.text(t);
                matches!(text.as_str(), "any" | "unknown" | "object") || text.starts_with("Record<")
            }
            _ => !contextually_typed(function),
        };
        let Some(pattern) = pattern.filter(|p| p.kind() == "identifier") else {
            continue;
        };
        let name = cx.text(pattern);
        if let Some(type_name) = type_name {
            facts.typed.insert(name.clone(), type_name);
        }
        let value = if optional {
            Value::Missing(Rc::new(Missing {
                origin: Origin::OptionalParam(name.clone()),
                key: name.clone(),
                container: name.clone(),
                null: false,
                guards: vec![vec![name.clone()]],
            }))
        } else {
            match name.as_str() {
                "event" => Value::Root(Origin::Lambda),
                "req" | "request" => Value::Envelope(Envelope::Request),
                "ctx" => Value::Envelope(Envelope::Koa),
                n if by_convention && EXTERNAL_PARAMETERS.contains(&n) => {
                    Value::Root(Origin::Parameter(name.clone()))
                }
                _ => continue,
            }
        };
        facts.bind(name, at, value);
    }
}

/// Whether a function's parameters are fixed by where it is written: a
/// callback argument, a typed variable or a property (TypeScript infers
/// their types there; in JavaScript the same code calls them).
fn contextually_typed(function: Node) -> bool {
    if !matches!(function.kind(), "arrow_function" | "function_expression") {
        return false;
    }
    let Some(parent) = function.parent() else {
        return false;
    };
    match parent.kind() {
        "variable_declarator" => parent.child_by_field_name("type").is_some(),
        "arguments" | "assignment_expression" | "pair" | "return_statement" => true,
        _ => false,
    }
}

/// Whether `node` is a function the index knows (analysed on its own).
pub(super) fn indexed_function(cx: &FnCx, node: Node) -> bool {
    node.id() != cx.node.id() && cx.index.spans(&node.byte_range())
}

/// Records bindings in source order: declarations, assignments, `for … of`
/// variables and callback parameters, each with the value it receives.
fn walk_bindings(cx: &FnCx, root: Node, facts: &mut Facts) {
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        match node.kind() {
            "class_declaration" | "class" => continue,
            "arrow_function"
            | "function_expression"
            | "function_declaration"
            | "generator_function_declaration" => {
                if indexed_function(cx, node) {
                    continue;
                }
                bind_parameters(cx, node, node.start_byte(), facts);
                if node.kind() != "arrow_function"
                    && let Some(name) = node.child_by_field_name("name")
                    && starts_async(node)
                {
                    facts
                        .local_async
                        .insert(cx.text(name), may_reject(cx.rope, node));
                }
            }
            "variable_declarator" => {
                if let (Some(name), Some(value)) = (
                    node.child_by_field_name("name"),
                    node.child_by_field_name("value"),
                ) {
                    if name.kind() == "identifier"
                        && let Some(type_name) = node
                            .child_by_field_name("type")
                            .and_then(|t| t.named_child(0))
                            .filter(|t| t.kind() == "type_identifier")
                    {
                        facts.typed.insert(cx.text(name), cx.text(type_name));
                    }
                    if matches!(value.kind(), "arrow_function" | "function_expression")
                        && name.kind() == "identifier"
                        && starts_async(value)
                    {
                        facts
                            .local_async
                            .insert(cx.text(name), may_reject(cx.rope, value));
                    }
                    let value_text = cx.text(value);
                    if name.kind() == "identifier"
                        && [".indexOf(", ".lastIndexOf(", ".findIndex(", ".search("]
                            .iter()
                            .any(|f| value_text.contains(f))
                    {
                        facts.search_results.insert(cx.text(name));
                    }
                    if name.kind() == "identifier" && value_text.starts_with("JSON.stringify(") {
                        facts.serialized.insert(cx.text(name));
                    }
                    if name.kind() == "identifier"
                        && matches!(value.kind(), "number" | "true" | "false")
                    {
                        facts.numeric.insert(cx.text(name));
                    }
                    let bound = eval(cx, facts, value);
                    bind_pattern(cx, facts, name, bound, &value_text, node.end_byte());
                }
            }
            "assignment_expression" => {
                if let (Some(left), Some(right)) = (
                    node.child_by_field_name("left"),
                    node.child_by_field_name("right"),
                ) && left.kind() == "identifier"
                {
                    let bound = eval(cx, facts, right);
                    facts.bind(cx.text(left), node.end_byte(), bound);
                }
            }
            "for_in_statement" => {
                let of = node
                    .child_by_field_name("operator")
                    .is_some_and(|o| cx.text(o) == "of");
                if let (Some(left), Some(right), true) = (
                    node.child_by_field_name("left"),
                    node.child_by_field_name("right"),
                    of,
                ) {
                    let element = element_value(&eval(cx, facts, right));
                    let at = left.start_byte();
                    bind_pattern(cx, facts, left, element, &cx.text(right), at);
                }
            }
            "call_expression" => bind_callbacks(cx, facts, node),
            _ => {}
        }
        let mut cursor = node.walk();
        let children: Vec<Node> = node.named_children(&mut cursor).collect();
        stack.extend(children.into_iter().rev());
    }
}

/// The value of the elements of an array value: present, and external if
/// the array is.
fn element_value(array: &Value) -> Value {
    match array.external() {
        Some(origin) => Value::Root(origin.clone()),
        None => Value::Plain,
    }
}

/// `items.map(item => …)`, `fetch(u).then(res => res.json())`,
/// `axios.get(u).then(res => res.data)`: the callback's parameter receives
/// the elements or the resolved value.
fn bind_callbacks(cx: &FnCx, facts: &mut Facts, call: Node) {
    let (Some(function), Some(args)) = (
        call.child_by_field_name("function"),
        call.child_by_field_name("arguments"),
    ) else {
        return;
    };
    if function.kind() != "member_expression" {
        return;
    }
    let (Some(object), Some(method)) = (
        function.child_by_field_name("object"),
        function.child_by_field_name("property"),
    ) else {
        return;
    };
    let method = cx.text(method);
    let Some(callback) = args
        .named_child(0)
        .filter(|c| matches!(c.kind(), "arrow_function" | "function_expression"))
    else {
        return;
    };
    let object_value = eval(cx, facts, object);
    let (value, position) = if method == "then" {
        match object_value {
            Value::Promise(resolved) => ((*resolved).clone(), 0),
            other => (other, 0),
        }
    } else if ELEMENT_CALLBACKS.contains(&method.as_str()) {
        let position = u32::from(method == "reduce");
        (element_value(&object_value), position)
    } else {
        return;
    };
    if value == Value::Plain {
        return;
    }
    let params = callback
        .child_by_field_name("parameters")
        .or_else(|| callback.child_by_field_name("parameter"));
    let Some(params) = params else {
        return;
    };
    let param = if params.kind() == "identifier" {
        Some(params)
    } else {
        params.named_child(position).map(|p| match p.kind() {
            "required_parameter" | "optional_parameter" => {
                p.child_by_field_name("pattern").unwrap_or(p)
            }
            _ => p,
        })
    };
    if let Some(param) = param {
        // After the callback's own conventions (`req`, `event`) are bound.
        let at = callback.start_byte() + 1;
        bind_pattern(cx, facts, param, value, &cx.text(object), at);
    }
}

/// Binds the names of a declaration pattern (`x`, `{ a, b: { c } }`,
/// `[first]`) to the parts of `value`.
fn bind_pattern(
    cx: &FnCx,
    facts: &mut Facts,
    pattern: Node,
    value: Value,
    source: &str,
    at: usize,
) {
    match pattern.kind() {
        "identifier" => facts.bind(cx.text(pattern), at, value),
        "object_pattern" => {
            let mut cursor = pattern.walk();
            for part in pattern.named_children(&mut cursor) {
                match part.kind() {
                    "shorthand_property_identifier_pattern" => {
                        let key = cx.text(part);
                        let read = read_property(&value, &key, source);
                        facts.bind(key, at, read);
                    }
                    "pair_pattern" => {
                        let (Some(key), Some(inner)) = (
                            part.child_by_field_name("key"),
                            part.child_by_field_name("value"),
                        ) else {
                            continue;
                        };
                        let key = guard_key(&cx.text(key));
                        let read = read_property(&value, &key, source);
                        bind_pattern(cx, facts, inner, read, &format!("{source}.{key}"), at);
                    }
                    "object_assignment_pattern" => {
                        // `{ user = {} }`: a default replaces `undefined`.
                        if let Some(left) = part.child_by_field_name("left") {
                            let bound = match value.external() {
                                Some(origin) => Value::Root(origin.clone()),
                                None => Value::Plain,
                            };
                            bind_pattern(cx, facts, left, bound, source, at);
                        }
                    }
                    _ => {}
                }
            }
        }
        "array_pattern" => {
            let mut cursor = pattern.walk();
            for (i, part) in pattern.named_children(&mut cursor).enumerate() {
                // Tuples (`const [a, b] = await Promise.all(…)`) are the usual
                // case; only elements of outside data may be missing.
                let element = match value.external() {
                    Some(_) => Value::Missing(Rc::new(Missing {
                        origin: Origin::Element {
                            array: source.to_owned(),
                            index: i.to_string(),
                        },
                        key: format!("{source}[{i}]"),
                        container: source.to_owned(),
                        null: false,
                        guards: vec![vec![source.to_owned()]],
                    })),
                    None => Value::Plain,
                };
                if part.kind() == "identifier" {
                    facts.bind(cx.text(part), at, element);
                }
            }
        }
        "assignment_pattern" => {
            if let Some(left) = pattern.child_by_field_name("left") {
                let bound = match value.external() {
                    Some(origin) => Value::Root(origin.clone()),
                    None => Value::Plain,
                };
                bind_pattern(cx, facts, left, bound, source, at);
            }
        }
        _ => {}
    }
}

/// An expression quoted for a sentence: in backticks, unless it is a
/// template literal already.
pub(super) fn code(text: &str) -> String {
    if text.contains('`') {
        text.to_owned()
    } else {
        format!("`{text}`")
    }
}

/// A property name as written in a key: `id`, `'id'`, `"content-type"`.
pub(super) fn guard_key(text: &str) -> String {
    string_contents(text).unwrap_or(text).trim().to_owned()
}

/// The identifier-like words of an expression, for guards:
/// `req.headers["x-id"]` → `req`, `headers`, `x-id`.
pub(super) fn words_of(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    for part in text.split(['.', '?', '[', ']', '(', ')', '!', ' ', '\'', '"', '`']) {
        let part = part.trim();
        if !part.is_empty() && part != "this" && !words.iter().any(|w| w == part) {
            words.push(part.to_owned());
        }
    }
    words
}

/// Reading property `key` of `value`, an expression written `container`.
pub(super) fn read_property(value: &Value, key: &str, container: &str) -> Value {
    match value {
        Value::Envelope(Envelope::Request) => {
            if matches!(
                key,
                "body" | "query" | "params" | "headers" | "cookies" | "signedCookies"
            ) {
                Value::Root(Origin::Request)
            } else {
                Value::Plain
            }
        }
        Value::Envelope(Envelope::Axios) => {
            if key == "data" {
                Value::Root(Origin::Http)
            } else {
                Value::Plain
            }
        }
        Value::Envelope(Envelope::Koa) => match key {
            "request" => Value::Envelope(Envelope::Request),
            "query" | "params" | "headers" => Value::Root(Origin::Request),
            _ => Value::Plain,
        },
        Value::Root(_) | Value::Missing(_) => {
            let Some(origin) = value.external() else {
                return Value::Plain;
            };
            if *origin == Origin::Lambda
                && matches!(value, Value::Root(_))
                && !LAMBDA_FIELDS.contains(&key)
            {
                return Value::Plain;
            }
            // API Gateway sends these as `null` when the request has none.
            let null = *origin == Origin::Lambda
                && matches!(
                    key,
                    "pathParameters"
                        | "queryStringParameters"
                        | "multiValueQueryStringParameters"
                        | "stageVariables"
                        | "body"
                );
            Value::Missing(Rc::new(Missing {
                origin: origin.clone(),
                key: key.to_owned(),
                container: container.to_owned(),
                null,
                guards: vec![words_of(&format!("{container}.{key}"))],
            }))
        }
        _ => Value::Plain,
    }
}

/// The value of an expression at its position in the function.
pub(super) fn eval(cx: &FnCx, facts: &Facts, node: Node) -> Value {
    match node.kind() {
        "parenthesized_expression"
        | "await_expression"
        | "as_expression"
        | "satisfies_expression"
        | "type_assertion" => {
            let mut cursor = node.walk();
            let inner = node
                .named_children(&mut cursor)
                .find(|c| !c.kind().contains("type") && c.kind() != "comment");
            let value = inner.map_or(Value::Plain, |inner| eval(cx, facts, inner));
            match value {
                Value::Promise(resolved) if node.kind() == "await_expression" => {
                    (*resolved).clone()
                }
                other => other,
            }
        }
        // `user!`: the author asserts presence; take them at their word.
        "non_null_expression" => match node.named_child(0).map(|n| eval(cx, facts, n)) {
            Some(Value::Missing(missing)) => Value::Root(missing.origin.clone()),
            Some(other) => other,
            None => Value::Plain,
        },
        "identifier" => facts.lookup(&cx.text(node), node.start_byte()),
        "member_expression" => {
            let (Some(object), Some(property)) = (
                node.child_by_field_name("object"),
                node.child_by_field_name("property"),
            ) else {
                return Value::Plain;
            };
            let key = cx.text(property);
            let object_text = cx.text(object);
            if object_text == "process" && key == "env" {
                return Value::Root(Origin::Environment);
            }
            let object_value = eval(cx, facts, object);
            let read = read_property(&object_value, &key, &object_text);
            if read != Value::Plain {
                return if is_optional(node) {
                    optional_result(cx, node, read)
                } else {
                    read
                };
            }
            if is_optional(node) {
                return optional_result(cx, node, Value::Plain);
            }
            if let Some(field) = optional_field(cx, facts, object, &key) {
                return field;
            }
            Value::Plain
        }
        "subscript_expression" => subscript_value(cx, facts, node),
        "call_expression" => call_value(cx, facts, node),
        "binary_expression" => {
            let op = node
                .child_by_field_name("operator")
                .map(|o| cx.text(o))
                .unwrap_or_default();
            let (Some(left), Some(right)) = (
                node.child_by_field_name("left"),
                node.child_by_field_name("right"),
            ) else {
                return Value::Plain;
            };
            match op.as_str() {
                "||" | "??" => {
                    let fallback = eval(cx, facts, right);
                    if matches!(fallback, Value::Missing(_)) {
                        return fallback;
                    }
                    match eval(cx, facts, left).external() {
                        Some(origin) => Value::Root(origin.clone()),
                        None => Value::Plain,
                    }
                }
                _ => Value::Plain,
            }
        }
        _ => Value::Plain,
    }
}

/// `a?.b` is `undefined` when `a` is: the result may be missing.
fn optional_result(cx: &FnCx, node: Node, read: Value) -> Value {
    let text = cx.text(node);
    match read {
        Value::Missing(missing) => Value::Missing(missing),
        _ => Value::Missing(Rc::new(Missing {
            origin: Origin::OptionalChain(one_line(&text, 40)),
            key: text.clone(),
            container: text.clone(),
            null: false,
            guards: vec![words_of(&text)],
        })),
    }
}

pub(super) fn is_optional(node: Node) -> bool {
    let mut cursor = node.walk();
    node.children(&mut cursor)
        .any(|c| c.kind() == "optional_chain" || c.kind() == "?.")
}

/// `order.customer` where `order: Order` and `Order` declares `customer?`,
/// or `this.cache` where the class declares `cache?`.
fn optional_field(cx: &FnCx, facts: &Facts, object: Node, key: &str) -> Option<Value> {
    let owner = match object.kind() {
        "this" => facts.class.clone()?,
        "identifier" => facts.typed.get(&cx.text(object))?.clone(),
        _ => return None,
    };
    if !facts.optional_field(&owner, key) {
        return None;
    }
    let path = format!("{}.{key}", cx.text(object));
    Some(Value::Missing(Rc::new(Missing {
        origin: Origin::OptionalField {
            owner,
            field: key.to_owned(),
        },
        key: key.to_owned(),
        container: cx.text(object),
        null: false,
        guards: vec![words_of(&path)],
    })))
}

/// Loop-style index names, for the value V8 would show in `reading '0'`.
pub(super) fn looks_numeric(name: &str) -> bool {
    matches!(
        name,
        "i" | "j" | "k" | "n" | "idx" | "index" | "pos" | "position" | "offset"
    ) || name.ends_with("Index")
        || name.ends_with("Idx")
}

/// Whether an identifier names a collection by the usual conventions
/// (`rows`, `items`, `userList`), as opposed to a tuple or a record.
fn collection_name(name: &str) -> bool {
    let name = name.rsplit(['.', ' ']).next().unwrap_or(name);
    let deny = [
        "args",
        "arguments",
        "params",
        "options",
        "opts",
        "props",
        "headers",
        "settings",
        "status",
        "this",
        "bounds",
        "coords",
        "extras",
        "globals",
        "locals",
        "utils",
        "helpers",
        "exports",
        "process",
        "tokens",
        "chars",
        "bytes",
        "bits",
        "flags",
        "ms",
    ];
    if deny.contains(&name) || name.len() < 4 {
        return false;
    }
    let lower = name.to_lowercase();
    (name.ends_with('s')
        && !name.ends_with("ss")
        && !name.ends_with("us")
        && !name.ends_with("is")
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '$'))
        || lower.ends_with("list")
        || lower.ends_with("array")
        || lower == "rows"
}

fn subscript_value(cx: &FnCx, facts: &Facts, node: Node) -> Value {
    let (Some(object), Some(index)) = (
        node.child_by_field_name("object"),
        node.child_by_field_name("index"),
    ) else {
        return Value::Plain;
    };
    let index_text = cx.text(index);
    let object_text = cx.text(object);
    let object_value = eval(cx, facts, object);
    let text = cx.text(node);
    if let Some(key) = string_contents(&index_text)
        && index.kind() == "string"
    {
        let read = read_property(&object_value, key, &object_text);
        return if is_optional(node) {
            optional_result(cx, node, read)
        } else {
            read
        };
    }
    let element = |origin: Origin, null: bool| {
        let mut guards = vec![vec![object_text.clone()]];
        if index.kind() == "identifier" {
            guards.push(vec![index_text.clone()]);
        }
        Value::Missing(Rc::new(Missing {
            origin,
            key: text.clone(),
            container: object_text.clone(),
            null,
            guards,
        }))
    };
    if let Some(origin) = object_value.external() {
        return element(origin.clone(), false);
    }
    if object_text == "process.argv" {
        let beyond_node = index_text.parse::<usize>().is_ok_and(|i| i >= 2);
        return if beyond_node {
            element(Origin::Argv, false)
        } else {
            Value::Plain
        };
    }
    let literal = index.kind() == "number";
    let last = index_text.contains(".length") && index_text.contains('-');
    let dynamic = index.kind() == "identifier";
    if !(literal || last || dynamic) {
        return Value::Plain;
    }
    if object_value == Value::NonEmpty && index_text == "0" {
        return Value::Plain;
    }
    let collection = match object_value {
        Value::MaybeEmpty => true,
        Value::NonEmpty => true,
        _ => {
            collection_name(&object_text)
                && matches!(object.kind(), "identifier" | "member_expression")
        }
    };
    if !collection {
        return Value::Plain;
    }
    // A local counter is the code's own business; an index from the caller
    // or from a search (-1 when absent) is where elements go missing.
    if dynamic
        && (loop_bound(cx, node, &index_text)
            || !(facts.parameters.contains(&index_text)
                || facts.search_results.contains(&index_text)))
    {
        return Value::Plain;
    }
    if is_optional(node) {
        return optional_result(cx, node, Value::Plain);
    }
    element(
        Origin::Element {
            array: object_text.clone(),
            index: index_text.clone(),
        },
        false,
    )
}

/// Whether `name` is an index a loop or an iteration callback binds
/// (`for (let i = 0; i < xs.length; i++)`, `xs.forEach((x, i) => …)`).
fn loop_bound(cx: &FnCx, node: Node, name: &str) -> bool {
    let mut current = node;
    while let Some(parent) = current.parent() {
        let header_end = match parent.kind() {
            "for_statement" | "for_in_statement" | "while_statement" | "do_statement" => {
                parent.child_by_field_name("body").map(|b| b.start_byte())
            }
            "arrow_function" | "function_expression" => parent
                .child_by_field_name("parameters")
                .or_else(|| parent.child_by_field_name("parameter"))
                .map(|p| p.end_byte()),
            _ => None,
        };
        if let Some(end) = header_end {
            let header = cx
                .rope
                .byte_slice(parent.start_byte()..end.min(cx.rope.len_bytes()))
                .to_string();
            if mentions(&header, name) {
                return true;
            }
            if parent.kind() == "do_statement"
                && parent
                    .child_by_field_name("condition")
                    .is_some_and(|c| mentions(&cx.text(c), name))
            {
                return true;
            }
        }
        if parent.id() == cx.node.id() {
            break;
        }
        current = parent;
    }
    false
}

fn call_value(cx: &FnCx, facts: &Facts, node: Node) -> Value {
    let Some(function) = node.child_by_field_name("function") else {
        return Value::Plain;
    };
    // tree-sitter-typescript reads `await axios.get<T>(u)` as a call of
    // `await axios.get`; the await belongs to the whole call.
    let function = match function.kind() {
        "await_expression" => function.named_child(0).unwrap_or(function),
        _ => function,
    };
    let args = node.child_by_field_name("arguments");
    let arg_count = args.map_or(0, |a| a.named_child_count());
    let callee = cx.text(function);
    if callee == "JSON.parse" {
        // `JSON.parse(event.body)` is the request the event carried.
        let origin = args
            .and_then(|a| a.named_child(0))
            .and_then(|a| match eval(cx, facts, a).external() {
                Some(Origin::Lambda | Origin::Request) => Some(Origin::Request),
                Some(Origin::Http) => Some(Origin::Http),
                _ => None,
            })
            .unwrap_or(Origin::Document);
        return Value::Root(origin);
    }
    if callee == "axios" {
        return Value::Envelope(Envelope::Axios);
    }
    if callee == "Object.keys" || callee == "Object.values" || callee == "Object.entries" {
        return Value::MaybeEmpty;
    }
    if function.kind() != "member_expression" {
        return Value::Plain;
    }
    let (Some(object), Some(method)) = (
        function.child_by_field_name("object"),
        function.child_by_field_name("property"),
    ) else {
        return Value::Plain;
    };
    let method = cx.text(method);
    let object_text = cx.text(object);
    let first_arg = args.and_then(|a| a.named_child(0));
    match method.as_str() {
        "get" | "post" | "put" | "patch" | "delete" | "head" | "options" | "request"
            if object_text == "axios" =>
        {
            Value::Envelope(Envelope::Axios)
        }
        "json" if arg_count == 0 => Value::Root(Origin::Http),
        "find" | "findLast"
            if first_arg
                .is_some_and(|a| matches!(a.kind(), "arrow_function" | "function_expression")) =>
        {
            Value::Missing(Rc::new(Missing {
                origin: Origin::Find {
                    array: one_line(&object_text, 30),
                },
                key: one_line(&cx.text(node), 40),
                container: object_text.clone(),
                null: false,
                guards: Vec::new(),
            }))
        }
        "match" | "exec"
            if arg_count == 1 && (method == "match" || regex_like(object, &object_text)) =>
        {
            // `str.match(re)` is a regex match only with a regex argument.
            let regex_arg = first_arg.is_some_and(|a| {
                a.kind() == "regex"
                    || a.kind() == "identifier"
                    || a.kind() == "new_expression"
                    || a.kind() == "member_expression"
            });
            if method == "match" && !regex_arg {
                return Value::Plain;
            }
            Value::Missing(Rc::new(Missing {
                origin: Origin::Regex,
                key: one_line(&cx.text(node), 40),
                container: object_text.clone(),
                null: true,
                guards: Vec::new(),
            }))
        }
        "split" => Value::NonEmpty,
        "filter"
        | "slice"
        | "splice"
        | "querySelectorAll"
        | "getElementsByTagName"
        | "getElementsByClassName"
        | "getElementsByName" => Value::MaybeEmpty,
        "then" => {
            // `fetch(u).then(res => res.json())` resolves to the callback's value.
            let Some(callback) = first_arg else {
                return Value::Plain;
            };
            match callback.child_by_field_name("body") {
                Some(body) if body.kind() != "statement_block" => {
                    Value::Promise(Rc::new(eval(cx, facts, body)))
                }
                _ => Value::Plain,
            }
        }
        _ => Value::Plain,
    }
}

/// Whether the receiver of `.exec(s)` is a regular expression (not a
/// database handle or a child process): a literal, `new RegExp`, or a
/// name that says so.
fn regex_like(object: Node, text: &str) -> bool {
    let name = text.rsplit('.').next().unwrap_or(text);
    let lower = name.to_lowercase();
    object.kind() == "regex"
        || text.starts_with("new RegExp")
        || matches!(lower.as_str(), "re" | "rx")
        || lower.ends_with("regex")
        || lower.ends_with("regexp")
        || lower.ends_with("pattern")
        || name.ends_with("RE")
        || name.ends_with("Re")
        || name.ends_with("_RE")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collection_names() {
        assert!(collection_name("rows"));
        assert!(collection_name("result.rows"));
        assert!(collection_name("userList"));
        assert!(!collection_name("args"));
        assert!(!collection_name("status"));
        assert!(!collection_name("pair"));
    }
}
