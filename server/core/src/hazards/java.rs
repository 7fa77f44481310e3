//! Java checks: `Map.get` results dereferenced without a null check, number
//! parsing without a `NumberFormatException` handler, array and list
//! indexing past the end, integer division, `java.net.http` clients and
//! requests without timeouts, shared `SimpleDateFormat`s, and collections
//! modified inside a for-each over themselves.
//!
//! Every rule first proves from declarations in the file what a value is (a
//! `Map`, a `List`, an `int`) and stays silent when it cannot: `list.get(0)`
//! and `map.get(k)` look the same, and a `double` divided by zero is
//! `Infinity`. Messages are what a current JDK prints, helpful
//! `NullPointerException` texts included (JDK 14+, with the local variable
//! names that `-g`, the Maven and Gradle default, keeps).

use tree_sitter::Node;

use super::division::{self, Divisor};
use super::guards::{mentions, string_contents};
use super::tree::{children, descendants, plural};
use super::{Check, Finding, FnCx, Match};
use crate::scenario::FailureClass;
use crate::text::one_line;

pub(super) const CHECKS: &[(&str, Check)] = &[
    ("java.map-get-deref", map_get_deref),
    ("java.map-get-var", map_get_var),
    ("java.parse-number", parse_number),
    ("java.array-index", array_index),
    ("java.list-get", list_get),
    ("java.division", division),
    ("java.http-client-no-timeout", http_client_no_timeout),
    ("java.http-request-no-timeout", http_request_no_timeout),
    ("java.shared-date-format", shared_date_format),
    ("java.concurrent-modification", concurrent_modification),
];

const INTEGER_TYPES: &[&str] = &[
    "int", "long", "short", "byte", "char", "Integer", "Long", "Short", "Byte",
];
const FLOAT_TYPES: &[&str] = &["float", "double", "Float", "Double", "BigDecimal"];
const PRIMITIVES: &[(&str, &str)] = &[
    ("int", "java.lang.Integer.intValue()"),
    ("long", "java.lang.Long.longValue()"),
    ("double", "java.lang.Double.doubleValue()"),
    ("float", "java.lang.Float.floatValue()"),
    ("boolean", "java.lang.Boolean.booleanValue()"),
    ("short", "java.lang.Short.shortValue()"),
    ("byte", "java.lang.Byte.byteValue()"),
    ("char", "java.lang.Character.charValue()"),
];
const NPE_ERRORS: &[&str] = &["NullPointerException"];
const INDEX_ERRORS: &[&str] = &[
    "ArrayIndexOutOfBoundsException",
    "IndexOutOfBoundsException",
    "StringIndexOutOfBoundsException",
];

/// A declaration of a name visible in the method: a parameter, a local, a
/// loop variable or a field of an enclosing class.
#[derive(Clone, Copy)]
struct Declared<'t> {
    at: usize,
    ty: Node<'t>,
    value: Option<Node<'t>>,
    /// The declaring node (`formal_parameter`, `field_declaration`, …).
    node: Node<'t>,
    parameter: bool,
    field: bool,
}

/// Declarators of a declaration (`int a = 1, b;`) named `name`.
fn declarators<'t>(cx: &FnCx, node: Node<'t>, name: &str) -> Vec<Node<'t>> {
    let mut cursor = node.walk();
    node.children_by_field_name("declarator", &mut cursor)
        .filter(|d| {
            d.child_by_field_name("name")
                .is_some_and(|n| cx.text(n) == name)
        })
        .collect()
}

/// The declaration of `name` in effect at byte `at`: the nearest local or
/// parameter before it, else a field of an enclosing class.
fn declared<'t>(cx: &FnCx<'_, 't>, name: &str, at: usize) -> Option<Declared<'t>> {
    let mut best: Option<Declared> = None;
    for node in descendants(cx.node) {
        if node.start_byte() >= at {
            continue;
        }
        let found = match node.kind() {
            "formal_parameter" | "spread_parameter" | "catch_formal_parameter" => {
                let name_node = node.child_by_field_name("name").or_else(|| {
                    children(node)
                        .into_iter()
                        .find(|c| c.kind() == "variable_declarator")
                        .and_then(|d| d.child_by_field_name("name"))
                });
                // `String... names` and `catch (A | B e)` have no type field.
                let ty = node.child_by_field_name("type").or_else(|| {
                    children(node).into_iter().find(|c| {
                        !matches!(c.kind(), "modifiers" | "variable_declarator" | "identifier")
                    })
                });
                match (name_node, ty) {
                    (Some(n), Some(ty)) if cx.text(n) == name => Some(Declared {
                        at: n.start_byte(),
                        ty,
                        value: None,
                        node,
                        parameter: node.kind() != "catch_formal_parameter"
                            && node
                                .parent()
                                .and_then(|p| p.parent())
                                .is_some_and(|f| f.id() == cx.node.id()),
                        field: false,
                    }),
                    _ => None,
                }
            }
            "local_variable_declaration" => {
                let ty = node.child_by_field_name("type");
                declarators(cx, node, name)
                    .into_iter()
                    .next()
                    .zip(ty)
                    .map(|(d, ty)| Declared {
                        at: d.start_byte(),
                        ty,
                        value: d.child_by_field_name("value"),
                        node,
                        parameter: false,
                        field: false,
                    })
            }
            "enhanced_for_statement" | "resource" => {
                let n = node.child_by_field_name("name");
                let ty = node.child_by_field_name("type");
                match (n, ty) {
                    (Some(n), Some(ty)) if cx.text(n) == name => Some(Declared {
                        at: n.start_byte(),
                        ty,
                        value: node.child_by_field_name("value"),
                        node,
                        parameter: false,
                        field: false,
                    }),
                    _ => None,
                }
            }
            _ => None,
        };
        if let Some(found) = found
            && best.is_none_or(|b| b.at < found.at)
        {
            best = Some(found);
        }
    }
    best.or_else(|| field(cx, name))
}

/// A field of an enclosing class, enum or record.
fn field<'t>(cx: &FnCx<'_, 't>, name: &str) -> Option<Declared<'t>> {
    let mut current = cx.node;
    while let Some(parent) = current.parent() {
        if matches!(
            parent.kind(),
            "class_body" | "enum_body_declarations" | "interface_body" | "enum_body"
        ) {
            for member in children(parent) {
                if member.kind() != "field_declaration" && member.kind() != "constant_declaration" {
                    continue;
                }
                if let Some(d) = declarators(cx, member, name).into_iter().next()
                    && let Some(ty) = member.child_by_field_name("type")
                {
                    return Some(Declared {
                        at: d.start_byte(),
                        ty,
                        value: d.child_by_field_name("value"),
                        node: member,
                        parameter: false,
                        field: true,
                    });
                }
            }
        }
        current = parent;
    }
    None
}

