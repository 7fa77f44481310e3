//! `java.map-get-deref`, `java.map-get-var`: `Map.get` results dereferenced or
//! unboxed with no check, a NullPointerException when the key is missing.

use super::*;

pub(super) const PRIMITIVES: &[(&str, &str)] = &[
    ("int", "java.lang.Integer.intValue()"),
    ("long", "java.lang.Long.longValue()"),
    ("double", "java.lang.Double.doubleValue()"),
    ("float", "java.lang.Float.floatValue()"),
    ("boolean", "java.lang.Boolean.booleanValue()"),
    ("short", "java.lang.Short.shortValue()"),
    ("byte", "java.lang.Byte.byteValue()"),
    ("char", "java.lang.Character.charValue()"),
];

pub(super) const NPE_ERRORS: &[&str] = &["NullPointerException"];

/// The top-level type arguments of a generic type: `Map<K, List<V>>` → `[K, List<V>]`.
pub(super) fn type_arguments(ty: &str) -> Vec<String> {
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

pub(super) fn is_map_type(ty: &str) -> bool {
    let name = erased(ty);
    name.ends_with("Map") && name != "BitMap" || name == "Hashtable"
}

/// The map's declared type, if `expr` is known to be a map.
pub(super) fn map_type(cx: &FnCx, expr: Node, at: usize) -> Option<String> {
    if cx.text(expr) == "System.getenv()" {
        return Some("Map<String, String>".to_owned());
    }
    let d = declared_expr(cx, expr, at)?;
    let ty = type_text(cx, &d);
    is_map_type(&ty).then_some(ty)
}

/// The fully qualified name the JDK prints for a type in messages: `String`
/// and `Object` bare, everything else with its package.
pub(super) fn qualified(cx: &FnCx, ty: &str) -> String {
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
    let file = cx.file_text();
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
pub(super) fn method_descriptor(
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
pub(super) fn filled_before(
    cx: &FnCx,
    map: &str,
    key: &str,
    at: usize,
    decl: Option<&Declared>,
) -> bool {
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
pub(super) fn map_get_name(cx: &FnCx, map_ty: &str) -> String {
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
pub(super) fn missing_key(map: &str, key: &str) -> String {
    let key = one_line(key, 30);
    if map == "System.getenv()" {
        format!("the environment variable {key} is not set where this runs, so get() returns null")
    } else {
        format!(
            "`{map}` has no entry for `{key}` (an unknown or deleted id, a setting nobody configured), so get() returns null"
        )
    }
}

pub(super) fn map_get_deref(m: &Match, cx: &FnCx) -> Option<Finding> {
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

pub(super) fn map_get_var(m: &Match, cx: &FnCx) -> Option<Finding> {
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
