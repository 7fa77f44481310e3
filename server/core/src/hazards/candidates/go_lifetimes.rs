//! Go statements whose effect outlives the iteration that runs them:
//! `defer f.Close()` in a loop holds every file open until the function
//! returns (a directory of ten thousand files exhausts the descriptors),
//! and `wg.Add(1)` inside the goroutine it counts races with `wg.Wait()`,
//! which may return before the goroutine has added itself. Closing in the
//! iteration (or in a function per item) and calling `Add` before `go`
//! are the fixes, and the guards.

use super::*;

impl Scan<'_, '_, '_> {
    pub(super) fn go_lifetimes(&mut self, node: Node) {
        if self.cx.language != Language::Go {
            return;
        }
        match node.kind() {
            "defer_statement" => {
                // Inside a loop of this function, not of a closure in it.
                let mut ancestor = node.parent();
                while let Some(parent) = ancestor {
                    if parent.id() == self.cx.node.id() || parent.kind() == "func_literal" {
                        return;
                    }
                    if parent.kind() == "for_statement" {
                        break;
                    }
                    ancestor = parent.parent();
                }
                if ancestor.is_none() {
                    return;
                }
                self.add(
                    node,
                    ResourceExhaustion,
                    0.06,
                    "a deferred call runs when the function returns, not at the end of the iteration, so every iteration's resource stays held until then",
                );
            }
            "go_statement" if self.adds_itself_late(node) => {
                // Certain, not likely: nothing orders the goroutine's Add
                // before the Wait that follows the `go` statement.
                self.add_precise(
                    node,
                    RaceCondition,
                    0.4,
                    (
                        "go.wait-group-add-inside",
                        "Race: the goroutine adds itself to the WaitGroup only once it runs, after Wait may have returned".to_owned(),
                    ),
                    "Wait runs before the goroutine has added itself to the group, so it returns early",
                );
            }
            _ => {}
        }
    }

    /// Whether the goroutine started at `node` counts itself into a
    /// WaitGroup (`wg.Add(1)` with its own `wg.Done()`) that is waited on
    /// outside it: the Add races the Wait. A goroutine that adds for
    /// another it starts, or waits on the group itself, is right.
    fn adds_itself_late(&self, node: Node) -> bool {
        let text = self.text(node);
        let nested_go = crate::hazards::tree::descendants(node)
            .into_iter()
            .skip(1)
            .any(|n| n.kind() == "go_statement");
        if nested_go {
            return false;
        }
        let outside = self.body.replacen(text.as_str(), "", 1);
        text.match_indices(".Add(").any(|(at, _)| {
            let receiver = text[..at]
                .rsplit(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
                .next()
                .unwrap_or_default();
            let last = receiver
                .rsplit('.')
                .next()
                .unwrap_or_default()
                .to_lowercase();
            let group = last == "wg" || last.ends_with("group") || last.ends_with("wg");
            group
                && text.contains(&format!("{receiver}.Done()"))
                && !text.contains(&format!("{receiver}.Wait()"))
                && (outside.contains(&format!("{receiver}.Wait()")) || receiver.contains('.'))
        })
    }
}
