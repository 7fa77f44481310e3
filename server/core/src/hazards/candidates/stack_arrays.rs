//! A Rust array built in place, `[Slot::UNINIT; BLOCK_CAP]` or `[0u8;
//! 1 << 20]`, lives on the stack until it is moved, even when it is
//! moved straight into a `Box` (`Box::new(Block { slots: [...] })`
//! builds the block on the stack first). In a generic type's method the
//! element is the caller's type: a queue of 32 KiB messages makes a block
//! of a megabyte, and a thread's stack (2 MiB for a spawned thread, less
//! in a debug build's deep frames) overflows: `thread has overflowed its
//! stack`, and the process aborts. A very long array of any element does
//! the same. clippy's `large_stack_arrays` asks for the same heap
//! allocation (`vec![…].into_boxed_slice()`, `Box::new_zeroed`) that the
//! fixes write.

use super::*;
use crate::hazards::guards;

/// Elements past which an array of any type is too large for a thread's
/// stack to hold safely.
const LONG: u64 = 65_536;

const TRIGGER: &str = "the array is built on the stack before it moves: a large element type (the caller's) or length overflows the thread's stack";

impl Scan<'_, '_, '_> {
    pub(super) fn stack_array(&mut self, node: Node) {
        if self.cx.language != Language::Rust || node.kind() != "array_expression" {
            return;
        }
        let Some(length) = node.child_by_field_name("length") else {
            return;
        };
        let literal = literal_length(&self.text(length));
        let long = literal.is_some_and(|n| n >= LONG);
        // A named length (`BLOCK_CAP`) of an element the caller's type
        // decides: in a generic type's method, an element of one of its
        // parameters (`T::default()`) or of a generic type of the file
        // (`Slot::UNINIT` where `struct Slot<T>`).
        let generic = literal.is_none()
            && node
                .named_child(0)
                .is_some_and(|element| self.of_callers_type(&self.text(element)));
        if long || generic {
            self.add(node, ResourceExhaustion, 0.05, TRIGGER);
        }
    }

    /// Whether an array element's value is of a type the caller chooses:
    /// it names a type parameter of the method's `impl`, or is reached
    /// through a type the file declares generic.
    fn of_callers_type(&self, element: &str) -> bool {
        let parameters = self.impl_type_parameters();
        if parameters.is_empty() {
            return false;
        }
        if parameters.iter().any(|p| guards::mentions(element, p)) {
            return true;
        }
        let head = element
            .split("::")
            .next()
            .unwrap_or_default()
            .split('<')
            .next()
            .unwrap_or_default()
            .trim();
        if head.is_empty() || !head.starts_with(|c: char| c.is_ascii_uppercase()) {
            return false;
        }
        let text = self.cx.file_text();
        ["struct", "enum", "union"]
            .iter()
            .any(|kind| text.contains(&format!("{kind} {head}<")))
    }

    /// The type parameters of the `impl` the function is a method of
    /// (`T` of `impl<T> Block<T>`; lifetimes and const parameters are
    /// not types).
    fn impl_type_parameters(&self) -> Vec<String> {
        let Some(implementation) = self.enclosing_impl() else {
            return Vec::new();
        };
        let Some(parameters) = implementation.child_by_field_name("type_parameters") else {
            return Vec::new();
        };
        let mut cursor = parameters.walk();
        parameters
            .named_children(&mut cursor)
            .filter(|p| p.kind() == "type_parameter")
            .filter_map(|p| p.child_by_field_name("name").or_else(|| p.named_child(0)))
            .map(|name| self.text(name))
            .collect()
    }
}

/// The value of a literal length (`4096`, `0x1000`, `1 << 20`,
/// `64 * 1024`), if it is one.
fn literal_length(text: &str) -> Option<u64> {
    let text = text.trim();
    if let Some((left, right)) = text.split_once("<<") {
        let (base, shift) = (literal_length(left)?, literal_length(right)?);
        return base.checked_shl(u32::try_from(shift).ok()?);
    }
    if let Some((left, right)) = text.split_once('*') {
        return literal_length(left)?.checked_mul(literal_length(right)?);
    }
    if text.starts_with("0x") {
        return integer_literal(text);
    }
    // `4096usize`, `1_024`: the digits, then at most a type's suffix.
    let end = text
        .find(|c: char| !(c.is_ascii_digit() || c == '_'))
        .unwrap_or(text.len());
    let suffix = &text[end..];
    let typed = suffix.is_empty()
        || (suffix.starts_with(['u', 'i'])
            && suffix[1..].chars().all(|c| c.is_ascii_alphanumeric()));
    if end == 0 || !typed {
        return None;
    }
    integer_literal(&text[..end])
}
