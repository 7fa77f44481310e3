//! Tidy checks, as ordinary tests: the crate graph is the architecture, so
//! the core must never depend on the editor protocol, the model runtime or
//! the database, and its modules must form layers, not cycles. Every
//! source file says what it owns in a `//!` doc, and no debugging leftover
//! ships.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Crates the core must not reach, directly or through another crate.
const FORBIDDEN_IN_CORE: &[&str] = &[
    "lsp-types",
    "ls-types",
    "tower-lsp-server",
    "llama-cpp-2",
    "llama-cpp-sys-2",
    "rusqlite",
    "libsqlite3-sys",
];

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("the workspace root")
}

/// The host's target triple, as rustc names it.
fn host_triple() -> String {
    let output = Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned()))
        .arg("-vV")
        .output()
        .expect("rustc -vV runs");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .find_map(|line| line.strip_prefix("host: "))
        .expect("rustc -vV names the host")
        .to_owned()
}

/// Crates the corpus must not reach: it builds beside llama.cpp, not after
/// it (the binary composes the two), and it speaks no editor protocol.
const FORBIDDEN_IN_CORPUS: &[&str] = &[
    "failcast-model",
    "llama-cpp-2",
    "llama-cpp-sys-2",
    "lsp-types",
    "ls-types",
    "tower-lsp-server",
];

/// The crates of `forbidden` that the workspace crate `root` reaches
/// through normal dependencies, each as the chain that reaches it, and how
/// many crates it reaches in all.
fn forbidden_reached(root: &str, forbidden: &[&str]) -> (Vec<String>, usize) {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    // The dependencies this machine builds (another platform's, such as
    // Metal's on macOS, need not be downloaded to be judged the same way).
    let output = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--offline"])
        .args(["--filter-platform", &host_triple()])
        .current_dir(workspace_root())
        .output()
        .expect("cargo metadata runs");
    assert!(
        output.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("cargo metadata prints JSON");
    let names: HashMap<&str, &str> = metadata["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .map(|p| (p["id"].as_str().unwrap(), p["name"].as_str().unwrap()))
        .collect();
    // Normal (non-dev, non-build) dependency edges of every package.
    let mut edges: HashMap<&str, Vec<&str>> = HashMap::new();
    for node in metadata["resolve"]["nodes"].as_array().expect("resolve") {
        let id = node["id"].as_str().unwrap();
        let normal = node["deps"].as_array().unwrap().iter().filter(|dep| {
            dep["dep_kinds"]
                .as_array()
                .unwrap()
                .iter()
                .any(|kind| kind["kind"].is_null())
        });
        edges.insert(id, normal.map(|dep| dep["pkg"].as_str().unwrap()).collect());
    }
    let start = names
        .iter()
        .find(|(_, name)| **name == root)
        .map(|(id, _)| *id)
        .unwrap_or_else(|| panic!("{root} is in the workspace"));
    // Depth-first, remembering how each crate was reached.
    let mut via: BTreeMap<&str, &str> = BTreeMap::new();
    let mut stack = vec![start];
    while let Some(id) = stack.pop() {
        for &dep in edges.get(id).into_iter().flatten() {
            if dep != start && !via.contains_key(dep) {
                via.insert(dep, id);
                stack.push(dep);
            }
        }
    }
    let mut offences = Vec::new();
    for (&id, _) in via
        .iter()
        .filter(|(id, _)| forbidden.contains(&names[**id]))
    {
        let mut chain = vec![names[id]];
        let mut at = id;
        while let Some(&parent) = via.get(at) {
            chain.push(names[parent]);
            at = parent;
        }
        chain.reverse();
        offences.push(chain.join(" -> "));
    }
    (offences, via.len())
}

#[test]
fn core_depends_on_no_protocol_model_runtime_or_database() {
    let (offences, reached) = forbidden_reached("failcast-core", FORBIDDEN_IN_CORE);
    assert!(
        offences.is_empty(),
        "the core crate must stay protocol-, model- and database-free:\n{}",
        offences.join("\n")
    );
    assert!(
        reached > 5,
        "the dependency walk found too little: {reached}"
    );
}

#[test]
fn corpus_depends_on_no_model_or_protocol() {
    let (offences, reached) = forbidden_reached("failcast-corpus", FORBIDDEN_IN_CORPUS);
    assert!(
        offences.is_empty(),
        "the corpus crate must stay model- and protocol-free:\n{}",
        offences.join("\n")
    );
    assert!(
        reached > 5,
        "the dependency walk found too little: {reached}"
    );
}

/// The top-level module a core source file belongs to (`hazards/golang.rs`
/// belongs to `hazards`).
fn module_of(relative: &Path) -> String {
    let first = relative.components().next().expect("a path inside src");
    first
        .as_os_str()
        .to_string_lossy()
        .trim_end_matches(".rs")
        .to_owned()
}

/// The file's text without its `#[cfg(test)] mod tests` block: tests sit
/// on top of every layer, so their imports are no edges.
fn shipped_part(text: &str) -> &str {
    match text.find("#[cfg(test)]\nmod tests") {
        Some(at) => &text[..at],
        None => text,
    }
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("a readable source directory") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Module → the modules its shipped code names as `crate::<module>`.
fn core_module_graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for path in rust_files(&src) {
        let relative = path.strip_prefix(&src).unwrap();
        if relative.file_name().is_some_and(|n| n == "tests.rs") {
            continue;
        }
        let from = module_of(relative);
        let text = std::fs::read_to_string(&path).unwrap();
        let targets = graph.entry(from.clone()).or_default();
        for (at, _) in shipped_part(&text).match_indices("crate::") {
            let rest = &text[at + "crate::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            // `failcast_core::x` in a doc example is not an edge.
            let preceded = text[..at].chars().next_back();
            if !name.is_empty()
                && name != from
                && !preceded.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
            {
                targets.insert(name);
            }
        }
    }
    graph
}

/// A cycle in `graph`, as the modules along it, if there is one.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Open,
        Done,
    }
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        marks: &mut HashMap<String, Mark>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        match marks.get(node) {
            Some(Mark::Done) => return None,
            Some(Mark::Open) => {
                let start = path.iter().position(|n| n == node).unwrap();
                let mut cycle = path[start..].to_vec();
                cycle.push(node.to_owned());
                return Some(cycle);
            }
            None => {}
        }
        marks.insert(node.to_owned(), Mark::Open);
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, marks, path) {
                return Some(cycle);
            }
        }
        path.pop();
        marks.insert(node.to_owned(), Mark::Done);
        None
    }
    let mut marks = HashMap::new();
    graph
        .keys()
        .find_map(|node| visit(node, graph, &mut marks, &mut Vec::new()))
}

