//! LoRA adapters through llama-cpp-2 on the real default model. The test
//! writes its own GGUF adapters (a few lines of the GGUF format, below):
//! one whose B matrix is zero must leave the next-token logits exactly as
//! they are, one with a non-zero B must change them, and one shaped for
//! another model must be refused with a clear message.

use crate::model_support;

use std::io::Write;
use std::path::Path;

use failcast_model::engine::{LoraConfig, next_token_logits};
use model_support::{config, heavy};

/// SmolLM2-135M's hidden size: `blk.0.attn_q.weight` is 576 × 576.
const EMBED: u64 = 576;
const RANK: u64 = 4;
const PROMPT: &str = "def charge(body):\n    return body[\"charge\"]";

fn gguf_string(out: &mut Vec<u8>, text: &str) {
    out.extend((text.len() as u64).to_le_bytes());
    out.extend(text.as_bytes());
}

fn kv_string(out: &mut Vec<u8>, key: &str, value: &str) {
    gguf_string(out, key);
    out.extend(8u32.to_le_bytes()); // GGUF_TYPE_STRING
    gguf_string(out, value);
}

fn pad(out: &mut Vec<u8>) {
    while !out.len().is_multiple_of(32) {
        out.push(0);
    }
}

/// Writes a LoRA adapter for `blk.0.attn_q.weight` in GGUF v3: A is
/// ne = [in, rank], B is ne = [rank, out], both F32; `b` fills B.
fn write_adapter(path: &Path, input: u64, b: impl Fn(usize) -> f32) {
    let target = "blk.0.attn_q.weight";
    let tensors: [(String, [u64; 2]); 2] = [
        (format!("{target}.lora_a"), [input, RANK]),
        (format!("{target}.lora_b"), [RANK, EMBED]),
    ];
    let mut out = Vec::new();
    out.extend(b"GGUF");
    out.extend(3u32.to_le_bytes());
    out.extend((tensors.len() as u64).to_le_bytes());
    out.extend(4u64.to_le_bytes());
    kv_string(&mut out, "general.architecture", "llama");
    kv_string(&mut out, "general.type", "adapter");
    kv_string(&mut out, "adapter.type", "lora");
    gguf_string(&mut out, "adapter.lora.alpha");
    out.extend(6u32.to_le_bytes()); // GGUF_TYPE_FLOAT32
    out.extend((RANK as f32).to_le_bytes());
    let mut offset = 0u64;
    for (name, dims) in &tensors {
        gguf_string(&mut out, name);
        out.extend(2u32.to_le_bytes());
        for d in dims {
            out.extend(d.to_le_bytes());
        }
        out.extend(0u32.to_le_bytes()); // GGML_TYPE_F32
        out.extend(offset.to_le_bytes());
        offset += (dims[0] * dims[1] * 4).div_ceil(32) * 32;
    }
    pad(&mut out);
    // A: a fixed pseudo-random pattern, so only B decides the outcome.
    let mut seed = 0x2545_f491_u32;
    for _ in 0..input * RANK {
        seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        out.extend(((seed >> 8) as f32 / (1 << 24) as f32 - 0.5).to_le_bytes());
    }
    pad(&mut out);
    for i in 0..(RANK * EMBED) as usize {
        out.extend(b(i).to_le_bytes());
    }
    pad(&mut out);
    std::fs::File::create(path)
        .unwrap()
        .write_all(&out)
        .unwrap();
}

fn max_difference(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len());
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max)
}

#[test]
fn zero_adapter_keeps_logits_and_a_trained_one_changes_them() {
    let _heavy = heavy();
    let dir = tempfile::tempdir().unwrap();
    let base_config = config();
    let base = next_token_logits(&base_config, PROMPT).unwrap();
    assert!(base.iter().all(|l| l.is_finite()));

    let with = |path: &Path| {
        let mut c = base_config.clone();
        c.lora = Some(LoraConfig {
            path: path.to_owned(),
            scale: 1.0,
        });
        c
    };
    let zero = dir.path().join("zero.gguf");
    write_adapter(&zero, EMBED, |_| 0.0);
    let unchanged = next_token_logits(&with(&zero), PROMPT).unwrap();
    assert_eq!(max_difference(&base, &unchanged), 0.0);

    let trained = dir.path().join("trained.gguf");
    write_adapter(&trained, EMBED, |i| if i % 7 == 0 { 0.5 } else { -0.25 });
    let changed = next_token_logits(&with(&trained), PROMPT).unwrap();
    let difference = max_difference(&base, &changed);
    assert!(
        difference > 0.1,
        "the adapter changed the logits by only {difference}"
    );

    // Shaped for a model with another hidden size: refused, clearly.
    let foreign = dir.path().join("foreign.gguf");
    write_adapter(&foreign, 896, |_| 0.1);
    let error = next_token_logits(&with(&foreign), PROMPT).unwrap_err();
    assert!(error.contains("cannot load LoRA adapter"), "{error}");
}
