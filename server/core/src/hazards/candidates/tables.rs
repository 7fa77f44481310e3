//! Fixed tables indexed by a value the data decides: `GENRES[int(code)]`,
//! `FTAB[iftab]`, `opcodes[b]`. A table written out in the source (a genre
//! list, a function table, a character class) has the length its author
//! knew of; the index comes from a byte, a number or a code in the input,
//! whose range is whatever the input holds. A newer format, a vendor
//! extension or a corrupt file indexes past the end. In Python the
//! container being a list literal also settles that the subscript is a
//! position, not a key.

use super::*;

/// Names the file binds to a sequence literal at its top level or in a
/// class body: `GENRES = [`, `const TABLE = [`, `var names = []string{`,
/// `static FTAB: [&str; 368] = [`, `static final String[] NAMES = {`.
/// Read per segment of the file, each kept by its text's hash: an edit
/// reads again only the segment it changed.
pub(super) fn table_names(language: Language, segments: &[&str]) -> Vec<String> {
    static MEMOS: [super::memo::Memo<Vec<String>>; 7] = [const { super::memo::Memo::new() }; 7];
    super::memo::names_in_segments(&MEMOS[language as usize], segments, |text| {
        tables_in(language, text)
    })
}

fn tables_in(language: Language, text: &str) -> Vec<String> {
    let mut names = Vec::new();
    for line in text.lines() {
        let indent = line.len() - line.trim_start().len();
        let line = line.trim();
        let name = match language {
            // Module level or a class body (one level in).
            Language::Python if indent <= 4 => python_table(line),
            Language::JavaScript | Language::TypeScript | Language::Tsx if indent == 0 => {
                ecma_table(line)
            }
            Language::Go => go_table(line),
            Language::Rust => rust_table(line),
            Language::Java => java_table(line),
            _ => None,
        };
        if let Some(name) = name
            && name.len() > 1
            && name.chars().all(|c| c.is_alphanumeric() || c == '_')
        {
            names.push(name.to_owned());
        }
    }
    names
}

/// `NAME = [` or `NAME = (` (a tuple), the literal opening on the line.
fn python_table(line: &str) -> Option<&str> {
    let (left, right) = line.split_once('=')?;
    let right = right.trim_start();
    if right.starts_with('=') || !(right.starts_with('[') || right.starts_with("(\"")) {
        return None;
    }
    // `x = [f(y) for y in ys]` is computed; `[` then a comprehension.
    if right.contains(" for ") {
        return None;
    }
    Some(left.trim().split(':').next()?.trim())
}

/// `const NAME = [` (also `export const`, `var`, `let`, with a type).
fn ecma_table(line: &str) -> Option<&str> {
    let line = line.strip_prefix("export ").unwrap_or(line);
    let rest = ["const ", "var ", "let "]
        .iter()
        .find_map(|k| line.strip_prefix(k))?;
    let (left, right) = rest.split_once('=')?;
    right
        .trim_start()
        .starts_with('[')
        .then(|| left.split(':').next().unwrap_or(left).trim())
}

/// `var names = []string{`, `names = [...]string{` in a `var (` block,
/// `var table = [256]uint8{`.
fn go_table(line: &str) -> Option<&str> {
    let rest = line.strip_prefix("var ").unwrap_or(line);
    let (left, right) = rest.split_once('=')?;
    let right = right.trim_start();
    let literal = right.starts_with('[') && right.trim_end().ends_with('{');
    let left = left.split_whitespace().next()?;
    literal.then_some(left)
}

/// `const NAME: [T; N] = [`, `static NAME: &[T] = &[`.
fn rust_table(line: &str) -> Option<&str> {
    let line = line.strip_prefix("pub ").unwrap_or(line);
    let line = line.strip_prefix("pub(crate) ").unwrap_or(line);
    let rest = ["const ", "static "]
        .iter()
        .find_map(|k| line.strip_prefix(k))?;
    let (name, ty) = rest.split_once(':')?;
    let ty = ty.trim_start();
    (ty.starts_with('[') || ty.starts_with("&[") || ty.starts_with("&'static ["))
        .then(|| name.trim())
}

/// `static final String[] NAMES = {` or `= new String[] {`.
fn java_table(line: &str) -> Option<&str> {
    if !line.contains("static") {
        return None;
    }
    let (left, right) = line.split_once('=')?;
    let right = right.trim_start();
    let literal = right.starts_with('{') || (right.starts_with("new ") && right.contains("[]"));
    let left = left.trim();
    (literal && left.contains("[]")).then(|| left.rsplit(' ').next().unwrap_or(left))
}

impl Scan<'_, '_, '_> {
    /// Whether `container` names one of the file's fixed tables, however
    /// it is reached (`GENRES`, `ID3.GENRES`, `self.GENRES`,
    /// `crate::utils::FTAB`).
    pub(super) fn is_table(&self, container: &str) -> bool {
        let last = container
            .trim()
            .rsplit(['.', ':'])
            .next()
            .unwrap_or_default();
        if last.is_empty() {
            return false;
        }
        // In Rust and Java a name in capitals is a constant or a static
        // by convention, and `[]` on one is a position (Java indexes
        // arrays only): a table of another file (`crate::utils::FTAB`).
        let constant = matches!(self.cx.language, Language::Rust | Language::Java)
            && last.len() > 1
            && last
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
            && last.chars().any(|c| c.is_ascii_uppercase());
        constant || self.tables.iter().any(|t| t == last)
    }
}
