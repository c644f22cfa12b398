//! Differential test: every program in tests/corpus (and sims/) must print exactly what python3 prints, with the same exit code.

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
        let out = Command::new(&py)
            .arg(f)
            .env("PYTHONHASHSEED", "0")
            .output()
            .expect("python3 runs");
        let want_out = String::from_utf8_lossy(&out.stdout).to_string();
        let want_code = out.status.code().unwrap_or(-1);
        let got = run_file(&f.to_string_lossy(), &RunOptions::default());
        if got.stdout != want_out || got.exit_code != want_code {
            failures.push(format!(
                "== {name}: exit python={want_code} awaitsim={}\n-- python stdout:\n{want_out}-- awaitsim stdout:\n{}-- awaitsim stderr:\n{}",
                got.exit_code, got.stdout, got.stderr
            ));
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
