//! Harness shared by the end-to-end tests: spawns `failcast lsp` and speaks framed JSON-RPC with it.
