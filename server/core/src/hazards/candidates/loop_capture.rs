//! A goroutine started in a loop that reads the loop's variable instead of
//! taking it as an argument: before Go 1.22 every iteration shares one
//! variable, so the goroutines race with the loop's writes to it and most
//! of them see its last value. Handing the value in (`go func(x T) { … }(x)`)
//! or copying it (`x := x`) is the fix, and the guard.

use super::*;

impl Scan<'_, '_, '_> {
    pub(super) fn loop_variable_captured(&mut self, node: Node) {
        if self.cx.language != Language::Go || node.kind() != "go_statement" {
            return;
        }
        let text = self.text(node);
        // `go func() { … }()`: a literal with no arguments handed in.
        if !text
            .trim_start_matches("go")
            .trim_start()
            .starts_with("func()")
            || !text.trim_end().ends_with("()")
        {
            return;
        }
        let mut ancestor = node.parent();
        while let Some(parent) = ancestor {
            if parent.id() == self.cx.node.id() {
                return;
            }
            if parent.kind() == "for_statement" {
                break;
            }
            ancestor = parent.parent();
        }
        let Some(header) = ancestor.map(|l| {
            let text = self.text(l);
            text.split('{').next().unwrap_or_default().to_owned()
        }) else {
            return;
        };
        let variables: Vec<&str> = match header.split_once(":=") {
            Some((left, _)) => left
                .trim_start_matches("for")
                .split(',')
                .map(str::trim)
                .filter(|v| *v != "_" && !v.is_empty())
                .collect(),
            None => return,
        };
        let loop_body = ancestor.map(|l| self.text(l)).unwrap_or_default();
        let captured = variables
            .iter()
            .find(|v| mentions(&text, v) && !loop_body.contains(&format!("{v} := {v}")));
        if captured.is_some() {
            self.add(
                node,
                RaceCondition,
                0.07,
                "every iteration shares the loop variable, so the goroutines race with the loop writing it and see a later value",
            );
        }
    }
}
