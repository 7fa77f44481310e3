//! Text helpers shared by the renderers: one-line subjects for messages
//! and sentence casing for triggers.

/// Collapses whitespace and shortens an expression for messages.
pub fn one_line(text: &str, max_chars: usize) -> String {
    let collapsed: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.chars().count() <= max_chars {
        collapsed
    } else {
        let cut: String = collapsed
            .chars()
            .take(max_chars.saturating_sub(1))
            .collect();
        format!("{cut}…")
    }
}

/// The text with its first letter lowercased, unless it starts an acronym.
pub fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) if chars.clone().next().is_some_and(char::is_lowercase) => {
            first.to_lowercase().chain(chars).collect()
        }
        Some(first) => std::iter::once(first).chain(chars).collect(),
        None => String::new(),
    }
}
