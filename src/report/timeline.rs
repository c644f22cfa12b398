//! The timeline of one run: a swimlane per task across virtual time —
//! running, ready but waiting, suspended (on what), blocking the loop,
//! failed, cancelled — with timer firings and injected faults marked. Drawn
//! as ASCII for a terminal or as SVG for a browser.

use crate::sim::{format_nanos, Event, Nanos, TaskEnd, TaskId, Trace};
use std::fmt::Write as _;

/// What a task is doing during a segment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum State {
    /// Queued: ready to run, waiting for the loop.
    Ready,
    /// Running a step.
    Running,
    /// Running a blocking call: the whole loop waits.
    Blocking,
    /// Suspended at an await, on what.
    Suspended(String),
}

/// A stretch of one state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    /// Start (virtual ns, or step index on a step axis).
    pub start: u64,
    /// End.
    pub end: u64,
    /// The state.
    pub state: State,
}

/// One task's row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lane {
    /// The task.
    pub task: TaskId,
    /// Its name.
    pub name: String,
    /// Its segments, in order.
    pub segments: Vec<Segment>,
    /// How and when it ended, if it did.
    pub end: Option<(u64, TaskEnd)>,
}

/// A point event drawn above the lanes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Marker {
    /// When.
    pub at: u64,
    /// A timer fired (`true`) or a fault was injected (`false`).
    pub timer: bool,
    /// What, for the SVG tooltip.
    pub what: String,
}

/// The x axis: virtual time, or — for a run in which no time passes — the
/// order of steps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Axis {
    /// Nanoseconds of virtual time.
    Time,
    /// Loop steps (every step is one unit wide).
    Steps,
}

/// A run, laid out for drawing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Timeline {
    /// One lane per task, in creation order.
    pub lanes: Vec<Lane>,
    /// Timer firings and faults.
    pub markers: Vec<Marker>,
    /// The end of the x axis.
    pub end: u64,
    /// What x measures.
    pub axis: Axis,
}

impl Timeline {
    /// Lays out a full trace.
    ///
    /// ```
    /// use std::time::Duration;
    /// use awaitsim::{Sim, TraceMode, report::timeline::Timeline};
    /// let out = Sim::new(0).trace(TraceMode::Full).try_run(async {
    ///     awaitsim::sleep(Duration::from_millis(100)).await;
    /// });
    /// let t = Timeline::from_trace(out.report.trace.as_ref().unwrap());
    /// assert_eq!(t.lanes[0].name, "main");
    /// assert!(t.render_ascii(100).lines().all(|l| l.chars().count() <= 100));
    /// ```
    pub fn from_trace(trace: &Trace) -> Timeline {
        let time_passes = trace.events.iter().any(|r| r.at > 0);
        let axis = if time_passes { Axis::Time } else { Axis::Steps };
        let mut lanes: Vec<Lane> = Vec::new();
        let mut open: Vec<Option<(u64, State)>> = Vec::new();
        let mut markers = Vec::new();
        let mut step_no = 0u64;
        let mut x = 0u64;
        fn close(lanes: &mut [Lane], open: &mut [Option<(u64, State)>], t: TaskId, at: u64) {
            if let Some((start, state)) = open.get_mut(t.index()).and_then(Option::take) {
                lanes[t.index()].segments.push(Segment {
                    start,
                    end: at.max(start),
                    state,
                });
            }
        }
        for r in &trace.events {
            if axis == Axis::Time {
                x = r.at;
            }
            match &r.event {
                Event::Spawn { task, .. } => {
                    while lanes.len() <= task.index() {
                        let id = TaskId(lanes.len() as u32);
                        lanes.push(Lane {
                            task: id,
                            name: trace.name(id).to_string(),
                            segments: Vec::new(),
                            end: None,
                        });
                        open.push(None);
                    }
                    open[task.index()] = Some((x, State::Ready));
                }
                Event::Step { task } => {
                    if axis == Axis::Steps {
                        x = step_no;
                        step_no += 1;
                    }
                    close(&mut lanes, &mut open, *task, x);
                    if let Some(o) = open.get_mut(task.index()) {
                        *o = Some((x, State::Running));
                    }
                }
                Event::Block {
                    task: Some(task),
                    duration,
                } => {
                    close(&mut lanes, &mut open, *task, x);
                    let until = if axis == Axis::Time { x + duration } else { x };
                    if let Some(l) = lanes.get_mut(task.index()) {
                        l.segments.push(Segment {
                            start: x,
                            end: until,
                            state: State::Blocking,
                        });
                    }
                    if let Some(o) = open.get_mut(task.index()) {
                        *o = Some((until, State::Running));
                    }
                }
                Event::Suspend { task, on } => {
                    let x = if axis == Axis::Steps { x + 1 } else { x };
                    close(&mut lanes, &mut open, *task, x);
                    if let Some(o) = open.get_mut(task.index()) {
                        *o = Some((x, State::Suspended(on.to_string())));
                    }
                }
                Event::Wake { task } => {
                    close(&mut lanes, &mut open, *task, x);
                    if let Some(o) = open.get_mut(task.index()) {
                        *o = Some((x, State::Ready));
                    }
                }
                Event::End { task, end } => {
                    let x = if axis == Axis::Steps { x + 1 } else { x };
                    close(&mut lanes, &mut open, *task, x);
                    if let Some(l) = lanes.get_mut(task.index()) {
                        l.end = Some((x, end.clone()));
                    }
                }
                Event::TimerFire { seq } => markers.push(Marker {
                    at: x,
                    timer: true,
                    what: format!("timer #{seq} fires"),
                }),
                Event::Fault { fault, .. } => markers.push(Marker {
                    at: x,
                    timer: false,
                    what: crate::sim::describe_fault(fault),
                }),
                _ => {}
            }
        }
        let end = match axis {
            Axis::Time => trace.events.last().map_or(0, |r| r.at),
            Axis::Steps => step_no,
        }
        .max(1);
        for i in 0..lanes.len() {
            close(&mut lanes, &mut open, TaskId(i as u32), end);
        }
        Timeline {
            lanes,
            markers,
            end,
            axis,
        }
    }

