//! A Go map in a struct written before anyone made it: `s.index[k] = v`
//! panics with "assignment to entry in nil map" when the struct was built
//! as a literal or a zero value that left the map nil. Constructors make
//! their maps, but zero values and decoders do not, and code that writes
//! a field's map rarely knows which one made its struct. A `make` or a
//! map literal in the function, or a nil check of the map, is the guard.

use super::*;

impl Scan<'_, '_, '_> {
    pub(super) fn nil_map_write(&mut self, node: Node) {
        if self.cx.language != Language::Go || node.kind() != "assignment_statement" {
            return;
        }
        let Some(left) = node.child_by_field_name("left") else {
            return;
        };
        let Some(target) = left.named_child(0) else {
            return;
        };
        if target.kind() != "index_expression" {
            return;
        }
        let Some(map) = target.child_by_field_name("operand") else {
            return;
        };
        if map.kind() != "selector_expression" {
            return;
        }
        let map = self.text(map);
        let map = map.trim();
        if self.body.contains("make(")
            || self.body.contains("= map[")
            || guarded(self.cx.language, node, self.cx.node, self.cx.rope, &[map])
            || self.in_constructor()
        {
            return;
        }
        self.add(
            node,
            NullOrNone,
            0.04,
            "the struct was built without making its map (a literal, a zero value, a decoder), so the write panics on a nil map",
        );
    }
}
