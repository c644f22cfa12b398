//! Every error a user can cause, one row each, run through the built binary
//! as a user would: the exit code, the file:line:col the message names, the
//! source line with a caret under the offending column, and the suggested
//! fix. A second test holds README's troubleshooting table to these
//! messages, so the table cannot drift from what the binary prints.
//!
//! Each case runs in its own folder (also the working directory), with its
//! scenario at `sims/x.py`: the very paths README's table shows.

use std::path::{Path, PathBuf};
use std::process::Command;

/// How a case reaches the user.
#[derive(Clone, Copy, PartialEq)]
enum How {
    /// `awaitsim ARGS...`.
    Bin(&'static [&'static str]),
    /// A line of `regressions/x.txt` that `cargo test` parses (tests/sims.rs
    /// prints this error); no command of the binary reads regression files.
    RegressionFile,
}

/// One error a user can cause.
struct Case {
    /// README's "you did" cell, verbatim: ties the row to README's table.
    did: &'static str,
    /// Files written under the case's folder before it runs.
    files: &'static [(&'static str, &'static str)],
    how: How,
    /// The exit code (`None`: not a command, see [`How::RegressionFile`]).
    exit: Option<i32>,
    /// The place the message names (file:line:col, or a traceback's line).
    at: &'static str,
    /// For source errors: the quoted source line and the 1-based column the
    /// caret (or underline) under it starts at.
    caret: Option<(&'static str, usize)>,
    /// What the message says, including the fix it suggests.
    says: &'static [&'static str],
    /// Whether stdout stays empty (everything but the scenario's own output
    /// and reports goes to stderr).
    quiet_stdout: bool,
}

const CASE: Case = Case {
    did: "",
    files: &[],
    how: How::Bin(&[]),
    exit: Some(2),
    at: "",
    caret: None,
    says: &[],
    quiet_stdout: true,
};

const FAILS: &str =
    "import asyncio\nasync def main():\n    assert 1 == 2, 'always'\nasyncio.run(main())\n";
const OK: &str =
    "import asyncio\nasync def main():\n    await asyncio.sleep(0.1)\nasyncio.run(main())\n";
const X: &str = "sims/x.py";

