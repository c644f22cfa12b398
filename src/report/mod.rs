//! Reports for people and machines: source diagnostics, failure reports,
//! exploration summaries, JSON lines.

pub mod diagnostic;
pub mod failure;
pub mod json;
pub mod timeline;

/// `n` and `noun`, plural unless `n` is 1: "1 schedule", "20 schedules".
///
/// ```
/// assert_eq!(awaitsim::report::count(1, "schedule"), "1 schedule");
/// assert_eq!(awaitsim::report::count(0, "schedule"), "0 schedules");
/// ```
pub fn count(n: u64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}
