//! `merge`: one summary from the `explore --json` outputs of many shards.

use super::Exit;
use crate::explore::describe_distinct;
use crate::report::json::{merge as merge_lines, ResultLine, ShardLine};
use std::io::Write;
use std::path::PathBuf;

/// Reads JSON-lines files, merges per scenario, prints the merged lines on
/// `out` and a human summary on `err`.
pub fn merge(files: &[PathBuf], out: &mut dyn Write, err: &mut dyn Write) -> Exit {
    let mut lines = Vec::new();
    for f in files {
        let text = match std::fs::read_to_string(f) {
            Ok(t) => t,
            Err(e) => {
                let _ = writeln!(err, "awaitsim: {}: cannot read: {e}", f.display());
                return Exit::BadInput;
            }
        };
        for (n, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            match serde_json::from_str::<ResultLine>(line) {
                Ok(l) => match ShardLine::new(l) {
                    Ok(l) => lines.push(l),
                    Err(e) => {
                        let _ = writeln!(err, "awaitsim: {}:{}: {e}", f.display(), n + 1);
                        return Exit::BadInput;
                    }
                },
                Err(e) => {
                    let _ = writeln!(
                        err,
                        "awaitsim: {}:{}:{}: not an `explore --json` line: {e}",
                        f.display(),
                        n + 1,
                        e.column()
                    );
                    return Exit::BadInput;
                }
            }
        }
    }
    if lines.is_empty() {
        let _ = writeln!(
            err,
            "awaitsim: no results to merge; pass the files `explore --json --shard I/N` wrote"
        );
        return Exit::BadInput;
    }
    let merged = merge_lines(&lines);
    let mut exit = Exit::Ok;
    for m in &merged {
        let _ = writeln!(out, "{}", serde_json::to_string(m).unwrap_or_default());
        let _ = writeln!(
            err,
            "{} {}: {}, {}{}",
            m.status,
            m.file,
            crate::report::count(m.schedules, "schedule"),
            describe_distinct(m.distinct, m.distinct_estimated),
            m.failure
                .as_ref()
                .map(|f| format!(
                    "; first failure at schedule {} ({}): {}",
                    f.index, f.kind, f.replay
                ))
                .unwrap_or_default()
        );
        match m.status.as_str() {
            "fail" => exit = exit.max(Exit::Failed),
            "error" => exit = exit.max(Exit::BadInput),
            _ => {}
        }
    }
    exit
}