    fn label(&self, x: u64) -> String {
        match self.axis {
            Axis::Time => format_nanos(x),
            Axis::Steps => format!("step {x}"),
        }
    }

    /// ASCII swimlanes no wider than `width` columns, with a legend.
    pub fn render_ascii(&self, width: usize) -> String {
        let name_w = self
            .lanes
            .iter()
            .map(|l| l.name.chars().count())
            .max()
            .unwrap_or(4)
            .clamp(4, 18);
        let cols = width.saturating_sub(name_w + 3).max(10);
        let col_of = |x: u64| -> usize {
            ((u128::from(x) * cols as u128) / u128::from(self.end + 1)) as usize
        };
        let mut out = String::new();
        // Markers row: timers and faults.
        let mut marks = vec![' '; cols];
        for m in &self.markers {
            let c = col_of(m.at).min(cols - 1);
            marks[c] = match (m.timer, marks[c]) {
                (false, _) => '!',
                (true, '!') => '!',
                (true, _) => '^',
            };
        }
        let _ = writeln!(
            out,
            "{:>name_w$} |{}|",
            "",
            marks.iter().collect::<String>()
        );
        for lane in &self.lanes {
            let mut row = vec![' '; cols];
            let rank = |c: char| match c {
                'X' | 'C' => 6,
                '#' => 5,
                '=' => 4,
                '-' => 3,
                '.' => 2,
                '|' => 1,
                _ => 0,
            };
            let mut put = |c: usize, ch: char| {
                let c = c.min(cols - 1);
                if rank(ch) > rank(row[c]) {
                    row[c] = ch;
                }
            };
            for s in &lane.segments {
                let ch = match s.state {
                    State::Running => '=',
                    State::Blocking => '#',
                    State::Ready => '-',
                    State::Suspended(_) => '.',
                };
                let (a, b) = (col_of(s.start), col_of(s.end));
                if s.start == s.end {
                    if matches!(s.state, State::Running | State::Blocking) {
                        put(a, ch);
                    }
                    continue;
                }
                for c in a..b.max(a + 1) {
                    put(c, ch);
                }
            }
            if let Some((at, end)) = &lane.end {
                let ch = match end {
                    TaskEnd::Completed => '|',
                    TaskEnd::Failed(_) => 'X',
                    TaskEnd::Cancelled => 'C',
                };
                put(col_of(*at), ch);
            }
            let name: String = lane.name.chars().take(name_w).collect();
            let _ = writeln!(out, "{name:>name_w$} |{}|", row.iter().collect::<String>());
        }
        let left = self.label(0);
        let right = self.label(self.end);
        let gap = cols.saturating_sub(left.len() + right.len());
        let _ = writeln!(out, "{:>name_w$}  {left}{}{right}", "", " ".repeat(gap));
        out.push_str("legend: = running  # blocking the loop  - ready, waiting  . suspended\n");
        out.push_str("        | done  X failed  C cancelled  ^ timer fires  ! fault injected\n");
        out
    }

