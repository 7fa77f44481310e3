//! Trigger values written as literals of the test's language: a Python
//! dict, a JavaScript object, a Go struct literal of the parameter's type,
//! a Java `Map.of`, a Rust slice. Typed languages follow the declared type
//! and give up (`None`) where the value does not fit it.

use super::trigger::Value;

/// JSON text of a value (what a decoder receives).
pub fn json(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Num(n) => n.to_string(),
        Value::Text(text) => quoted(text),
        Value::Obj(entries, _) => {
            let inner: Vec<String> = entries
                .iter()
                .map(|(k, v)| format!("{}: {}", quoted(k), json(v)))
                .collect();
            format!("{{{}}}", inner.join(", "))
        }
        Value::List(items, _) => {
            let inner: Vec<String> = items.iter().map(json).collect();
            format!("[{}]", inner.join(", "))
        }
        Value::Json(inner) | Value::File(inner) => quoted(&json(inner)),
        Value::Some(inner) => json(inner),
        Value::Neutral => "1".to_owned(),
    }
}

/// The text a decoder or a file reader receives.
pub fn text(value: &Value) -> String {
    match value {
        Value::Text(text) => text.clone(),
        Value::Json(inner) => json(inner),
        Value::Neutral => "{}".to_owned(),
        other => json(other),
    }
}

/// A double-quoted string literal, valid in JSON, Python, JavaScript, Go,
/// Java and Rust for the printable ASCII the triggers use.
pub fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".to_owned())
}

/// A Python single-quoted literal (JSON text reads better without escapes).
fn python_str(text: &str) -> String {
    if !text.contains('\'') && !text.contains('\\') && !text.contains('\n') {
        format!("'{text}'")
    } else {
        quoted(text)
    }
}

pub fn python(value: &Value) -> String {
    match value {
        Value::Null => "None".to_owned(),
        Value::Num(n) => n.to_string(),
        Value::Text(text) => python_str(text),
        Value::Obj(entries, _) => {
            let inner: Vec<String> = entries
                .iter()
                .map(|(k, v)| format!("{}: {}", python_str(k), python(v)))
                .collect();
            format!("{{{}}}", inner.join(", "))
        }
        Value::List(items, _) => {
            let inner: Vec<String> = items.iter().map(python).collect();
            format!("[{}]", inner.join(", "))
        }
        Value::Json(_) => python_str(&text(value)),
        Value::File(inner) => python_str(&text(inner)),
        Value::Some(inner) => python(inner),
        Value::Neutral => "1".to_owned(),
    }
}

pub fn ecma(value: &Value) -> String {
    match value {
        Value::Null => "undefined".to_owned(),
        Value::Num(n) => n.to_string(),
        Value::Text(text) => js_str(text),
        Value::Obj(entries, _) => {
            if entries.is_empty() {
                return "{}".to_owned();
            }
            let inner: Vec<String> = entries
                .iter()
                .map(|(k, v)| format!("{}: {}", js_str(k), ecma(v)))
                .collect();
            format!("{{ {} }}", inner.join(", "))
        }
        Value::List(items, _) => {
            let inner: Vec<String> = items.iter().map(ecma).collect();
            format!("[{}]", inner.join(", "))
        }
        Value::Json(_) => js_str(&text(value)),
        Value::File(inner) => js_str(&text(inner)),
        Value::Some(inner) => ecma(inner),
        Value::Neutral => "1".to_owned(),
    }
}

