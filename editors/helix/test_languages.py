#!/usr/bin/env python3
"""Checks editors/helix/languages.toml: parses as TOML, declares failcast,
names only languages failcast serves (by Helix's language names), adds
failcast to every one of them, and keeps Helix's default servers.

Run: python3 editors/helix/test_languages.py   (Python 3.11+, stdlib only)
"""

import pathlib
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


if __name__ == "__main__":
    result = unittest.main(argv=[sys.argv[0], "-v"], exit=False).result
    failed = len(result.failures) + len(result.errors)
    print(f"{result.testsRun - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)
