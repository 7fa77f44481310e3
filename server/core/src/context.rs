//! What the static analysis of one file needs besides the file itself: the
//! configuration and the workspace's call index.

use crate::calls::CallIndex;
use crate::config::Config;

/// The configuration and the call index a file is analysed against.
/// Model answers and production history are not here: they enrich a
/// finished static analysis (see the `failcast` crate's `enrich`).
#[derive(Clone, Copy)]
pub struct Context<'a> {
    pub config: &'a Config,
    pub calls: &'a CallIndex,
}

impl<'a> Context<'a> {
    pub fn new(config: &'a Config, calls: &'a CallIndex) -> Context<'a> {
        Context { config, calls }
    }
}
