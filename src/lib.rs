//! awaitsim: a deterministic simulation harness for cooperative async code.
//!
//! A seeded, single-threaded event loop with a virtual clock runs async
//! programs — Rust futures through [`Sim`] and [`check`], or Python asyncio
//! scenarios through [`script`] — explores their interleavings, injects
//! faults, and turns every failure into a seed and a schedule that replay
//! exactly.

pub mod script;
