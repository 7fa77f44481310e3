//! The languages failcast serves: detection, tree-sitter grammars and the
//! query files in `grammars/<language>/`, compiled once per process.

use std::path::Path;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use tree_sitter::Query;

/// A language failcast can parse and analyse.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    Rust,
    Python,
    TypeScript,
    Tsx,
    JavaScript,
    Go,
    Java,
}

/// The purposes a query file can serve; one `.scm` file per purpose and language.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum QueryKind {
    /// Functions, methods, named closures and their containers.
    Functions,
    /// Call sites, for the call index.
    Calls,
    /// Operations that can fail at run time.
    Hazards,
    /// Test functions and test modules, which the hazard pass skips.
    Tests,
}

impl QueryKind {
    pub const ALL: [QueryKind; 4] = [
        QueryKind::Functions,
        QueryKind::Calls,
        QueryKind::Hazards,
        QueryKind::Tests,
    ];

    pub fn file_name(self) -> &'static str {
        match self {
            QueryKind::Functions => "functions.scm",
            QueryKind::Calls => "calls.scm",
            QueryKind::Hazards => "hazards.scm",
            QueryKind::Tests => "tests.scm",
        }
    }
}

macro_rules! query_sources {
    ($dir:literal) => {
        [
            include_str!(concat!("../../../grammars/", $dir, "/functions.scm")),
            include_str!(concat!("../../../grammars/", $dir, "/calls.scm")),
            include_str!(concat!("../../../grammars/", $dir, "/hazards.scm")),
            include_str!(concat!("../../../grammars/", $dir, "/tests.scm")),
        ]
    };
}

/// Query sources of private base "languages" that real ones inherit from
/// (Helix's `; inherits:` convention): `ecma` holds what JavaScript and
/// TypeScript share.
const ECMA_SOURCES: [&str; 4] = query_sources!("ecma");

impl Language {
    pub const ALL: [Language; 7] = [
        Language::Rust,
        Language::Python,
        Language::TypeScript,
        Language::Tsx,
        Language::JavaScript,
        Language::Go,
        Language::Java,
    ];

