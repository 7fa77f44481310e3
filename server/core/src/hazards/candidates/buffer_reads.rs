//! Fixed-width reads and copies at a position in a byte buffer:
//! `binary.BigEndian.Uint32(b[4:])`, `buf.readUInt32BE(offset)`,
//! `view.getUint16(pos)`, `struct.unpack_from(">I", data, off)`,
//! `System.arraycopy(src, off, dst, 0, n)`, `new String(b, off, len)`,
//! `bb.getInt()`, the `bytes` crate's `buf.get_u32()` and `advance(n)`.
//! Each assumes the buffer still holds the width it reads. A truncated
//! frame, a length field that lies or a file cut short holds less, and
//! the read panics or throws: `index out of range [3] with length 2`,
//! `RangeError [ERR_OUT_OF_RANGE]`, `struct.error: unpack requires a
//! buffer of 4 bytes`, `BufferUnderflowException`, `advance out of
//! bounds`. A check of the buffer's length (or what remains of it) in
//! front of the read is the guard, and so is a handler of the error.
//! Only buffers that come from outside the function are read this way: a
//! parameter, or a field of the object.

use super::*;

/// Below an index with a computed position (0.08): the width is usually
/// checked once for a whole frame, out of sight of each read.
const BASE: f32 = 0.06;

const TRIGGER: &str = "the buffer is shorter than the read: a truncated frame, a length field that lies, a file cut short";

/// Widths a Node.js `Buffer` reads and writes (`readUInt32BE`,
/// `writeInt16LE`, `readBigUInt64LE`, with the `Uint` aliases).
fn node_buffer_width(name: &str) -> bool {
    let Some(width) = name
        .strip_prefix("read")
        .or_else(|| name.strip_prefix("write"))
    else {
        return false;
    };
    let width = width.replace("UInt", "Uint");
    let bare = width
        .strip_suffix("LE")
        .or_else(|| width.strip_suffix("BE"))
        .unwrap_or(&width);
    matches!(
        bare,
        "Uint8" | "Int8" | "Uint16" | "Int16" | "Uint32" | "Int32" | "BigUint64" | "BigInt64"
    ) || (width != bare && matches!(bare, "Float" | "Double" | "Uint" | "Int"))
}

/// Widths a `DataView` gets and sets (`getUint16`, `setFloat64`).
fn data_view_width(name: &str) -> bool {
    name.strip_prefix("get")
        .or_else(|| name.strip_prefix("set"))
        .is_some_and(|w| {
            matches!(
                w,
                "Int8"
                    | "Uint8"
                    | "Int16"
                    | "Uint16"
                    | "Int32"
                    | "Uint32"
                    | "Float32"
                    | "Float64"
                    | "BigInt64"
                    | "BigUint64"
            )
        })
}

/// The `bytes` crate's `Buf` getters (`get_u8`, `get_u32_le`, `get_f64`,
/// `get_uint(n)`).
fn bytes_getter(name: &str) -> bool {
    name.strip_prefix("get_").is_some_and(|w| {
        let w = w
            .strip_suffix("_le")
            .or_else(|| w.strip_suffix("_ne"))
            .unwrap_or(w);
        matches!(
            w,
            "u8" | "i8"
                | "u16"
                | "i16"
                | "u32"
                | "i32"
                | "u64"
                | "i64"
                | "u128"
                | "i128"
                | "f32"
                | "f64"
                | "uint"
                | "int"
        )
    })
}

