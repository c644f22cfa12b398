//! The Python-subset scenario language: parse, lower, interpret on the simulated loop.
