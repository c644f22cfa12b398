//! The event trace of a run: what happened, when, in virtual time — plus a
//! stable hash of the interleaving that costs a multiply per step.

use super::task::TaskId;
use super::time::{format_nanos, Nanos};
use std::fmt;
use std::sync::Arc;

/// How much of a run to keep. `Hash` is what exploration uses: the
/// interleaving hash, no allocation per event.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TraceMode {
    /// Keep nothing; the trace hash is still computed (it costs one multiply
    /// per step).
    #[default]
    Hash,
    /// Keep every event for rendering, timelines and reports.
    Full,
}

/// What a suspended task waits on, for traces and deadlock reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Wait {
    /// Nothing the simulator knows about (a future from another library).
    Unknown,
    /// `yield_now`: ready again at once.
    Yield,
    /// A timer: `sleep` until the given time.
    Sleep {
        /// Virtual deadline, in nanoseconds.
        until: Nanos,
    },
    /// An I/O point; `until` is `None` when a fault stalled it.
    Io {
        /// The I/O point's name.
        name: Arc<str>,
        /// When it completes, or `None` if stalled forever.
        until: Option<Nanos>,
    },
    /// Another task to finish.
    Join(TaskId),
    /// Described by a layer above (a lock, a queue, an event).
    Custom(Arc<str>),
}

impl fmt::Display for Wait {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Wait::Unknown => f.write_str("a future outside awaitsim"),
            Wait::Yield => f.write_str("yield"),
            Wait::Sleep { until } => write!(f, "sleep until {}", format_nanos(*until)),
            Wait::Io {
                name,
                until: Some(t),
            } => write!(f, "io `{name}` until {}", format_nanos(*t)),
            Wait::Io { name, until: None } => write!(f, "io `{name}` (stalled: never completes)"),
            Wait::Join(t) => write!(f, "join {t}"),
            Wait::Custom(s) => f.write_str(s),
        }
    }
}

/// How a task ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TaskEnd {
    /// Returned normally.
    Completed,
    /// Panicked (or raised); the message.
    Failed(String),
    /// Cancelled through its handle or an injected fault.
    Cancelled,
}

/// An injected fault, as recorded in the trace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// A timer or I/O completion set to fire this much late.
    Late {
        /// Extra delay in nanoseconds.
        by: Nanos,
    },
    /// A blocking call lengthened by this much.
    LongerBlock {
        /// Extra length in nanoseconds.
        by: Nanos,
    },
    /// An I/O point that will fail.
    Fail {
        /// The I/O point.
        name: Arc<str>,
    },
    /// The task awaiting an I/O point is cancelled there.
    Cancel {
        /// The I/O point.
        name: Arc<str>,
    },
    /// An I/O point that never completes.
    Stall {
        /// The I/O point.
        name: Arc<str>,
    },
    /// A blocking call injected at the start of a step.
    Block {
        /// Its length in nanoseconds.
        duration: Nanos,
    },
}

/// Something the loop can run: what a departure from FIFO order names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subject {
    /// A task's step.
    Task(TaskId),
    /// A timer's callback, by registration sequence number.
    Timer(u64),
    /// A `call_soon` callback.
    Callback,
}

/// One thing that happened in a run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// A task was created.
    Spawn {
        /// The new task.
        task: TaskId,
        /// Its creator, if any.
        parent: Option<TaskId>,
        /// Its name.
        name: Arc<str>,
    },
    /// A task step began.
    Step {
        /// The task.
        task: TaskId,
    },
    /// A step ended with the task suspended.
    Suspend {
        /// The task.
        task: TaskId,
        /// What it waits on.
        on: Wait,
    },
    /// A task's wake-up was queued.
    Wake {
        /// The task.
        task: TaskId,
    },
    /// A timer was registered.
    TimerSet {
        /// Registration sequence number.
        seq: u64,
        /// Deadline (including injected lateness).
        deadline: Nanos,
    },
    /// A timer's callback ran.
    TimerFire {
        /// Registration sequence number.
        seq: u64,
    },
    /// A named loop callback ran ([`crate::sim::call_soon_named`],
    /// [`crate::sim::call_at_named`]).
    Callback {
        /// What the layer that scheduled it called it.
        name: Arc<str>,
    },
    /// A blocking call held the loop.
    Block {
        /// The task that blocked.
        task: Option<TaskId>,
        /// How long.
        duration: Nanos,
    },
    /// A fault was injected.
    Fault {
        /// The task it hit, if any.
        task: Option<TaskId>,
        /// What was injected.
        fault: Fault,
    },
    /// A hazard was detected (see [`crate::Hazard`]).
    Hazard {
        /// Its one-line description.
        message: String,
    },
    /// The scheduler ran something other than the oldest ready callback:
    /// a departure from FIFO order.
    Departure {
        /// What ran.
        ran: Subject,
        /// The oldest ready callback, which FIFO would have run.
        over: Subject,
    },
    /// A task ended.
    End {
        /// The task.
        task: TaskId,
        /// How.
        end: TaskEnd,
    },
}

