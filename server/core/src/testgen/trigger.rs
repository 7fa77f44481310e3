//! Trigger inputs derived from the data flow: from the failing operation
//! back to the function's parameters (or its receiver's fields, or the
//! environment) through decoding, field access, indexing and splitting.
//!
//! A scenario names the expression that fails. Its class says what that
//! expression must be for the failure to happen (a mapping without the key,
//! an empty list, a zero divisor, a null, text that does not parse). This
//! module walks the function's syntax tree from that expression to where
//! its value comes from (a parameter, `self.x`, `os.environ["X"]`) and
//! builds the smallest value that reaches the failure: `'{"items": [{}]}'`
//! for `item["price"]` of a decoded payload. Accesses evaluated before the
//! failing one are satisfied too, so the test fails where predicted and not
//! one line earlier. Nothing here is a guess: when the flow cannot be
//! followed, there is no trigger and no test is offered.

use tree_sitter::Node;

use super::Subject;
use crate::language::Language;
use crate::scenario::FailureClass;

/// A value a test passes in, independent of the language until rendered.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `None`, `null`, `undefined`, `nil`.
    Null,
    Num(i64),
    Text(String),
    /// A mapping or object: present entries, and keys that must stay absent.
    Obj(Vec<(String, Value)>, Vec<String>),
    /// A list; `closed` when it must keep exactly these elements.
    List(Vec<Value>, bool),
    /// Text holding this value as JSON.
    Json(Box<Value>),
    /// A file (its path is passed) holding this value as text.
    File(Box<Value>),
    /// Rust's `Some(…)`.
    Some(Box<Value>),
    /// Anything harmless: the test picks a neutral value of the type.
    Neutral,
}

/// Where a value enters the function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Root {
    Param(String),
    /// A field of the receiver (`self.items`, `this.items`, `b.Orders`).
    Field(String),
    /// An environment variable.
    Env(String),
}

/// One step from a root to the expression that fails.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Step {
    Key(String),
    /// A lookup whose key is not a literal (`m.get(&id)`).
    AnyKey,
    Elem,
    /// An element at a literal position (`xs[0]`, `.nth(1)`).
    At(usize),
    Json,
    File,
    /// Rust's `.unwrap()` of an `Option`.
    Unwrap,
    Split,
    /// Whitespace splitting (`strings.Fields`, `.split()`): empty text has no parts.
    Fields,
    Len,
}

/// What the failing expression must be.
#[derive(Clone, Debug, PartialEq)]
enum Goal {
    Missing(Option<String>),
    Empty,
    Zero,
    Null,
    Text(String),
}

/// The inputs that reach the failure, one value per root.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Trigger {
    pub roots: Vec<(Root, Value)>,
    /// Parameters without a trigger value that the function reads before
    /// the failing expression: a test must give them a value that works.
    pub read_before: Vec<String>,
    /// The method reads fields of its receiver that the trigger leaves unset.
    pub reads_receiver: bool,
}

impl Trigger {
    pub fn param(&self, name: &str) -> Option<&Value> {
        self.roots.iter().find_map(|(root, value)| match root {
            Root::Param(p) if p == name => Some(value),
            _ => None,
        })
    }

    pub fn fields(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.roots.iter().filter_map(|(root, value)| match root {
            Root::Field(f) => Some((f.as_str(), value)),
            _ => None,
        })
    }

    pub fn env(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.roots.iter().filter_map(|(root, value)| match root {
            Root::Env(e) => Some((e.as_str(), value)),
            _ => None,
        })
    }
}

/// Text that no JSON decoder accepts: what a proxy answers in an outage.
pub const NOT_JSON: &str = "<!DOCTYPE html><html><body>502 Bad Gateway</body></html>";
/// Text an ASCII (C locale) decoder rejects.
pub const NON_ASCII: &str = "Café crème: 3,50 €\n";
/// Text that no number parser accepts.
pub const NOT_A_NUMBER: &str = "N/A";

