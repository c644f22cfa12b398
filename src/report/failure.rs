//! The human failure report: what failed, where, when, the faults and
//! departures from FIFO it needed, the interleaving just before it, and the
//! one line that replays it.

use crate::sim::{format_nanos, Event, Failure, RunReport, Seed, Trace};
use std::fmt::Write as _;

/// Events of the trace shown before the failure.
const TAIL: usize = 16;

/// The `replay:` command for a failing run of `file`.
///
/// ```
/// use awaitsim::{report::failure::replay_line, FaultPlan, Seed, Strategy};
/// let l = replay_line("sims/race.py", Seed(10), Strategy::Random, &FaultPlan::late(1.0));
/// assert_eq!(l, "replay: awaitsim replay sims/race.py --seed 0x000000000000000a --strategy random --faults late=1");
/// ```
pub fn replay_line(
    file: &str,
    seed: Seed,
    strategy: crate::Strategy,
    faults: &crate::FaultPlan,
) -> String {
    format!(
        "replay: awaitsim replay {} --seed {seed} --strategy {strategy} --faults {faults}",
        shell_word(file)
    )
}

/// Quotes a path for a shell only when it needs it.
fn shell_word(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+:@%".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// A full failure report, ending with `replay` as its last line. When the
/// program's own stderr already showed the failure (a Python traceback
/// printed just above), `shown` keeps it from being printed twice.
pub fn render(
    file: &str,
    failure: &Failure,
    report: &RunReport,
    context: &str,
    replay: &str,
    shown: bool,
) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "FAIL {file}: {} ({context}seed {}, strategy {}, faults {})",
        failure.kind(),
        report.seed,
        report.strategy,
        report.faults
    );
    if shown {
        let _ = writeln!(out, "  (the traceback above)");
    } else {
        for line in failure.to_string().lines() {
            let _ = writeln!(out, "  {line}");
        }
    }
    let _ = writeln!(out, "  at virtual time {}", format_nanos(report.elapsed));
    for h in &report.hazards {
        let _ = writeln!(out, "  hazard: {h}");
    }
    if let Some(trace) = &report.trace {
        let departures = trace.departures();
        if departures.is_empty() {
            let _ = writeln!(out, "  schedule: FIFO order, no faults injected");
        } else {
            let _ = writeln!(out, "  what this schedule did differently from FIFO:");
            for d in departures.iter().take(20) {
                let _ = writeln!(out, "    - {d}");
            }
            if departures.len() > 20 {
                let _ = writeln!(out, "    … and {} more", departures.len() - 20);
            }
        }
        let _ = writeln!(out, "  last steps before the failure:");
        for line in tail(trace).lines() {
            let _ = writeln!(out, "    {line}");
        }
    }
    let _ = writeln!(out, "  schedule token: {}", report.schedule);
    out.push_str(replay);
    out.push('\n');
    out
}

/// The last events of the trace that concern tasks (steps, suspensions,
/// faults, ends), rendered.
fn tail(trace: &Trace) -> String {
    let keep: Vec<_> = trace
        .events
        .iter()
        .filter(|r| {
            matches!(
                r.event,
                Event::Step { .. }
                    | Event::Suspend { .. }
                    | Event::End { .. }
                    | Event::Fault { .. }
                    | Event::Block { .. }
                    | Event::Departure { .. }
                    | Event::Hazard { .. }
            )
        })
        .cloned()
        .collect();
    let from = keep.len().saturating_sub(TAIL);
    Trace {
        events: keep[from..].to_vec(),
        names: trace.names.clone(),
    }
    .render()
}