/// One event at a virtual time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// Virtual time in nanoseconds.
    pub at: Nanos,
    /// What happened.
    pub event: Event,
}

/// A run's events and the names of its tasks.
///
/// ```
/// use awaitsim::{Sim, TraceMode};
/// let mut sim = Sim::new(1).trace(TraceMode::Full);
/// let out = sim.try_run(async { awaitsim::yield_now().await });
/// let text = out.report.trace.unwrap().render();
/// assert!(text.contains("step"));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Trace {
    /// Every event, in order.
    pub events: Vec<Record>,
    /// Task names, indexed by task id.
    pub names: Vec<Arc<str>>,
}

impl Trace {
    /// The name of a task in this trace.
    pub fn name(&self, task: TaskId) -> &str {
        self.names.get(task.index()).map_or("?", |n| n)
    }

    fn who(&self, task: TaskId) -> String {
        format!("{task} ({})", self.name(task))
    }

    /// Names a departure's subject for a person.
    pub fn subject(&self, s: Subject) -> String {
        match s {
            Subject::Task(t) => format!("task {}", self.name(t)),
            Subject::Timer(seq) => format!("timer #{seq}"),
            Subject::Callback => "a loop callback".to_string(),
        }
    }

    /// The departures from FIFO order and the injected faults, one line
    /// each: what a failing schedule needs, as a shrunk report shows it.
    pub fn departures(&self) -> Vec<String> {
        self.events
            .iter()
            .filter_map(|r| match &r.event {
                Event::Departure { ran, over } => Some(format!(
                    "{} ran before {} at t={}",
                    self.subject(*ran),
                    self.subject(*over),
                    format_nanos(r.at)
                )),
                Event::Fault { task, fault } => Some(format!(
                    "{}{} at t={}",
                    describe_fault(fault),
                    task.map_or(String::new(), |t| format!(" in task {}", self.name(t))),
                    format_nanos(r.at)
                )),
                _ => None,
            })
            .collect()
    }

    /// A compact, human rendering: one line per event.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for r in &self.events {
            let t = format_nanos(r.at);
            let line = match &r.event {
                Event::Spawn { task, parent, .. } => match parent {
                    Some(p) => format!("spawn    {} by {}", self.who(*task), self.who(*p)),
                    None => format!("spawn    {}", self.who(*task)),
                },
                Event::Step { task } => format!("step     {}", self.who(*task)),
                Event::Suspend { task, on } => format!("suspend  {} on {on}", self.who(*task)),
                Event::Wake { task } => format!("wake     {}", self.who(*task)),
                Event::TimerSet { seq, deadline } => {
                    format!("timer    #{seq} set for {}", format_nanos(*deadline))
                }
                Event::TimerFire { seq } => format!("timer    #{seq} fires"),
                Event::Callback { name } => format!("callback {name}"),
                Event::Block { task, duration } => format!(
                    "block    {} holds the loop for {}",
                    task.map_or("the loop".to_string(), |t| self.who(t)),
                    format_nanos(*duration)
                ),
                Event::Fault { task, fault } => format!(
                    "fault    {}{}",
                    describe_fault(fault),
                    task.map_or(String::new(), |t| format!(" in {}", self.who(t)))
                ),
                Event::Hazard { message } => format!("hazard   {message}"),
                Event::Departure { ran, over } => format!(
                    "reorder  {} ran before {}",
                    self.subject(*ran),
                    self.subject(*over)
                ),
                Event::End { task, end } => match end {
                    TaskEnd::Completed => format!("end      {} completed", self.who(*task)),
                    TaskEnd::Failed(m) => format!("end      {} failed: {m}", self.who(*task)),
                    TaskEnd::Cancelled => format!("end      {} cancelled", self.who(*task)),
                },
            };
            out.push_str(&format!("{t:>14}  {line}\n"));
        }
        out
    }
}

/// One line describing an injected fault.
pub fn describe_fault(f: &Fault) -> String {
    match f {
        Fault::Late { by } => format!("late: fires {} late", format_nanos(*by)),
        Fault::LongerBlock { by } => format!("late: blocking call {} longer", format_nanos(*by)),
        Fault::Fail { name } => format!("fail: io `{name}` raises an injected error"),
        Fault::Cancel { name } => format!("cancel: task cancelled at io `{name}`"),
        Fault::Stall { name } => format!("stall: io `{name}` never completes"),
        Fault::Block { duration } => {
            format!(
                "block: injected blocking call of {}",
                format_nanos(*duration)
            )
        }
    }
}

/// FxHash-style mixing: stable across processes and Rust versions (unlike
/// `std::hash`), and cheap enough to run on every step.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Hasher(pub u64);

impl Hasher {
    pub const SEED: u64 = 0xcbf2_9ce4_8422_2325;

    #[inline]
    pub fn mix(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}
