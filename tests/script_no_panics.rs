//! No input makes the interpreter panic: every corpus program, mutated in deterministic ways
//! (lines dropped, duplicated, truncated, characters deleted), either runs or is refused.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use awaitsim::script::{run_source, RunOptions};
use awaitsim::Budget;

fn mutations(src: &str, seed: u64) -> Vec<String> {
    let lines: Vec<&str> = src.lines().collect();
    let n = lines.len().max(1);
    let mut out = Vec::new();
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    for _ in 0..6 {
        let i = (next() % n as u64) as usize;
        let mut v: Vec<&str> = lines.clone();
        match next() % 4 {
            0 => {
                if i < v.len() {
                    v.remove(i);
                }
            }
            1 => {
                if i < v.len() {
                    let l = v[i];
                    v.insert(i, l);
                }
            }
            2 => v.truncate(i),
            _ => {
                let mut s = v.join("\n");
                let cut = (next() as usize) % s.len().max(1);
                while cut < s.len() && !s.is_char_boundary(cut) {
                    s.pop();
                }
                if cut < s.len() {
                    s.remove(cut);
                }
                out.push(s);
                continue;
            }
        }
        out.push(v.join("\n") + "\n");
    }
    out
}

#[test]
fn mutated_corpus_never_panics() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("corpus")
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    let opts = RunOptions {
        op_budget: 200_000,
        budget: Budget {
            max_steps: 20_000,
            ..Budget::default()
        },
        ..RunOptions::default()
    };
    let mut runs = 0;
    for (k, f) in files.iter().enumerate() {
        let src = std::fs::read_to_string(f).expect("read");
        for m in mutations(&src, k as u64) {
            runs += 1;
            let r = catch_unwind(AssertUnwindSafe(|| run_source("m.py", &m, &opts)));
            let r = r.unwrap_or_else(|_| panic!("panicked on a mutation of {}:\n{m}", f.display()));
            assert!(
                matches!(r.exit_code, 0..=2),
                "exit {} for:\n{m}",
                r.exit_code
            );
        }
    }
    assert!(runs > 100);
}
