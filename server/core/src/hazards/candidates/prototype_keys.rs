//! A plain object used as a map, looked up with a key from the data and
//! the result called: `const method = this.methods[split[1]];
//! method.resolveNoCheck(did)`. Every object inherits `toString`,
//! `constructor`, `hasOwnProperty` and `__proto__`, so a key that names one
//! (a forged identifier, a tool name a model made up, a CSV header) finds
//! a function of `Object.prototype`, which a truthiness check lets
//! through: `TypeError: method.resolveNoCheck is not a function`. The
//! fixes use a `Map`, `Object.create(null)` or an own-property check
//! (`Object.hasOwn`, `hasOwnProperty`), which are the guards.

use super::*;
use crate::hazards::guards;

const TRIGGER: &str = "the key comes from the data and names a member every object inherits (toString, constructor, __proto__), so the lookup finds Object.prototype's function, not an entry";

impl Scan<'_, '_, '_> {
    pub(super) fn prototype_key(&mut self, node: Node, callee: &str) {
        if !matches!(
            self.cx.language,
            Language::JavaScript | Language::TypeScript | Language::Tsx
        ) {
            return;
        }
        let receiver = callee.rsplit_once('.').map_or(callee, |(r, _)| r).trim();
        if receiver.is_empty()
            || !receiver
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '_' | '$'))
        {
            return;
        }
        let Some((object, key)) = looked_up(self.before(node), receiver) else {
            return;
        };
        if self.body.contains("hasOwn") || self.body.contains("Object.create(null)") {
            return;
        }
        let field = object.rsplit('.').next().unwrap_or(object);
        if !self.plain_object(field) {
            return;
        }
        // A key checked against a list or a set first is one of its entries.
        let checked = |text: &str| {
            guards::mentions(text, key)
                && (text.contains(".has(")
                    || text.contains(".includes(")
                    || text.contains("hasOwn"))
        };
        if guards::guarded_by(self.cx.language, node, self.cx.node, self.cx.rope, &checked) {
            return;
        }
        self.add(node, TypeError, 0.06, TRIGGER);
    }

    /// Whether the file makes `field` a plain object (`this.methods = {`,
    /// `const byName: Record<string, F> = {}`) and never a prototype-less
    /// one or a `Map`.
    fn plain_object(&self, field: &str) -> bool {
        let text = self.cx.file_text();
        let literal = text.match_indices(field).any(|(at, _)| {
            let rest = text[at + field.len()..].trim_start();
            let rest = match rest.strip_prefix(':') {
                // A type annotation: `Record<…>` or `{ [k: string]: … }`.
                Some(annotation) => {
                    let annotation = annotation.trim_start();
                    if annotation.starts_with("Record<") {
                        return true;
                    }
                    annotation
                }
                None => rest,
            };
            rest.strip_prefix('=')
                .is_some_and(|value| !value.starts_with('=') && value.trim_start().starts_with('{'))
        });
        literal && !text.contains("Object.create(null)")
    }
}

/// The object and key of `receiver = object[key]` in `before`, the last
/// such binding, when the key is computed (not a literal).
fn looked_up<'b>(before: &'b str, receiver: &str) -> Option<(&'b str, &'b str)> {
    before.lines().rev().find_map(|line| {
        let (left, right) = absent::assignment(line)?;
        if absent::assigned_name(left) != receiver {
            return None;
        }
        let right = right.trim().trim_end_matches(';').trim();
        let open = right.find('[')?;
        if !right.ends_with(']') {
            return None;
        }
        let (object, key) = (
            right[..open].trim(),
            right[open + 1..right.len() - 1].trim(),
        );
        let literal = key.starts_with(['\'', '"', '`']) || key.parse::<f64>().is_ok();
        let simple = !object.is_empty()
            && object
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '_' | '$' | '.'));
        (simple && !literal && !key.is_empty()).then_some((object, key))
    })
}

/// Methods of `Object.prototype` a lint tells code not to call on the
/// object itself (ESLint's `no-prototype-builtins`).
const PROTOTYPE_BUILTINS: &[&str] = &["hasOwnProperty", "isPrototypeOf", "propertyIsEnumerable"];

impl Scan<'_, '_, '_> {
    /// `config.hasOwnProperty('extends')` on an object the function was
    /// given: one made by `Object.create(null)` (a config loader's, a
    /// query-string parser's) has no such method, and data with a key of
    /// that name replaces it (yargs' `applyExtends`). The fix is
    /// `Object.prototype.hasOwnProperty.call(config, …)` or `Object.hasOwn`.
    pub(super) fn prototype_builtin_called(&mut self, node: Node, callee: &str) {
        if !matches!(
            self.cx.language,
            Language::JavaScript | Language::TypeScript | Language::Tsx
        ) {
            return;
        }
        let Some((receiver, method)) = callee.rsplit_once('.') else {
            return;
        };
        let receiver = receiver.trim();
        if !PROTOTYPE_BUILTINS.contains(&method)
            || receiver.is_empty()
            || receiver.starts_with("this")
            || receiver.starts_with("Object")
            || receiver.ends_with("prototype")
            || receiver.starts_with(['{', '[', '"', '\''])
            || !self.outside(receiver)
        {
            return;
        }
        if let Some(found) = self.added(
            node,
            TypeError,
            0.08,
            "the object has no prototype (made by Object.create(null), as config loaders and query-string parsers make theirs) or its data has a key of that name",
        ) {
            found.error_type = "TypeError".to_owned();
            found.error = format!("TypeError: {receiver}.{method} is not a function");
        }
    }
}