/// Derives the trigger of `subject`'s scenario inside `function`, or says
/// why the data flow cannot be followed.
pub fn derive(subject: &Subject, function: Node) -> Result<Trigger, String> {
    let flow = Flow { subject, function };
    let origin = flow
        .origin()
        .ok_or("the failing expression is not in the function")?;
    let (target, goal) = flow
        .goal(origin)
        .ok_or("failcast cannot tell what value makes this expression fail")?;
    let (root, steps, goal) = match flow.resolve(target) {
        Some((root, steps)) => (root, steps, goal),
        // A lookup in a table of the module (`ZONES.get(country)`) misses
        // when the key is one the table does not hold.
        None => flow
            .key_of(target, &goal)
            .or_else(|| flow.key_of(unwrap_parens(origin), &goal))
            .and_then(|key| flow.resolve(key))
            .map(|(root, steps)| (root, steps, Goal::Text("unknown".to_owned())))
            .ok_or(
                "the failing value does not come from a parameter, a field or the environment",
            )?,
    };
    let (steps, goal) =
        settle(subject.language, steps, goal).ok_or("no input reaches this failure")?;
    let mut value = build(&steps, goal).ok_or("no input reaches this failure")?;
    // Accesses evaluated before the failing one must succeed.
    for (sibling_root, sibling_steps, leaf) in flow.accesses_before(origin.start_byte()) {
        if sibling_root == root {
            put(&mut value, &sibling_steps, leaf);
        }
    }
    let mut roots = vec![(root, value)];
    // Other parameters that are computed with need numbers, not the
    // language's neutral guess for their name.
    for name in flow.arithmetic_operands() {
        let root = Root::Param(name);
        if !roots.iter().any(|(r, _)| *r == root) {
            roots.push((root, Value::Num(1)));
        }
    }
    let (read_before, reads_receiver) = flow.reads_before(origin.start_byte(), &roots);
    Ok(Trigger {
        roots,
        read_before,
        reads_receiver,
    })
}

/// Moves a goal on a derived expression (`len(x)` is 0, `m["k"]` is null)
/// onto the value it derives from (`x` is empty, `m` lacks `"k"`).
fn settle(language: Language, mut steps: Vec<Step>, mut goal: Goal) -> Option<(Vec<Step>, Goal)> {
    loop {
        let last = steps.last().cloned();
        goal = match (last, &goal) {
            (Some(Step::Len), Goal::Zero) => Goal::Empty,
            (Some(Step::Split), Goal::Empty) => Goal::Text("token".to_owned()),
            (Some(Step::Fields), Goal::Empty) => Goal::Text(String::new()),
            (Some(Step::Key(key)), Goal::Null | Goal::Missing(None)) => Goal::Missing(Some(key)),
            (Some(Step::AnyKey), Goal::Null) => Goal::Missing(None),
            // `x.unwrap()` finds nothing when `x` is `None`.
            (Some(Step::Unwrap), Goal::Null) => Goal::Null,
            // Go's elements of a slice are values, never nil.
            (Some(Step::Elem | Step::At(_)), Goal::Null) if language == Language::Go => {
                return None;
            }
            // Splitting text always gives a first part.
            (Some(Step::At(0)), Goal::Null | Goal::Empty)
                if steps.len() >= 2 && steps[steps.len() - 2] == Step::Split =>
            {
                return None;
            }
            (Some(Step::Elem | Step::At(_)), Goal::Null) => Goal::Empty,
            _ => return Some((steps, goal)),
        };
        steps.pop();
    }
}

/// The value at the root that gives the expression `steps` away the goal.
fn build(steps: &[Step], goal: Goal) -> Option<Value> {
    let mut value = match goal {
        Goal::Missing(key) => Value::Obj(Vec::new(), key.into_iter().collect()),
        Goal::Empty => Value::List(Vec::new(), true),
        Goal::Zero => Value::Num(0),
        Goal::Null => Value::Null,
        Goal::Text(text) => Value::Text(text),
    };
    for step in steps.iter().rev() {
        value = match step {
            Step::Key(key) => Value::Obj(vec![(key.clone(), value)], Vec::new()),
            Step::Elem | Step::At(_) => Value::List(vec![value], false),
            Step::Json => Value::Json(Box::new(value)),
            Step::File => Value::File(Box::new(value)),
            Step::Unwrap => Value::Some(Box::new(value)),
            Step::AnyKey | Step::Split | Step::Fields | Step::Len => return None,
        };
    }
    Some(value)
}

/// Adds what an earlier access needs, unless the failure needs otherwise.
fn put(slot: &mut Value, steps: &[Step], leaf: Value) {
    let Some((step, rest)) = steps.split_first() else {
        if *slot == Value::Neutral {
            *slot = leaf;
        }
        return;
    };
    match step {
        Step::Key(key) => {
            if *slot == Value::Neutral {
                *slot = Value::Obj(Vec::new(), Vec::new());
            }
            if let Value::Obj(entries, absent) = slot {
                if absent.contains(key) {
                    return;
                }
                if !entries.iter().any(|(k, _)| k == key) {
                    entries.push((key.clone(), Value::Neutral));
                }
                if let Some((_, value)) = entries.iter_mut().find(|(k, _)| k == key) {
                    put(value, rest, leaf);
                }
            }
        }
        Step::Elem | Step::At(_) => {
            if *slot == Value::Neutral {
                *slot = Value::List(vec![Value::Neutral], false);
            }
            if let Value::List(items, false) = slot {
                if items.is_empty() {
                    items.push(Value::Neutral);
                }
                put(&mut items[0], rest, leaf);
            }
        }
        Step::Json | Step::File | Step::Unwrap => match slot {
            Value::Json(inner) | Value::File(inner) | Value::Some(inner) => put(inner, rest, leaf),
            _ => {}
        },
        Step::AnyKey | Step::Split | Step::Fields | Step::Len => {}
    }
}