fn cases() -> Vec<Case> {
    vec![
        Case {
            did: "named a file that does not exist (`run`, `replay`, `shrink`, `timeline`)",
            how: How::Bin(&["run", X]),
            says: &["awaitsim: sims/x.py: no such file or directory; name a scenario file (like sims/race.py)"],
            ..CASE
        },
        Case {
            did: "named a path that does not exist (`explore`, `check`)",
            how: How::Bin(&["explore", X]),
            says: &["awaitsim: sims/x.py: no such file or directory; name a scenario file (like sims/race.py) or a folder of them"],
            ..CASE
        },
        Case {
            did: "named a folder with no `*.py`",
            files: &[("sims/empty/notes.txt", "scenarios go here\n")],
            how: How::Bin(&["explore", "sims/empty"]),
            says: &["awaitsim: sims/empty: no scenario files (*.py) in this directory; add one, or name a file"],
            ..CASE
        },
        Case {
            did: "left out the file",
            how: How::Bin(&["run"]),
            says: &["error: the following required arguments were not provided:", "<FILE>", "Usage: awaitsim run"],
            ..CASE
        },
        Case {
            did: "wrote a syntax error",
            files: &[(X, "import asyncio\nasync def main(:\n    pass\nx = = 1\n")],
            how: How::Bin(&["run", X]),
            at: "sims/x.py:2:16",
            caret: Some(("async def main(:", 16)),
            // Every syntax error is listed, not only the first.
            says: &["Error: sims/x.py:2:16: invalid syntax: ", "Error: sims/x.py:4:5: invalid syntax: Expected an expression"],
            ..CASE
        },
        Case {
            did: "used something outside the subset",
            files: &[(X, "print(1)\n@staticmethod\ndef f():\n    pass\n")],
            how: How::Bin(&["run", X]),
            at: "sims/x.py:2:1",
            caret: Some(("@staticmethod", 1)),
            says: &["Error: sims/x.py:2:1: decorators are not supported here", "Help: supported: plain def, async def, class"],
            ..CASE
        },
        Case {
            did: "imported `os`, `sys`, `subprocess`",
            files: &[(X, "import os\n")],
            how: How::Bin(&["run", X]),
            at: "sims/x.py:1:8",
            caret: Some(("import os", 8)),
            says: &["Error: sims/x.py:1:8: module `os` is not available in scenarios", "Help: supported: import asyncio, import time, import random"],
            ..CASE
        },
        Case {
            did: "misspelt an attribute (`asyncio.slep`)",
            files: &[(X, "import asyncio\nasync def main():\n    await asyncio.slep(1)\nasyncio.run(main())\n")],
            how: How::Bin(&["run", X]),
            exit: Some(1),
            at: "File \"sims/x.py\", line 3, in main",
            says: &["AttributeError: module 'asyncio' has no attribute 'slep'. Did you mean: 'sleep'?"],
            ..CASE
        },
        Case {
            did: "misspelt a name (`helpr`)",
            files: &[(X, "def helper():\n    return 1\nprint(helpr())\n")],
            how: How::Bin(&["run", X]),
            exit: Some(1),
            at: "File \"sims/x.py\", line 3, in <module>",
            says: &["NameError: name 'helpr' is not defined. Did you mean: 'helper'?"],
            ..CASE
        },
        Case {
            did: "called `open`, `eval`, `exec`, `__import__`",
            files: &[(X, "f = open('secrets.txt')\n")],
            how: How::Bin(&["run", X]),
            exit: Some(1),
            at: "File \"sims/x.py\", line 1, in <module>",
            says: &["NameError: name 'open' is not defined"],
            ..CASE
        },
        Case {
            did: "wrote a bad header item",
            files: &[(X, "# awaitsim: expect=maybe\nimport asyncio\n")],
            how: How::Bin(&["explore", X]),
            at: "sims/x.py:1:13",
            caret: Some(("# awaitsim: expect=maybe", 13)),
            says: &["Error: sims/x.py:1:13: bad `expect` value `maybe`", "Help: expect takes pass, fail or hazard:KIND (blocking, never-yields, unretrieved, pending-at-exit)"],
            ..CASE
        },
        Case {
            did: "wrote an unknown header key",
            files: &[(X, "# awaitsim: expect=pass\n# awaitsim: seed=10\nimport asyncio\n")],
            how: How::Bin(&["check", X]),
            at: "sims/x.py:2:13",
            caret: Some(("# awaitsim: seed=10", 13)),
            says: &["Error: sims/x.py:2:13: unknown header key `seed`", "Help: known keys: seeds, strategy, faults, deny, allow, expect, expect-elapsed, cpu-cost"],
            quiet_stdout: false,
            ..CASE
        },
        Case {
            did: "gave a bad seed (`--seed 12x`, `--seed -1`)",
            files: &[(X, OK)],
            how: How::Bin(&["run", X, "--seed", "-1"]),
            says: &["`-1` is not a seed: expected an unsigned 64-bit integer in decimal (42) or 0x-hex (0x2a)"],
            ..CASE
        },
        Case {
            did: "gave a bad fault spec",
            files: &[(X, OK)],
            how: How::Bin(&["run", X, "--faults", "late=1,block=0.1"]),
            caret: Some(("late=1,block=0.1", 8)),
            says: &["bad fault spec: `block` takes P:DUR, like block=0.01:200ms, got `0.1`", "expected a comma list of late=F, fail=P, cancel=P, stall=P, block=P:DUR"],
            ..CASE
        },
        Case {
            did: "gave an unknown strategy",
            files: &[(X, OK)],
            how: How::Bin(&["run", X, "--strategy", "fast"]),
            says: &["unknown strategy `fast`; expected fifo, random, pct, pct:DEPTH (DEPTH 1..=64) or pos"],
            ..CASE
        },
        Case {
            did: "gave a count that is not a number (`--seeds lots`, `--jobs`, `--max-ops`)",
            files: &[(X, OK)],
            how: How::Bin(&["explore", X, "--seeds", "lots"]),
            says: &["`lots` is not a count: expected a whole number, like 1000"],
            ..CASE
        },
        Case {
            did: "gave a bad duration (`--time`, `--cpu-cost`, `--max-time`)",
            files: &[(X, OK)],
            how: How::Bin(&["explore", X, "--time", "5parsecs"]),
            says: &["`5parsecs` is not a duration: expected a number and a unit, like 200ms, 1.5s, 10us, 2m"],
            ..CASE
        },
        Case {
            did: "gave a bad shard (`--shard 4/4`)",
            files: &[(X, OK)],
            how: How::Bin(&["explore", X, "--shard", "4/4"]),
            says: &["`4/4` is not a shard: expected I/N with 0 <= I < N, like 0/4"],
            ..CASE
        },
        Case {
            did: "misspelt a flag (`--sed`)",
            files: &[(X, OK)],
            how: How::Bin(&["explore", X, "--sed", "1"]),
            says: &["unexpected argument '--sed' found", "tip: a similar argument exists: '--seed'"],
            ..CASE
        },
        Case {
            did: "misspelt a command (`explor`)",
            how: How::Bin(&["explor", X]),
            says: &["unrecognized subcommand 'explor'", "tip: a similar subcommand exists: 'explore'"],
            ..CASE
        },
        Case {
            did: "pasted a broken schedule token",
            files: &[(X, OK)],
            how: How::Bin(&["replay", X, "--schedule", "s1.%%%"]),
            says: &["`s1.%%%` is not a schedule token: not base64url; copy the token exactly as a failure report printed it (it starts with `s1.`)"],
            ..CASE
        },
        Case {
            did: "broke a regression line",
            files: &[("regressions/x.txt", "# saved by hand\nsims/x.py strategy=random seed=zz faults=none schedule=s1.AA\n")],
            how: How::RegressionFile,
            exit: None,
            at: "regressions/x.txt:2:",
            says: &["regressions/x.txt:2: bad regression line: `zz` is not a seed", "expected `SIM strategy=S seed=0x.. faults=SPEC schedule=s1.. # summary` (delete the line, or save it again with `awaitsim explore --save`)"],
            ..CASE
        },
        Case {
            did: "left a key out of a regression line",
            files: &[("regressions/x.txt", "sims/x.py strategy=random seed=1 faults=none\n")],
            how: How::RegressionFile,
            exit: None,
            at: "regressions/x.txt:1:",
            says: &["regressions/x.txt:1: bad regression line: missing `schedule=`"],
            ..CASE
        },
        Case {
            // A regular file where the folder should be: this fails even as
            // root, which permission bits do not stop (tests run as root in
            // CI). `a_read_only_regressions_folder_keeps_earlier_lines`
            // covers a folder that exists.
            did: "saved into an unwritable folder",
            files: &[(X, FAILS), ("regressions", "not a folder\n")],
            how: How::Bin(&["explore", X, "--save"]),
            at: "regressions/x.txt",
            says: &["awaitsim: cannot save the regression to regressions/x.txt: regressions is a file, not a folder; earlier lines are untouched"],
            quiet_stdout: false,
            ..CASE
        },
        Case {
            did: "gave `--svg` a path that cannot be written",
            files: &[(X, OK)],
            how: How::Bin(&["timeline", X, "--svg", "no/such/folder/x.svg"]),
            says: &["awaitsim: cannot write no/such/folder/x.svg: No such file or directory"],
            quiet_stdout: false,
            ..CASE
        },
        Case {
            did: "gave `merge` a file that `explore --json` did not write",
            files: &[("shard0.jsonl", "{\"x\": 1}\n")],
            how: How::Bin(&["merge", "shard0.jsonl"]),
            at: "shard0.jsonl:1:",
            says: &["awaitsim: shard0.jsonl:1:", "not an `explore --json` line: missing field `file`"],
            ..CASE
        },
        Case {
            did: "gave `--resume` a file that `explore --json` did not write",
            files: &[(X, OK), ("run.jsonl", "schedules: 10\n")],
            how: How::Bin(&["explore", X, "--resume", "run.jsonl"]),
            at: "run.jsonl:1:",
            says: &["awaitsim: run.jsonl:1: not an `explore --json` line (", "); pass the file an interrupted `explore --json` wrote"],
            ..CASE
        },
        Case {
            did: "wrote a loop that never awaits",
            files: &[(X, "import asyncio\nasync def main():\n    n = 0\n    while True:\n        n += 1\nasyncio.run(main())\n")],
            how: How::Bin(&["run", X, "--max-ops", "1000"]),
            exit: Some(1),
            at: "(sims/x.py:4)",
            says: &["hazard: never-yields at 0.000s in task Task-1 (sims/x.py:4): step budget exceeded: more than 200000 operations without reaching an await (runaway loop? raise --max-ops if not)", "replay: awaitsim replay sims/x.py --seed 0x0000000000000000 --strategy fifo --faults none"],
            ..CASE
        },
        Case {
            did: "recursed without end",
            files: &[(X, "def down(n):\n    return down(n + 1)\ndown(0)\n")],
            how: How::Bin(&["run", X]),
            exit: Some(1),
            at: "File \"sims/x.py\", line 2, in down",
            says: &["RecursionError: maximum recursion depth exceeded"],
            ..CASE
        },
    ]
}

