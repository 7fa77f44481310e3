//! A Rust `Vec` given capacity but no length, then written by index:
//! `let mut v = Vec::new(); v.reserve(n); … v[i] = b;` (mp3-metadata's
//! unsynchronisation buffer). `reserve` and `with_capacity` allocate but
//! the length stays 0, so every `v[i] = …` panics with `index out of
//! bounds: the len is 0`. Nothing that gives the vector elements
//! (`push`, `resize`, `extend`, `vec![…]`) anywhere in the function is
//! the guard, and it only fires when the function has none.

use super::*;

const TRIGGER: &str = "the vector was only given capacity (Vec::new, with_capacity, reserve): its length is still 0 when the write runs";

/// What gives a vector elements, after its name.
const FILLS: &[&str] = &[
    ".push(",
    ".resize(",
    ".resize_with(",
    ".extend(",
    ".extend_from_slice(",
    ".insert(",
    ".append(",
    ".set_len(",
    ".truncate(",
];

impl Scan<'_, '_, '_> {
    pub(super) fn empty_vec_written(&mut self, node: Node) {
        if self.cx.language != Language::Rust || node.kind() != "assignment_expression" {
            return;
        }
        let Some(left) = node.child_by_field_name("left") else {
            return;
        };
        if left.kind() != "index_expression" {
            return;
        }
        let Some(object) = left.named_child(0) else {
            return;
        };
        if object.kind() != "identifier" {
            return;
        }
        let name = self.text(object);
        let body = &self.body;
        let declared_empty = body.lines().any(|line| {
            let line = line.trim();
            line.starts_with(&format!("let mut {name}"))
                && (line.contains("Vec::new()") || line.contains("Vec::with_capacity("))
        });
        let filled = FILLS.iter().any(|f| body.contains(&format!("{name}{f}")))
            || body.contains(&format!("{name} = vec!["))
            || body.contains(&format!("{name} = Vec::from("))
            || body.contains(&format!("&mut {name}"))
            || body.contains(&format!("{name}.as_mut"));
        // A check of its length first (`if i >= v.len() { return … }`)
        // keeps the write from running on the empty vector.
        let length = format!("{name}.len()");
        if !declared_empty
            || filled
            || guarded(
                self.cx.language,
                node,
                self.cx.node,
                self.cx.rope,
                &[&length],
            )
        {
            return;
        }
        let summary = format!(
            "Predicted panic: `{}` writes into a vector of length 0",
            one_line(&self.text(left), 40)
        );
        if let Some(found) = self.add_precise(
            node,
            IndexOutOfRange,
            0.5,
            ("rs.empty-vec-write", summary),
            TRIGGER,
        ) {
            found.error_type = "panic".to_owned();
            found.error = "index out of bounds: the len is 0 but the index is 0".to_owned();
        }
    }
}
