//! Workloads that compare awaitsim with its peers (tokio, futures' LocalPool,
//! shuttle), shared by the criterion benches and the `compare` binary so that
//! both measure exactly the same programs.
//!
//! Each workload function runs one batch and returns its wall time; the
//! callers decide how many batches to take and report medians.

pub mod lost_update;
pub mod measure;
pub mod switch;
pub mod timers;
