//! The `awaitsim` binary as a user drives it: exit codes, the stdout/stderr
//! split, replay lines that replay, shrink, regressions, shards. Every error
//! a user can cause (bad input, a misspelt name, a runaway loop, an
//! unwritable regressions folder) is one row of the table in
//! `tests/errors.rs`.

mod common;

use common::json_without_timing;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_awaitsim"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("run awaitsim")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("awaitsim-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A scenario file `file` holding `src`, in directory `d`.
fn scenario(d: &Path, file: &str, src: &str) -> PathBuf {
    let f = d.join(file);
    std::fs::write(&f, src).unwrap();
    f
}

#[test]
fn run_prints_only_the_program_output_on_stdout() {
    let o = run(&["run", "sims/gather_takes_the_max.py"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(text(&o.stdout), "ada ['book', 'lamp']\nelapsed 0.2s\n");
    let o = run(&[
        "run",
        "sims/gather_takes_the_max.py",
        "--trace",
        "--timeline",
    ]);
    assert_eq!(text(&o.stdout), "ada ['book', 'lamp']\nelapsed 0.2s\n");
    let err = text(&o.stderr);
    assert!(err.contains("step"), "trace on stderr: {err}");
    assert!(err.contains("legend:"), "timeline on stderr: {err}");
}

#[test]
fn the_trace_names_the_loop_callbacks_that_ran() {
    let f = scenario(
        &tmp("callbacks"),
        "cb.py",
        "import asyncio\n\nasync def main():\n    loop = asyncio.get_running_loop()\n    loop.call_soon(print, 'soon')\n    loop.call_later(0.01, print, 'later', 2)\n    await asyncio.sleep(0.02)\n\nasyncio.run(main())\n",
    );
    let o = run(&["run", "--trace", f.to_str().unwrap()]);
    assert_eq!(text(&o.stdout), "soon\nlater 2\n");
    let err = text(&o.stderr);
    let soon = err
        .find("callback print('soon')")
        .unwrap_or_else(|| panic!("{err}"));
    let fires = err
        .find("timer    #0 fires")
        .unwrap_or_else(|| panic!("{err}"));
    let later = err
        .find("callback print('later', 2)")
        .unwrap_or_else(|| panic!("{err}"));
    assert!(
        soon < fires && fires < later,
        "in the order they ran:\n{err}"
    );
}

#[test]
fn a_deadlock_report_says_where_each_task_waits() {
    let o = run(&["explore", "sims/lock_order_deadlock.py"]);
    assert_eq!(o.status.code(), Some(1));
    let out = text(&o.stdout);
    // Each transfer holds one lock and waits at its `async with second:`.
    for task in ["Task-2", "Task-3"] {
        let line = format!("task {task} waits on Future at line 13");
        assert!(out.contains(&line), "{line}:\n{out}");
    }
}

#[test]
fn explore_json_is_identical_for_any_number_of_jobs() {
    let files = [
        "sims/check_then_act_race.py",
        "sims/sleep_zero_is_a_pure_yield.py",
    ];
    let mut outs = Vec::new();
    for jobs in ["1", "4"] {
        let mut args = vec!["explore", "--json", "--seeds", "300", "--jobs", jobs];
        args.extend(files);
        let o = run(&args);
        outs.push(json_without_timing(&text(&o.stdout)));
    }
    assert_eq!(outs[0], outs[1]);
    assert_eq!(outs[0].len(), 2);
    assert_eq!(outs[0][0]["status"], "fail");
    assert_eq!(outs[0][1]["status"], "pass");
}

#[test]
fn a_failure_ends_with_a_replay_line_that_replays_it() {
    let o = run(&["explore", "sims/check_then_act_race.py", "--seeds", "2000"]);
    assert_eq!(o.status.code(), Some(1));
    let out = text(&o.stdout);
    let replay = out
        .lines()
        .find(|l| l.starts_with("replay: awaitsim replay "))
        .unwrap_or_else(|| panic!("no replay line in {out}"));
    let args: Vec<&str> = replay
        .trim_start_matches("replay: awaitsim ")
        .split_whitespace()
        .collect();
    let r1 = run(&args);
    let r2 = run(&args);
    assert_eq!(r1.status.code(), Some(1), "{}", text(&r1.stderr));
    let hash = |o: &Output| {
        text(&o.stderr)
            .lines()
            .find(|l| l.starts_with("trace hash: "))
            .map(str::to_string)
    };
    assert!(hash(&r1).is_some());
    assert_eq!(hash(&r1), hash(&r2));
    assert_eq!(text(&r1.stderr).lines().last(), Some(replay));
}

#[test]
fn shrink_prints_a_schedule_that_replays_and_is_no_longer() {
    let o = run(&[
        "explore",
        "--json",
        "sims/check_then_act_race.py",
        "--seeds",
        "2000",
    ]);
    let line: serde_json::Value =
        serde_json::from_str(text(&o.stdout).lines().next().unwrap()).unwrap();
    let f = &line["failure"];
    let seed = f["seed"].as_str().unwrap();
    let strategy = f["strategy"].as_str().unwrap();
    let original: awaitsim::Schedule = f["schedule"].as_str().unwrap().parse().unwrap();
    let o = run(&[
        "shrink",
        "sims/check_then_act_race.py",
        "--seed",
        seed,
        "--strategy",
        strategy,
        "--faults",
        "late=1",
    ]);
    let out = text(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{out}{}", text(&o.stderr));
    let token = out
        .lines()
        .find_map(|l| l.strip_prefix("schedule: "))
        .unwrap_or_else(|| panic!("{out}"));
    let shrunk: awaitsim::Schedule = token.parse().unwrap();
    assert!(shrunk.departures() <= original.departures());
    let replay = out.lines().last().unwrap();
    assert!(
        replay.starts_with("replay: awaitsim replay --schedule "),
        "{out}"
    );
    let args: Vec<&str> = replay
        .trim_start_matches("replay: awaitsim ")
        .split_whitespace()
        .collect();
    assert_eq!(run(&args).status.code(), Some(1));
}

#[test]
fn saved_regressions_round_trip() {
    let d = tmp("save");
    let dir = d.to_str().unwrap();
    for _ in 0..2 {
        let o = run(&[
            "explore",
            "sims/check_then_act_race.py",
            "--save",
            "--regressions",
            dir,
        ]);
        assert_eq!(o.status.code(), Some(1));
    }
    let text = std::fs::read_to_string(Path::new(dir).join("check_then_act_race.txt")).unwrap();
    let entries = awaitsim::explore::regressions::parse("x", &text).unwrap();
    assert_eq!(entries.len(), 1, "the same failure is saved once: {text}");
    assert_eq!(entries[0].sim, "sims/check_then_act_race.py");
}

#[test]
fn merged_shards_equal_one_run() {
    let d = tmp("shards");
    let mut files = Vec::new();
    for i in 0..4 {
        let o = run(&[
            "explore",
            "--json",
            "--seeds",
            "400",
            "--shard",
            &format!("{i}/4"),
            "sims/check_then_act_race.py",
            "sims/sleep_zero_is_a_pure_yield.py",
        ]);
        let f = d.join(format!("s{i}.jsonl"));
        std::fs::write(&f, &o.stdout).unwrap();
        files.push(f.to_str().unwrap().to_string());
    }
    let mut args = vec!["merge".to_string()];
    args.extend(files);
    let merged = bin().args(&args).output().unwrap();
    let whole = run(&[
        "explore",
        "--json",
        "--seeds",
        "400",
        "sims/check_then_act_race.py",
        "sims/sleep_zero_is_a_pure_yield.py",
    ]);
    let pick = |s: &str| -> Vec<(String, u64, u64, Option<u64>)> {
        json_without_timing(s)
            .iter()
            .map(|v| {
                (
                    v["file"].as_str().unwrap().to_string(),
                    v["schedules"].as_u64().unwrap(),
                    v["distinct"].as_u64().unwrap(),
                    v["failure"]["index"].as_u64(),
                )
            })
            .collect()
    };
    assert_eq!(pick(&text(&merged.stdout)), pick(&text(&whole.stdout)));
}

#[test]
fn check_passes_on_the_bundled_sims() {
    let o = run(&["check", "sims", "--max-seeds", "300"]);
    let out = text(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{out}{}", text(&o.stderr));
    assert!(
        out.lines().last().unwrap().ends_with(" passed, 0 failed"),
        "{out}"
    );
}

#[test]
fn ctrl_c_reports_what_ran_and_resume_finishes_the_rest() {
    let d = tmp("interrupt");
    // A long race (2 tasks x 1,000 rounds): its 6,000 schedules take seconds,
    // so the interrupt below lands mid-file even on a much faster build.
    let long = scenario(
        &d,
        "long_race.py",
        "import asyncio\n\ncounter = 0\n\n\nasync def bump():\n    global counter\n    \
         for _ in range(1000):\n        seen = counter\n        await asyncio.sleep(0)\n        \
         counter = seen + 1\n\n\nasync def main():\n    await asyncio.gather(bump(), bump())\n\n\n\
         asyncio.run(main())\n",
    );
    let files = [long.to_str().unwrap(), "sims/sleep_zero_is_a_pure_yield.py"];
    let mut args = vec!["explore", "--json", "--seeds", "6000", "--jobs", "2"];
    args.extend(files);
    let child = bin()
        .args(&args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(500));
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(130), "{}", text(&o.stderr));
    let first = text(&o.stdout);
    let lines: Vec<serde_json::Value> = first
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{first}");
    let ran = lines[0]["schedules"].as_u64().unwrap();
    assert_eq!(lines[0]["interrupted"], true);
    assert_eq!(lines[0]["resume_from"].as_u64(), Some(ran));
    assert!(ran < 6000);
    assert_eq!(
        lines[1]["resume_from"].as_u64(),
        Some(0),
        "the unexplored file resumes from 0"
    );
    let record = d.join("first.jsonl");
    std::fs::write(&record, &o.stdout).unwrap();
    let mut args = vec![
        "explore",
        "--json",
        "--seeds",
        "6000",
        "--jobs",
        "2",
        "--resume",
        record.to_str().unwrap(),
    ];
    args.extend(files);
    let o = run(&args);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let rest: Vec<serde_json::Value> = text(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rest[0]["schedules"].as_u64().unwrap() + ran, 6000);
    assert_eq!(rest[1]["schedules"].as_u64(), Some(6000));
    assert!(text(&o.stdout).lines().all(|l| !l.contains("interrupted")));
}

#[test]
fn explore_prints_plain_progress_lines_when_stderr_is_not_a_terminal() {
    let o = run(&[
        "explore",
        "sims/sleep_zero_is_a_pure_yield.py",
        "--seeds",
        "3000",
        "--jobs",
        "2",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let err = text(&o.stderr);
    let lines: Vec<&str> = err.lines().filter(|l| l.contains(" schedules")).collect();
    assert!(lines.len() >= 5, "{err}");
    assert!(
        lines
            .iter()
            .all(|l| l.starts_with("awaitsim: sims/sleep_zero_is_a_pure_yield.py: ")),
        "{err}"
    );
    assert!(text(&o.stdout).starts_with("pass sims/sleep_zero_is_a_pure_yield.py: 3000 schedules"));
}

#[test]
fn timeline_draws_ascii_on_stdout_and_writes_a_parseable_svg() {
    let d = tmp("timeline");
    let svg = d.join("gather.svg");
    let o = run(&[
        "timeline",
        "sims/gather_takes_the_max.py",
        "--svg",
        svg.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(out.contains("legend:"), "{out}");
    assert!(out.lines().all(|l| l.chars().count() <= 100), "{out}");
    let svg_text = std::fs::read_to_string(&svg).unwrap();
    let doc = roxmltree::Document::parse(&svg_text).unwrap();
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    assert!(svg_text.contains("Task-2") && svg_text.contains("virtual time"));
}