/// The declaration behind an expression: `x`, `this.x`.
fn declared_expr<'t>(cx: &FnCx<'_, 't>, expr: Node<'t>, at: usize) -> Option<Declared<'t>> {
    match expr.kind() {
        "identifier" => declared(cx, &cx.text(expr), at),
        "field_access" => {
            let object = expr.child_by_field_name("object")?;
            if object.kind() != "this" {
                return None;
            }
            field(cx, &cx.text(expr.child_by_field_name("field")?))
        }
        _ => None,
    }
}

/// `Map<String, List<User>>` → `Map`.
fn erased(ty: &str) -> &str {
    let ty = ty.split('<').next().unwrap_or(ty).trim();
    ty.rsplit('.').next().unwrap_or(ty).trim_end_matches("[]")
}

/// The top-level type arguments of a generic type: `Map<K, List<V>>` → `[K, List<V>]`.
fn type_arguments(ty: &str) -> Vec<String> {
    let Some(open) = ty.find('<') else {
        return Vec::new();
    };
    let inner = &ty[open + 1..ty.rfind('>').unwrap_or(ty.len())];
    let mut args = Vec::new();
    let mut depth = 0;
    let mut current = String::new();
    for c in inner.chars() {
        match c {
            '<' => depth += 1,
            '>' => depth -= 1,
            ',' if depth == 0 => {
                args.push(current.trim().to_owned());
                current.clear();
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    if !current.trim().is_empty() {
        args.push(current.trim().to_owned());
    }
    args
}

/// The declared type of a declaration, with `var` resolved from `new T<…>(…)`.
fn type_text(cx: &FnCx, d: &Declared) -> String {
    let ty = cx.text(d.ty);
    if ty == "var"
        && let Some(value) = d.value
        && value.kind() == "object_creation_expression"
        && let Some(t) = value.child_by_field_name("type")
    {
        return cx.text(t);
    }
    ty
}

fn is_map_type(ty: &str) -> bool {
    let name = erased(ty);
    name.ends_with("Map") && name != "BitMap" || name == "Hashtable"
}

fn is_list_type(ty: &str) -> bool {
    matches!(
        erased(ty),
        "List"
            | "ArrayList"
            | "LinkedList"
            | "ImmutableList"
            | "CopyOnWriteArrayList"
            | "Vector"
            | "AbstractList"
    )
}

/// The map's declared type, if `expr` is known to be a map.
fn map_type(cx: &FnCx, expr: Node, at: usize) -> Option<String> {
    if cx.text(expr) == "System.getenv()" {
        return Some("Map<String, String>".to_owned());
    }
    let d = declared_expr(cx, expr, at)?;
    let ty = type_text(cx, &d);
    is_map_type(&ty).then_some(ty)
}

/// The fully qualified name the JDK prints for a type in messages: `String`
/// and `Object` bare, everything else with its package.
fn qualified(cx: &FnCx, ty: &str) -> String {
    let name = erased(ty);
    if name.is_empty() || name.len() == 1 && name.chars().all(|c| c.is_ascii_uppercase()) {
        // A type variable erases to Object.
        return "Object".to_owned();
    }
    if matches!(name, "String" | "Object") {
        return name.to_owned();
    }
    if PRIMITIVES.iter().any(|(p, _)| *p == name) {
        return name.to_owned();
    }
    let java_lang = [
        "Integer",
        "Long",
        "Double",
        "Float",
        "Short",
        "Byte",
        "Boolean",
        "Character",
        "Number",
        "StringBuilder",
        "CharSequence",
        "Thread",
        "Class",
        "Enum",
        "Runnable",
        "Iterable",
    ];
    if java_lang.contains(&name) {
        return format!("java.lang.{name}");
    }
    let file = cx.rope.to_string();
    for line in file.lines().take(400) {
        let line = line.trim();
        if let Some(import) = line
            .strip_prefix("import ")
            .map(|i| i.trim_end_matches(';').trim())
            && !import.starts_with("static ")
            && import.rsplit('.').next() == Some(name)
        {
            return import.to_owned();
        }
    }
    let known = [
        (
            "java.util",
            &[
                "List",
                "Map",
                "Set",
                "Collection",
                "Optional",
                "Iterator",
                "Date",
                "UUID",
                "Deque",
                "Queue",
            ][..],
        ),
        ("java.math", &["BigDecimal", "BigInteger"][..]),
        (
            "java.time",
            &[
                "LocalDate",
                "LocalDateTime",
                "Instant",
                "Duration",
                "ZonedDateTime",
                "OffsetDateTime",
            ][..],
        ),
    ];
    for (package, names) in known {
        if names.contains(&name) {
            return format!("{package}.{name}");
        }
    }
    // A class of this file or package.
    let package = file.lines().take(200).find_map(|l| {
        l.trim()
            .strip_prefix("package ")
            .map(|p| p.trim().trim_end_matches(';').trim().to_owned())
    });
    let mut nesting = Vec::new();
    for node in descendants(cx.tree.root_node()) {
        if matches!(
            node.kind(),
            "class_declaration"
                | "interface_declaration"
                | "enum_declaration"
                | "record_declaration"
        ) && node
            .child_by_field_name("name")
            .is_some_and(|n| cx.text(n) == name)
        {
            let mut current = node;
            nesting.push(name.to_owned());
            while let Some(parent) = current.parent() {
                if matches!(
                    parent.kind(),
                    "class_declaration"
                        | "interface_declaration"
                        | "enum_declaration"
                        | "record_declaration"
                ) && let Some(n) = parent.child_by_field_name("name")
                {
                    nesting.push(cx.text(n));
                }
                current = parent;
            }
            nesting.reverse();
            break;
        }
    }
    let simple = if nesting.is_empty() {
        name.to_owned()
    } else {
        nesting.join("$")
    };
    match package {
        Some(p) => format!("{p}.{simple}"),
        None => simple,
    }
}

/// How the JDK prints a method in a helpful NullPointerException: the
/// declaring type and the parameter types, guessed from the arguments.
fn method_descriptor(
    cx: &FnCx,
    owner: &str,
    method: &str,
    args: Option<Node>,
    at: usize,
) -> String {
    let params: Vec<String> = args
        .map(children)
        .unwrap_or_default()
        .into_iter()
        .filter(|a| !a.kind().contains("comment"))
        .map(|a| match a.kind() {
            "string_literal" => "String".to_owned(),
            "decimal_integer_literal" => "int".to_owned(),
            "true" | "false" => "boolean".to_owned(),
            "identifier" => declared(cx, &cx.text(a), at)
                .map(|d| qualified(cx, &type_text(cx, &d)))
                .unwrap_or_else(|| "Object".to_owned()),
            _ => "Object".to_owned(),
        })
        .collect();
    format!("{owner}.{method}({})", params.join(", "))
}

/// Whether the method puts `key` into `map` before `at`, or the map was
/// created holding it (`Map.of("a", …)`).
fn filled_before(cx: &FnCx, map: &str, key: &str, at: usize, decl: Option<&Declared>) -> bool {
    let before = descendants(cx.node).into_iter().any(|n| {
        n.kind() == "method_invocation"
            && n.end_byte() <= at
            && n.child_by_field_name("object")
                .is_some_and(|o| cx.text(o) == map)
            && n.child_by_field_name("name").is_some_and(|name| {
                matches!(
                    cx.text(name).as_str(),
                    "put" | "putIfAbsent" | "computeIfAbsent" | "merge" | "compute"
                )
            })
            && n.child_by_field_name("arguments")
                .and_then(|a| a.named_child(0))
                .is_some_and(|k| cx.text(k) == key)
    });
    before
        || decl
            .and_then(|d| d.value)
            .is_some_and(|v| mentions(&cx.text(v), key) && string_contents(key).is_some())
}

/// The qualified `Map.get` the JDK names in the message: the declared type.
fn map_get_name(cx: &FnCx, map_ty: &str) -> String {
    let name = erased(map_ty);
    let owner = match name {
        "Map" | "HashMap" | "TreeMap" | "LinkedHashMap" | "SortedMap" | "NavigableMap"
        | "EnumMap" | "WeakHashMap" | "IdentityHashMap" | "Hashtable" | "AbstractMap" => {
            format!("java.util.{name}")
        }
        "ConcurrentHashMap"
        | "ConcurrentMap"
        | "ConcurrentSkipListMap"
        | "ConcurrentNavigableMap" => format!("java.util.concurrent.{name}"),
        _ => qualified(cx, name),
    };
    format!("{owner}.get(Object)")
}

/// Why a key is missing, in the words of where the map comes from.
fn missing_key(map: &str, key: &str) -> String {
    let key = one_line(key, 30);
    if map == "System.getenv()" {
        format!("the environment variable {key} is not set where this runs, so get() returns null")
    } else {
        format!(
            "`{map}` has no entry for `{key}` (an unknown or deleted id, a setting nobody configured), so get() returns null"
        )
    }
}

fn is_parameter(cx: &FnCx, node: Node, at: usize) -> bool {
    node.kind() == "identifier" && declared(cx, &cx.text(node), at).is_some_and(|d| d.parameter)
}

fn map_get_deref(m: &Match, cx: &FnCx) -> Option<Finding> {
    let map = m.get("map")?;
    let key = m.get("key")?;
    let call = m.get("call")?;
    let member = cx.text(m.get("member")?);
    let at = m.hazard.start_byte();
    let map_ty = map_type(cx, map, at)?;
    let map_text = cx.text(map);
    let key_text = cx.text(key);
    if cx.caught(m.hazard, NPE_ERRORS)
        || cx.guarded(m.hazard, &[&map_text, &key_text])
        || cx.guarded(m.hazard, &[&cx.text(call)])
        || filled_before(
            cx,
            &map_text,
            &key_text,
            at,
            declared_expr(cx, map, at).as_ref(),
        )
    {
        return None;
    }
    let value_ty = type_arguments(&map_ty)
        .get(1)
        .cloned()
        .unwrap_or_else(|| "Object".to_owned());
    let get = map_get_name(cx, &map_ty);
    let access = if m.hazard.kind() == "field_access" {
        member.clone()
    } else {
        format!("{member}()")
    };
    let error = if m.hazard.kind() == "field_access" {
        format!(
            "java.lang.NullPointerException: Cannot read field \"{member}\" because the return value of \"{get}\" is null"
        )
    } else {
        let owner = qualified(cx, &value_ty);
        let method = method_descriptor(cx, &owner, &member, m.get("args"), at);
        format!(
            "java.lang.NullPointerException: Cannot invoke \"{method}\" because the return value of \"{get}\" is null"
        )
    };
    let mut finding = Finding::new(
        FailureClass::NullOrNone,
        0.45,
        "java.lang.NullPointerException",
        error,
        missing_key(&map_text, &key_text),
        format!(
            "Predicted NullPointerException on {}.get({}).{access} when the key is missing",
            one_line(&map_text, 20),
            one_line(&key_text, 20)
        ),
    );
    if is_parameter(cx, key, at) {
        finding = finding.input(key_text, "\"unknown\"");
    }
    Some(finding)
}

fn map_get_var(m: &Match, cx: &FnCx) -> Option<Finding> {
    let map = m.get("map")?;
    let key = m.get("key")?;
    let call = m.get("call")?;
    let var = cx.text(m.get("var")?);
    let ty = cx.text(m.get("type")?);
    let at = m.hazard.start_byte();
    let map_ty = map_type(cx, map, at)?;
    let map_text = cx.text(map);
    let key_text = cx.text(key);
    let get = map_get_name(cx, &map_ty);
    if cx.caught(m.hazard, NPE_ERRORS)
        || cx.guarded(m.hazard, &[&map_text, &key_text])
        || filled_before(
            cx,
            &map_text,
            &key_text,
            at,
            declared_expr(cx, map, at).as_ref(),
        )
    {
        return None;
    }
    let key_trigger = missing_key(&map_text, &key_text);
    // `int n = counts.get(k);` unboxes null on the spot.
    if let Some((primitive, unbox)) = PRIMITIVES.iter().find(|(p, _)| *p == ty) {
        let mut finding = Finding::new(
            FailureClass::NullOrNone,
            0.5,
            "java.lang.NullPointerException",
            format!(
                "java.lang.NullPointerException: Cannot invoke \"{unbox}\" because the return value of \"{get}\" is null"
            ),
            format!("{key_trigger}, and unboxing it into an {primitive} throws"),
            format!(
                "Predicted NullPointerException unboxing {}.get({}) into {primitive} when the key is missing",
                one_line(&map_text, 20),
                one_line(&key_text, 20)
            ),
        )
        .at(call.byte_range());
        if is_parameter(cx, key, at) {
            finding = finding.input(key_text, "\"unknown\"");
        }
        return Some(finding);
    }
    // The first dereference of the variable, while it still holds get()'s result.
    let body = cx.node.child_by_field_name("body")?;
    let from = m.hazard.end_byte();
    let mut use_node = None;
    for n in descendants(body) {
        if n.start_byte() < from {
            continue;
        }
        if n.kind() == "assignment_expression"
            && n.child_by_field_name("left")
                .is_some_and(|l| cx.text(l) == var)
        {
            return None;
        }
        let object = match n.kind() {
            "method_invocation" | "field_access" => n.child_by_field_name("object"),
            _ => None,
        };
        if object.is_some_and(|o| o.kind() == "identifier" && cx.text(o) == var) {
            use_node = Some(n);
            break;
        }
    }
    let use_node = use_node?;
    let between = cx
        .rope
        .byte_slice(from.min(cx.rope.len_bytes())..use_node.start_byte().min(cx.rope.len_bytes()))
        .to_string();
    if cx.caught(use_node, NPE_ERRORS)
        || cx.guarded(use_node, &[&var])
        || between.contains(&format!("requireNonNull({var}"))
    {
        return None;
    }
    let name = use_node
        .child_by_field_name("name")
        .or_else(|| use_node.child_by_field_name("field"))
        .map(|n| cx.text(n))
        .unwrap_or_default();
    let access = if use_node.kind() == "field_access" {
        name.clone()
    } else {
        format!("{name}()")
    };
    let error = if use_node.kind() == "field_access" {
        format!(
            "java.lang.NullPointerException: Cannot read field \"{name}\" because \"{var}\" is null"
        )
    } else {
        let owner = qualified(cx, &ty);
        let method = method_descriptor(
            cx,
            &owner,
            &name,
            use_node.child_by_field_name("arguments"),
            use_node.start_byte(),
        );
        format!(
            "java.lang.NullPointerException: Cannot invoke \"{method}\" because \"{var}\" is null"
        )
    };
    let mut finding = Finding::new(
        FailureClass::NullOrNone,
        0.45,
        "java.lang.NullPointerException",
        error,
        format!("{key_trigger} into `{var}`"),
        format!(
            "Predicted NullPointerException on {var}.{access} when {} has no {}",
            one_line(&map_text, 20),
            one_line(&key_text, 20)
        ),
    )
    .at(use_node.byte_range());
    if is_parameter(cx, key, at) {
        finding = finding.input(key_text, "\"unknown\"");
    }
    Some(finding)
}

/// Expressions that carry text from outside the program.
fn external_text(cx: &FnCx, node: Node, at: usize) -> bool {
    let markers = [
        "getParameter(",
        "getHeader(",
        "getenv(",
        "getProperty(",
        "readLine(",
        "nextLine(",
        "args[",
        ".split(",
        "getString(",
        "getText(",
        "getQueryParameter",
        "getPathVariable",
        "getFirst(",
    ];
    let text = cx.text(node);
    if markers.iter().any(|m| text.contains(m)) {
        return true;
    }
    node.kind() == "identifier"
        && declared(cx, &text, at)
            .and_then(|d| d.value)
            .is_some_and(|v| markers.iter().any(|m| cx.text(v).contains(m)))
}

/// Whether an expression is a `String`, as far as the file shows.
fn is_string(cx: &FnCx, node: Node, at: usize) -> bool {
    match node.kind() {
        "string_literal" | "text_block" => true,
        "identifier" | "field_access" => {
            declared_expr(cx, node, at).is_some_and(|d| erased(&cx.text(d.ty)) == "String")
        }
        "method_invocation" => {
            let name = node
                .child_by_field_name("name")
                .map(|n| cx.text(n))
                .unwrap_or_default();
            matches!(
                name.as_str(),
                "getParameter"
                    | "getHeader"
                    | "getenv"
                    | "getProperty"
                    | "readLine"
                    | "nextLine"
                    | "getString"
                    | "getText"
                    | "trim"
                    | "strip"
                    | "substring"
                    | "group"
                    | "toString"
            )
        }
        "array_access" => {
            cx.text(node).contains(".split(")
                || node
                    .child_by_field_name("array")
                    .and_then(|a| declared_expr(cx, a, at))
                    .is_some_and(|d| cx.text(d.ty).starts_with("String"))
        }
        _ => false,
    }
}

fn parse_number(m: &Match, cx: &FnCx) -> Option<Finding> {
    let class = cx.text(m.get("class")?);
    let method = m.get("method").map(|n| cx.text(n));
    let arg = m.get("arg")?;
    let at = m.hazard.start_byte();
    let arg_text = cx.text(arg);
    let takes_string_only = matches!(
        method.as_deref(),
        Some(
            "parseInt"
                | "parseLong"
                | "parseDouble"
                | "parseFloat"
                | "parseShort"
                | "parseByte"
                | "parseUnsignedInt"
                | "parseUnsignedLong"
                | "decode"
        )
    );
    // `Integer.valueOf(5)`, `new BigDecimal(price)` with a number never throw.
    if !takes_string_only && !is_string(cx, arg, at) {
        return None;
    }
    if let Some(literal) = string_contents(&arg_text)
        && (literal.trim().parse::<f64>().is_ok() || arg.kind() != "string_literal")
    {
        return None;
    }
    if matches!(
        arg.kind(),
        "decimal_integer_literal" | "decimal_floating_point_literal"
    ) {
        return None;
    }
    // A regular-expression group (`m.group(2)` of `(\\d+)`) is digits by construction.
    if arg.kind() == "method_invocation"
        && arg
            .child_by_field_name("name")
            .is_some_and(|n| cx.text(n) == "group")
    {
        return None;
    }
    let errors = ["NumberFormatException", "IllegalArgumentException"];
    if cx.caught(m.hazard, &errors) {
        return None;
    }
    // A method that declares it is part of its contract.
    let header = {
        let end = cx
            .node
            .child_by_field_name("body")
            .map_or(cx.node.end_byte(), |b| b.start_byte());
        cx.rope
            .byte_slice(cx.node.start_byte()..end.min(cx.rope.len_bytes()))
            .to_string()
    };
    if header.contains("NumberFormatException") {
        return None;
    }
    let validators = [
        "matches",
        "isNumeric",
        "isDigits",
        "isDigit",
        "isCreatable",
        "isParsable",
        "isNumber",
    ];
    if validators
        .iter()
        .any(|v| cx.guarded(m.hazard, &[&arg_text, v]))
    {
        return None;
    }
    let callee = match &method {
        Some(method) => format!("{class}.{method}()"),
        None => format!("new {class}()"),
    };
    let error = if class == "BigDecimal" {
        "java.lang.NumberFormatException: Character N is neither a decimal digit number, decimal point, nor \"e\" notation exponential mark."
            .to_owned()
    } else {
        "java.lang.NumberFormatException: For input string: \"N/A\"".to_owned()
    };
    let literal = arg.kind() == "string_literal";
    let mut finding = Finding::new(
        FailureClass::ParseError,
        if literal {
            0.95
        } else if external_text(cx, arg, at) {
            0.55
        } else {
            0.4
        },
        "java.lang.NumberFormatException",
        if literal {
            format!(
                "java.lang.NumberFormatException: For input string: {}",
                arg_text
            )
        } else {
            error
        },
        format!(
            "`{}` holds text that is not a number (\"N/A\", \"\", \"1,5\", \" 42\")",
            one_line(&arg_text, 40)
        ),
        format!("Predicted NumberFormatException in {callee} when the text is not a number"),
    );
    if literal {
        finding = finding.manifest();
    }
    if is_parameter(cx, arg, at) {
        finding = finding.input(arg_text, "\"N/A\"");
    }
    Some(finding)
}

/// Where an array came from.
enum ArraySource<'t> {
    /// `text.split(sep)`: at least one element, trailing empty ones dropped.
    Split { input: Node<'t>, sep: String },
    /// `main(String[] args)`.
    Args,
    /// An array parameter, with an empty array of its type for tests.
    Parameter { name: String, empty: String },
}

fn split_source<'t>(cx: &FnCx<'_, 't>, call: Node<'t>) -> Option<ArraySource<'t>> {
    if call.kind() != "method_invocation"
        || call
            .child_by_field_name("name")
            .map(|n| cx.text(n))
            .as_deref()
            != Some("split")
    {
        return None;
    }
    let input = call.child_by_field_name("object")?;
    let sep = call
        .child_by_field_name("arguments")
        .and_then(|a| a.named_child(0))
        .map(|s| cx.text(s))
        .unwrap_or_default();
    Some(ArraySource::Split { input, sep })
}

fn array_source<'t>(cx: &FnCx<'_, 't>, array: Node<'t>, at: usize) -> Option<ArraySource<'t>> {
    if let Some(split) = split_source(cx, array) {
        return Some(split);
    }
    if array.kind() != "identifier" {
        return None;
    }
    let name = cx.text(array);
    let d = declared(cx, &name, at)?;
    // A private method's callers are the class itself, which keeps its contract.
    if d.parameter && is_private(cx) {
        return None;
    }
    if d.parameter {
        let array_typed = cx.text(d.ty).ends_with("[]")
            || d.node.kind() == "spread_parameter"
            || d.node.child_by_field_name("dimensions").is_some();
        if !array_typed {
            return None;
        }
        if cx.function.name == "main" && name == "args" {
            return Some(ArraySource::Args);
        }
        let element = cx.text(d.ty);
        let element = element
            .split('[')
            .next()
            .unwrap_or_default()
            .trim_end_matches("...");
        // Primitive arrays are buffers and tables whose length the caller
        // guarantees by contract (codecs, checksums, numeric kernels).
        if matches!(
            element.trim(),
            "byte" | "char" | "short" | "int" | "long" | "float" | "double" | "boolean"
        ) {
            return None;
        }
        return Some(ArraySource::Parameter {
            name,
            empty: format!("new {}[0]", element.trim()),
        });
    }
    d.value.and_then(|v| split_source(cx, v))
}