/// A module constant's name (`HEADER`, `_U32`): upper case, digits and
/// underscores, with at least one letter.
fn constant_name(name: &str) -> bool {
    name.chars().any(|c| c.is_ascii_uppercase())
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// Java `ByteBuffer` getters of a fixed width.
const BYTE_BUFFER_GETTERS: &[&str] = &[
    "getInt",
    "getShort",
    "getLong",
    "getChar",
    "getFloat",
    "getDouble",
];

impl Scan<'_, '_, '_> {
    pub(super) fn buffer_read(&mut self, node: Node, callee: &str, last: &str, args: &str) {
        // A `write` that hands its `(b, off, len)` to the stream it wraps,
        // an `advance` that advances the inner buffer: the contract, and
        // its check, are the caller's.
        if self.own_name() == last {
            return;
        }
        let receiver = callee.rsplit_once(['.', ':']).map_or("", |(r, _)| r);
        let receiver = receiver.trim_end_matches(':').trim();
        let inner = arguments(args);
        let count = node
            .child_by_field_name("arguments")
            .map_or(0, |a| a.named_child_count());
        let nth = |n: usize| inner.split(',').nth(n).unwrap_or_default().trim();
        let buffer = match self.cx.language {
            Language::Go => {
                let endian = [
                    "binary.BigEndian.",
                    "binary.LittleEndian.",
                    "binary.NativeEndian.",
                ]
                .iter()
                .any(|p| callee.starts_with(p));
                let fixed = matches!(
                    last,
                    "Uint16" | "Uint32" | "Uint64" | "PutUint16" | "PutUint32" | "PutUint64"
                );
                (endian && fixed).then(|| nth(0))
            }
            Language::JavaScript | Language::TypeScript | Language::Tsx => {
                let copy = last == "copy" && count >= 3;
                // `buf.readUInt32BE(offset)`: a `Buffer` is read at a
                // position; a reader object's own `packet.readInt8()`
                // keeps its offset and checks it itself.
                let at_position = count >= 1 && (node_buffer_width(last) || data_view_width(last));
                (!receiver.is_empty() && (at_position || copy)).then_some(receiver)
            }
            Language::Python => match callee {
                "struct.unpack" | "struct.unpack_from" | "struct.iter_unpack" => Some(nth(1)),
                // A precompiled `struct.Struct`, by the names given to
                // one: `HEADER.unpack_from(data)`, `self._struct.unpack(b)`.
                _ if matches!(last, "unpack" | "unpack_from")
                    && (receiver.to_lowercase().contains("struct")
                        || constant_name(receiver.rsplit('.').next().unwrap_or_default())) =>
                {
                    Some(nth(0))
                }
                _ => None,
            },
            Language::Java => match last {
                "arraycopy" if callee == "System.arraycopy" => Some(nth(0)),
                "copyOfRange" if callee.ends_with("Arrays.copyOfRange") => Some(nth(0)),
                // `new String(bytes, offset, length)`, `read(buf, off, len)`:
                // a position and a length into the array.
                "String" if node.kind() == "object_creation_expression" && count >= 3 => {
                    Some(nth(0))
                }
                // On a stream (`in.read(buf, off, len)`), not a utility
                // class's `IOUtils.write(data, out, charset)`.
                "read" | "write" | "readFully"
                    if count == 3 && receiver.starts_with(|c: char| c.is_lowercase()) =>
                {
                    let whole = nth(1) == "0" && nth(2) == format!("{}.length", nth(0));
                    (!whole).then(|| nth(0))
                }
                // A `ByteBuffer` by its name or declaration, not a JSON
                // array's or a map's `getInt(key)`.
                _ if BYTE_BUFFER_GETTERS.contains(&last)
                    && count <= 1
                    && (receiver.to_lowercase().contains("buf")
                        || self.body.contains(&format!("ByteBuffer {receiver}"))) =>
                {
                    Some(receiver)
                }
                _ => None,
            },
            Language::Rust => {
                // `advance` panics past the end in `bytes`, in tokio's
                // `ReadBuf` and in `IoSlice` alike.
                let moves = matches!(
                    last,
                    "advance" | "copy_to_slice" | "copy_to_bytes" | "split_to"
                );
                (!receiver.is_empty() && (bytes_getter(last) || moves)).then_some(receiver)
            }
        };
        let Some(buffer) = buffer else {
            return;
        };
        let root = buffer
            .trim_start_matches(['&', '*'])
            .trim_start_matches("mut ")
            .split(['[', '(', ' '])
            .next()
            .unwrap_or_default()
            .trim();
        if !self.handed_in(root) {
            return;
        }
        let name = root.rsplit('.').next().unwrap_or(root);
        if name.is_empty() || guarded(self.cx.language, node, self.cx.node, self.cx.rope, &[name]) {
            return;
        }
        let errors: &[&str] = match self.cx.language {
            Language::Python => &["struct.error", "error"],
            Language::Java => &[
                "BufferUnderflowException",
                "IndexOutOfBoundsException",
                "ArrayIndexOutOfBoundsException",
                "StringIndexOutOfBoundsException",
            ],
            Language::JavaScript | Language::TypeScript | Language::Tsx => &["RangeError"],
            _ => &[],
        };
        if caught(self.cx.language, node, self.cx.node, self.cx.rope, errors) {
            return;
        }
        self.add(node, IndexOutOfRange, BASE, TRIGGER);
    }

    /// Whether `root` (`data`, `this.buf`, `self._buffer`, `r.buf`) names
    /// what the function was handed: a parameter, or a field of its own
    /// object that other calls filled.
    fn handed_in(&self, root: &str) -> bool {
        match root.split_once('.') {
            None => self.parameters.iter().any(|p| p == root) || self.read_short(root),
            Some((object, _)) => self.is_own(object),
        }
    }

    /// Whether the function fills the local `name` from a file or a
    /// socket (`head = f.read(4)`, `data = sock.recv(n)`): at the end of
    /// the stream Python returns fewer bytes than asked, without an error.
    fn read_short(&self, name: &str) -> bool {
        self.cx.language == Language::Python
            && self.body.lines().any(|line| {
                absent::assignment(line.trim()).is_some_and(|(left, right)| {
                    left.trim() == name && [".read(", ".recv("].iter().any(|r| right.contains(r))
                })
            })
    }
}