/// What a case printed: (exit code, stdout, stderr).
struct Seen {
    exit: Option<i32>,
    stdout: String,
    stderr: String,
}

/// A fresh folder for case `i` with the case's files in it.
fn folder(test: &str, i: usize, case: &Case) -> PathBuf {
    let d = std::env::temp_dir()
        .join(format!("awaitsim-errors-{}-{test}", std::process::id()))
        .join(i.to_string());
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    for (path, text) in case.files {
        let p = d.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    d
}

fn run_in(dir: &Path, args: &[&str]) -> Seen {
    let o = Command::new(env!("CARGO_BIN_EXE_awaitsim"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run awaitsim");
    Seen {
        exit: o.status.code(),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

fn seen(test: &str, i: usize, case: &Case) -> Seen {
    let dir = folder(test, i, case);
    match case.how {
        How::Bin(args) => run_in(&dir, args),
        How::RegressionFile => {
            let text = std::fs::read_to_string(dir.join("regressions/x.txt")).unwrap();
            let err = awaitsim::explore::regressions::parse("regressions/x.txt", &text)
                .expect_err("a broken regression line is refused");
            Seen {
                exit: None,
                stdout: String::new(),
                stderr: err.to_string(),
            }
        }
    }
}

/// Whether the line holding `source` is followed by a line whose first mark
/// (`^`, or ariadne's `─`/`┬`) stands under column `col` of it.
fn caret_under(text: &str, source: &str, col: usize) -> bool {
    let lines: Vec<&str> = text.lines().collect();
    lines.windows(2).any(|w| {
        let Some(start) = w[0].find(source) else {
            return false;
        };
        let start = w[0][..start].chars().count();
        let mark = w[1]
            .chars()
            .enumerate()
            .skip(start)
            .find(|(_, c)| *c != ' ');
        matches!(mark, Some((i, '^' | '─' | '┬')) if i == start + col - 1)
    })
}

#[test]
fn every_error_a_user_can_cause_is_pointed_and_suggests_the_fix() {
    for (i, case) in cases().iter().enumerate() {
        let s = seen("table", i, case);
        let did = case.did;
        assert_eq!(s.exit, case.exit, "{did}: exit code\n{}", s.stderr);
        if case.quiet_stdout {
            assert_eq!(s.stdout, "", "{did}: nothing on stdout");
        }
        let err = &s.stderr;
        assert!(
            err.contains(case.at),
            "{did}: names {:?} in\n{err}",
            case.at
        );
        for want in case.says {
            assert!(err.contains(want), "{did}: says {want:?} in\n{err}");
        }
        assert!(
            !err.contains("awaitsim: awaitsim:"),
            "{did}: the prefix once\n{err}"
        );
        if let Some((source, col)) = case.caret {
            assert!(
                caret_under(err, source, col),
                "{did}: a caret under column {col} of {source:?} in\n{err}"
            );
        }
        assert!(!err.contains("panicked"), "{did}: {err}");
    }
}

/// An unwritable `regressions/` that already holds a saved line: the
/// failure is still reported with its replay line, the save is refused with
/// a message, and the earlier line survives byte for byte.
#[test]
fn a_read_only_regressions_folder_keeps_earlier_lines() {
    use std::os::unix::fs::PermissionsExt;
    let case = Case {
        files: &[
            (X, FAILS),
            (
                "regressions/x.txt",
                "# saved earlier\nsims/x.py strategy=random seed=0x01 faults=none schedule=s1.AA  # assertion\n",
            ),
        ],
        ..CASE
    };
    let dir = folder("readonly", 0, &case);
    let regs = dir.join("regressions");
    let before = std::fs::read(regs.join("x.txt")).unwrap();
    let mode = |m| std::fs::set_permissions(&regs, std::fs::Permissions::from_mode(m)).unwrap();
    mode(0o555);
    if std::fs::write(regs.join("probe"), "").is_ok() {
        // Permission bits do not bind this user (root, as in CI, or
        // CAP_DAC_OVERRIDE). A folder where the save's lock file goes cannot
        // be opened for writing by anyone, so the save fails there instead.
        std::fs::remove_file(regs.join("probe")).unwrap();
        std::fs::create_dir(regs.join(".x.txt.lock")).unwrap();
    }
    let s = run_in(&dir, &["explore", X, "--save"]);
    mode(0o755);
    assert_eq!(s.exit, Some(2), "{}", s.stderr);
    assert!(s.stdout.starts_with("FAIL sims/x.py: "), "{}", s.stdout);
    assert!(s.stdout.contains("AssertionError: always"), "{}", s.stdout);
    assert!(
        s.stdout
            .lines()
            .any(|l| l.starts_with("replay: awaitsim replay sims/x.py --seed ")),
        "{}",
        s.stdout
    );
    let line = s
        .stderr
        .lines()
        .find(|l| l.starts_with("awaitsim: cannot save the regression to regressions/x.txt: "))
        .unwrap_or_else(|| panic!("{}", s.stderr));
    assert!(line.ends_with("; earlier lines are untouched"), "{line}");
    assert_eq!(std::fs::read(regs.join("x.txt")).unwrap(), before);
    let left: Vec<String> = std::fs::read_dir(&regs)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        left.iter().all(|n| n == "x.txt" || n == ".x.txt.lock"),
        "no temporary file is left: {left:?}"
    );
}

/// The cells of a Markdown table row, with `\|` read as `|`.
fn cells(row: &str) -> Vec<String> {
    let inner = row.trim().trim_start_matches('|').trim_end_matches('|');
    let mut out = vec![String::new()];
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                out.last_mut().unwrap().push(chars.next().unwrap())
            }
            '|' => out.push(String::new()),
            c => out.last_mut().unwrap().push(c),
        }
    }
    out.iter().map(|c| c.trim().to_string()).collect()
}

/// The code spans of a Markdown cell (CommonMark: a run of N backticks
/// opens a span and the next run of exactly N closes it; one space inside
/// each end is stripped when both are there).
fn code_spans(cell: &str) -> Vec<String> {
    let b = cell.as_bytes();
    let run_at = |i: usize| b[i..].iter().take_while(|&&c| c == b'`').count();
    let mut spans = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'`' {
            i += 1;
            continue;
        }
        let n = run_at(i);
        let start = i + n;
        let mut j = start;
        let end = loop {
            if j >= b.len() {
                break None;
            }
            if b[j] == b'`' {
                let m = run_at(j);
                if m == n {
                    break Some(j);
                }
                j += m;
            } else {
                j += 1;
            }
        };
        let Some(end) = end else { break };
        let s = &cell[start..end];
        let s = match s.strip_prefix(' ').and_then(|t| t.strip_suffix(' ')) {
            Some(t) if !t.trim().is_empty() => t,
            _ => s,
        };
        spans.push(s.to_string());
        i = end + n;
    }
    spans
}

