#!/usr/bin/env python3
"""Checks editors/helix/languages.toml: parses as TOML, declares failcast,
names only languages failcast serves (by Helix's language names), adds
failcast to every one of them, keeps Helix's default servers, and uses only
keys Helix knows (also in the commented-out examples).

Run: python3 editors/helix/test_languages.py   (Python 3.11+, stdlib only)
"""

import pathlib
import re
import sys
import tomllib
import unittest

HERE = pathlib.Path(__file__).resolve().parent
LANGUAGES_TOML = HERE / "languages.toml"

# Helix's names for the languages failcast serves (tsx = TypeScript React, jsx = JavaScript React).
SERVED = {"rust", "python", "typescript", "tsx", "javascript", "jsx", "go", "java"}

# Helix's default `language-servers` per language (helix-editor/helix languages.toml, release 25.07).
HELIX_DEFAULTS = {
    "rust": ["rust-analyzer"],
    "python": ["ty", "ruff", "jedi", "pylsp"],
    "typescript": ["typescript-language-server"],
    "tsx": ["typescript-language-server"],
    "javascript": ["typescript-language-server"],
    "jsx": ["typescript-language-server"],
    "go": ["gopls", "golangci-lint-lsp"],
    "java": ["jdtls"],
}

# The keys Helix accepts, from helix-editor/helix at tag 25.07.1,
# helix-core/src/syntax/config.rs (serde's kebab-case names). Top level:
# `Configuration`'s fields, plus `use-grammars` and `[[grammar]]`, which
# helix-loader reads from the same file.
TOP_LEVEL_KEYS = {"language", "language-server", "use-grammars", "grammar"}
# `LanguageServerConfiguration`. It has no deny_unknown_fields, so Helix
# ignores a misspelt key without a word; this test is what catches one.
LANGUAGE_SERVER_KEYS = {
    "command",
    "args",
    "environment",
    "config",
    "timeout",
    "required-root-patterns",
}
# `LanguageConfiguration` (deny_unknown_fields: Helix refuses the whole file
# on an unknown key). `comment-token` is an alias of `comment-tokens`.
LANGUAGE_KEYS = {
    "name",
    "language-id",
    "scope",
    "file-types",
    "shebangs",
    "roots",
    "comment-tokens",
    "comment-token",
    "block-comment-tokens",
    "text-width",
    "soft-wrap",
    "auto-format",
    "formatter",
    "path-completion",
    "diagnostic-severity",
    "grammar",
    "injection-regex",
    "language-servers",
    "indent",
    "debugger",
    "auto-pairs",
    "rulers",
    "workspace-lsp-roots",
    "persistent-diagnostic-sources",
}
# A `language-servers` entry given as a table: `LanguageServerFeatureConfiguration::Features`
# (deny_unknown_fields), whose features are `LanguageServerFeature`'s variants.
LANGUAGE_SERVER_ENTRY_KEYS = {"name", "only-features", "except-features"}
LANGUAGE_SERVER_FEATURES = {
    "format",
    "goto-declaration",
    "goto-definition",
    "goto-type-definition",
    "goto-reference",
    "goto-implementation",
    "signature-help",
    "hover",
    "document-highlight",
    "completion",
    "code-action",
    "workspace-command",
    "document-symbols",
    "workspace-symbols",
    "diagnostics",
    "rename-symbol",
    "inlay-hints",
    "document-colors",
}


def server_name(entry):
    """A language-servers entry is a name or a table { name = "...", only-features = [...] }."""
    return entry if isinstance(entry, str) else entry["name"]