/// `x.length - 1` → `x`; `x.size() - 1` → `x`.
fn last_index_of(cx: &FnCx, index: Node) -> Option<String> {
    if index.kind() != "binary_expression" {
        return None;
    }
    let op = index.child_by_field_name("operator")?;
    let right = index.child_by_field_name("right")?;
    if op.kind() != "-" || cx.int_value(right)? < 1 {
        return None;
    }
    let left = cx.text(index.child_by_field_name("left")?);
    left.strip_suffix(".length")
        .or_else(|| left.strip_suffix(".size()"))
        .map(str::to_owned)
}

/// Whether `node` is assigned to (`out[0] = x`, `counts[i]++`).
fn is_write_target(node: Node) -> bool {
    node.parent().is_some_and(|p| {
        p.kind() == "assignment_expression"
            && p.child_by_field_name("left")
                .is_some_and(|l| l.id() == node.id())
            || p.kind() == "update_expression"
    })
}

/// Whether the method is private: a helper whose callers keep its contract.
fn is_private(cx: &FnCx) -> bool {
    children(cx.node)
        .into_iter()
        .find(|c| c.kind() == "modifiers")
        .is_some_and(|m| mentions(&cx.text(m), "private"))
}

fn array_index(m: &Match, cx: &FnCx) -> Option<Finding> {
    let array = m.get("array")?;
    let index = m.get("index")?;
    let at = m.hazard.start_byte();
    let array_text = cx.text(array);
    let index_text = cx.text(index);
    if cx.caught(m.hazard, INDEX_ERRORS) {
        return None;
    }
    let source = array_source(cx, array, at)?;
    if let ArraySource::Parameter { name, .. } = &source
        && (is_write_target(m.hazard) || cx.earlier_constant_index(cx.node, name, at))
    {
        return None;
    }
    let short = one_line(&cx.text(m.hazard), 40);
    let mut words = vec![array_text.clone()];
    if let ArraySource::Split { input, .. } = &source {
        words.push(cx.text(*input));
    }
    let literal = cx.int_value(index);
    if literal.is_none() {
        words.push(index_text.clone());
    }
    if words.iter().any(|w| cx.guarded(m.hazard, &[w])) {
        return None;
    }
    let error = |i: i64, len: i64| {
        format!(
            "java.lang.ArrayIndexOutOfBoundsException: Index {i} out of bounds for length {len}"
        )
    };
    let finding = |likelihood, error: String, trigger: String, when: &str| {
        Finding::new(
            FailureClass::IndexOutOfRange,
            likelihood,
            "java.lang.ArrayIndexOutOfBoundsException",
            error,
            trigger,
            format!("Predicted ArrayIndexOutOfBoundsException on {short} when {when}"),
        )
    };
    if last_index_of(cx, index).is_some_and(|of| of == array_text) {
        let f = finding(
            0.4,
            error(-1, 0),
            format!("`{array_text}` is empty, so `{index_text}` is -1"),
            &format!("{array_text} is empty"),
        );
        return Some(match source {
            ArraySource::Parameter { name, empty } => f.input(name, empty),
            _ => f,
        });
    }
    match (source, literal) {
        (ArraySource::Split { input, sep }, Some(k)) if k >= 1 => {
            let input = one_line(&cx.text(input), 30);
            Some(finding(
                0.55,
                error(k, k),
                if k == 1 {
                    format!(
                        "`{input}` contains no {sep} (or nothing after it: split() drops trailing empty strings), so the array has one element"
                    )
                } else {
                    format!(
                        "`{input}` has fewer than {} separated by {sep} (split() drops trailing empty ones)",
                        plural(k + 1, "field", "fields")
                    )
                },
                &format!("{input} has no {sep}"),
            ))
        }
        (ArraySource::Args, Some(k)) => Some(
            finding(
                0.5,
                error(k, k),
                if k == 0 {
                    "the program is started without arguments".to_owned()
                } else {
                    format!("the program is started with fewer than {} arguments", k + 1)
                },
                "an argument is missing",
            )
            .input("args", "new String[0]"),
        ),
        (ArraySource::Parameter { name, empty }, Some(k)) => Some(
            finding(
                0.35,
                error(k, k),
                if k == 0 {
                    format!("the caller passes an empty `{name}`")
                } else {
                    format!(
                        "the caller passes a `{name}` with only {}",
                        plural(k, "element", "elements")
                    )
                },
                &if k == 0 {
                    format!("{name} is empty")
                } else {
                    format!("{name} has fewer than {} elements", k + 1)
                },
            )
            .input(name, empty),
        ),
        (ArraySource::Parameter { name, .. }, None) if is_parameter(cx, index, at) => {
            let integer = declared(cx, &index_text, at)
                .is_some_and(|d| INTEGER_TYPES.contains(&cx.text(d.ty).as_str()));
            integer.then(|| {
                finding(
                    0.3,
                    error(-1, 3),
                    format!(
                        "the caller passes an `{index_text}` outside 0..{name}.length-1 (a -1 \"not found\" marker, or {name}.length)"
                    ),
                    &format!("{index_text} is out of range"),
                )
                .input(index_text, "-1")
            })
        }
        _ => None,
    }
}

