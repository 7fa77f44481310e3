//! What a file declares about its collections that an index into them
//! depends on: Go maps, which give a missing key's zero value and never
//! panic on a read, and Rust constant arrays, whose literal positions the
//! compiler checks.

/// Names the Go file declares as maps: struct fields and variables (`acks
/// map[string]struct{}`, `m := make(map[…]…)`, `var seen = map[…]…{}`).
pub(super) fn go_maps(text: &str) -> Vec<String> {
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut names: Vec<String> = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        let Some(at) = ["map[", "make(map["]
            .iter()
            .filter_map(|m| line.find(m))
            .min()
        else {
            continue;
        };
        // The name the map is declared or assigned to, before the type or
        // the `=`: `acks map[`, `seen := map[`, `var m = make(map[`.
        let head = line[..at]
            .trim_end()
            .trim_end_matches(['=', ':'])
            .trim_end();
        let head = head.strip_prefix("var ").unwrap_or(head);
        let name: String = head
            .rsplit(|c: char| !ident(c))
            .next()
            .unwrap_or_default()
            .to_owned();
        if !name.is_empty()
            && !name.starts_with(|c: char| c.is_ascii_digit())
            && !names.contains(&name)
        {
            names.push(name);
        }
    }
    names
}

/// Names of the Rust file's `const` and `static` arrays (`const
/// GROUP_LENS: [usize; 5]`).
pub(super) fn rust_constant_arrays(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(crate::hazards::rust::constant_array_name)
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_maps_by_declaration_and_assignment() {
        let text = "type Q struct {\n\tacks map[string]struct{}\n\tn int\n}\n\nfunc f() {\n\tseen := make(map[string]bool)\n\tvar idx = map[int]string{}\n\tq.resp = make(map[string]int)\n}\n";
        assert_eq!(go_maps(text), ["acks", "seen", "idx", "resp"]);
    }

    #[test]
    fn rust_constant_arrays_only() {
        let text = "const GROUP_LENS: [usize; 5] = [8, 4, 4, 4, 12];\npub static TABLE: [u8; 2] = [0, 1];\nconst MAX: usize = 3;\n";
        assert_eq!(rust_constant_arrays(text), ["GROUP_LENS", "TABLE"]);
    }
}
