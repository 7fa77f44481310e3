//! `failcast export-training`: training pairs for a LoRA adapter, one JSON
//! object per line in the chat format fine-tuning frameworks read
//! (`{"messages": [{"role": "system", …}, {"role": "user", …},
//! {"role": "assistant", …}]}`, ChatML when the tokenizer's template is).
//!
//! The user message is exactly the prompt failcast sends for the function
//! (same renderer, same system prompt), and the assistant message is the
//! answer in the schema the engine constrains generation to, filled with what
//! really happened: the class, the line that failed, the real error and a
//! real log line. Trained on these, a model learns this organisation's
//! failures in the form it will be asked for them. The real trace travels
//! alongside under `failcast` for frameworks that keep extra fields.
//!
//! It joins the corpus to the model's prompt, so it lives here, where the
//! two are composed: the corpus crate knows nothing of the model.

use std::io::Write;
use std::path::Path;

use serde_json::json;

use failcast_corpus::{Corpus, FileHistory};
use failcast_model::prompt::{self, PromptInput, SYSTEM_PROMPT};

/// How many characters of function the exported prompts carry, as the
/// engine's default prompt budget allows.
const BUDGET_CHARS: usize = 4000;

/// Writes one training pair per failure mapped to a function of the
/// workspace at `root`. Returns how many were written.
pub fn chatml_jsonl(corpus: &Corpus, root: &Path, out: &mut dyn Write) -> anyhow::Result<usize> {
    let mut written = 0;
    for failure in corpus.all_failures()? {
        let Some(path) = failure.function_path.clone() else {
            continue;
        };
        let Some(language) = failcast_core::language::Language::from_path(Path::new(&path)) else {
            continue;
        };
        let Some(source) = failcast_core::workspace::read_source(&root.join(&path)) else {
            continue;
        };
        let rope = ropey::Rope::from_str(&source.text);
        let Some(tree) = failcast_core::syntax::parse_rope(language, &rope, None) else {
            continue;
        };
        let index = failcast_core::functions::index_functions(language, &tree, &rope, &path);
        let Some(function) = FileHistory::function_of(&path, &failure, &index) else {
            continue;
        };
        let start = rope.line_to_byte(function.start_line);
        let end = function.range.end.min(rope.len_bytes());
        let input = PromptInput {
            language: language.name().to_owned(),
            path: path.clone(),
            function_name: function.qualified_name.clone(),
            first_line: function.start_line + 1,
            source: rope.byte_slice(start..end).to_string(),
            hazards: Vec::new(),
            callers: Vec::new(),
            incidents: Vec::new(),
        };
        let rendered = prompt::render(&input, BUDGET_CHARS);
        let line = failure
            .line
            .filter(|l| input.lines().contains(l))
            .unwrap_or(input.first_line);
        let error = if failure.message.is_empty() {
            failure.error_type.clone()
        } else {
            format!("{}: {}", failure.error_type, failure.message)
        };
        let log = failure
            .trace
            .lines()
            .last()
            .unwrap_or(&error)
            .chars()
            .take(prompt::MAX_LOG_CHARS)
            .collect::<String>();
        let answer = json!({"scenarios": [{
            "class": failure.class.as_str(),
            "line": line,
            "trigger": format!("as in production ({} times): {}", failure.count, failure.template)
                .chars().take(prompt::MAX_TRIGGER_CHARS).collect::<String>(),
            "error": error.chars().take(prompt::MAX_ERROR_CHARS).collect::<String>(),
            "likelihood": 0.9,
            "log": log,
        }]});
        let record = json!({
            "messages": [
                {"role": "system", "content": SYSTEM_PROMPT},
                {"role": "user", "content": rendered.user},
                {"role": "assistant", "content": answer.to_string()},
            ],
            "failcast": {
                "function_id": function.id,
                "trace": failure.trace,
                "service": failure.service,
                "count": failure.count,
                "last_seen": failure.last_seen,
                "document": failure.document,
            }
        });
        serde_json::to_writer(&mut *out, &record).map_err(std::io::Error::from)?;
        out.write_all(b"\n")?;
        written += 1;
    }
    Ok(written)
}
