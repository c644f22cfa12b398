//! Reports for people and machines: source diagnostics, failure reports,
//! exploration summaries, JSON lines.

pub mod diagnostic;
pub mod failure;
pub mod json;
pub mod timeline;
