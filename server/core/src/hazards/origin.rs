//! Where a value that may be missing came from (a response body, a
//! request, the environment, a parameter…), shared by the language checks,
//! with one table of how likely each origin makes a missing key.

use crate::language::Language;

/// Where a value that may be missing came from; decides the likelihood and
/// how the trigger reads. Python's checks produce the first six kinds,
/// the ECMAScript interpreter all of them.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Origin {
    /// A parsed HTTP response body (`await res.json()`, axios `res.data`).
    Http,
    /// An incoming request (`req.body`, `req.query`, `ctx.request.body`).
    Request,
    /// An AWS Lambda `event`.
    Lambda,
    /// A document decoded with `JSON.parse`.
    Document,
    /// `process.env`.
    Environment,
    /// `process.argv`.
    Argv,
    /// A parameter whose name says it carries outside data.
    Parameter(String),
    /// An element read by index from an array that may be shorter.
    Element { array: String, index: String },
    /// `arr.find(cb)`, which gives `undefined` when nothing matches.
    Find { array: String },
    /// `s.match(re)` / `re.exec(s)`, which give `null` without a match.
    Regex,
    /// A TypeScript field declared optional (`customer?: Customer`).
    OptionalField { owner: String, field: String },
    /// A TypeScript parameter declared optional (`opts?: Options`).
    OptionalParam(String),
    /// The result of an optional chain (`user?.profile`).
    OptionalChain(String),
}

impl Origin {
    pub(crate) fn is_data(&self) -> bool {
        matches!(
            self,
            Origin::Http
                | Origin::Request
                | Origin::Lambda
                | Origin::Document
                | Origin::Environment
                | Origin::Parameter(_)
        )
    }
}

/// How likely a value of this origin is to lack a key it is read with,
/// per language: one table, so that weights which differ between languages
/// differ here, visibly, and nowhere else.
pub(crate) fn weight(language: Language, origin: &Origin) -> f32 {
    match language {
        Language::Python => match origin {
            Origin::Http => 0.7,
            Origin::Request | Origin::Environment | Origin::Argv => 0.6,
            Origin::Document => 0.55,
            _ => 0.4,
        },
        _ => match origin {
            Origin::Http | Origin::Request => 0.6,
            Origin::Regex | Origin::Find { .. } => 0.5,
            Origin::Document | Origin::OptionalChain(_) => 0.5,
            Origin::Environment | Origin::Argv => 0.5,
            Origin::Lambda => 0.45,
            Origin::OptionalField { .. } | Origin::OptionalParam(_) => 0.45,
            Origin::Element { .. } | Origin::Parameter(_) => 0.4,
        },
    }
}
