//! A function of the file that returns dicts of different shapes: `return
//! {"unknown-deliverability": "timeout"}` when the DNS query times out,
//! `return {"mx": mtas, "mx-fallback": fallback}` otherwise. A caller
//! that reads `info["mx"]` from its result without asking which shape it
//! got raises KeyError on the path that left the key out. Read once per
//! file from the text of its functions; Python only, where the subscript
//! itself raises.

use super::*;

/// The keys a dict literal spells at its top level (`{"mx": a, 'b': c}`
/// → `mx`, `b`); `None` when the literal unpacks another (`**rest`),
/// whose keys no one can list.
fn literal_keys(literal: &str) -> Option<Vec<String>> {
    let inner = literal.strip_prefix('{')?.strip_suffix('}')?;
    let mut keys = Vec::new();
    let mut depth = 0i32;
    let mut at_entry = true;
    let mut chars = inner.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            ',' if depth == 0 => at_entry = true,
            // A comment to the end of its line.
            '#' => while chars.next_if(|&(_, c)| c != '\n').is_some() {},
            '*' if depth == 0 && at_entry => return None,
            '"' | '\'' if depth == 0 && at_entry => {
                let rest = &inner[i + 1..];
                let end = rest.find(c)?;
                let after = rest[end + 1..].trim_start();
                if after.starts_with(':') {
                    keys.push(rest[..end].to_owned());
                }
                // Skip the string's text and the key's quote.
                for _ in 0..rest[..=end].chars().count() {
                    chars.next();
                }
                at_entry = false;
            }
            c if !c.is_whitespace() => at_entry = false,
            _ => {}
        }
    }
    Some(keys)
}

/// The dict literal that starts at the `{` at byte `open` of `text`,
/// through its matching `}`.
fn braced(text: &str, open: usize) -> Option<&str> {
    let mut depth = 0;
    for (i, c) in text[open..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(&text[open..=open + i]);
                }
            }
            _ => {}
        }
    }
    None
}

/// Functions of the file (by short name) that return dict literals of
/// more than one shape, each with the keys some of those literals lack.
pub(super) fn partial_keys(
    language: Language,
    text: &str,
    index: &FunctionIndex,
) -> Vec<(String, Vec<String>)> {
    if language != Language::Python {
        return Vec::new();
    }
    // One pass over the file: each `return {` belongs to the innermost
    // function holding it.
    let mut shapes: Vec<(&str, Option<Vec<Vec<String>>>)> = Vec::new();
    for (at, _) in text.match_indices("return {") {
        let Some(function) = index.function_at(at) else {
            continue;
        };
        let keys = braced(text, at + "return ".len()).and_then(literal_keys);
        let entry = match shapes.iter_mut().find(|(id, _)| *id == function.id) {
            Some(entry) => entry,
            None => {
                shapes.push((&function.id, Some(Vec::new())));
                shapes.last_mut().expect("just pushed")
            }
        };
        // A literal no one can list the keys of says nothing of the shapes.
        match (&mut entry.1, keys) {
            (Some(known), Some(keys)) => known.push(keys),
            (known, _) => *known = None,
        }
    }
    let mut found = Vec::new();
    for (id, shapes) in shapes {
        let Some(shapes) = shapes.filter(|s| s.len() >= 2) else {
            continue;
        };
        let mut missing: Vec<String> = Vec::new();
        for shape in &shapes {
            for key in shape {
                if shapes.iter().any(|s| !s.contains(key)) && !missing.contains(key) {
                    missing.push(key.clone());
                }
            }
        }
        if !missing.is_empty()
            && let Some(function) = index.by_id(id)
        {
            found.push((function.name.clone(), missing));
        }
    }
    found
}

impl Scan<'_, '_, '_> {
    /// `info["mx"]` where `info` holds what a function of the file
    /// returns, and one of its returns has no `mx`.
    pub(super) fn returned_without_key(&mut self, node: Node, object: &str, key: &str) -> bool {
        let object = object.trim();
        let Some(callee) = self
            .call_assigned
            .iter()
            .rev()
            .find(|(name, _)| name == object)
            .map(|(_, callee)| callee.rsplit('.').next().unwrap_or(callee).to_owned())
        else {
            return false;
        };
        let partial = self
            .returned_shapes
            .iter()
            .any(|(function, keys)| *function == callee && keys.iter().any(|k| k == key));
        if !partial
            || guarded(
                self.cx.language,
                node,
                self.cx.node,
                self.cx.rope,
                &[object],
            )
            || self.caught_here(node, KeyMissing)
        {
            return false;
        }
        let trigger = format!(
            "`{callee}` returns a dict without \"{key}\" on one of its paths, and this is read as if it always has it"
        );
        self.add(node, KeyMissing, 0.13, &trigger);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::literal_keys;

    #[test]
    fn keys_of_a_literal() {
        assert_eq!(
            literal_keys("{\"mx\": mtas, 'mx-fallback': f(a, {\"x\": 1})}").unwrap(),
            ["mx", "mx-fallback"]
        );
        assert_eq!(literal_keys("{**base, \"a\": 1}"), None);
        assert_eq!(literal_keys("{}").unwrap(), Vec::<String>::new());
        assert_eq!(
            literal_keys("{\n  \"a\": None,  # no form\n  \"b\": True,\n}").unwrap(),
            ["a", "b"]
        );
    }
}
