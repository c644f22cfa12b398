//! Helpers shared by the tests that compare the interpreter with python3.

use std::process::Command;

/// Is python3 on PATH? In CI (`CI=true`) it must be: the differential tests are the oracle.
pub fn available() -> bool {
    let ok = Command::new("python3")
        .arg("--version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    assert!(
        ok || std::env::var("CI").as_deref() != Ok("true"),
        "python3 is required in CI"
    );
    ok
}

/// Proptest cases: `default`, or the number in the environment variable `var`.
pub fn cases(var: &str, default: u32) -> u32 {
    std::env::var(var)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}
