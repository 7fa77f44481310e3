//! The embedded model: llama.cpp in-process (cargo feature `llama`, on by
//! default). Loading a GGUF file, and a `Session` that owns the context,
//! the chat template and the system prompt's KV entries and runs one
//! grammar-constrained prediction at a time. Only the engine's thread uses it.

use std::num::NonZeroU32;
use std::sync::atomic::Ordering;
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use llama_cpp_2::context::LlamaContext;
use llama_cpp_2::context::params::LlamaContextParams;
use llama_cpp_2::llama_backend::LlamaBackend;
use llama_cpp_2::llama_batch::LlamaBatch;
use llama_cpp_2::model::params::LlamaModelParams;
use llama_cpp_2::model::{LlamaChatMessage, LlamaChatTemplate, LlamaLoraAdapter, LlamaModel};
use llama_cpp_2::sampling::LlamaSampler;
use llama_cpp_2::token::LlamaToken;
use llama_cpp_2::token::data::LlamaTokenData;
use llama_cpp_2::token::data_array::LlamaTokenDataArray;

use super::catalog;
use super::engine::{
    EngineConfig, FETCH_HINT, Failure, JobStats, Outcome, RESTART_HINT, Shared, Work,
};
use super::output::{self, JsonStream, ModelScenario};
use super::prompt::{self, PromptInput, RenderedPrompt, SYSTEM_PROMPT};
use super::{fetch, gguf, grammar, rank};
use failcast_core::scenario::FailureClass;

/// The process-wide llama.cpp backend. llama.cpp allows one initialisation
/// per process, so engines, the doctor and benchmarks all share this one.
pub fn backend() -> Result<&'static LlamaBackend, String> {
    static BACKEND: OnceLock<Result<LlamaBackend, String>> = OnceLock::new();
    BACKEND
        .get_or_init(|| {
            // llama.cpp logs to stderr by default; route it through tracing so
            // the server's log filter applies and stdout stays JSON-RPC only.
            llama_cpp_2::send_logs_to_tracing(llama_cpp_2::LogOptions::default());
            LlamaBackend::init().map_err(|e| format!("cannot initialise llama.cpp: {e}"))
        })
        .as_ref()
        .map_err(Clone::clone)
}

/// What a loaded model and its adapter are, for the engine's signatures.
pub(super) type ModelHandle = LlamaModel;
pub(super) type AdapterHandle = LlamaLoraAdapter;

pub(super) struct LoadedModel {
    pub(super) model: LlamaModel,
    pub(super) adapter: Option<LlamaLoraAdapter>,
    pub(super) name: String,
}

/// Checks the file, learns its checksum, loads it. Runs on its own thread so
/// the worker can answer cached jobs meanwhile.
pub(super) fn load_model(
    config: &EngineConfig,
    identity: &dyn Fn(String),
) -> Result<LoadedModel, Failure> {
    let path = &config.model_path;
    if !path.exists() {
        return Err(Failure::fetch(format!(
            "model file {} not found",
            path.display()
        )));
    }
    let file_name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let entry = config
        .expected_sha256
        .as_deref()
        .and_then(catalog::find_by_sha256)
        .or_else(|| catalog::find_by_file_name(file_name));
    let summary = gguf::check(path, entry.map(|e| e.size)).map_err(|message| Failure {
        message,
        hint: format!("the file is damaged: delete it and {FETCH_HINT}"),
    })?;
    let sha256 = match &config.expected_sha256 {
        Some(expected) => {
            fetch::verify(path, expected).map_err(|e| Failure {
                message: e.to_string(),
                hint: format!("the file is not the configured model: delete it and {FETCH_HINT}"),
            })?;
            expected.to_ascii_lowercase()
        }
        None => fetch::sha256_cached(path).map_err(|e| Failure::fetch(e.to_string()))?,
    };
    identity(sha256);

    let backend = backend().map_err(|message| Failure {
        message,
        hint: RESTART_HINT.to_string(),
    })?;
    // Read the file into memory instead of mapping it: a mapped file that is
    // truncated or replaced while the server runs (a re-fetch, a full disk,
    // a user's `cp`) turns the next page fault into SIGBUS and ends the
    // process, where a read copy keeps working until the engine restarts.
    let params = LlamaModelParams::default().with_use_mmap(false);
    let mut model = LlamaModel::load_from_file(backend, path, &params)
        .map_err(|e| Failure::fetch(format!("llama.cpp cannot load {}: {e}", path.display())))?;
    let adapter = match &config.lora {
        Some(lora) => Some(model.lora_adapter_init(&lora.path).map_err(|e| Failure {
            message: format!("cannot load LoRA adapter {}: {e}", lora.path.display()),
            hint: "check the adapter path and that it was trained for this model".to_string(),
        })?),
        None => None,
    };
    let name = summary
        .name
        .or_else(|| entry.map(|e| e.name.to_string()))
        .unwrap_or_else(|| file_name.to_string());
    Ok(LoadedModel {
        model,
        adapter,
        name,
    })
}

