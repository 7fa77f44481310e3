//! `py.shared-mutation`: shared collections changed by thread targets without a
//! lock.

use super::*;

/// The names a function passes to threads as targets, found in the whole file.
pub(super) fn thread_targets(cx: &FnCx) -> bool {
    *cx.thread_target.get_or_init(|| runs_on_threads(cx))
}

fn runs_on_threads(cx: &FnCx) -> bool {
    let name = &cx.function.name;
    let file = cx.file_text();
    let patterns = [
        format!("target={name}"),
        format!("target=self.{name}"),
        format!(".submit({name}"),
        format!(".submit(self.{name}"),
        format!(".map({name}"),
        format!(".map(self.{name}"),
        format!("Thread({name}"),
        format!("start_new_thread({name}"),
    ];
    patterns.iter().any(|p| file.contains(p.as_str()))
}

pub(super) fn shared_mutation(m: &Match, cx: &FnCx) -> Option<Finding> {
    // The whole file is read once for this, the cheapest test first: a
    // long function's every `+=` asks it.
    if !thread_targets(cx) {
        return None;
    }
    let target = m.get("target")?;
    let target_text = cx.text(target);
    let root = target_text
        .split(['.', '['])
        .next()
        .unwrap_or_default()
        .to_owned();
    let body = cx.own_text().to_owned();
    let declared_global = body
        .lines()
        .any(|l| l.trim().starts_with("global ") && mentions(l, &root));
    let is_self = root == "self";
    let is_module_level = !cx.parameters().contains(&root)
        && !body.lines().any(|l| {
            let l = l.trim();
            l.starts_with(&format!("{root} =")) || l.starts_with(&format!("for {root} "))
        })
        && cx
            .file_text()
            .lines()
            .any(|l| l.starts_with(&format!("{root} =")) || l.starts_with(&format!("{root}: ")));
    if !(declared_global || is_self || is_module_level) {
        return None;
    }
    // Inside `with lock:` (any context manager whose name says lock).
    let mut parent = m.hazard.parent();
    while let Some(p) = parent {
        if p.kind() == "with_statement" {
            let head = cx.text(p);
            let head = head.split(':').next().unwrap_or_default().to_lowercase();
            if head.contains("lock") || head.contains("mutex") || head.contains("semaphore") {
                return None;
            }
        }
        if p.id() == cx.node.id() {
            break;
        }
        parent = p.parent();
    }
    let counter = m.hazard.kind() == "augmented_assignment";
    let (error_type, error) = if counter {
        (
            "LostUpdate",
            format!(
                "lost update: concurrent `{}` from several threads",
                one_line(&cx.text(m.hazard), 40)
            ),
        )
    } else {
        (
            "RuntimeError",
            "RuntimeError: dictionary changed size during iteration".to_owned(),
        )
    };
    Some(Finding::new(
        FailureClass::RaceCondition,
        0.45,
        error_type,
        error,
        format!(
            "two threads running {} update `{}` at the same time without a lock",
            cx.function.name,
            one_line(&target_text, 30)
        ),
        format!(
            "Predicted race on {}: mutated from several threads without a lock",
            one_line(&target_text, 30)
        ),
    ))
}