/// Where a list came from, if it is known to be a list.
enum ListSource {
    Parameter(String),
    /// A query or lookup that may return no rows.
    Query(String),
    /// A list computed by another call.
    Call(String),
}

const QUERY_METHODS: &[&str] = &[
    "getResultList",
    "findAll",
    "findBy",
    "query",
    "queryForList",
    "list",
    "search",
    "select",
    "fetch",
];

fn list_source(cx: &FnCx, list: Node, at: usize) -> Option<ListSource> {
    let callee_name = |call: Node| {
        call.child_by_field_name("name")
            .map(|n| cx.text(n))
            .unwrap_or_default()
    };
    if list.kind() == "method_invocation" {
        let name = callee_name(list);
        if QUERY_METHODS.iter().any(|q| name.starts_with(q)) {
            return Some(ListSource::Query(one_line(&cx.text(list), 40)));
        }
        return None;
    }
    let d = declared_expr(cx, list, at)?;
    if !is_list_type(&type_text(cx, &d)) {
        return None;
    }
    if d.parameter && is_private(cx) {
        return None;
    }
    if d.parameter {
        return Some(ListSource::Parameter(cx.text(list)));
    }
    let value = d.value.filter(|_| !d.field)?;
    if value.kind() != "method_invocation" {
        return None;
    }
    let name = callee_name(value);
    let text = one_line(&cx.text(value), 40);
    if QUERY_METHODS.iter().any(|q| name.starts_with(q)) {
        Some(ListSource::Query(text))
    } else if matches!(name.as_str(), "of" | "asList" | "singletonList" | "copyOf") {
        // A literal list: its size is in the code.
        None
    } else {
        Some(ListSource::Call(text))
    }
}

