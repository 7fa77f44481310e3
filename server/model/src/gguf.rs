//! A sanity check of GGUF files before llama.cpp sees them.
//!
//! llama.cpp validates most of a model file, but some corrupt files reach an
//! assertion that aborts the whole process, and the language server must
//! survive a bad download. So the header is walked here first, with every
//! length bounded: magic, version, key/value section, tensor table, and the
//! end of the last tensor's data against the file size (truncation is the
//! usual corruption: an interrupted copy).

use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::Path;

/// What the header says, for messages and the doctor report.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GgufSummary {
    pub version: u32,
    pub tensors: u64,
    pub metadata_entries: u64,
    /// `general.name`, when present.
    pub name: Option<String>,
    /// `general.architecture`, when present.
    pub architecture: Option<String>,
    pub file_size: u64,
}

// Generous bounds: real files have hundreds of tensors and a few dozen keys;
// anything beyond these is corruption, not a model.
const MAX_TENSORS: u64 = 1 << 20;
const MAX_KV: u64 = 1 << 16;
const MAX_STRING: u64 = 64 << 20;
const MAX_ARRAY: u64 = 1 << 26;
const MAX_DIMS: u32 = 8;

/// Checks that `path` looks like a complete GGUF model file. `expected_size`
/// is the catalog size when the file is a catalog model.
pub fn check(path: &Path, expected_size: Option<u64>) -> Result<GgufSummary, String> {
    let file = File::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    let file_size = file
        .metadata()
        .map_err(|e| format!("cannot stat {}: {e}", path.display()))?
        .len();
    if let Some(expected) = expected_size
        && expected != file_size
    {
        return Err(format!(
            "{} is {file_size} bytes but the model is {expected} bytes (truncated or a different file)",
            path.display()
        ));
    }
    let mut reader = Reader {
        inner: BufReader::with_capacity(1 << 16, file),
        pos: 0,
        size: file_size,
    };
    walk(&mut reader, file_size)
        .map_err(|e| format!("{} is not a valid GGUF model: {e}", path.display()))
}

struct Reader {
    inner: BufReader<File>,
    pos: u64,
    size: u64,
}

impl Reader {
    fn bytes<const N: usize>(&mut self) -> Result<[u8; N], String> {
        let mut buf = [0u8; N];
        self.inner
            .read_exact(&mut buf)
            .map_err(|e| eof(e, self.pos))?;
        self.pos += N as u64;
        Ok(buf)
    }
    fn u32(&mut self) -> Result<u32, String> {
        self.bytes::<4>().map(u32::from_le_bytes)
    }
    fn u64(&mut self) -> Result<u64, String> {
        self.bytes::<8>().map(u64::from_le_bytes)
    }
    fn skip(&mut self, n: u64) -> Result<(), String> {
        if self.pos.saturating_add(n) > self.size {
            return Err(format!(
                "header runs past the end of the file at byte {}",
                self.pos
            ));
        }
        let offset = i64::try_from(n).map_err(|_| "length overflow".to_string())?;
        self.inner
            .seek_relative(offset)
            .map_err(|e| eof(e, self.pos))?;
        self.pos += n;
        Ok(())
    }
    fn string(&mut self) -> Result<String, String> {
        let len = self.u64()?;
        if len > MAX_STRING || self.pos.saturating_add(len) > self.size {
            return Err(format!("string of {len} bytes at byte {}", self.pos));
        }
        let mut buf = vec![0u8; len as usize];
        self.inner
            .read_exact(&mut buf)
            .map_err(|e| eof(e, self.pos))?;
        self.pos += len;
        Ok(String::from_utf8_lossy(&buf).into_owned())
    }
    fn skip_string(&mut self) -> Result<(), String> {
        let len = self.u64()?;
        if len > MAX_STRING {
            return Err(format!("string of {len} bytes at byte {}", self.pos));
        }
        self.skip(len)
    }
}

fn eof(error: io::Error, pos: u64) -> String {
    if error.kind() == io::ErrorKind::UnexpectedEof {
        format!("file ends inside the header (byte {pos})")
    } else {
        error.to_string()
    }
}

/// Size in bytes of one scalar of a GGUF metadata value type; `None` for
/// strings and arrays.
fn scalar_size(value_type: u32) -> Result<Option<u64>, String> {
    Ok(match value_type {
        0 | 1 | 7 => Some(1),
        2 | 3 => Some(2),
        4..=6 => Some(4),
        10..=12 => Some(8),
        8 | 9 => None,
        other => return Err(format!("unknown metadata type {other}")),
    })
}

/// (bytes per block, elements per block) of the ggml tensor types models use.
/// Unknown types are still checked for their offset, just not their length.
fn block_layout(tensor_type: u32) -> Option<(u64, u64)> {
    Some(match tensor_type {
        0 => (4, 1),      // F32
        1 => (2, 1),      // F16
        2 => (18, 32),    // Q4_0
        3 => (20, 32),    // Q4_1
        6 => (22, 32),    // Q5_0
        7 => (24, 32),    // Q5_1
        8 => (34, 32),    // Q8_0
        10 => (84, 256),  // Q2_K
        11 => (110, 256), // Q3_K
        12 => (144, 256), // Q4_K
        13 => (176, 256), // Q5_K
        14 => (210, 256), // Q6_K
        15 => (292, 256), // Q8_K
        30 => (2, 1),     // BF16
        _ => return None,
    })
}

