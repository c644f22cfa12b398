//! Diagnostics for bad scenario input (syntax errors, unsupported
//! constructs): the shared renderer of `report::diagnostic`.

pub use crate::report::diagnostic::*;