fn list_get(m: &Match, cx: &FnCx) -> Option<Finding> {
    let list = m.get("list")?;
    let index = m.get("index")?;
    let at = m.hazard.start_byte();
    let list_text = cx.text(list);
    let index_text = cx.text(index);
    let source = list_source(cx, list, at)?;
    if cx.caught(m.hazard, INDEX_ERRORS) {
        return None;
    }
    let literal = cx.int_value(index);
    let mut words = vec![list_text.clone()];
    if literal.is_none() {
        words.push(index_text.clone());
    }
    if words.iter().any(|w| cx.guarded(m.hazard, &[w])) {
        return None;
    }
    let short = one_line(&cx.text(m.hazard), 40);
    let finding = |likelihood, i: i64, len: i64, trigger: String, when: &str| {
        Finding::new(
            FailureClass::IndexOutOfRange,
            likelihood,
            "java.lang.IndexOutOfBoundsException",
            format!(
                "java.lang.IndexOutOfBoundsException: Index {i} out of bounds for length {len}"
            ),
            trigger,
            format!("Predicted IndexOutOfBoundsException on {short} when {when}"),
        )
    };
    let last = last_index_of(cx, index).is_some_and(|of| of == list_text);
    let empty_trigger = match &source {
        ListSource::Parameter(name) => format!("the caller passes an empty `{name}`"),
        ListSource::Query(call) => format!("`{call}` finds no rows and returns an empty list"),
        ListSource::Call(call) => format!("`{call}` returns an empty list"),
    };
    let input = |f: Finding| match &source {
        ListSource::Parameter(name) => f.input(name.clone(), "List.of()"),
        _ => f,
    };
    let likelihood = match source {
        ListSource::Query(_) => 0.55,
        ListSource::Parameter(_) => 0.35,
        ListSource::Call(_) => 0.4,
    };
    if last {
        return Some(input(finding(
            likelihood,
            -1,
            0,
            format!("{empty_trigger}, so `{index_text}` is -1"),
            &format!("{list_text} is empty"),
        )));
    }
    match literal {
        Some(k) => Some(input(finding(
            likelihood,
            k,
            k,
            if k == 0 {
                empty_trigger
            } else {
                format!(
                    "`{list_text}` has only {}",
                    plural(k, "element", "elements")
                )
            },
            &if k == 0 {
                format!("{list_text} is empty")
            } else {
                format!("{list_text} has fewer than {} elements", k + 1)
            },
        ))),
        None => {
            let from_caller = matches!(source, ListSource::Parameter(_))
                && is_parameter(cx, index, at)
                && declared(cx, &index_text, at)
                    .is_some_and(|d| INTEGER_TYPES.contains(&cx.text(d.ty).as_str()));
            from_caller.then(|| {
                finding(
                    0.3,
                    -1,
                    3,
                    format!(
                        "the caller passes an `{index_text}` outside 0..{list_text}.size()-1 (a -1 \"not found\" marker, or size())"
                    ),
                    &format!("{index_text} is out of range"),
                )
                .input(index_text, "-1")
            })
        }
    }
}