class LanguagesToml(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with LANGUAGES_TOML.open("rb") as f:
            cls.config = tomllib.load(f)
        cls.languages = {language["name"]: language for language in cls.config.get("language", [])}

    def test_failcast_is_declared(self):
        server = self.config["language-server"]["failcast"]
        self.assertEqual(server["command"], "failcast")
        self.assertEqual(server["args"], ["lsp"])

    def test_only_languages_failcast_serves(self):
        self.assertLessEqual(set(self.languages), SERVED, "languages failcast does not serve")

    def test_every_served_language_is_registered(self):
        self.assertEqual(set(self.languages), SERVED)

    def test_no_language_is_listed_twice(self):
        names = [language["name"] for language in self.config["language"]]
        self.assertEqual(len(names), len(set(names)))

    def test_failcast_is_added_to_every_language(self):
        for name, language in self.languages.items():
            with self.subTest(language=name):
                servers = [server_name(entry) for entry in language["language-servers"]]
                self.assertIn("failcast", servers)
                self.assertEqual(servers.count("failcast"), 1)

    def test_helix_defaults_are_kept_and_come_first(self):
        # failcast goes last so the usual server keeps first say on the
        # features where Helix asks only one server (goto, formatting, ...).
        for name, language in self.languages.items():
            with self.subTest(language=name):
                servers = [server_name(entry) for entry in language["language-servers"]]
                self.assertEqual(servers, HELIX_DEFAULTS[name] + ["failcast"])

    def test_every_named_server_is_declared_or_a_helix_default(self):
        declared = set(self.config.get("language-server", {}))
        known = declared | {server for servers in HELIX_DEFAULTS.values() for server in servers}
        for name, language in self.languages.items():
            for entry in language["language-servers"]:
                with self.subTest(language=name, server=server_name(entry)):
                    self.assertIn(server_name(entry), known)

    def test_nothing_else_is_overridden(self):
        # Only the server list: grammar, roots, indent etc. stay Helix's.
        for name, language in self.languages.items():
            with self.subTest(language=name):
                self.assertEqual(set(language), {"name", "language-servers"})

    def test_only_keys_helix_knows(self):
        self.assertLessEqual(set(self.config), TOP_LEVEL_KEYS, "unknown top-level keys")
        for name, server in self.config.get("language-server", {}).items():
            with self.subTest(server=name):
                self.assertLessEqual(set(server), LANGUAGE_SERVER_KEYS, "unknown keys")
        for name, language in self.languages.items():
            with self.subTest(language=name):
                self.assertLessEqual(set(language), LANGUAGE_KEYS, "unknown keys")
                for entry in language.get("language-servers", []):
                    if isinstance(entry, str):
                        continue
                    self.assertLessEqual(set(entry), LANGUAGE_SERVER_ENTRY_KEYS, "unknown keys")
                    features = set(entry.get("only-features", []))
                    features |= set(entry.get("except-features", []))
                    self.assertLessEqual(features, LANGUAGE_SERVER_FEATURES, "unknown features")

    def test_failcast_entry_types(self):
        # What serde would refuse: command a string, args strings, environment strings.
        server = self.config["language-server"]["failcast"]
        self.assertIsInstance(server["command"], str)
        self.assertTrue(all(isinstance(arg, str) for arg in server.get("args", [])))
        self.assertTrue(all(isinstance(v, str) for v in server.get("environment", {}).values()))
        if "timeout" in server:
            self.assertIsInstance(server["timeout"], int)

    def test_commented_examples_are_valid_when_uncommented(self):
        # Lines like `# config = { ... }` in the failcast section are meant
        # to be uncommented as they are.
        text = LANGUAGES_TOML.read_text()
        section = text.split("[language-server.failcast]", 1)[1].split("[[language]]", 1)[0]
        examples = [
            line[1:].strip()
            for line in section.splitlines()
            if re.match(r"#\s*[a-z-]+\s*=", line)
        ]
        self.assertTrue(examples, "the failcast section has no commented examples")
        for example in examples:
            with self.subTest(example=example):
                parsed = tomllib.loads(example)
                self.assertLessEqual(set(parsed), LANGUAGE_SERVER_KEYS, "unknown keys")
                if "environment" in parsed:
                    self.assertTrue(all(isinstance(v, str) for v in parsed["environment"].values()))


if __name__ == "__main__":
    result = unittest.main(argv=[sys.argv[0], "-v"], exit=False).result
    failed = len(result.failures) + len(result.errors)
    print(f"{result.testsRun - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)