/// The function's syntax tree, read for one scenario.
struct Flow<'s, 't> {
    subject: &'s Subject<'s>,
    function: Node<'t>,
}

impl<'t> Flow<'_, 't> {
    fn text(&self, node: Node) -> String {
        self.subject.text(node)
    }

    fn language(&self) -> Language {
        self.subject.language
    }

    /// The node of the failing expression: the smallest one covering the
    /// scenario's origin.
    fn origin(&self) -> Option<Node<'t>> {
        let span = self.subject.scenario.origin;
        let mut node = self
            .function
            .descendant_for_byte_range(span.start, span.end.max(span.start))?;
        while node.byte_range().len() < span.end.saturating_sub(span.start) {
            node = node.parent()?;
        }
        (node.start_byte() >= self.function.start_byte()).then_some(node)
    }

    /// The expression the failure depends on and what it must be.
    fn goal(&self, origin: Node<'t>) -> Option<(Node<'t>, Goal)> {
        let class = self.subject.scenario.class;
        let node = unwrap_parens(origin);
        if matches!(class, FailureClass::KeyMissing | FailureClass::NullOrNone)
            && env_name(&self.text(node)).is_some()
        {
            return Some((node, Goal::Null));
        }
        match class {
            FailureClass::DivisionByZero => {
                let divisor = binary_right(node)?;
                Some((divisor, Goal::Zero))
            }
            FailureClass::ParseError => self.parse_goal(node),
            // `open(path)` decodes with the locale's encoding: the file holds
            // text that only UTF-8 can decode.
            FailureClass::Encoding => {
                let (callee, _) = self.call(node)?;
                (callee == "open").then(|| (node, Goal::Text(NON_ASCII.to_owned())))
            }
            FailureClass::KeyMissing => {
                if let Some((object, key)) = self.lookup(node) {
                    return Some((object, Goal::Missing(key)));
                }
                // `m.get(&k).unwrap()`: what is unwrapped is missing.
                if let Some(inner) = self.call_receiver(node, &["unwrap", "expect"]) {
                    return Some((inner, Goal::Null));
                }
                // `o.a.b` reads a property of a missing one.
                let (object, _) = self.member(node)?;
                Some((object, Goal::Null))
            }
            FailureClass::IndexOutOfRange => {
                if let Some(inner) = self.call_receiver(node, &["unwrap", "expect"]) {
                    return Some((inner, Goal::Null));
                }
                // JavaScript reports `xs[0].name` at the property read.
                let indexed = match self.member(node) {
                    Some((object, _)) if self.indexed(object).is_some() => object,
                    _ => node,
                };
                let (sequence, index) = self.indexed(indexed)?;
                if let Some(goal) = self.split_goal(sequence, index) {
                    return goal;
                }
                Some((sequence, Goal::Empty))
            }
            FailureClass::NullOrNone => {
                if let Some(inner) = self.call_receiver(node, &["unwrap", "expect"]) {
                    return Some((inner, Goal::Null));
                }
                // `x.attr`, `x.method()`, `x[i]` fail when `x` is null.
                let (object, _) = self
                    .member(node)
                    .or_else(|| self.method_call(node).map(|(o, _, _)| (o, String::new())))
                    .or_else(|| self.indexed(node).map(|(o, _)| (o, String::new())))?;
                Some((object, Goal::Null))
            }
            _ => None,
        }
    }

    /// The key expression of a lookup that is to miss.
    fn key_of(&self, target: Node<'t>, goal: &Goal) -> Option<Node<'t>> {
        if !matches!(goal, Goal::Null | Goal::Missing(_)) {
            return None;
        }
        if let Some((_, index)) = self.subscript(target) {
            return Some(index);
        }
        let (_, name, args) = self.method_call(target)?;
        (name == "get" && args.len() == 1).then(|| args[0])
    }

    /// Indexing what a split returned. Java drops trailing empty parts, so
    /// text of only the separator splits into nothing; elsewhere text
    /// without the separator has one part, and part 0 always exists.
    #[allow(clippy::type_complexity)]
    fn split_goal(&self, sequence: Node<'t>, index: Node<'t>) -> Option<Option<(Node<'t>, Goal)>> {
        let (text, name, args) = self.method_call(sequence)?;
        if name != "split" || args.is_empty() {
            return None;
        }
        let separator = string_literal(&self.text(args[0]));
        let first = self.text(index).trim() == "0";
        Some(match (self.language(), separator) {
            (Language::Java, Some(separator)) => Some((text, Goal::Text(separator))),
            (Language::Java, None) => None,
            _ if first => None,
            _ => Some((text, Goal::Text("token".to_owned()))),
        })
    }

    fn parse_goal(&self, node: Node<'t>) -> Option<(Node<'t>, Goal)> {
        // Rust: `s.parse().unwrap()`, `….expect("…")`.
        if let Some(inner) = self.call_receiver(node, &["unwrap", "expect"]) {
            return self.parse_goal(inner);
        }
        if let Some((object, name, _)) = self.method_call(node)
            && name == "parse"
        {
            return Some((object, Goal::Text(NOT_A_NUMBER.to_owned())));
        }
        let (callee, args) = self.call(node)?;
        let callee = callee.replace(' ', "");
        let first = *args.first()?;
        let json = [
            "json.loads",
            "json.load",
            "JSON.parse",
            "json.Unmarshal",
            "yaml.safe_load",
        ];
        let number = [
            "int",
            "float",
            "Decimal",
            "Number",
            "parseInt",
            "parseFloat",
            "Number.parseInt",
            "Number.parseFloat",
            "Integer.parseInt",
            "Integer.valueOf",
            "Long.parseLong",
            "Long.valueOf",
            "Double.parseDouble",
            "Float.parseFloat",
            "strconv.Atoi",
        ];
        if json.contains(&callee.as_str()) {
            // `json.load(handle)` reads a file: the file holds the bad text.
            Some((first, Goal::Text(NOT_JSON.to_owned())))
        } else if number.contains(&callee.as_str()) {
            Some((first, Goal::Text(NOT_A_NUMBER.to_owned())))
        } else {
            None
        }
    }

    /// `(object, key)` of `o["k"]`, `o.get("k")`, `o.get(&k)` (key `None`).
    fn lookup(&self, node: Node<'t>) -> Option<(Node<'t>, Option<String>)> {
        if let Some((object, index)) = self.subscript(node) {
            return Some((object, string_literal(&self.text(index))));
        }
        let (object, name, args) = self.method_call(node)?;
        if name != "get" || args.len() != 1 {
            return None;
        }
        let key = string_literal(&self.text(args[0]));
        Some((object, key))
    }

    /// `(sequence, index)` of `xs[i]`, `xs.get(0)` (Java lists).
    fn indexed(&self, node: Node<'t>) -> Option<(Node<'t>, Node<'t>)> {
        if let Some(pair) = self.subscript(node) {
            return Some(pair);
        }
        let (object, name, args) = self.method_call(node)?;
        (name == "get" && args.len() == 1 && string_literal(&self.text(args[0])).is_none())
            .then(|| (object, args[0]))
    }

    /// `(object, index)` of a subscript in any of the languages.
    fn subscript(&self, node: Node<'t>) -> Option<(Node<'t>, Node<'t>)> {
        match node.kind() {
            // Python
            "subscript" => Some((
                node.child_by_field_name("value")?,
                node.child_by_field_name("subscript")?,
            )),
            // JavaScript, TypeScript
            "subscript_expression" => Some((
                node.child_by_field_name("object")?,
                node.child_by_field_name("index")?,
            )),
            // Go
            "index_expression" if self.language() == Language::Go => Some((
                node.child_by_field_name("operand")?,
                node.child_by_field_name("index")?,
            )),
            // Rust
            "index_expression" => Some((node.named_child(0)?, node.named_child(1)?)),
            // Java
            "array_access" => Some((
                node.child_by_field_name("array")?,
                node.child_by_field_name("index")?,
            )),
            _ => None,
        }
    }

    /// `(object, name)` of a field or property read.
    fn member(&self, node: Node<'t>) -> Option<(Node<'t>, String)> {
        let (object, field) = match node.kind() {
            "attribute" => ("object", "attribute"),
            "member_expression" => ("object", "property"),
            "selector_expression" => ("operand", "field"),
            "field_expression" => ("value", "field"),
            "field_access" => ("object", "field"),
            _ => return None,
        };
        Some((
            node.child_by_field_name(object)?,
            self.text(node.child_by_field_name(field)?),
        ))
    }

    /// `(callee text, arguments)` of a call.
    fn call(&self, node: Node<'t>) -> Option<(String, Vec<Node<'t>>)> {
        let (callee, args) = match node.kind() {
            "call" | "call_expression" => (
                node.child_by_field_name("function")?,
                node.child_by_field_name("arguments")?,
            ),
            "method_invocation" => {
                let name = self.text(node.child_by_field_name("name")?);
                let args = arguments(node.child_by_field_name("arguments")?);
                let callee = match node.child_by_field_name("object") {
                    Some(object) => format!("{}.{name}", self.text(object)),
                    None => name,
                };
                return Some((callee, args));
            }
            _ => return None,
        };
        Some((self.text(callee), arguments(args)))
    }

    /// `(receiver, method, arguments)` of `receiver.method(…)`.
    fn method_call(&self, node: Node<'t>) -> Option<(Node<'t>, String, Vec<Node<'t>>)> {
        match node.kind() {
            "method_invocation" => Some((
                node.child_by_field_name("object")?,
                self.text(node.child_by_field_name("name")?),
                arguments(node.child_by_field_name("arguments")?),
            )),
            "call" | "call_expression" => {
                let callee = node.child_by_field_name("function")?;
                let (object, name) = self.member(callee)?;
                let args = arguments(node.child_by_field_name("arguments")?);
                Some((object, name, args))
            }
            _ => None,
        }
    }

    /// The receiver of `receiver.name(…)` for one of `names`.
    fn call_receiver(&self, node: Node<'t>, names: &[&str]) -> Option<Node<'t>> {
        let (object, name, _) = self.method_call(node)?;
        names.contains(&name.as_str()).then_some(object)
    }

    /// Where the value of `node` comes from, as a root and the steps from it.
    fn resolve(&self, node: Node<'t>) -> Option<(Root, Vec<Step>)> {
        self.resolve_depth(node, 0)
    }

    fn resolve_depth(&self, node: Node<'t>, depth: usize) -> Option<(Root, Vec<Step>)> {
        if depth > 24 {
            return None;
        }
        let node = unwrap_parens(node);
        let text = self.text(node);
        let then = |inner: Node<'t>, step: Option<Step>| {
            let (root, mut steps) = self.resolve_depth(inner, depth + 1)?;
            steps.extend(step);
            Some((root, steps))
        };
        // The environment.
        if let Some(name) = env_name(&text) {
            return Some((Root::Env(name), Vec::new()));
        }
        match node.kind() {
            "identifier" => return self.binding(node, &text, depth),
            "type_cast_expression"
            | "non_null_expression"
            | "reference_expression"
            | "await"
            | "await_expression" => {
                return then(node.named_child(0)?, None);
            }
            _ => {}
        }
        if let Some((object, field)) = self.member(node) {
            let receiver = self.text(object);
            if ["self", "this"].contains(&receiver.as_str())
                || self.subject.function.receiver.is_some() && self.is_receiver(&receiver)
            {
                return Some((Root::Field(field), Vec::new()));
            }
            return match field.as_str() {
                "length" => then(object, Some(Step::Len)),
                _ => then(object, Some(Step::Key(field))),
            };
        }
        if let Some((object, index)) = self.subscript(node) {
            let index = self.text(index);
            let step = match (string_literal(&index), index.trim().parse::<usize>()) {
                (Some(key), _) => Step::Key(key),
                (None, Ok(at)) => Step::At(at),
                _ => Step::Elem,
            };
            return then(object, Some(step));
        }
        if let Some((object, name, args)) = self.method_call(node)
            && let Some(step) = method_step(self.language(), &name, &args, |n| self.text(n))
        {
            return then(object, step);
        }
        let (callee, args) = self.call(node)?;
        let first = *args.first()?;
        let step = match callee.as_str() {
            "json.loads" | "JSON.parse" => Step::Json,
            "json.load" => Step::Json,
            "open" => Step::File,
            "len" => Step::Len,
            "strings.Split" | "strings.SplitN" => Step::Split,
            "strings.Fields" => Step::Fields,
            "strings.TrimSpace" | "strings.ToLower" | "strings.ToUpper" | "str" => {
                return then(first, None);
            }
            _ => return None,
        };
        then(first, Some(step))
    }

    /// Whether `name` is the Go receiver's name.
    fn is_receiver(&self, name: &str) -> bool {
        let Some(receiver) = self.function.child_by_field_name("receiver") else {
            return false;
        };
        let mut cursor = receiver.walk();
        receiver.named_children(&mut cursor).any(|p| {
            p.child_by_field_name("name")
                .is_some_and(|n| self.text(n) == name)
        })
    }

    /// A parameter, or the value a local name was last given before `use_`.
    fn binding(&self, use_: Node<'t>, name: &str, depth: usize) -> Option<(Root, Vec<Step>)> {
        let mut found: Option<(Root, Vec<Step>)> = None;
        let mut best = 0;
        let mut stack = vec![self.function];
        while let Some(node) = stack.pop() {
            // A comprehension binds its name after the expression using it.
            let comprehension =
                node.kind() == "for_in_clause" && node.parent().is_some_and(|p| contains(p, use_));
            if node.start_byte() > use_.start_byte() && !comprehension {
                continue;
            }
            if let Some((start, origin)) = self.binds(node, name, use_)
                && start >= best
                && let Some(resolved) = origin(self, depth)
            {
                best = start;
                found = Some(resolved);
            }
            let mut cursor = node.walk();
            stack.extend(node.named_children(&mut cursor));
        }
        if found.is_some() {
            return found;
        }
        if self.is_parameter(name) {
            return Some((Root::Param(name.to_owned()), Vec::new()));
        }
        // Java reads its fields by their bare names.
        self.is_java_field(name)
            .then(|| (Root::Field(name.to_owned()), Vec::new()))
    }

    /// Whether the class around a Java method declares a field `name`.
    fn is_java_field(&self, name: &str) -> bool {
        if self.language() != Language::Java {
            return false;
        }
        let Some(body) = self.function.parent().filter(|b| b.kind() == "class_body") else {
            return false;
        };
        let mut cursor = body.walk();
        body.named_children(&mut cursor)
            .filter(|n| n.kind() == "field_declaration")
            .any(|field| {
                let mut inner = field.walk();
                field
                    .children_by_field_name("declarator", &mut inner)
                    .any(|d| {
                        d.child_by_field_name("name")
                            .is_some_and(|n| self.text(n) == name)
                    })
            })
    }

    fn is_parameter(&self, name: &str) -> bool {
        super::params::parameters(self.subject, self.function)
            .is_some_and(|params| params.iter().any(|p| p.name == name))
    }

    /// If `node` gives `name` a value visible at `use_`: where, and how to
    /// resolve that value.
    #[allow(clippy::type_complexity)]
    fn binds(
        &self,
        node: Node<'t>,
        name: &str,
        use_: Node<'t>,
    ) -> Option<(
        usize,
        Box<dyn Fn(&Self, usize) -> Option<(Root, Vec<Step>)> + 't>,
    )> {
        let is_name = |n: Option<Node>| n.is_some_and(|n| self.text(n) == name);
        let value_of = |value: Node<'t>, step: Option<Step>| {
            let start = node.start_byte();
            let resolve: Box<dyn Fn(&Self, usize) -> Option<(Root, Vec<Step>)> + 't> =
                Box::new(move |flow: &Self, depth: usize| {
                    let (root, mut steps) = flow.resolve_depth(value, depth + 1)?;
                    steps.extend(step.clone());
                    Some((root, steps))
                });
            Some((start, resolve))
        };
        match node.kind() {
            // x = v (Python), x = v (JS assignment)
            "assignment" | "assignment_expression" => {
                let left = node.child_by_field_name("left")?;
                (left.kind() == "identifier" && is_name(Some(left)))
                    .then_some(())
                    .and_then(|()| value_of(node.child_by_field_name("right")?, None))
            }
            // const x = v (JS), T x = v (Java)
            "variable_declarator" => {
                let value = node.child_by_field_name("value")?;
                is_name(node.child_by_field_name("name"))
                    .then_some(())
                    .and_then(|()| value_of(value, None))
            }
            // let x = v; let x: T = v (Rust)
            "let_declaration" => {
                let pattern = node.child_by_field_name("pattern")?;
                let pattern = if pattern.kind() == "mut_pattern" {
                    pattern.named_child(0)?
                } else {
                    pattern
                };
                is_name(Some(pattern))
                    .then_some(())
                    .and_then(|()| value_of(node.child_by_field_name("value")?, None))
            }
            // x := v (Go)
            "short_var_declaration" => {
                let left = node.child_by_field_name("left")?;
                let right = node.child_by_field_name("right")?;
                let count = u32::try_from(left.named_child_count()).ok()?;
                let at = (0..count).find(|&i| is_name(left.named_child(i)))?;
                value_of(right.named_child(at)?, None)
            }
            // for x in xs (Python statement and comprehension)
            "for_statement" | "for_in_clause" => {
                if !contains(node, use_) && node.kind() == "for_statement" {
                    return None;
                }
                is_name(node.child_by_field_name("left"))
                    .then_some(())
                    .and_then(|()| value_of(node.child_by_field_name("right")?, Some(Step::Elem)))
            }
            // for (const x of xs) (JS)
            "for_in_statement" => {
                let left = node.child_by_field_name("left")?;
                (contains(node, use_) && self.text(left).split_whitespace().last() == Some(name))
                    .then_some(())
                    .and_then(|()| value_of(node.child_by_field_name("right")?, Some(Step::Elem)))
            }
            // for (T x : xs) (Java)
            "enhanced_for_statement" => (contains(node, use_)
                && is_name(node.child_by_field_name("name")))
            .then_some(())
            .and_then(|()| value_of(node.child_by_field_name("value")?, Some(Step::Elem))),
            // for _, x := range xs (Go)
            "range_clause" => {
                let left = node.child_by_field_name("left")?;
                let count = u32::try_from(left.named_child_count()).ok()?;
                let last = left.named_child(count.checked_sub(1)?)?;
                (is_name(Some(last)) && left.named_child_count() == 2)
                    .then_some(())
                    .and_then(|()| value_of(node.child_by_field_name("right")?, Some(Step::Elem)))
            }
            // with open(p) as h (Python)
            "as_pattern" => {
                let alias = node.child_by_field_name("alias")?;
                (self.text(alias) == name)
                    .then_some(())
                    .and_then(|()| value_of(node.named_child(0)?, None))
            }
            // xs.map(x => …), xs.iter().map(|x| …), xs.reduce((acc, x) => …)
            "arrow_function" | "closure_expression" | "function_expression" | "lambda" => {
                if !contains(node, use_) {
                    return None;
                }
                let params = node
                    .child_by_field_name("parameters")
                    .or_else(|| node.child_by_field_name("parameter"))?;
                let names: Vec<String> = if params.kind() == "identifier" {
                    vec![self.text(params)]
                } else {
                    let mut cursor = params.walk();
                    params
                        .named_children(&mut cursor)
                        .map(|p| {
                            let p = p.child_by_field_name("pattern").unwrap_or(p);
                            self.text(p)
                        })
                        .collect()
                };
                let position = names.iter().position(|n| n == name)?;
                let call = node.parent()?.parent()?;
                let (object, method, _) = self.method_call(call)?;
                let element_at = match method.as_str() {
                    "reduce" | "fold" => 1,
                    "map" | "filter" | "forEach" | "some" | "every" | "find" | "flatMap"
                    | "filter_map" | "for_each" | "any" | "all" => 0,
                    _ => return None,
                };
                (position == element_at)
                    .then_some(())
                    .and_then(|()| value_of(object, Some(Step::Elem)))
            }
            _ => None,
        }
    }

    /// Parameters (other than the roots) and receiver fields read before
    /// `before`.
    fn reads_before(&self, before: usize, roots: &[(Root, Value)]) -> (Vec<String>, bool) {
        let Some(params) = super::params::parameters(self.subject, self.function) else {
            return (Vec::new(), false);
        };
        let body = self
            .function
            .child_by_field_name("body")
            .unwrap_or(self.function);
        let mut names = Vec::new();
        let mut receiver = false;
        let mut stack = vec![body];
        while let Some(node) = stack.pop() {
            if node.start_byte() >= before {
                continue;
            }
            let text = self.text(node);
            if node.kind() == "identifier"
                && self.is_java_field(&text)
                && !roots
                    .iter()
                    .any(|(r, _)| matches!(r, Root::Field(f) if *f == text))
                && !self.is_parameter(&text)
            {
                receiver = true;
            }
            if node.kind() == "identifier" {
                let is_root = roots
                    .iter()
                    .any(|(r, _)| matches!(r, Root::Param(p) if *p == text));
                if !is_root && params.iter().any(|p| p.name == text) && !names.contains(&text) {
                    names.push(text.clone());
                }
            }
            if let Some((object, field)) = self.member(node) {
                let object = self.text(object);
                let set = roots
                    .iter()
                    .any(|(r, _)| matches!(r, Root::Field(f) if *f == field));
                if ["self", "this"].contains(&object.as_str()) && !set {
                    receiver = true;
                }
            }
            let mut cursor = node.walk();
            stack.extend(node.named_children(&mut cursor));
        }
        (names, receiver)
    }

    /// Parameters used directly as operands of arithmetic.
    fn arithmetic_operands(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut stack = vec![self.function];
        while let Some(node) = stack.pop() {
            let arithmetic = node
                .child_by_field_name("operator")
                .is_some_and(|op| ["+", "-", "*", "/", "//", "%", "**"].contains(&op.kind()))
                && ["binary_operator", "binary_expression"].contains(&node.kind());
            if arithmetic {
                for side in ["left", "right"] {
                    if let Some(operand) = node.child_by_field_name(side)
                        && operand.kind() == "identifier"
                    {
                        let name = self.text(operand);
                        if self.is_parameter(&name) && !out.contains(&name) {
                            out.push(name);
                        }
                    }
                }
            }
            let mut cursor = node.walk();
            stack.extend(node.named_children(&mut cursor));
        }
        out
    }

    /// Every access in the function before `before` whose value comes from a
    /// root: the steps to it and a harmless value it should hold.
    fn accesses_before(&self, before: usize) -> Vec<(Root, Vec<Step>, Value)> {
        let mut out = Vec::new();
        let mut stack = vec![self.function];
        while let Some(node) = stack.pop() {
            if node.start_byte() >= before {
                continue;
            }
            let access = self.subscript(node).is_some()
                || self.member(node).is_some_and(|(_, f)| {
                    node.parent().is_none_or(|p| !is_callee(p, node)) && f != "length"
                });
            if access && let Some((root, steps)) = self.resolve(node) {
                out.push((root, steps, self.harmless(node)));
            }
            let mut cursor = node.walk();
            stack.extend(node.named_children(&mut cursor));
        }
        out
    }

    /// A value for `node` that its use accepts: text for string methods,
    /// a number otherwise.
    fn harmless(&self, node: Node) -> Value {
        let parent = node.parent();
        let method = parent
            .filter(|p| ["attribute", "member_expression", "field_expression"].contains(&p.kind()))
            .and_then(|p| self.member(p))
            .map(|(_, name)| name);
        match method.as_deref() {
            Some(
                "lower" | "upper" | "strip" | "split" | "toLowerCase" | "toUpperCase" | "trim"
                | "startswith" | "endswith",
            ) => Value::Text("x".to_owned()),
            _ => Value::Num(1),
        }
    }
}