fn walk(r: &mut Reader, file_size: u64) -> Result<GgufSummary, String> {
    let magic = r.bytes::<4>()?;
    if &magic != b"GGUF" {
        return Err(format!("bad magic {magic:02x?} (expected \"GGUF\")"));
    }
    let version = r.u32()?;
    if !(2..=3).contains(&version) {
        return Err(format!("unsupported GGUF version {version}"));
    }
    let tensors = r.u64()?;
    let metadata_entries = r.u64()?;
    if tensors == 0 || tensors > MAX_TENSORS {
        return Err(format!("implausible tensor count {tensors}"));
    }
    if metadata_entries > MAX_KV {
        return Err(format!("implausible metadata count {metadata_entries}"));
    }
    let mut summary = GgufSummary {
        version,
        tensors,
        metadata_entries,
        file_size,
        ..GgufSummary::default()
    };
    let mut alignment = 32u64;
    for _ in 0..metadata_entries {
        let key = r.string()?;
        let value_type = r.u32()?;
        match (key.as_str(), value_type) {
            ("general.name", 8) => summary.name = Some(r.string()?),
            ("general.architecture", 8) => summary.architecture = Some(r.string()?),
            ("general.alignment", 4) => {
                alignment = u64::from(r.u32()?);
                if alignment == 0 || !alignment.is_power_of_two() {
                    return Err(format!("bad alignment {alignment}"));
                }
            }
            _ => skip_value(r, value_type)?,
        }
    }
    let mut data_end = 0u64;
    for _ in 0..tensors {
        r.skip_string()?;
        let dims = r.u32()?;
        if dims == 0 || dims > MAX_DIMS {
            return Err(format!("tensor with {dims} dimensions"));
        }
        let mut elements = 1u64;
        for _ in 0..dims {
            let d = r.u64()?;
            elements = elements
                .checked_mul(d)
                .ok_or_else(|| "tensor element count overflows".to_string())?;
        }
        let tensor_type = r.u32()?;
        let offset = r.u64()?;
        let bytes = block_layout(tensor_type).map_or(0, |(block_bytes, block_elems)| {
            elements.div_ceil(block_elems).saturating_mul(block_bytes)
        });
        data_end = data_end.max(offset.saturating_add(bytes.max(1)));
    }
    let data_start = r.pos.div_ceil(alignment).saturating_mul(alignment);
    let needed = data_start.saturating_add(data_end);
    if needed > file_size {
        return Err(format!(
            "tensor data needs {needed} bytes but the file has {file_size} (truncated)"
        ));
    }
    Ok(summary)
}

fn skip_value(r: &mut Reader, value_type: u32) -> Result<(), String> {
    match scalar_size(value_type)? {
        Some(n) => r.skip(n),
        None if value_type == 8 => r.skip_string(),
        None => {
            let item_type = r.u32()?;
            let count = r.u64()?;
            if count > MAX_ARRAY {
                return Err(format!("array of {count} items"));
            }
            match scalar_size(item_type)? {
                Some(n) => r.skip(n.saturating_mul(count)),
                None if item_type == 8 => {
                    for _ in 0..count {
                        r.skip_string()?;
                    }
                    Ok(())
                }
                // Nested arrays do not occur in model files.
                None => Err("nested metadata array".to_string()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gguf_bytes(truncate_data: bool) -> Vec<u8> {
        let mut b = Vec::new();
        b.extend_from_slice(b"GGUF");
        b.extend_from_slice(&3u32.to_le_bytes());
        b.extend_from_slice(&1u64.to_le_bytes()); // tensors
        b.extend_from_slice(&1u64.to_le_bytes()); // kv
        let key = b"general.name";
        b.extend_from_slice(&(key.len() as u64).to_le_bytes());
        b.extend_from_slice(key);
        b.extend_from_slice(&8u32.to_le_bytes());
        b.extend_from_slice(&4u64.to_le_bytes());
        b.extend_from_slice(b"tiny");
        let name = b"w";
        b.extend_from_slice(&(name.len() as u64).to_le_bytes());
        b.extend_from_slice(name);
        b.extend_from_slice(&1u32.to_le_bytes());
        b.extend_from_slice(&8u64.to_le_bytes()); // 8 f32
        b.extend_from_slice(&0u32.to_le_bytes());
        b.extend_from_slice(&0u64.to_le_bytes());
        while b.len() % 32 != 0 {
            b.push(0);
        }
        let data = if truncate_data { 16 } else { 32 };
        b.extend(std::iter::repeat_n(0u8, data));
        b
    }

    #[test]
    fn accepts_complete_and_rejects_truncated_files() {
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("good.gguf");
        std::fs::write(&good, gguf_bytes(false)).unwrap();
        let summary = check(&good, None).unwrap();
        assert_eq!(summary.name.as_deref(), Some("tiny"));

        let short = dir.path().join("short.gguf");
        std::fs::write(&short, gguf_bytes(true)).unwrap();
        let err = check(&short, None).unwrap_err();
        assert!(err.contains("truncated"), "{err}");

        let header_cut = dir.path().join("cut.gguf");
        std::fs::write(&header_cut, &gguf_bytes(false)[..30]).unwrap();
        assert!(check(&header_cut, None).unwrap_err().contains("header"));

        let not_gguf = dir.path().join("x.gguf");
        std::fs::write(&not_gguf, b"<html>502 Bad Gateway</html>").unwrap();
        assert!(check(&not_gguf, None).unwrap_err().contains("magic"));

        assert!(check(&good, Some(12)).unwrap_err().contains("truncated"));
    }
}