/// The model, its context and the cached system prompt: everything a job needs.
pub(super) struct Session<'m> {
    model: &'m LlamaModel,
    ctx: LlamaContext<'m>,
    template: LlamaChatTemplate,
    /// The system prompt's tokens (what the chat template puts before the
    /// user message), decoded at positions `0..len` of sequence 0.
    system_tokens: Vec<LlamaToken>,
    /// `quote_tokens[id]`: the token's text starts with `"` (closes a JSON string).
    quote_tokens: Vec<bool>,
    /// `close_tokens[id]`: the token's text is `]`, maybe after spaces
    /// (closes the scenario array).
    close_tokens: Vec<bool>,
    /// The prompt tokens whose KV entries sit at positions `0..len` of
    /// sequence 0: the system prompt after a reset, the last job's prompt
    /// (as far as it was decoded) after a job.
    kv_prompt: Vec<LlamaToken>,
    /// See [`Session::class_prior`]; computed before the first ranking.
    class_prior: Option<Vec<f32>>,
    reuse: bool,
    batch: LlamaBatch<'static>,
    n_ctx: usize,
    max_prompt_tokens: usize,
    max_output_tokens: usize,
    counters: Arc<Shared>,
}

const PROMPT_CHUNK: usize = 256;
/// Tokens kept free for closing the answer (`]}` and some slack).
const CLOSING_RESERVE: usize = 8;
/// Stands in for the user message while splitting the chat template around it.
const USER_MARK: &str = "\u{1}FAILCAST-USER\u{1}";

/// Whether a `llama_decode` call counts as a job's decode step. The system
/// prompt's one-time decode at load is not any job's work: counting it would
/// make a fully cached run look like it decoded, depending on when the load
/// finished.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Count {
    Yes,
    No,
}

/// The chat template rendered around a user message, split at the message so
/// the message can be tokenized without special-token parsing: source code
/// that contains `<|im_end|>` must stay text, not end the turn.
struct TemplateParts {
    /// Everything before the user message (starts with the system turn).
    before: String,
    after: String,
}

impl<'m> Session<'m> {
    pub(super) fn new(
        model: &'m LlamaModel,
        adapter: Option<&mut LlamaLoraAdapter>,
        config: &EngineConfig,
        counters: Arc<Shared>,
    ) -> Result<Self, Failure> {
        let backend = backend().map_err(Failure::fetch)?;
        let n_ctx = config.n_ctx.max(256);
        let threads = i32::try_from(config.n_threads.max(1)).unwrap_or(1);
        let params = LlamaContextParams::default()
            .with_n_ctx(NonZeroU32::new(n_ctx))
            .with_n_batch(PROMPT_CHUNK as u32)
            .with_n_ubatch(PROMPT_CHUNK as u32)
            .with_n_threads(threads)
            .with_n_threads_batch(threads);
        let mut ctx = model.new_context(backend, params).map_err(|e| Failure {
            message: format!("cannot create a llama.cpp context: {e}"),
            hint: "lower n_ctx or free memory, then restart the model engine".to_string(),
        })?;
        if let (Some(adapter), Some(lora)) = (adapter, &config.lora) {
            ctx.lora_adapter_set(adapter, lora.scale)
                .map_err(|e| Failure {
                    message: format!("cannot apply LoRA adapter {}: {e}", lora.path.display()),
                    hint: "check that the adapter was trained for this model".to_string(),
                })?;
        }
        let template = match model.chat_template(None) {
            Ok(template) => template,
            Err(error) => {
                tracing::warn!(%error, "model has no chat template; using ChatML");
                LlamaChatTemplate::new("chatml").map_err(|e| Failure::fetch(e.to_string()))?
            }
        };
        let vocab = model.vocab();
        let pieces: Vec<Vec<u8>> = (0..model.n_vocab())
            .map(|id| vocab.token_to_piece(LlamaToken(id), false, None))
            .collect();
        let quote_tokens = pieces.iter().map(|p| p.starts_with(b"\"")).collect();
        let close_tokens = pieces
            .iter()
            .map(|p| p.trim_ascii_start().starts_with(b"]"))
            .collect();
        let mut session = Session {
            model,
            ctx,
            template,
            system_tokens: Vec::new(),
            quote_tokens,
            close_tokens,
            kv_prompt: Vec::new(),
            class_prior: None,
            reuse: false,
            batch: LlamaBatch::new(PROMPT_CHUNK, 1),
            n_ctx: n_ctx as usize,
            max_prompt_tokens: config.max_prompt_tokens,
            max_output_tokens: config.max_output_tokens,
            counters,
        };
        session.prepare_system_prompt(config.reuse_system_prompt)?;
        Ok(session)
    }