/// The step a method call takes from its receiver: `None` for one that
/// passes the value through (`.strip()`), no step for an unknown method.
fn method_step(
    language: Language,
    name: &str,
    args: &[Node],
    text: impl Fn(Node) -> String,
) -> Option<Option<Step>> {
    Some(match name {
        "strip" | "lstrip" | "rstrip" | "lower" | "upper" | "trim" | "trim_start" | "trim_end"
        | "toLowerCase" | "toUpperCase" | "as_str" | "to_string" | "to_owned" | "clone"
        | "iter" | "into_iter" | "collect" | "as_ref" | "as_deref" | "toString" | "copied"
        | "cloned" => None,
        "unwrap" | "expect" => Some(Step::Unwrap),
        "split" | "split_whitespace" | "splitlines" | "rsplit"
            if args.is_empty() && name != "splitlines" =>
        {
            Some(Step::Fields)
        }
        "split" | "rsplit" | "splitn" | "split_terminator" | "lines" | "splitlines" => {
            Some(Step::Split)
        }
        "len" | "size" | "count" => Some(Step::Len),
        "nth" if args.len() == 1 => match text(args[0]).trim().parse::<usize>() {
            Ok(at) => Some(Step::At(at)),
            Err(_) => Some(Step::Elem),
        },
        "last" | "first" | "nth" | "next" => Some(Step::Elem),
        "get" if args.len() == 1 => match string_literal(&text(args[0])) {
            Some(key) => Some(Step::Key(key)),
            None if language == Language::Rust => Some(Step::AnyKey),
            None => Some(Step::Elem),
        },
        _ => return None,
    })
}