fn js_str(text: &str) -> String {
    format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// A Go literal of type `ty` (as written in the signature).
pub fn go(value: &Value, ty: &str) -> Option<String> {
    let ty = ty.trim();
    Some(match value {
        Value::Null if ty.starts_with('*') || ty.starts_with("[]") || ty.starts_with("map[") => {
            "nil".to_owned()
        }
        Value::Num(n) if is_go_number(ty) => n.to_string(),
        Value::Text(text) if ty == "string" || ty.is_empty() => quoted(text),
        Value::Json(_) if ty == "string" => quoted(&self::text(value)),
        Value::Json(_) if ty == "[]byte" => format!("[]byte({})", quoted(&self::text(value))),
        Value::List(items, _) if items.is_empty() && (ty.starts_with("[]") || ty.is_empty()) => {
            "nil".to_owned()
        }
        Value::Obj(entries, _) if ty.starts_with("map[") => {
            let (key, element) = ty.strip_prefix("map[")?.split_once(']')?;
            let inner: Option<Vec<String>> = entries
                .iter()
                .map(|(k, v)| {
                    Some(format!(
                        "{}: {}",
                        go(&Value::Text(k.clone()), key)?,
                        go(v, element)?
                    ))
                })
                .collect();
            format!("{ty}{{{}}}", inner?.join(", "))
        }
        // A struct of the package: its fields by name, the rest zero.
        Value::Obj(entries, _) => {
            let (pointer, name) = match ty.strip_prefix('*') {
                Some(name) => ("&", name),
                None => ("", ty),
            };
            if !name.chars().all(|c| c.is_alphanumeric() || c == '_') || name.is_empty() {
                return None;
            }
            let inner: Option<Vec<String>> = entries
                .iter()
                .filter(|(_, v)| *v != Value::Neutral)
                .map(|(k, v)| Some(format!("{k}: {}", go(v, "")?)))
                .collect();
            format!("{pointer}{name}{{{}}}", inner?.join(", "))
        }
        Value::Neutral => return None,
        _ => return None,
    })
}

fn is_go_number(ty: &str) -> bool {
    ty.is_empty()
        || [
            "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32",
            "uint64", "float32", "float64",
        ]
        .contains(&ty)
}

/// A Java expression of type `ty`; collections are fully qualified so the
/// test needs no imports.
pub fn java(value: &Value, ty: &str) -> Option<String> {
    let ty = ty.trim();
    let base = ty.split('<').next().unwrap_or(ty).trim();
    Some(match value {
        Value::Null if !is_java_primitive(ty) => "null".to_owned(),
        Value::Num(n) if matches!(base, "int" | "long" | "short" | "Integer" | "Long") => {
            n.to_string()
        }
        Value::Num(n) if matches!(base, "double" | "float" | "Double" | "Float") => {
            format!("{n}.0")
        }
        Value::Text(text) if matches!(base, "String" | "CharSequence" | "Object") => quoted(text),
        Value::Json(_) if base == "String" => quoted(&self::text(value)),
        Value::List(items, _)
            if matches!(base, "List" | "Collection" | "Iterable") && items.is_empty() =>
        {
            "java.util.List.of()".to_owned()
        }
        Value::Obj(entries, _) if base == "Map" && entries.len() <= 10 => {
            let (key_ty, value_ty) = type_arguments(ty)?;
            let inner: Option<Vec<String>> = entries
                .iter()
                .map(|(k, v)| {
                    let v = match v {
                        Value::Neutral => Value::Text("x".to_owned()),
                        other => other.clone(),
                    };
                    Some(format!(
                        "{}, {}",
                        java(&Value::Text(k.clone()), &key_ty)?,
                        java(&v, &value_ty)?
                    ))
                })
                .collect();
            format!("java.util.Map.of({})", inner?.join(", "))
        }
        _ => return None,
    })
}

fn is_java_primitive(ty: &str) -> bool {
    [
        "int", "long", "short", "byte", "double", "float", "boolean", "char",
    ]
    .contains(&ty)
}

/// `Map<String, String>` → (`String`, `String`).
fn type_arguments(ty: &str) -> Option<(String, String)> {
    let inner = ty.split_once('<')?.1.strip_suffix('>')?;
    let (key, value) = inner.split_once(',')?;
    Some((key.trim().to_owned(), value.trim().to_owned()))
}

/// A Rust expression of type `ty` (references borrow a temporary).
pub fn rust(value: &Value, ty: &str) -> Option<String> {
    let ty = ty.trim();
    if let Some(inner) = ty.strip_prefix('&') {
        let inner = inner.trim_start_matches("mut ").trim();
        if inner == "str" {
            return match value {
                Value::Text(text) => Some(quoted(text)),
                Value::Json(_) => Some(quoted(&self::text(value))),
                _ => None,
            };
        }
        if inner.starts_with('[') {
            return match value {
                Value::List(items, _) if items.is_empty() => Some("&[]".to_owned()),
                _ => None,
            };
        }
        return rust(value, inner).map(|v| format!("&{v}"));
    }
    let generic = |name: &str| {
        ty.strip_prefix(name)
            .and_then(|t| t.strip_prefix('<'))
            .and_then(|t| t.strip_suffix('>'))
    };
    Some(match value {
        Value::Null if generic("Option").is_some() => "None".to_owned(),
        Value::Some(inner) => format!("Some({})", rust(inner, generic("Option")?)?),
        Value::Num(n)
            if [
                "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64", "i128",
                "isize",
            ]
            .contains(&ty) =>
        {
            n.to_string()
        }
        Value::Num(n) if ty == "f64" || ty == "f32" => format!("{n}.0"),
        Value::Text(text) if ty == "String" => format!("String::from({})", quoted(text)),
        Value::Json(_) if ty == "String" => format!("String::from({})", quoted(&self::text(value))),
        Value::List(items, _) if items.is_empty() && generic("Vec").is_some() => {
            "vec![]".to_owned()
        }
        Value::Obj(entries, _)
            if entries.is_empty()
                && (ty.starts_with("HashMap<") || ty.starts_with("BTreeMap<")) =>
        {
            "Default::default()".to_owned()
        }
        _ => return None,
    })
}
