//! End-to-end tests: the real `failcast` binary driven over stdio as an
//! editor drives it (one test binary, one module per surface).

mod actions;
mod check;
mod corpus;
mod corpus_pg;
mod faults;
mod helix;
mod hostile;
mod lenses;
mod lifecycle;
mod lsp;
mod model;
mod module_code;
mod ordering;
mod repro;
mod storm;
mod untrusted;
