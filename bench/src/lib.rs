//! Peer comparisons for awaitsim; see BENCHMARKS.md.