/// What an expression's type is, as far as the file shows.
#[derive(PartialEq)]
enum Numeric {
    Integer,
    Float,
    Unknown,
}

fn numeric(cx: &FnCx, node: Node, at: usize) -> Numeric {
    let of_type = |ty: &str| {
        if INTEGER_TYPES.contains(&ty) {
            Numeric::Integer
        } else if FLOAT_TYPES.contains(&ty) {
            Numeric::Float
        } else {
            Numeric::Unknown
        }
    };
    match node.kind() {
        "decimal_integer_literal"
        | "hex_integer_literal"
        | "octal_integer_literal"
        | "binary_integer_literal" => {
            if cx.text(node).ends_with(['f', 'F', 'd', 'D']) {
                Numeric::Float
            } else {
                Numeric::Integer
            }
        }
        "decimal_floating_point_literal" | "hex_floating_point_literal" => Numeric::Float,
        "parenthesized_expression" => node
            .named_child(0)
            .map_or(Numeric::Unknown, |n| numeric(cx, n, at)),
        "cast_expression" => node
            .child_by_field_name("type")
            .map_or(Numeric::Unknown, |t| of_type(&cx.text(t))),
        "identifier" | "field_access" => {
            if node.kind() == "field_access"
                && node
                    .child_by_field_name("field")
                    .is_some_and(|f| cx.text(f) == "length")
            {
                return Numeric::Integer;
            }
            declared_expr(cx, node, at).map_or(Numeric::Unknown, |d| of_type(&cx.text(d.ty)))
        }
        "method_invocation" => {
            let name = node
                .child_by_field_name("name")
                .map(|n| cx.text(n))
                .unwrap_or_default();
            match name.as_str() {
                "size" | "length" | "count" | "intValue" | "longValue" | "getAsInt" => {
                    Numeric::Integer
                }
                "doubleValue" | "floatValue" | "getAsDouble" | "random" => Numeric::Float,
                _ => Numeric::Unknown,
            }
        }
        "binary_expression" => {
            let sides: Vec<Numeric> = [
                node.child_by_field_name("left"),
                node.child_by_field_name("right"),
            ]
            .into_iter()
            .flatten()
            .map(|n| numeric(cx, n, at))
            .collect();
            if sides.contains(&Numeric::Float) {
                Numeric::Float
            } else if sides.iter().all(|s| *s == Numeric::Integer) {
                Numeric::Integer
            } else {
                Numeric::Unknown
            }
        }
        _ => Numeric::Unknown,
    }
}

