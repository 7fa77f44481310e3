//! Checks for this language's hazards (see hazards.scm).

use super::Check;

pub(super) const CHECKS: &[(&str, Check)] = &[];