    /// The name used in configuration, JSON output and the `grammars/` directory.
    pub fn name(self) -> &'static str {
        match self {
            Language::Rust => "rust",
            Language::Python => "python",
            Language::TypeScript => "typescript",
            Language::Tsx => "tsx",
            Language::JavaScript => "javascript",
            Language::Go => "go",
            Language::Java => "java",
        }
    }

    pub fn from_name(name: &str) -> Option<Language> {
        Language::ALL.into_iter().find(|l| l.name() == name)
    }

    /// Maps an LSP `languageId` to a language.
    pub fn from_language_id(id: &str) -> Option<Language> {
        Some(match id {
            "rust" => Language::Rust,
            "python" => Language::Python,
            "typescript" => Language::TypeScript,
            "typescriptreact" | "tsx" => Language::Tsx,
            "javascript" | "javascriptreact" | "jsx" => Language::JavaScript,
            "go" => Language::Go,
            "java" => Language::Java,
            _ => return None,
        })
    }

    pub fn from_path(path: &Path) -> Option<Language> {
        let ext = path.extension()?.to_str()?;
        Some(match ext {
            "rs" => Language::Rust,
            "py" | "pyi" => Language::Python,
            "ts" | "mts" | "cts" => Language::TypeScript,
            "tsx" => Language::Tsx,
            "js" | "mjs" | "cjs" | "jsx" => Language::JavaScript,
            "go" => Language::Go,
            "java" => Language::Java,
            _ => return None,
        })
    }

    pub fn grammar(self) -> tree_sitter::Language {
        match self {
            Language::Rust => tree_sitter_rust::LANGUAGE.into(),
            Language::Python => tree_sitter_python::LANGUAGE.into(),
            Language::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
            Language::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
            Language::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
            Language::Go => tree_sitter_go::LANGUAGE.into(),
            Language::Java => tree_sitter_java::LANGUAGE.into(),
        }
    }

    /// The separator a language's runtime puts between a type and its method
    /// in qualified names.
    pub fn path_separator(self) -> &'static str {
        match self {
            Language::Rust => "::",
            _ => ".",
        }
    }

    /// The fence tag for Markdown code blocks.
    pub fn markdown_tag(self) -> &'static str {
        match self {
            Language::Rust => "rust",
            Language::Python => "python",
            Language::TypeScript | Language::Tsx => "typescript",
            Language::JavaScript => "javascript",
            Language::Go => "go",
            Language::Java => "java",
        }
    }

    /// The raw source of one query file, before `; inherits:` is resolved.
    fn own_query_source(self, kind: QueryKind) -> &'static str {
        let sources: &[&str; 4] = match self {
            Language::Rust => {
                const S: [&str; 4] = query_sources!("rust");
                &S
            }
            Language::Python => {
                const S: [&str; 4] = query_sources!("python");
                &S
            }
            Language::TypeScript => {
                const S: [&str; 4] = query_sources!("typescript");
                &S
            }
            Language::Tsx => {
                const S: [&str; 4] = query_sources!("tsx");
                &S
            }
            Language::JavaScript => {
                const S: [&str; 4] = query_sources!("javascript");
                &S
            }
            Language::Go => {
                const S: [&str; 4] = query_sources!("go");
                &S
            }
            Language::Java => {
                const S: [&str; 4] = query_sources!("java");
                &S
            }
        };
        sources[kind as usize]
    }

    /// The full source of a query: inherited files first, then the language's own.
    pub fn query_source(self, kind: QueryKind) -> String {
        resolve_inherits(self.own_query_source(kind), kind)
    }

    /// The compiled query; compiled once per process.
    ///
    /// # Panics
    /// Panics if a shipped query does not compile; the tidy test
    /// `every_query_compiles` keeps that from ever reaching a user.
    pub fn query(self, kind: QueryKind) -> &'static Query {
        static CACHE: OnceLock<Vec<OnceLock<Query>>> = OnceLock::new();
        let cache = CACHE.get_or_init(|| {
            (0..Language::ALL.len() * QueryKind::ALL.len())
                .map(|_| OnceLock::new())
                .collect()
        });
        let slot = &cache[self as usize * QueryKind::ALL.len() + kind as usize];
        slot.get_or_init(|| {
            self.compile_query(kind).unwrap_or_else(|err| {
                panic!("grammars/{}/{}: {err}", self.name(), kind.file_name())
            })
        })
    }

    pub fn compile_query(self, kind: QueryKind) -> Result<Query, tree_sitter::QueryError> {
        Query::new(&self.grammar(), &self.query_source(kind))
    }
}

impl std::fmt::Display for Language {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

fn resolve_inherits(source: &'static str, kind: QueryKind) -> String {
    let first = source.lines().next().unwrap_or_default();
    let Some(parents) = first.strip_prefix("; inherits:") else {
        return source.to_owned();
    };
    let mut out = String::new();
    for parent in parents.split(',').map(str::trim) {
        let parent_source = match parent {
            "ecma" => ECMA_SOURCES[kind as usize],
            other => match Language::from_name(other) {
                Some(language) => language.own_query_source(kind),
                None => continue,
            },
        };
        out.push_str(&resolve_inherits(parent_source, kind));
        out.push('\n');
    }
    out.push_str(source);
    out
}

/// `package x` / `package com.acme;` from the file's first lines (Go, Java).
pub fn declared_package(language: Language, rope: &ropey::Rope) -> Option<String> {
    if !matches!(language, Language::Go | Language::Java) {
        return None;
    }
    rope.lines().take(200).find_map(|line| {
        let line = line.to_string();
        let rest = line.trim().strip_prefix("package ")?;
        let name = rest.trim().trim_end_matches(';').trim();
        (!name.is_empty() && (language == Language::Java || !name.contains(' ')))
            .then(|| name.to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Tidy: every shipped query compiles against its grammar.
    #[test]
    fn every_query_compiles() {
        let mut failures = Vec::new();
        for language in Language::ALL {
            for kind in QueryKind::ALL {
                if let Err(err) = language.compile_query(kind) {
                    failures.push(format!(
                        "grammars/{}/{}: {err}",
                        language.name(),
                        kind.file_name()
                    ));
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn detects_languages() {
        assert_eq!(
            Language::from_path(Path::new("a/b.tsx")),
            Some(Language::Tsx)
        );
        assert_eq!(
            Language::from_language_id("javascriptreact"),
            Some(Language::JavaScript)
        );
        assert_eq!(Language::from_path(Path::new("README.md")), None);
    }
}
