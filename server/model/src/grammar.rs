//! The answer schema as a GBNF grammar for llama.cpp's grammar sampler.
//!
//! llama.cpp has a JSON Schema converter, but in its `common` library, which
//! is half of the compiler time of llama.cpp's build (163 of 345 s on one
//! core) and of which failcast used nothing else. This module writes the
//! grammar itself for the part of JSON Schema that [`crate::prompt::schema`]
//! uses: closed objects whose properties are all required, arrays with item
//! bounds, enums, and strings with length bounds. It writes what llama.cpp's
//! converter wrote for them, rule for rule (names, order, repetition syntax;
//! the fixtures in `tests/fixtures/grammar/` are that converter's output), so
//! the model is held to exactly the same answers. Anything else in a schema
//! is an error rather than a grammar that allows something else.
//!
//! One difference is deliberate and was applied to the converter's output
//! before: JSON whitespace is at most one space. The converter's `space`
//! allows newlines and indentation, which a small model happily spends a
//! third of its tokens on.

use std::collections::BTreeMap;

use serde_json::Value;

/// Whitespace between JSON tokens: at most one space.
const SPACE: &str = r#"" "?"#;
/// One character of a JSON string, escapes included.
const CHAR: &str = r#"[^"\\\x7F\x00-\x1F] | [\\] (["\\bfnrt] | "u" [0-9a-fA-F]{4})"#;
/// Names the converter keeps for its own rules; a schema name that is one
/// gets a `-` appended.
const RESERVED: &[&str] = &[
    "root",
    "boolean",
    "decimal-part",
    "integral-part",
    "number",
    "integer",
    "value",
    "object",
    "array",
    "uuid",
    "char",
    "string",
    "null",
    "date",
    "time",
    "date-time",
    "date-string",
    "time-string",
    "date-time-string",
];

/// The grammar of answers to `schema`, its start rule `root`.
pub(crate) fn from_schema(schema: &Value) -> Result<String, String> {
    let mut rules = Rules::default();
    rules.add("space", SPACE);
    rules.visit(schema, "")?;
    Ok(rules
        .0
        .iter()
        .map(|(name, rule)| format!("{name} ::= {rule}"))
        .collect::<Vec<_>>()
        .join("\n"))
}

/// Rules by name; written out in name order, as the converter does.
#[derive(Default)]
struct Rules(BTreeMap<String, String>);

impl Rules {
    /// Adds `rule` as `name`, or under `name` with a number when another
    /// rule already has that name, and returns the name it got.
    fn add(&mut self, name: &str, rule: &str) -> String {
        // Each run of characters a rule name cannot have becomes one `-`.
        let mut valid = String::with_capacity(name.len());
        let mut in_run = false;
        for c in name.chars() {
            let allowed = c.is_ascii_alphanumeric() || c == '-';
            if allowed {
                valid.push(c);
            } else if !in_run {
                valid.push('-');
            }
            in_run = !allowed;
        }
        let name = valid;
        let taken_by_other = |n: &str| self.0.get(n).is_some_and(|r| r != rule);
        let name = if !taken_by_other(&name) {
            name
        } else {
            (0..)
                .map(|i| format!("{name}{i}"))
                .find(|n| !taken_by_other(n))
                .expect("some numbered name is free")
        };
        self.0.insert(name.clone(), rule.to_owned());
        name
    }