/// A `static final` field or an ALL_CAPS name: a constant.
fn is_constant(cx: &FnCx, node: Node, at: usize) -> bool {
    let text = cx.text(node);
    let name = text.rsplit('.').next().unwrap_or(&text);
    if name.len() > 1
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
    {
        return true;
    }
    declared_expr(cx, node, at).is_some_and(|d| {
        d.field && {
            let modifiers = children(d.node)
                .into_iter()
                .find(|c| c.kind() == "modifiers")
                .map(|c| cx.text(c))
                .unwrap_or_default();
            mentions(&modifiers, "final") && mentions(&modifiers, "static")
        }
    })
}

fn division(m: &Match, cx: &FnCx) -> Option<Finding> {
    let right = m.get("right")?;
    let left = m.get("left")?;
    let at = m.hazard.start_byte();
    if right.kind().ends_with("literal") || is_constant(cx, right, at) {
        return None;
    }
    // Floating-point division by zero is Infinity or NaN, not an exception.
    if numeric(cx, right, at) != Numeric::Integer || numeric(cx, left, at) != Numeric::Integer {
        return None;
    }
    let right_text = cx.text(right);
    if right_text.starts_with("Math.max(") {
        return None;
    }
    let inner = right_text
        .strip_suffix(".size()")
        .or_else(|| right_text.strip_suffix(".length()"))
        .or_else(|| right_text.strip_suffix(".length"))
        .unwrap_or(&right_text)
        .to_owned();
    if cx.caught(m.hazard, &["ArithmeticException"])
        || [&right_text, &inner]
            .iter()
            .any(|w| cx.guarded(m.hazard, &[w.as_str()]))
    {
        return None;
    }
    let collection = (inner != right_text).then_some(inner);
    let input = if is_parameter(cx, right, at) {
        Some((right_text.clone(), "0".to_owned()))
    } else {
        let empty = if right_text.ends_with(".size()") {
            "List.of()"
        } else {
            "\"\""
        };
        collection
            .as_ref()
            .filter(|c| declared(cx, c, at).is_some_and(|d| d.parameter))
            .map(|c| (c.clone(), empty.to_owned()))
    };
    division::finding(
        cx,
        Divisor {
            op: String::new(),
            text: right_text,
            collection,
            input,
        },
    )
}

/// The builder chain that starts at `start`: the method names called on it
/// and the outermost call.
fn chain<'t>(cx: &FnCx, start: Node<'t>) -> (Vec<String>, Node<'t>) {
    let mut names = Vec::new();
    let mut current = start;
    while let Some(parent) = current.parent() {
        if parent.kind() != "method_invocation"
            || parent
                .child_by_field_name("object")
                .is_none_or(|o| o.id() != current.id())
        {
            break;
        }
        if let Some(name) = parent.child_by_field_name("name") {
            names.push(cx.text(name));
        }
        current = parent;
    }
    (names, current)
}

fn http_client_no_timeout(m: &Match, cx: &FnCx) -> Option<Finding> {
    let method = cx.text(m.get("method")?);
    let (names, _) = chain(cx, m.hazard);
    if names.iter().any(|n| n == "connectTimeout") {
        return None;
    }
    // A builder kept in a variable and configured later.
    if method == "newBuilder" && !names.iter().any(|n| n == "build") {
        let body = cx.text(cx.node);
        if body.contains(".connectTimeout(") {
            return None;
        }
    }
    Some(Finding::new(
        FailureClass::Timeout,
        0.4,
        "java.net.ConnectException",
        "java.net.ConnectException: Connection timed out",
        "the host does not answer the TCP handshake (a firewall that drops packets, a dead node still in DNS); with no connectTimeout the call waits for the operating system to give up, about two minutes on Linux",
        format!(
            "Predicted two-minute stall, then ConnectException, from HttpClient.{method}(): no connectTimeout"
        ),
    ))
}

fn http_request_no_timeout(m: &Match, cx: &FnCx) -> Option<Finding> {
    let (names, _) = chain(cx, m.hazard);
    if names.iter().any(|n| n == "timeout") {
        return None;
    }
    let body = cx.text(cx.node);
    if !names.iter().any(|n| n == "build") && body.contains(".timeout(") {
        return None;
    }
    // A future bounded where the request is sent.
    if body.contains(".orTimeout(") || body.contains(".completeOnTimeout(") {
        return None;
    }
    Some(Finding::new(
        FailureClass::Timeout,
        0.45,
        "java.lang.Thread.State",
        "java.lang.Thread.State: WAITING (parking)",
        "the server accepts the request but never answers (a stalled upstream, a half-open connection after a failover); with no request timeout HttpClient.send() never returns, and a thread dump shows the thread parked in HttpClientImpl.send",
        "Predicted hang in HttpClient.send() when the upstream stalls: the request has no timeout",
    ))
}

