//! JavaScript that assumes V8: `Error.captureStackTrace(this, …)` exists
//! in Node and Chrome only. Code shared with browsers (a library on npm is
//! bundled for them) throws "Error.captureStackTrace is not a function" in
//! Firefox and Safari, from inside an error's constructor, so the error it
//! was building is lost too. Testing for it first is the fix.

use super::*;

/// APIs only V8 provides, by callee.
const V8_ONLY: &[&str] = &["Error.captureStackTrace"];

const TRIGGER: &str =
    "the code runs outside V8 (Firefox, Safari, a non-Node runtime), where the API does not exist";

impl Scan<'_, '_, '_> {
    /// A call of a V8-only API with no test that it exists.
    pub(super) fn engine_specific(&mut self, node: Node, callee: &str) {
        if !matches!(
            self.cx.language,
            Language::JavaScript | Language::TypeScript | Language::Tsx
        ) || !V8_ONLY.contains(&callee)
        {
            return;
        }
        let api = callee.rsplit('.').next().unwrap_or(callee);
        if guarded_by(self.cx.language, node, self.cx.node, self.cx.rope, &|c| {
            c.contains(api)
        }) {
            return;
        }
        self.add(node, TypeError, 0.08, TRIGGER);
    }
}
