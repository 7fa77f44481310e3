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
            "go_statement" => {
                let text = self.text(node);
                // `wg.Add(1)`, `s.wg.Add(1)`, `group.Add(1)` inside the goroutine.
                let adds = text.match_indices(".Add(").any(|(at, _)| {
                    let receiver = text[..at]
                        .rsplit(|c: char| !(c.is_alphanumeric() || c == '_'))
                        .next()
                        .unwrap_or_default()
                        .to_lowercase();
                    receiver == "wg" || receiver.ends_with("group") || receiver.ends_with("wg")
                });
                if adds {
                    self.add(
                        node,
                        RaceCondition,
                        0.07,
                        "Wait runs before the goroutine has added itself to the group, so it returns early",
                    );
                }
            }
            _ => {}
        }
    }
}