    /// A standalone SVG picture: task names, a time axis with units,
    /// coloured states with a legend.
    pub fn render_svg(&self) -> String {
        const LEFT: f64 = 150.0;
        const PLOT: f64 = 760.0;
        const ROW: f64 = 28.0;
        const TOP: f64 = 40.0;
        let width = LEFT + PLOT + 30.0;
        let height = TOP + ROW * self.lanes.len() as f64 + 90.0;
        let x_of = |x: u64| LEFT + PLOT * (x as f64) / (self.end as f64);
        let mut s = String::new();
        let _ = writeln!(
            s,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">"#
        );
        let _ = writeln!(s, r#"<rect width="100%" height="100%" fill="white"/>"#);
        for (i, lane) in self.lanes.iter().enumerate() {
            let y = TOP + ROW * i as f64;
            let _ = writeln!(
                s,
                r#"<text x="{}" y="{}" text-anchor="end">{}</text>"#,
                LEFT - 8.0,
                y + ROW * 0.6,
                xml_escape(&lane.name)
            );
            let _ = writeln!(
                s,
                r##"<line x1="{LEFT}" y1="{0}" x2="{1}" y2="{0}" stroke="#ddd"/>"##,
                y + ROW / 2.0,
                LEFT + PLOT
            );
            for seg in &lane.segments {
                let (color, label) = match &seg.state {
                    State::Running => ("#2e7d32", "running".to_string()),
                    State::Blocking => ("#c62828", "blocking the loop".to_string()),
                    State::Ready => ("#f9a825", "ready, waiting".to_string()),
                    State::Suspended(on) => ("#90caf9", format!("suspended: {on}")),
                };
                let x0 = x_of(seg.start);
                let w = (x_of(seg.end) - x0).max(2.0);
                let _ = writeln!(
                    s,
                    r#"<rect x="{x0:.2}" y="{:.2}" width="{w:.2}" height="{:.2}" fill="{color}"><title>{} {}–{}</title></rect>"#,
                    y + 5.0,
                    ROW - 10.0,
                    xml_escape(&label),
                    self.label(seg.start),
                    self.label(seg.end)
                );
            }
            if let Some((at, end)) = &lane.end {
                let (glyph, color) = match end {
                    TaskEnd::Completed => ("✓", "#2e7d32"),
                    TaskEnd::Failed(_) => ("✗", "#c62828"),
                    TaskEnd::Cancelled => ("⊘", "#6a1b9a"),
                };
                let _ = writeln!(
                    s,
                    r#"<text x="{:.2}" y="{:.2}" fill="{color}" font-weight="bold">{glyph}</text>"#,
                    x_of(*at) + 3.0,
                    y + ROW * 0.65
                );
            }
        }
        for m in &self.markers {
            let x = x_of(m.at);
            let color = if m.timer { "#555" } else { "#c62828" };
            let _ = writeln!(
                s,
                r#"<path d="M {x:.2} {} l -4 -7 l 8 0 z" fill="{color}"><title>{}</title></path>"#,
                TOP - 3.0,
                xml_escape(&m.what)
            );
        }
        // Axis with ticks.
        let axis_y = TOP + ROW * self.lanes.len() as f64 + 8.0;
        let _ = writeln!(
            s,
            r##"<line x1="{LEFT}" y1="{axis_y}" x2="{}" y2="{axis_y}" stroke="#333"/>"##,
            LEFT + PLOT
        );
        for k in 0..=5u64 {
            let x = self.end * k / 5;
            let px = x_of(x);
            let _ = writeln!(
                s,
                r##"<line x1="{px:.2}" y1="{axis_y}" x2="{px:.2}" y2="{}" stroke="#333"/><text x="{px:.2}" y="{}" text-anchor="middle">{}</text>"##,
                axis_y + 5.0,
                axis_y + 18.0,
                self.label(x)
            );
        }
        let axis_name = match self.axis {
            Axis::Time => "virtual time",
            Axis::Steps => "loop steps (no virtual time passes)",
        };
        let _ = writeln!(
            s,
            r#"<text x="{}" y="{}" text-anchor="middle">{axis_name}</text>"#,
            LEFT + PLOT / 2.0,
            axis_y + 34.0
        );
        // Legend.
        let legend = [
            ("#2e7d32", "running"),
            ("#f9a825", "ready, waiting"),
            ("#90caf9", "suspended"),
            ("#c62828", "blocking the loop"),
        ];
        let ly = axis_y + 52.0;
        for (i, (color, name)) in legend.iter().enumerate() {
            let lx = LEFT + 150.0 * i as f64;
            let _ = writeln!(
                s,
                r#"<rect x="{lx}" y="{}" width="14" height="14" fill="{color}"/><text x="{}" y="{}">{name}</text>"#,
                ly - 11.0,
                lx + 20.0,
                ly
            );
        }
        let _ = writeln!(
            s,
            r##"<text x="{LEFT}" y="{}" fill="#555">▼ timer fires   <tspan fill="#c62828">▼ injected fault</tspan>   ✓ done  ✗ failed  ⊘ cancelled</text>"##,
            ly + 20.0
        );
        s.push_str("</svg>\n");
        s
    }
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The virtual time a lane spends in each state, for tests and summaries.
pub fn time_in(lane: &Lane, pred: impl Fn(&State) -> bool) -> Nanos {
    lane.segments
        .iter()
        .filter(|s| pred(&s.state))
        .map(|s| s.end - s.start)
        .sum()
}