    fn render(&self, messages: &[(&str, &str)], add_assistant: bool) -> Result<String, String> {
        let chat = messages
            .iter()
            .map(|(role, content)| LlamaChatMessage::new((*role).into(), (*content).into()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| e.to_string())?;
        self.model
            .apply_chat_template(&self.template, &chat, add_assistant)
            .map_err(|e| format!("cannot apply the chat template: {e}"))
    }

    fn template_parts(&self) -> Result<TemplateParts, String> {
        let full = self.render(&[("system", SYSTEM_PROMPT), ("user", USER_MARK)], true)?;
        let (before, after) = full
            .split_once(USER_MARK)
            .ok_or_else(|| "the chat template drops the user message".to_string())?;
        Ok(TemplateParts {
            before: before.to_string(),
            after: after.to_string(),
        })
    }

    /// Decides whether the system prompt's KV entries can be shared by all
    /// jobs, and decodes them. Reuse is only correct if every job's prompt
    /// starts with exactly these tokens, so that is checked, not assumed.
    fn prepare_system_prompt(&mut self, want_reuse: bool) -> Result<(), Failure> {
        let broken = |message: String| Failure {
            message,
            hint: "this model's chat template is not supported; try another model".to_string(),
        };
        let system_only = self
            .render(&[("system", SYSTEM_PROMPT)], false)
            .map_err(broken)?;
        let parts = self.template_parts().map_err(broken)?;
        let vocab = self.model.vocab();
        let system_tokens = vocab.tokenize(system_only.as_bytes(), true, true);
        let before_tokens = vocab.tokenize(parts.before.as_bytes(), true, true);
        let prefix_ok = parts.before.starts_with(&system_only)
            && before_tokens.starts_with(&system_tokens)
            && !system_tokens.is_empty();
        self.reuse = want_reuse && prefix_ok;
        if want_reuse && !prefix_ok {
            tracing::warn!(
                "the chat template does not start the prompt with the system turn; \
                 decoding every prompt in full"
            );
        }
        self.system_tokens = system_tokens;
        self.reset()
    }

    /// Clears the KV cache and, when reusing, decodes the system prompt into it.
    pub(super) fn reset(&mut self) -> Result<(), Failure> {
        self.ctx.clear_kv_cache();
        self.kv_prompt.clear();
        if self.reuse {
            let tokens = self.system_tokens.clone();
            let never = || false;
            self.decode_prompt(&tokens, 0, &never, Count::No)
                .map_err(|message| Failure {
                    message,
                    hint: RESTART_HINT.to_string(),
                })?;
        }
        Ok(())
    }

    /// The job's prompt tokens, cut until they fit `max_prompt_tokens`.
    fn prompt_tokens(
        &self,
        input: &PromptInput,
        budget_chars: usize,
    ) -> Result<(Vec<LlamaToken>, RenderedPrompt), String> {
        let parts = self.template_parts()?;
        let vocab = self.model.vocab();
        let mut budget = budget_chars;
        loop {
            let rendered = prompt::render(input, budget);
            let mut tokens = vocab.tokenize(parts.before.as_bytes(), true, true);
            tokens.extend(vocab.tokenize(rendered.user.as_bytes(), false, false));
            tokens.extend(vocab.tokenize(parts.after.as_bytes(), false, true));
            if tokens.len() <= self.max_prompt_tokens {
                return Ok((tokens, rendered));
            }
            if budget < 256 {
                return Err(format!(
                    "the prompt needs {} tokens even cut short; max_prompt_tokens is {}",
                    tokens.len(),
                    self.max_prompt_tokens
                ));
            }
            budget = budget * 3 / 5;
        }
    }

    /// Decodes `tokens` at positions `start..`, in chunks, checking for
    /// cancellation between chunks. Logits are kept for the last token only.
    /// Each decoded chunk is recorded in `kv_prompt`, which must hold the
    /// `start` tokens before.
    fn decode_prompt(
        &mut self,
        tokens: &[LlamaToken],
        start: usize,
        cancelled: &dyn Fn() -> bool,
        count: Count,
    ) -> Result<bool, String> {
        let mut pos = start;
        for chunk in tokens.chunks(PROMPT_CHUNK) {
            if cancelled() {
                return Ok(false);
            }
            self.batch.clear();
            for (i, token) in chunk.iter().enumerate() {
                let last = pos + i + 1 == start + tokens.len();
                self.batch
                    .add(*token, (pos + i) as i32, &[0], last)
                    .map_err(|e| e.to_string())?;
            }
            self.decode(count)?;
            self.kv_prompt.extend_from_slice(chunk);
            pos += chunk.len();
        }
        Ok(true)
    }

    /// How many leading `tokens` keep their KV entries: the prefix shared
    /// with `kv_prompt`, cut back to a boundary where decoding from scratch
    /// starts a batch (the end of the system prompt, then every
    /// `PROMPT_CHUNK` tokens). The batches that follow are then exactly
    /// those of a cold decode, so the answer is the same bit for bit
    /// whatever ran before. Always short of the whole prompt: its last token
    /// must be decoded for logits. Needs `tokens` to start with the system
    /// prompt, and is at least its length only when the cache holds it.
    fn reusable_prefix(&self, tokens: &[LlamaToken]) -> usize {
        let n_sys = self.system_tokens.len();
        let common = self
            .kv_prompt
            .iter()
            .zip(tokens)
            .take_while(|(a, b)| a == b)
            .count();
        if common < n_sys {
            return 0;
        }
        let mut keep = n_sys + (common - n_sys) / PROMPT_CHUNK * PROMPT_CHUNK;
        if keep >= tokens.len() {
            keep -= PROMPT_CHUNK;
        }
        keep
    }

    fn decode(&mut self, count: Count) -> Result<(), String> {
        if count == Count::Yes {
            self.counters.decode_steps.fetch_add(1, Ordering::Relaxed);
        }
        self.ctx
            .decode(&mut self.batch)
            .map_err(|e| format!("llama_decode failed: {e}"))
    }

    /// Runs one prediction.
    /// `partial` hears the scenarios so far each time one more is complete.
    pub(super) fn predict(
        &mut self,
        input: &PromptInput,
        work: Work,
        budget_chars: usize,
        cancelled: &dyn Fn() -> bool,
        partial: Option<&dyn Fn(Vec<ModelScenario>)>,
    ) -> Outcome {
        let steps_before = self.counters.decode_steps.load(Ordering::Relaxed);
        match self.predict_inner(input, work, budget_chars, cancelled, partial) {
            Ok(Some((scenarios, mut stats))) => {
                stats.decode_steps =
                    self.counters.decode_steps.load(Ordering::Relaxed) - steps_before;
                Outcome::Done(scenarios, stats)
            }
            Ok(None) => Outcome::Interrupted,
            Err(message) => Outcome::Failed(message),
        }
    }

    fn predict_inner(
        &mut self,
        input: &PromptInput,
        work: Work,
        budget_chars: usize,
        cancelled: &dyn Fn() -> bool,
        partial: Option<&dyn Fn(Vec<ModelScenario>)>,
    ) -> Result<Option<(Vec<ModelScenario>, JobStats)>, String> {
        let started = Instant::now();
        let (tokens, rendered) = self.prompt_tokens(input, budget_chars)?;
        if !rendered.choices.is_empty() && !self.class_prior(cancelled)? {
            return Ok(None);
        }
        if tokens.len() + self.max_output_tokens > self.n_ctx {
            return Err(format!(
                "prompt ({} tokens) plus output ({}) exceeds the context ({})",
                tokens.len(),
                self.max_output_tokens,
                self.n_ctx
            ));
        }
        let schema = prompt::schema(&rendered.lines);
        let grammar = output_grammar(&schema)?;
        let mut sampler = LlamaSampler::grammar(self.model, &grammar, "root")
            .map_err(|e| format!("cannot build the grammar sampler: {e}"))?;

        // Keep the KV entries this prompt shares with the cache (at least the
        // system prompt, more when the same function is asked again after
        // an edit); drop everything after, left over from the previous job.
        let n_sys = self.system_tokens.len();
        // At least one token must be decoded to get logits to sample from.
        let has_system =
            n_sys > 0 && n_sys < tokens.len() && tokens.starts_with(&self.system_tokens);
        let keep = if self.reuse && has_system {
            self.reusable_prefix(&tokens)
        } else {
            0
        };
        if !self
            .ctx
            .clear_kv_cache_seq(Some(0), Some(keep as u32), None)
            .map_err(|e| e.to_string())?
        {
            self.ctx.clear_kv_cache();
            self.kv_prompt.clear();
            return Err("cannot trim the KV cache".to_string());
        }
        self.kv_prompt.truncate(keep);
        let mut start = keep;
        if keep == 0 && has_system {
            // Decode the system turn on its own, with the same batch
            // boundaries as when it is reused: llama.cpp's arithmetic is not
            // batch-size invariant, and full decoding must be comparable with
            // reuse bit for bit (and leaves the KV ready for reuse).
            if !self.decode_prompt(&tokens[..n_sys], 0, cancelled, Count::Yes)? {
                return Ok(None);
            }
            start = n_sys;
        }
        if !self.decode_prompt(&tokens[start..], start, cancelled, Count::Yes)? {
            return Ok(None);
        }
        let prompt_ms = started.elapsed().as_millis() as u64;

        let mut stats = JobStats {
            prompt_tokens: tokens.len(),
            reused_prompt_tokens: keep,
            prompt_ms,
            ..JobStats::default()
        };
        if work == Work::Prefill {
            return Ok(Some((Vec::new(), stats)));
        }
        // What follows the prompt, kept for ranking: writing decodes over it.
        let next = if rendered.choices.is_empty() {
            Vec::new()
        } else {
            self.ctx.get_logits_ith(self.batch.n_tokens() - 1).to_vec()
        };
        if work == Work::Rank {
            return self.rank_into(
                stats,
                &tokens,
                &next,
                &rendered.choices,
                cancelled,
                Vec::new(),
            );
        }

        let generate_started = Instant::now();
        let vocab = self.model.vocab();
        let mut text = Vec::new();
        let mut stream = JsonStream::default();
        let mut pos = tokens.len();
        let mut logits_index = self.batch.n_tokens() - 1;
        let mut generated = 0;
        // Tokens the longest scenario so far took, to tell whether another
        // one can still finish within max_output_tokens.
        let mut longest_item = 0;
        let mut item_started = 0;
        let mut closing = false;
        let mut first_scenario_ms = None;
        let mut reported = 0;
        while generated < self.max_output_tokens {
            if cancelled() {
                return Ok(None);
            }
            // A string stuck in a loop is closed at once instead of running
            // to its maxLength (the grammar allows a quote at any point), and
            // when another scenario would not fit the budget the array is
            // closed after the current one, so the answer stays complete JSON.
            let force = if closing && stream.depth() == 2 && !stream.string_loops() {
                Some(self.close_tokens.as_slice())
            } else if stream.string_loops() {
                Some(self.quote_tokens.as_slice())
            } else {
                None
            };
            let token = sample_with_grammar(&self.ctx, logits_index, &mut sampler, force)
                .ok_or("the grammar allows no token here")?;
            if vocab.is_eog(token) {
                break;
            }
            sampler.accept(token);
            generated += 1;
            let piece = vocab.token_to_piece(token, false, None);
            text.extend_from_slice(&piece);
            let items_before = stream.items_closed();
            if stream.push(&piece) {
                break;
            }
            if stream.items_closed() > items_before {
                if first_scenario_ms.is_none() {
                    first_scenario_ms = Some(started.elapsed().as_millis() as u64);
                }
                if let Some(report) = partial {
                    // Validated like the final answer; only news is reported.
                    let so_far = output::parse(&String::from_utf8_lossy(&text), input.lines());
                    if so_far.scenarios.len() > reported {
                        reported = so_far.scenarios.len();
                        report(so_far.scenarios);
                    }
                }
                longest_item = longest_item.max(generated - item_started);
                item_started = generated;
                closing = generated + longest_item + CLOSING_RESERVE > self.max_output_tokens;
            }
            self.batch.clear();
            self.batch
                .add(token, pos as i32, &[0], true)
                .map_err(|e| e.to_string())?;
            self.decode(Count::Yes)?;
            pos += 1;
            logits_index = 0;
        }
        let generate_ms = generate_started.elapsed().as_millis() as u64;
        let text = String::from_utf8_lossy(&text);
        tracing::trace!(output = %text, "model output");
        let parsed = output::parse(&text, input.lines());
        stats.generated_tokens = generated;
        stats.generate_ms = generate_ms;
        stats.first_scenario_ms = first_scenario_ms;
        stats.scenarios_dropped = parsed.dropped;
        stats.output_truncated = parsed.salvaged;
        // The ranking is the same as a ranking-only job's: the prompt's KV
        // entries and the logits after it are those it would see.
        self.trim_kv(tokens.len())?;
        self.rank_into(
            stats,
            &tokens,
            &next,
            &rendered.choices,
            cancelled,
            parsed.scenarios,
        )
    }

    /// Ranks `choices` after the prompt `tokens` (the KV cache holding just
    /// them, `next` the logits after them) and answers with the ranking
    /// first, then `written`.
    fn rank_into(
        &mut self,
        mut stats: JobStats,
        tokens: &[LlamaToken],
        next: &[f32],
        choices: &[(FailureClass, usize)],
        cancelled: &dyn Fn() -> bool,
        written: Vec<ModelScenario>,
    ) -> Result<Option<(Vec<ModelScenario>, JobStats)>, String> {
        let started = Instant::now();
        let Some(mut scenarios) = self.rank(tokens.len(), next, choices, cancelled)? else {
            return Ok(None);
        };
        stats.rank_ms = started.elapsed().as_millis() as u64;
        stats.ranked = scenarios.len();
        scenarios.extend(written);
        Ok(Some((scenarios, stats)))
    }

    /// The model's ranking of `choices` after a prompt of `prompt_len`
    /// tokens, the KV cache holding just them and `next` the logits after
    /// them: each choice's [`prompt::choice_text`] scored by its
    /// log-probability, with the probability its class has after a prompt
    /// without code kept beside (see [`Session::class_prior`]). The KV
    /// cache is left holding the prompt alone. `None` when cancelled.
    fn rank(
        &mut self,
        prompt_len: usize,
        next: &[f32],
        choices: &[(FailureClass, usize)],
        cancelled: &dyn Fn() -> bool,
    ) -> Result<Option<Vec<ModelScenario>>, String> {
        if choices.is_empty() {
            return Ok(Some(Vec::new()));
        }
        let vocab = self.model.vocab();
        let texts: Vec<Vec<LlamaToken>> = choices
            .iter()
            .map(|&(class, line)| {
                vocab.tokenize(prompt::choice_text(class, line).as_bytes(), false, false)
            })
            .collect();
        let Some(scores) = self.score_texts(prompt_len, next, &texts, cancelled, Count::Yes)?
        else {
            return Ok(None);
        };
        let probabilities = rank::probabilities(&scores);
        let prior = self.class_prior.clone().unwrap_or_default();
        Ok(Some(
            choices
                .iter()
                .zip(probabilities)
                .map(|(&(class, line), p)| {
                    let mut scored = ModelScenario::scored(class, line, p);
                    scored.prior = class_index(class)
                        .and_then(|i| prior.get(i).copied())
                        .unwrap_or(0.0);
                    scored
                })
                .collect(),
        ))
    }

    /// The log-probability of each of `texts` as the continuation of a
    /// prompt of `prompt_len` tokens (`next` the logits after it): the
    /// start they share decoded once, then each one's own tokens in one
    /// batch. The KV cache is left holding the prompt alone.
    fn score_texts(
        &mut self,
        prompt_len: usize,
        next: &[f32],
        texts: &[Vec<LlamaToken>],
        cancelled: &dyn Fn() -> bool,
        count: Count,
    ) -> Result<Option<Vec<f32>>, String> {
        let shared = rank::shared_prefix(texts);
        let base = prompt_len + shared;
        if base + texts.iter().map(Vec::len).max().unwrap_or(0) > self.n_ctx {
            return Err("no room in the context to rank the candidates".to_string());
        }
        let after_shared;
        let next = if shared > 0 {
            if !self.decode_prompt(&texts[0][..shared], prompt_len, cancelled, count)? {
                return Ok(None);
            }
            after_shared = self.ctx.get_logits_ith(self.batch.n_tokens() - 1).to_vec();
            &after_shared
        } else {
            next
        };
        let mut scores = Vec::with_capacity(texts.len());
        for text in texts {
            let own = &text[shared..];
            let mut score = rank::log_prob(next, own[0].0 as usize);
            if own.len() > 1 {
                if cancelled() {
                    self.trim_kv(prompt_len)?;
                    return Ok(None);
                }
                self.batch.clear();
                for (i, token) in own[..own.len() - 1].iter().enumerate() {
                    self.batch
                        .add(*token, (base + i) as i32, &[0], true)
                        .map_err(|e| e.to_string())?;
                }
                self.decode(count)?;
                for (i, token) in own[1..].iter().enumerate() {
                    score += rank::log_prob(self.ctx.get_logits_ith(i as i32), token.0 as usize);
                }
                self.trim_kv(base)?;
            }
            scores.push(score);
        }
        self.trim_kv(prompt_len)?;
        Ok(Some(scores))
    }

    /// How likely the model is to answer with each failure class when it is
    /// shown no code ([`prompt::CALIBRATION_USER`]), as log-probabilities
    /// over the classes, in [`FailureClass::ALL`] order. A small model
    /// favours some classes whatever the code; its ranking is corrected by
    /// this prior (the domain-conditional PMI of Holtzman et al., 2021).
    /// Computed once per session, before a job's prompt is decoded; the KV
    /// cache is left holding at most the system prompt.
    fn class_prior(&mut self, cancelled: &dyn Fn() -> bool) -> Result<bool, String> {
        if self.class_prior.is_some() {
            return Ok(true);
        }
        let parts = self.template_parts()?;
        let vocab = self.model.vocab();
        let mut tokens = vocab.tokenize(parts.before.as_bytes(), true, true);
        tokens.extend(vocab.tokenize(prompt::CALIBRATION_USER.as_bytes(), false, false));
        tokens.extend(vocab.tokenize(parts.after.as_bytes(), false, true));
        let n_sys = self.system_tokens.len();
        let keep = if self.reuse
            && tokens.starts_with(&self.system_tokens)
            && self.kv_prompt.len() >= n_sys
        {
            n_sys
        } else {
            0
        };
        self.trim_kv(keep)?;
        // The system turn on its own first, as a job decodes it, so that the
        // prior is the same bit for bit with and without its reuse.
        let mut start = keep;
        let has_system =
            n_sys > 0 && n_sys < tokens.len() && tokens.starts_with(&self.system_tokens);
        if keep == 0 && has_system {
            if !self.decode_prompt(&tokens[..n_sys], 0, cancelled, Count::No)? {
                self.trim_kv(0)?;
                return Ok(false);
            }
            start = n_sys;
        }
        if !self.decode_prompt(&tokens[start..], start, cancelled, Count::No)? {
            self.trim_kv(keep)?;
            return Ok(false);
        }
        let next = self.ctx.get_logits_ith(self.batch.n_tokens() - 1).to_vec();
        let texts: Vec<Vec<LlamaToken>> = FailureClass::ALL
            .iter()
            .map(|class| vocab.tokenize(prompt::class_text(*class).as_bytes(), false, false))
            .collect();
        // Not counted: it is the session's, not a job's.
        let scores = self.score_texts(tokens.len(), &next, &texts, cancelled, Count::No)?;
        self.trim_kv(keep)?;
        let Some(scores) = scores else {
            return Ok(false);
        };
        let probabilities = rank::probabilities(&scores);
        self.class_prior = Some(probabilities.iter().map(|p| p.max(1e-9).ln()).collect());
        Ok(true)
    }

    /// Drops the KV entries from position `keep` on, and their record.
    fn trim_kv(&mut self, keep: usize) -> Result<(), String> {
        let trimmed = self
            .ctx
            .clear_kv_cache_seq(Some(0), Some(keep as u32), None)
            .map_err(|e| e.to_string())?;
        if !trimmed {
            self.ctx.clear_kv_cache();
            self.kv_prompt.clear();
            return Err("cannot trim the KV cache".to_string());
        }
        self.kv_prompt.truncate(keep);
        Ok(())
    }
}

/// A class's place in [`FailureClass::ALL`].
fn class_index(class: FailureClass) -> Option<usize> {
    FailureClass::ALL.iter().position(|c| *c == class)
}

/// The grammar for the answer schema (see [`grammar`]).
fn output_grammar(schema: &serde_json::Value) -> Result<String, String> {
    grammar::from_schema(schema).map_err(|e| format!("cannot build the output grammar: {e}"))
}

/// Greedy sampling under a grammar, without running the grammar over the
/// whole vocabulary on every step: the unconstrained best token is tried
/// first and the full vocabulary is filtered only when the grammar rejects
/// it. The result is the same token as filtering first (llama.cpp's common
/// sampler does the same), at a fraction of the cost. With `only`, the best
/// grammar-allowed token among those marked is taken, if there is one.
/// `None` when the grammar allows no token at all: the sampler must then not
/// be told to accept one, which llama.cpp answers with a C++ exception that
/// cannot unwind into Rust.
fn sample_with_grammar(
    ctx: &LlamaContext<'_>,
    index: i32,
    grammar: &mut LlamaSampler,
    only: Option<&[bool]>,
) -> Option<LlamaToken> {
    if only.is_none() {
        let logits = ctx.get_logits_ith(index);
        let top = top_candidates(logits, TOP_CANDIDATES + 1);
        let boundary = top
            .get(TOP_CANDIDATES)
            .map_or(f32::NEG_INFINITY, |&(_, l)| l);
        let shown = &top[..top.len().min(TOP_CANDIDATES)];
        let mut candidates = LlamaTokenDataArray::new(
            shown
                .iter()
                .map(|&(id, logit)| LlamaTokenData::new(LlamaToken(id as i32), logit, 0.0))
                .collect(),
            false,
        );
        candidates.apply_sampler(grammar);
        // In logit order, ties by index: the first allowed one is the
        // grammar's best overall, unless a token outside could tie with it.
        if let Some(best) = candidates
            .data
            .iter()
            .find(|d| d.logit() > f32::NEG_INFINITY)
            .filter(|d| d.logit() > boundary)
        {
            return Some(best.id());
        }
    }
    let mut all = ctx.token_data_array_ith(index);
    all.apply_sampler(grammar);
    if let Some(mask) = only {
        let marked = all
            .data
            .iter()
            .filter(|d| d.logit() > f32::NEG_INFINITY)
            .filter(|d| mask.get(d.id().0 as usize).copied().unwrap_or(false))
            .max_by(|a, b| a.logit().total_cmp(&b.logit()));
        if let Some(token) = marked {
            return Some(token.id());
        }
    }
    let (i, best) = argmax(all.data.iter().map(LlamaTokenData::logit));
    (best > f32::NEG_INFINITY).then(|| all.data[i].id())
}

/// How many of the most likely tokens are checked against the grammar
/// before the whole vocabulary is.
const TOP_CANDIDATES: usize = 16;

/// The `k` largest values as `(index, value)`, largest first, ties by lower
/// index (the order `argmax` would pick them in).
fn top_candidates(values: &[f32], k: usize) -> Vec<(usize, f32)> {
    let mut top: Vec<(usize, f32)> = Vec::with_capacity(k + 1);
    for (i, &v) in values.iter().enumerate() {
        if top.len() == k && top.last().is_some_and(|&(_, last)| v <= last) {
            continue;
        }
        // After every earlier index with a value >= v: ties keep index order.
        let at = top.partition_point(|&(_, t)| t >= v);
        top.insert(at, (i, v));
        top.truncate(k);
    }
    top
}

/// Index and value of the first maximum (the tie rule of llama.cpp's greedy sampler).
fn argmax(values: impl Iterator<Item = f32>) -> (usize, f32) {
    let mut best = (0, f32::NEG_INFINITY);
    for (i, v) in values.enumerate() {
        if v > best.1 {
            best = (i, v);
        }
    }
    best
}

/// The next-token logits after `text`, from the model and LoRA adapter
/// `config` names, decoded in one batch on a fresh context. Not a serving
/// path: it exists so that tests and diagnostics can see what an adapter
/// changes in the model's output distribution, without sampling.
pub fn next_token_logits(config: &EngineConfig, text: &str) -> Result<Vec<f32>, String> {
    let backend = backend()?;
    let mut model =
        LlamaModel::load_from_file(backend, &config.model_path, &LlamaModelParams::default())
            .map_err(|e| format!("cannot load {}: {e}", config.model_path.display()))?;
    let mut adapter = match &config.lora {
        Some(lora) => Some(
            model
                .lora_adapter_init(&lora.path)
                .map_err(|e| format!("cannot load LoRA adapter {}: {e}", lora.path.display()))?,
        ),
        None => None,
    };
    let tokens = model.vocab().tokenize(text.as_bytes(), true, false);
    if tokens.is_empty() || tokens.len() > PROMPT_CHUNK {
        return Err(format!(
            "{} tokens: 1 to {PROMPT_CHUNK} expected",
            tokens.len()
        ));
    }
    let threads = i32::try_from(config.n_threads.max(1)).unwrap_or(1);
    let params = LlamaContextParams::default()
        .with_n_ctx(NonZeroU32::new(PROMPT_CHUNK as u32 * 2))
        .with_n_batch(PROMPT_CHUNK as u32)
        .with_n_ubatch(PROMPT_CHUNK as u32)
        .with_n_threads(threads)
        .with_n_threads_batch(threads);
    let mut ctx = model
        .new_context(backend, params)
        .map_err(|e| format!("cannot create a llama.cpp context: {e}"))?;
    if let (Some(adapter), Some(lora)) = (adapter.as_mut(), &config.lora) {
        ctx.lora_adapter_set(adapter, lora.scale)
            .map_err(|e| format!("cannot apply LoRA adapter {}: {e}", lora.path.display()))?;
    }
    let mut batch = LlamaBatch::new(PROMPT_CHUNK, 1);
    for (i, token) in tokens.iter().enumerate() {
        batch
            .add(*token, i as i32, &[0], i + 1 == tokens.len())
            .map_err(|e| e.to_string())?;
    }
    ctx.decode(&mut batch)
        .map_err(|e| format!("llama_decode failed: {e}"))?;
    Ok(ctx.get_logits_ith(batch.n_tokens() - 1).to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_grammar_is_compact_and_bounded() {
        let grammar = output_grammar(&prompt::schema(&[3, 1, 2])).unwrap();
        assert!(grammar.contains("space ::= \" \"?"), "{grammar}");
        assert!(!grammar.contains("\\n\"{1,2}"), "{grammar}");
        assert!(grammar.contains("\"3\" | \"1\" | \"2\""), "{grammar}");
    }

    #[test]
    fn top_candidates_are_in_argmax_order() {
        let values = [0.5, 2.0, -1.0, 2.0, 3.0, 0.5, f32::NEG_INFINITY, 1.0];
        assert_eq!(
            top_candidates(&values, 4),
            vec![(4, 3.0), (1, 2.0), (3, 2.0), (7, 1.0)]
        );
        assert_eq!(
            top_candidates(&values, 1)[0].0,
            argmax(values.iter().copied()).0
        );
        assert_eq!(top_candidates(&values, 20).len(), values.len());
        assert!(top_candidates(&[], 3).is_empty());
    }
}
