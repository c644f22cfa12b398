//! Sets of ints print in CPython's order whatever was done to them: random programs of set
//! operations (add, discard, pop, clear, update, union, &, -, ^, their in-place forms, copies,
//! comprehensions, constant and computed displays, a set combined with itself) print exactly what
//! python3 prints.
//! Cases: 40 by default, `SCRIPT_SETS_CASES=N` for more. Skips without python3 (fails in CI).

use std::process::Command;

mod python;

use awaitsim::script::{run_source, RunOptions};
use proptest::prelude::*;

fn statement() -> impl Strategy<Value = String> {
    let n = || -5i64..60;
    prop_oneof![
        4 => n().prop_map(|x| format!("s.add({x})")),
        2 => n().prop_map(|x| format!("s.discard({x})")),
        1 => n().prop_map(|x| format!("if {x} in s: s.remove({x})")),
        2 => Just("if s: print(s.pop())".to_string()),
        1 => Just("if len(s) > 20: s.clear()".to_string()),
        1 => prop::collection::vec(n(), 3).prop_map(|v| format!("s.update([{}, {}, {}])", v[0], v[1], v[2])),
        1 => (n(), n(), n()).prop_map(|(a, b, c)| format!("s = s.union({{{a}, {b}}}, [{c}])")),
        1 => prop::collection::vec(n(), 8).prop_map(|v| format!("t = s & {{{}}}", join(&v))),
        1 => (n(), n()).prop_map(|(a, b)| format!("t = s - {{{a}, {b}}}")),
        1 => (n(), n(), n()).prop_map(|(a, b, c)| format!("t = s ^ {{{a}, {b}, {c}}}")),
        1 => (n(), n()).prop_map(|(a, b)| format!("s |= {{{a}, {b}}}")),
        1 => (0i64..60).prop_map(|x| format!("s &= set(range({x}))")),
        1 => n().prop_map(|x| format!("s -= {{{x}}}")),
        1 => (n(), n()).prop_map(|(a, b)| format!("s ^= {{{a}, {b}}}")),
        1 => Just("t = s.copy()".to_string()),
        1 => Just("t = set(s)".to_string()),
        1 => Just("t = {x * 2 for x in s}".to_string()),
        1 => prop::collection::vec(n(), 4).prop_map(|v| format!("t = {{{}}}", join(&v))),
        1 => (n(), n()).prop_map(|(a, b)| format!("x = {a}\nt = {{x, {b}, 7, 15}}")),
        1 => prop::sample::select(vec!["s |= s", "s &= s", "s -= s", "s ^= s", "t = s & s", "t = s | s", "t = s.intersection(s)", "t = s.union(s, [3])"]).prop_map(str::to_string),
        1 => (n(), n()).prop_map(|(a, b)| format!("t = s.intersection({{{a}, {b}, 1, 2}}, [{b}, 3])")),
        1 => (n(), n()).prop_map(|(a, b)| format!("t = s.difference({{{a}}}, [{b}])")),
        1 => (n(), n()).prop_map(|(a, b)| format!("t = s.symmetric_difference([{a}, {b}, {a}])")),
        2 => Just("print(s, t)".to_string()),
    ]
}

fn join(v: &[i64]) -> String {
    v.iter()
        .map(|x| x.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: python::cases("SCRIPT_SETS_CASES", 40), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn set_programs_print_what_cpython_prints(body in prop::collection::vec(statement(), 3..30)) {
        if !python::available() {
            return Ok(());
        }
        let src = format!(
            "s = set()\nt = {{1, 2, 3}}\n{}\nprint(s, t, list(s), [x for x in t], sorted(s))\n",
            body.join("\n")
        );
        let dir = std::env::temp_dir().join(format!("awaitsim-sets-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let file = dir.join("sets.py");
        std::fs::write(&file, &src).expect("write program");
        let py = Command::new("python3").arg(&file).output().expect("python3 runs");
        let ours = run_source("sets.py", &src, &RunOptions::default());
        // The statements never raise: both runs must succeed, or equal
        // (empty) outputs would prove nothing.
        prop_assert!(py.status.success(), "python3 failed: {}\nprogram:\n{}", String::from_utf8_lossy(&py.stderr), src);
        prop_assert_eq!(ours.exit_code, 0, "{}\nprogram:\n{}", ours.stderr, src);
        prop_assert_eq!(String::from_utf8_lossy(&py.stdout).to_string(), ours.stdout, "program:\n{}", src);
    }
}