fn is_callee(parent: Node, node: Node) -> bool {
    ["call", "call_expression"].contains(&parent.kind())
        && parent
            .child_by_field_name("function")
            .is_some_and(|f| f.id() == node.id())
}

fn contains(outer: Node, inner: Node) -> bool {
    outer.start_byte() <= inner.start_byte() && inner.end_byte() <= outer.end_byte()
}

fn unwrap_parens(mut node: Node) -> Node {
    while ["parenthesized_expression", "expression_statement"].contains(&node.kind()) {
        match node.named_child(0) {
            Some(inner) => node = inner,
            None => break,
        }
    }
    node
}

fn arguments(list: Node) -> Vec<Node> {
    let mut cursor = list.walk();
    list.named_children(&mut cursor)
        .filter(|n| n.kind() != "comment")
        .collect()
}

/// The divisor of `a / b`, `a // b`, `a % b`.
fn binary_right(node: Node) -> Option<Node> {
    let operator = node.child_by_field_name("operator")?;
    ["/", "//", "%", "/=", "%="]
        .contains(&operator.kind())
        .then(|| node.child_by_field_name("right"))
        .flatten()
}

/// The text of a string literal, without quotes.
fn string_literal(text: &str) -> Option<String> {
    let text = text.trim();
    let text = text.strip_prefix('&').unwrap_or(text);
    for quote in ['"', '\''] {
        if let Some(inner) = text
            .strip_prefix(quote)
            .and_then(|t| t.strip_suffix(quote))
            .filter(|t| !t.contains(quote) && !t.contains('\\'))
        {
            return Some(inner.to_owned());
        }
    }
    None
}

/// The variable of `os.environ["X"]`, `os.environ.get("X")`,
/// `os.getenv("X")`, `process.env.X`, `process.env["X"]`.
fn env_name(text: &str) -> Option<String> {
    let text: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    for prefix in [
        "os.environ[",
        "os.environ.get(",
        "os.getenv(",
        "process.env[",
    ] {
        if let Some(rest) = text.strip_prefix(prefix) {
            let literal: String = rest
                .chars()
                .take_while(|c| *c != ']' && *c != ',' && *c != ')')
                .collect();
            let name = string_literal(&literal)?;
            let close = if prefix.ends_with('[') { ']' } else { ')' };
            let end = rest.find(close)?;
            // Only the lookup itself, not an expression built on it.
            let tail = &rest[end + 1..];
            return tail.is_empty().then_some(name);
        }
    }
    let name = text.strip_prefix("process.env.")?;
    name.chars()
        .all(|c| c.is_alphanumeric() || c == '_')
        .then(|| name.to_owned())
}
