//! Differential test: every program in tests/corpus (and sims/) must print exactly what python3 prints, with the same exit code;
//! a program that ends with an uncaught exception must show the same traceback through its own code.

use std::path::{Path, PathBuf};
use std::process::Command;

use awaitsim::script::{run_file, RunOptions};

fn python3() -> Option<PathBuf> {
    let ok = Command::new("python3")
        .arg("--version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    ok.then(|| PathBuf::from("python3"))
}

fn programs() -> Vec<PathBuf> {
    let mut files = vec![];
    for dir in ["tests/corpus", "sims"] {
        let Ok(rd) = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(dir)) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.extension().is_some_and(|x| x == "py") {
                files.push(p);
            }
        }
    }
    files.sort();
    files
}

/// The tracebacks in `stderr` as they concern the scenario at `path`: each
/// block's header, its `File` entries in `path` with their source lines, and
/// the exception line. CPython's frames inside asyncio's own files (which
/// awaitsim does not show) and CPython's caret lines are left out.
fn user_traceback(stderr: &str, path: &str) -> Vec<String> {
    let own = format!("  File \"{path}\"");
    let (mut out, mut in_block, mut foreign) = (Vec::new(), false, false);
    for line in stderr.lines() {
        if line.starts_with("Traceback (most recent call last):") {
            in_block = true;
            out.push(line.to_string());
        } else if !in_block {
            continue;
        } else if line.starts_with("  File \"") {
            foreign = !line.starts_with(&own);
            if !foreign {
                out.push(line.to_string());
            }
        } else if line.starts_with("    ") {
            let carets = line.trim().chars().all(|c| c == '^' || c == '~');
            if !foreign && !carets {
                out.push(line.to_string());
            }
        } else {
            out.push(line.to_string());
            in_block = false;
        }
    }
    out
}

#[test]
fn corpus_matches_cpython() {
    let Some(py) = python3() else {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("python3 is required for the differential test in CI");
        }
        println!("python3 not found: skipping the CPython differential test");
        return;
    };
    let only = std::env::var("CORPUS_ONLY").ok();
    let files = programs();
    assert!(
        files.len() >= 80 || only.is_some(),
        "corpus has only {} programs",
        files.len()
    );
    let mut failures = vec![];
    let mut ran = 0;
    for f in &files {
        let name = f
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        if only.as_ref().is_some_and(|o| !name.contains(o.as_str())) {
            continue;
        }
        ran += 1;
        let got = run_file(&f.to_string_lossy(), &RunOptions::default());
        // CPython runs in real time, so a loaded machine can perturb it (awaitsim is deterministic):
        // a difference counts only if it shows in three CPython runs.
        let (mut want_out, mut want_code, mut want_err) = (String::new(), 0, String::new());
        for _ in 0..3 {
            let out = Command::new(&py)
                .arg(f)
                .env("PYTHONHASHSEED", "0")
                .output()
                .expect("python3 runs");
            want_out = String::from_utf8_lossy(&out.stdout).to_string();
            want_err = String::from_utf8_lossy(&out.stderr).to_string();
            want_code = out.status.code().unwrap_or(-1);
            if got.stdout == want_out && got.exit_code == want_code {
                break;
            }
        }
        if got.stdout != want_out || got.exit_code != want_code {
            failures.push(format!(
                "== {name}: exit python={want_code} awaitsim={}\n-- python stdout:\n{want_out}-- awaitsim stdout:\n{}-- awaitsim stderr:\n{}",
                got.exit_code, got.stdout, got.stderr
            ));
        } else if want_code == 1 {
            let path = f.to_string_lossy();
            let (want_tb, got_tb) = (
                user_traceback(&want_err, &path),
                user_traceback(&got.stderr, &path),
            );
            if want_tb != got_tb {
                failures.push(format!(
                    "== {name}: traceback differs\n-- python:\n{}\n-- awaitsim:\n{}",
                    want_tb.join("\n"),
                    got_tb.join("\n")
                ));
            }
        }
    }
    println!("differential: {} programs, {} failed", ran, failures.len());
    assert!(
        failures.is_empty(),
        "{} of {ran} programs differ from CPython:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