#[test]
fn core_modules_form_layers_without_cycles() {
    let graph = core_module_graph();
    assert!(graph.contains_key("analysis") && graph.contains_key("hazards"));
    if let Some(cycle) = find_cycle(&graph) {
        panic!(
            "`use crate::` cycle in the core crate: {}",
            cycle.join(" -> ")
        );
    }
}

#[test]
fn the_cycle_finder_finds_cycles() {
    let graph: BTreeMap<String, BTreeSet<String>> = [
        ("a", vec!["b"]),
        ("b", vec!["c"]),
        ("c", vec!["a"]),
        ("d", vec!["a"]),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.into_iter().map(str::to_owned).collect()))
    .collect();
    assert_eq!(
        find_cycle(&graph),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
}

/// Every source file of every crate of the workspace.
fn workspace_sources() -> Vec<PathBuf> {
    let server = workspace_root().join("server");
    let mut files = Vec::new();
    for krate in ["core", "model", "corpus", "failcast"] {
        files.extend(rust_files(&server.join(krate).join("src")));
    }
    files
}

#[test]
fn every_source_file_opens_with_a_module_doc() {
    let missing: Vec<String> = workspace_sources()
        .into_iter()
        .filter(|path| {
            let text = std::fs::read_to_string(path).unwrap();
            !text.trim_start().starts_with("//!")
        })
        .map(|path| path.display().to_string())
        .collect();
    assert!(missing.is_empty(), "no `//!` module doc: {missing:#?}");
}

/// A line's code with string literals blanked, so that a rule matching the
/// text `todo!` is not taken for a `todo!` call.
fn code_only(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut in_string = false;
    let mut escaped = false;
    for c in line.chars() {
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        if c == '"' {
            in_string = true;
            continue;
        }
        out.push(c);
    }
    match out.find("//") {
        Some(at) => out[..at].to_owned(),
        None => out,
    }
}

#[test]
fn no_debugging_leftovers_ship() {
    let mut found = Vec::new();
    for path in workspace_sources() {
        let text = std::fs::read_to_string(&path).unwrap();
        for (number, line) in shipped_part(&text).lines().enumerate() {
            let code = code_only(line);
            for banned in ["dbg!(", "todo!(", "unimplemented!("] {
                if code.contains(banned) {
                    found.push(format!(
                        "{}:{}: {}",
                        path.display(),
                        number + 1,
                        line.trim()
                    ));
                }
            }
        }
    }
    assert!(found.is_empty(), "debugging leftovers: {found:#?}");
}

/// Endings of the names tree-sitter grammars give their nodes.
const NODE_KIND_ENDINGS: &[&str] = &[
    "_statement",
    "_expression",
    "_declaration",
    "_definition",
    "_literal",
    "_clause",
    "_item",
    "_pattern",
    "_access",
    "_invocation",
    "_specifier",
    "_parameter",
    "_parameters",
    "_block",
    "_operator",
    "_assignment",
    "_comprehension",
    "_arm",
];

/// Every node kind the core's rules name (a quoted `snake_case` word with a
/// node's ending) is a kind of some grammar it parses with: a kind no
/// grammar has matches nothing, and the rule that names it is silently off
/// (`..=` is no `range_expression` in every grammar, Java calls a method
/// where other languages read a field).
#[test]
fn every_node_kind_the_rules_name_exists_in_a_grammar() {
    use failcast_core::language::Language;
    let grammars: Vec<tree_sitter::Language> =
        Language::ALL.into_iter().map(Language::grammar).collect();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut unknown = BTreeSet::new();
    for path in rust_files(&src) {
        if path.file_name().is_some_and(|n| n == "tests.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for (i, quoted) in shipped_part(&text).split('"').enumerate() {
            // Odd pieces are inside quotes.
            if i % 2 == 0
                || quoted.is_empty()
                || !quoted.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                || !NODE_KIND_ENDINGS.iter().any(|e| quoted.ends_with(e))
            {
                continue;
            }
            if grammars
                .iter()
                .all(|g| g.id_for_node_kind(quoted, true) == 0)
            {
                let file = path.strip_prefix(&src).unwrap().display().to_string();
                unknown.insert(format!("{quoted} ({file})"));
            }
        }
    }
    assert!(
        unknown.is_empty(),
        "node kinds no grammar has: {unknown:#?}"
    );
}