    /// Adds the rules for `schema` under `name` (the empty name is the
    /// root) and returns the name of its rule.
    fn visit(&mut self, schema: &Value, name: &str) -> Result<String, String> {
        let rule_name = if RESERVED.contains(&name) {
            format!("{name}-")
        } else if name.is_empty() {
            "root".to_owned()
        } else {
            name.to_owned()
        };
        let sub_name = if name.is_empty() {
            String::new()
        } else {
            format!("{name}-")
        };
        if let Some(values) = schema.get("enum") {
            let values = values.as_array().ok_or("`enum` is not an array")?;
            let alternatives: Vec<String> =
                values.iter().map(|v| literal(&v.to_string())).collect();
            return Ok(self.add(&rule_name, &format!("({})", alternatives.join(" | "))));
        }
        match schema.get("type").and_then(Value::as_str) {
            Some("object") => {
                let rule = self.object(schema, &sub_name)?;
                Ok(self.add(&rule_name, &rule))
            }
            Some("array") => {
                let items = schema.get("items").ok_or("an array without `items`")?;
                let item = self.visit(items, &format!("{sub_name}item"))?;
                let min = bound(schema, "minItems")?.unwrap_or(0);
                let max = bound(schema, "maxItems")?;
                let rule = format!(
                    r#""[" space {} space "]""#,
                    repetition(&item, min, max, r#""," space"#)
                );
                Ok(self.add(&rule_name, &rule))
            }
            Some("string") => {
                let min = bound(schema, "minLength")?;
                let max = bound(schema, "maxLength")?;
                if min.is_none() && max.is_none() {
                    return Err("a string without length bounds".to_owned());
                }
                let char = self.add("char", CHAR);
                let rule = format!(
                    r#""\"" {} "\"""#,
                    repetition(&char, min.unwrap_or(0), max, "")
                );
                Ok(self.add(&rule_name, &rule))
            }
            other => Err(format!("unsupported schema type {other:?}")),
        }
    }

    /// An object's rule: its properties in schema order, each required,
    /// nothing else.
    fn object(&mut self, schema: &Value, sub_name: &str) -> Result<String, String> {
        if schema.get("additionalProperties") != Some(&Value::Bool(false)) {
            return Err("an object that allows other properties".to_owned());
        }
        let properties = match schema.get("properties") {
            Some(Value::Object(properties)) => properties,
            _ => return Err("an object without `properties`".to_owned()),
        };
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|names| names.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut pairs = Vec::new();
        for (property, property_schema) in properties {
            if !required.contains(&property.as_str()) {
                return Err(format!("optional property {property:?}"));
            }
            let value = self.visit(property_schema, &format!("{sub_name}{property}"))?;
            let key = literal(&Value::String(property.clone()).to_string());
            pairs.push(self.add(
                &format!("{sub_name}{property}-kv"),
                &format!(r#"{key} space ":" space {value}"#),
            ));
        }
        if pairs.is_empty() {
            return Ok(r#""{" space "}""#.to_owned());
        }
        Ok(format!(
            r#""{{" space {} space "}}""#,
            pairs.join(r#" "," space "#)
        ))
    }
}

/// A non-negative integer keyword of `schema`, if present.
fn bound(schema: &Value, keyword: &str) -> Result<Option<usize>, String> {
    schema
        .get(keyword)
        .map(|v| {
            v.as_u64()
                .and_then(|n| usize::try_from(n).ok())
                .ok_or_else(|| format!("`{keyword}` is not a count"))
        })
        .transpose()
}

/// `item` from `min` to `max` times (`None`: no limit), with `separator`
/// between items when it is not empty.
fn repetition(item: &str, min: usize, max: Option<usize>, separator: &str) -> String {
    if max == Some(0) {
        return String::new();
    }
    if min == 0 && max == Some(1) {
        return format!("{item}?");
    }
    if separator.is_empty() {
        return match (min, max) {
            (1, None) => format!("{item}+"),
            (0, None) => format!("{item}*"),
            (min, Some(max)) => format!("{item}{{{min},{max}}}"),
            (min, None) => format!("{item}{{{min},}}"),
        };
    }
    let rest = repetition(
        &format!("({separator} {item})"),
        min.saturating_sub(1),
        max.map(|max| max - 1),
        "",
    );
    let items = format!("{item} {rest}");
    if min == 0 {
        format!("({items})?")
    } else {
        items
    }
}

/// `text` as a GBNF string literal.
fn literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("\\n"),
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prompt::schema_with;

    /// What llama.cpp 0.1.160's `json_schema_to_grammar` wrote for the
    /// answer schema of these lines, its `space` rule replaced by ours, when
    /// an answer held up to three scenarios (llama.cpp's converter is in
    /// its `common` library, which failcast no longer builds; one scenario
    /// is the same rules with the repetition `repetitions_are_written_as_
    /// the_converter_writes_them` checks).
    fn schema(lines: &[usize]) -> serde_json::Value {
        schema_with(lines, 3)
    }
    const CONVERTER_OUTPUT: &[(&[usize], &str)] = &[
        (&[3, 1, 2], include_str!("../tests/fixtures/grammar/0.gbnf")),
        (&[1], include_str!("../tests/fixtures/grammar/1.gbnf")),
        (
            &[10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20],
            include_str!("../tests/fixtures/grammar/2.gbnf"),
        ),
        (
            &[7, 120, 1024],
            include_str!("../tests/fixtures/grammar/3.gbnf"),
        ),
    ];

    #[test]
    fn answer_grammars_are_the_ones_llama_cpp_wrote() {
        for (lines, expected) in CONVERTER_OUTPUT {
            assert_eq!(from_schema(&schema(lines)).unwrap(), *expected, "{lines:?}");
        }
        let lines: Vec<usize> = (1..=60).collect();
        assert_eq!(
            from_schema(&schema(&lines)).unwrap(),
            include_str!("../tests/fixtures/grammar/4.gbnf")
        );
    }

    #[test]
    fn repetitions_are_written_as_the_converter_writes_them() {
        assert_eq!(repetition("x", 0, Some(1), ""), "x?");
        assert_eq!(repetition("x", 1, None, ""), "x+");
        assert_eq!(repetition("x", 0, None, ""), "x*");
        assert_eq!(repetition("x", 2, Some(5), ""), "x{2,5}");
        assert_eq!(repetition("x", 0, Some(0), ""), "");
        assert_eq!(repetition("x", 1, Some(3), "\",\""), "x (\",\" x){0,2}");
        assert_eq!(repetition("x", 1, Some(1), "\",\""), "x ");
        assert_eq!(repetition("x", 0, None, "\",\""), "(x (\",\" x)*)?");
    }

    #[test]
    fn what_the_grammar_cannot_hold_to_is_an_error() {
        let open = serde_json::json!({"type": "object", "properties": {}});
        assert!(from_schema(&open).is_err());
        let optional = serde_json::json!({
            "type": "object", "additionalProperties": false,
            "properties": {"a": {"enum": [1]}}, "required": []
        });
        assert!(from_schema(&optional).is_err());
        let unbounded = serde_json::json!({"type": "string"});
        assert!(from_schema(&unbounded).is_err());
        assert!(from_schema(&serde_json::json!({"type": "number"})).is_err());
    }

    #[test]
    fn literals_escape_what_gbnf_needs() {
        assert_eq!(literal("a\"b\\c\nd\re"), r#""a\"b\\c\nd\re""#);
    }
}
