//! A loop with no end of its own that reads input on every turn: `for {
//! f, err := fr.ReadFrame() … }`, `while True: data = sock.recv(n)`. Only
//! the input decides when it stops, so a peer that keeps sending (a flood
//! of frames, an endless stream, a decompressor fed garbage that makes no
//! progress) keeps it running and whatever it accumulates growing. A count
//! or size checked against a limit inside the loop is the guard.

use super::*;

/// Words of calls that take the next piece of input.
const READS: &[&str] = &[
    "Read",
    "read",
    "recv",
    "Recv",
    "Next",
    "next",
    "Scan",
    "decompress",
    "Decode",
    "decode",
    "Accept",
    "accept",
    "readline",
    "ReadFrame",
    "readFrame",
    "poll",
];

/// Words that say the loop counts against a limit.
pub(super) const LIMITS: &[&str] = &[
    "max",
    "Max",
    "MAX",
    "limit",
    "Limit",
    "LIMIT",
    "len(",
    "count",
    "Count",
    "size",
    "Size",
    "total",
    "budget",
    "remaining",
];

impl Scan<'_, '_, '_> {
    pub(super) fn input_loop(&mut self, node: Node) {
        if !matches!(
            node.kind(),
            "for_statement" | "loop_expression" | "while_statement"
        ) {
            return;
        }
        let text = self.header_text(node);
        let header = text.split(['{', ':']).next().unwrap_or_default().trim();
        let endless = match (self.cx.language, node.kind()) {
            (Language::Go, "for_statement") => header == "for",
            (Language::Rust, "loop_expression") => true,
            (_, "while_statement") => {
                let condition = header
                    .trim_start_matches("while")
                    .trim()
                    .trim_matches(['(', ')'])
                    .trim();
                matches!(condition, "True" | "true" | "1")
            }
            (
                Language::JavaScript | Language::TypeScript | Language::Tsx | Language::Java,
                "for_statement",
            ) => header.replace(' ', "") == "for(;;)",
            _ => false,
        };
        if !endless {
            return;
        }
        let body = node
            .child_by_field_name("body")
            .map(|b| self.text(b))
            .unwrap_or_default();
        let reads = READS
            .iter()
            .any(|r| body.contains(&format!("{r}(")) || body.contains(&format!(".{r}")));
        if !reads || LIMITS.iter().any(|w| body.contains(w)) {
            return;
        }
        self.add_head(
            node,
            ResourceExhaustion,
            0.04,
            "the peer keeps sending, and only the input decides when the loop ends, so its work and what it keeps grow without bound",
        );
        // What the loop reads into, or assigns from a read: appending it is
        // where the memory goes.
        let pieces: Vec<String> = body
            .lines()
            .filter(|line| {
                READS
                    .iter()
                    .any(|r| line.contains(&format!("{r}(")) || line.contains(&format!(".{r}")))
            })
            .flat_map(|line| {
                line.split(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .filter(|w| !w.is_empty() && !w.starts_with(|c: char| c.is_ascii_digit()))
                    .map(str::to_owned)
                    .collect::<Vec<_>>()
            })
            .filter(|w| {
                !READS.contains(&w.as_str()) && !["err", "n", "_", "ok"].contains(&w.as_str())
            })
            .collect();
        self.accumulated_in_loop(node, &pieces);
    }
}
