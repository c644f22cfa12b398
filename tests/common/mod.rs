//! Helpers shared by the tests that run the built binary.

/// `explore --json` output as JSON values, without the wall-clock fields
/// (`schedules_per_sec`, `elapsed_sec`) that differ from run to run.
pub fn json_without_timing(s: &str) -> Vec<serde_json::Value> {
    s.lines()
        .map(|l| {
            let mut v: serde_json::Value = serde_json::from_str(l).unwrap();
            let o = v.as_object_mut().unwrap();
            o.remove("schedules_per_sec");
            o.remove("elapsed_sec");
            v
        })
        .collect()
}
