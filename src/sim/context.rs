//! The thread-local link from code running inside a simulation to its loop,
//! and the panic hook that keeps expected panics quiet.

use super::core::Core;
use super::task::TaskId;
use super::trace::Wait;
use std::any::Any;
use std::cell::{Cell, RefCell};
use std::sync::Once;

thread_local! {
    static CURRENT: Cell<*const RefCell<Core>> = const { Cell::new(std::ptr::null()) };
    static QUIET: Cell<bool> = const { Cell::new(false) };
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Makes a loop current on this thread for the guard's lifetime.
pub(crate) struct Enter {
    prev: *const RefCell<Core>,
    prev_quiet: bool,
}

impl Enter {
    pub fn new(core: &RefCell<Core>) -> Enter {
        install_hook();
        let prev = CURRENT.with(|c| c.replace(core as *const _));
        assert!(
            prev.is_null(),
            "awaitsim: a simulation is already running on this thread; runs cannot nest"
        );
        let prev_quiet = QUIET.with(|q| q.replace(true));
        Enter { prev, prev_quiet }
    }
}

impl Drop for Enter {
    fn drop(&mut self) {
        CURRENT.with(|c| c.set(self.prev));
        QUIET.with(|q| q.set(self.prev_quiet));
    }
}

/// Runs `f` on the current loop. Panics outside a simulation: calling
/// `awaitsim::sleep` from a plain test is a programming error.
#[inline]
pub(crate) fn with_core<R>(f: impl FnOnce(&mut Core) -> R) -> R {
    try_with_core(f).expect(
        "awaitsim: this function must be called inside a simulation (Sim::run or awaitsim::check)",
    )
}

/// Like [`with_core`], but `None` outside a simulation or while the loop is
/// busy (a destructor running during the loop's own bookkeeping).
#[inline]
pub(crate) fn try_with_core<R>(f: impl FnOnce(&mut Core) -> R) -> Option<R> {
    let ptr = CURRENT.with(|c| c.get());
    if ptr.is_null() {
        return None;
    }
    // SAFETY: `ptr` is set by `Enter` from a `&RefCell<Core>` that outlives
    // the guard, and cleared when the guard drops; only this thread sees it.
    let cell = unsafe { &*ptr };
    let mut core = cell.try_borrow_mut().ok()?;
    Some(f(&mut core))
}

pub(crate) fn wake(epoch: u32, task: TaskId) {
    try_with_core(|c| c.wake(epoch, task));
}

pub(crate) fn set_wait(wait: Wait) {
    try_with_core(|c| c.current_wait = Some(wait));
}

/// Panic payload used to stop a step that exceeded its budget; the hazard
/// has been recorded before unwinding starts.
pub(crate) struct BudgetStop;

fn install_hook() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let prev = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if QUIET.with(|q| q.get()) {
                let msg = payload_text(info.payload());
                let text = match info.location() {
                    Some(l) => format!("{msg} (at {}:{}:{})", l.file(), l.line(), l.column()),
                    None => msg,
                };
                LAST_PANIC.with(|p| *p.borrow_mut() = Some(text));
            } else {
                prev(info);
            }
        }));
    });
}

fn payload_text(p: &(dyn Any + Send)) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else if p.is::<BudgetStop>() {
        "stopped: the step exceeded its operation budget without yielding".to_string()
    } else {
        "panic with a non-string payload".to_string()
    }
}

/// The message of a caught panic, with its location when the hook saw it.
pub(crate) fn panic_message(payload: Box<dyn Any + Send>) -> String {
    if payload.is::<BudgetStop>() {
        return payload_text(&*payload);
    }
    LAST_PANIC
        .with(|p| p.borrow_mut().take())
        .unwrap_or_else(|| payload_text(&*payload))
}