/// Whether `text` contains `pattern`, where `…` in the pattern stands for
/// anything.
fn matches_with_ellipsis(text: &str, pattern: &str) -> bool {
    let mut rest = text;
    for piece in pattern.split('…') {
        match rest.find(piece) {
            Some(at) => rest = &rest[at + piece.len()..],
            None => return false,
        }
    }
    true
}

#[test]
fn readme_troubleshooting_table_matches_the_messages() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let section = readme
        .split("\n## Troubleshooting\n")
        .nth(1)
        .expect("README has a Troubleshooting section");
    let section = section.split("\n## ").next().unwrap();
    let rows: Vec<Vec<String>> = section
        .lines()
        .filter(|l| l.starts_with('|'))
        .skip(2)
        .map(cells)
        .collect();
    let cases = cases();
    let listed: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    for case in &cases {
        assert!(
            listed.contains(&case.did),
            "README's table lacks a row {:?}",
            case.did
        );
    }
    for row in &rows {
        assert_eq!(row.len(), 3, "{row:?}");
        let (i, case) = cases
            .iter()
            .enumerate()
            .find(|(_, c)| c.did == row[0])
            .unwrap_or_else(|| panic!("README row {:?} has no case in tests/errors.rs", row[0]));
        let s = seen("readme", i, case);
        let exit = case.exit.map_or("—".to_string(), |c| c.to_string());
        assert_eq!(row[2], exit, "{}: README's exit code", row[0]);
        let spans = code_spans(&row[1]);
        assert!(!spans.is_empty(), "{}: README quotes no message", row[0]);
        let all = format!("{}{}", s.stdout, s.stderr);
        for want in spans {
            assert!(
                matches_with_ellipsis(&all, &want),
                "{}: README quotes {want:?}, the binary printed\n{all}",
                row[0]
            );
        }
    }
}

#[test]
fn the_readme_helpers_read_markdown_as_github_does() {
    assert_eq!(cells(r"| a | `x \| y` | 2 |"), ["a", "`x | y`", "2"]);
    assert_eq!(
        code_spans("see `one`, then `` `two` and three ``, caret"),
        ["one", "`two` and three"]
    );
    assert!(matches_with_ellipsis(
        "cannot save to a/b.txt: denied; untouched",
        "cannot save to …: …; untouched"
    ));
    assert!(!matches_with_ellipsis(
        "cannot save to a/b.txt",
        "cannot save to …: …; untouched"
    ));
    assert!(!matches_with_ellipsis("b then a", "a…b"));
}