fn shared_date_format(m: &Match, cx: &FnCx) -> Option<Finding> {
    let object = m.get("object")?;
    let method = cx.text(m.get("method")?);
    let name = match object.kind() {
        "identifier" => cx.text(object),
        "field_access" => cx.text(object.child_by_field_name("field")?),
        _ => return None,
    };
    let d = field(cx, &name)?;
    if !matches!(erased(&cx.text(d.ty)), "SimpleDateFormat" | "DateFormat") {
        return None;
    }
    let modifiers = children(d.node)
        .into_iter()
        .find(|c| c.kind() == "modifiers")
        .map(|c| cx.text(c))
        .unwrap_or_default();
    if !mentions(&modifiers, "static") {
        return None;
    }
    // A local of the same name shadows the field.
    if declared(cx, &name, m.hazard.start_byte()).is_some_and(|l| !l.field) {
        return None;
    }
    let method_modifiers = children(cx.node)
        .into_iter()
        .find(|c| c.kind() == "modifiers")
        .map(|c| cx.text(c))
        .unwrap_or_default();
    if mentions(&method_modifiers, "synchronized") {
        return None;
    }
    let mut current = m.hazard;
    while let Some(parent) = current.parent() {
        if parent.id() == cx.node.id() {
            break;
        }
        if parent.kind() == "synchronized_statement" {
            return None;
        }
        current = parent;
    }
    let trigger = format!(
        "two threads (two requests on a server) call `{name}.{method}` at the same time: SimpleDateFormat keeps its working state in fields, so the calls corrupt each other"
    );
    if method == "parse" {
        Some(Finding::new(
            FailureClass::RaceCondition,
            0.45,
            "java.lang.NumberFormatException",
            "java.lang.NumberFormatException: multiple points",
            format!("{trigger} (other runs return a wrong date without an exception)"),
            format!(
                "Predicted NumberFormatException or wrong dates: static SimpleDateFormat {name} shared across threads"
            ),
        ))
    } else {
        Some(Finding::new(
            FailureClass::RaceCondition,
            0.35,
            "wrong result",
            "wrong result: format() returned \"2024-08-01\" for 2024-08-15 (no exception)",
            trigger,
            format!(
                "Predicted wrong dates from static SimpleDateFormat {name} shared across threads"
            ),
        ))
    }
}

fn concurrent_modification(m: &Match, cx: &FnCx) -> Option<Finding> {
    let collection = m.get("collection")?;
    let body = m.get("body")?;
    let at = m.hazard.start_byte();
    let collection_text = cx.text(collection);
    // `map.keySet()`, `map.values()`, `map.entrySet()` iterate the map.
    let (root, is_view) = match collection_text
        .strip_suffix(".keySet()")
        .or_else(|| collection_text.strip_suffix(".values()"))
        .or_else(|| collection_text.strip_suffix(".entrySet()"))
    {
        Some(root) => (root.to_owned(), true),
        None => (collection_text.clone(), false),
    };
    if let Some(d) = (collection.kind() == "identifier" || collection.kind() == "field_access")
        .then(|| declared_expr(cx, collection, at))
        .flatten()
        .or_else(|| declared(cx, &root, at))
    {
        // `List<T> xs = new CopyOnWriteArrayList<>()`: the made type counts.
        let made = d
            .value
            .filter(|v| v.kind() == "object_creation_expression")
            .and_then(|v| v.child_by_field_name("type"))
            .map(|t| cx.text(t))
            .unwrap_or_default();
        let concurrent = [type_text(cx, &d), made].iter().any(|t| {
            let ty = erased(t);
            ty.starts_with("CopyOnWrite") || ty.starts_with("Concurrent")
        });
        if concurrent {
            return None;
        }
    }
    let modifying: &[&str] = if is_view {
        // `put` of a key being iterated replaces a value: no structural change.
        &["remove", "clear"]
    } else {
        &[
            "remove",
            "add",
            "addAll",
            "removeAll",
            "retainAll",
            "clear",
            "removeIf",
        ]
    };
    let call = descendants(body).into_iter().find(|n| {
        n.kind() == "method_invocation"
            && n.child_by_field_name("object")
                .is_some_and(|o| cx.text(o) == root)
            && n.child_by_field_name("name")
                .is_some_and(|name| modifying.contains(&cx.text(name).as_str()))
            && !inside_lambda_or_class(*n, body)
    })?;
    let statement = {
        let mut current = call;
        while let Some(parent) = current.parent() {
            if parent.kind() == "block" || parent.id() == body.id() {
                break;
            }
            current = parent;
        }
        current
    };
    // Leaving the loop after the change, before the next iteration, is safe.
    let leaves = statement.kind() == "return_statement" || {
        let mut next = statement.next_named_sibling();
        let mut found = false;
        while let Some(n) = next {
            if matches!(
                n.kind(),
                "break_statement" | "return_statement" | "throw_statement"
            ) {
                found = true;
                break;
            }
            next = n.next_named_sibling();
        }
        found
    };
    if leaves || cx.caught(m.hazard, &["ConcurrentModificationException"]) {
        return None;
    }
    // Conditional when anything between the loop body and the call decides.
    let mut conditional = false;
    let mut current = call;
    while let Some(parent) = current.parent() {
        if parent.id() == body.id() {
            break;
        }
        if matches!(
            parent.kind(),
            "if_statement"
                | "switch_expression"
                | "switch_block_statement_group"
                | "ternary_expression"
                | "catch_clause"
                | "while_statement"
                | "for_statement"
        ) {
            conditional = true;
        }
        current = parent;
    }
    let call_name = call
        .child_by_field_name("name")
        .map(|n| cx.text(n))
        .unwrap_or_default();
    let change = format!("{root}.{call_name}()");
    // Not a race: one thread breaks its own iterator.
    let finding = Finding::new(
        FailureClass::Other,
        if conditional { 0.5 } else { 0.8 },
        "java.util.ConcurrentModificationException",
        "java.util.ConcurrentModificationException",
        if conditional {
            format!(
                "the condition holds for an element that is not the last one: `{change}` changes `{root}` while the for-each iterates it, and the iterator's next() throws"
            )
        } else {
            format!(
                "every run with two or more elements: `{change}` changes `{root}` while the for-each iterates it, and the iterator's next() throws"
            )
        },
        format!("Predicted ConcurrentModificationException: {change} inside a for-each over {}", one_line(&collection_text, 30)),
    )
    // The iterator throws in the loop header, where the stack trace points.
    .at(collection.byte_range());
    Some(if conditional {
        finding
    } else {
        finding.manifest()
    })
}

/// Whether `node` sits in a lambda or anonymous class inside `scope`, which
/// may run later and elsewhere.
fn inside_lambda_or_class(node: Node, scope: Node) -> bool {
    let mut current = node;
    while let Some(parent) = current.parent() {
        if parent.id() == scope.id() {
            return false;
        }
        if matches!(parent.kind(), "lambda_expression" | "class_body") {
            return true;
        }
        current = parent;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::{erased, type_arguments};

    #[test]
    fn generic_types() {
        assert_eq!(erased("Map<String, List<User>>"), "Map");
        assert_eq!(erased("java.util.HashMap<K, V>"), "HashMap");
        assert_eq!(erased("String[]"), "String");
        assert_eq!(
            type_arguments("Map<String, List<User>>"),
            vec!["String".to_owned(), "List<User>".to_owned()]
        );
    }
}
