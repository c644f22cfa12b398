//! Any text as a fault spec, seed, schedule token, strategy, shard,
//! expectation header or regression file: each parses or says why not,
//! never panics; what parses survives printing and parsing again.
#![no_main]

use awaitsim::explore::{regressions, Header, Shard, StrategyChoice};
use awaitsim::{FaultPlan, Schedule, Seed, Strategy};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(p) = s.parse::<FaultPlan>() {
        let again: FaultPlan = p.to_string().parse().expect("a printed plan parses");
        assert_eq!(again.to_string(), p.to_string());
    }
    if let Ok(seed) = s.parse::<Seed>() {
        assert_eq!(seed.to_string().parse::<Seed>().ok(), Some(seed));
    }
    if let Ok(t) = s.parse::<Schedule>() {
        assert_eq!(t.to_string().parse::<Schedule>().ok(), Some(t));
    }
    let _ = s.parse::<Strategy>();
    let _ = s.parse::<StrategyChoice>();
    let _ = s.parse::<Shard>();
    let _ = Header::parse(s);
    let _ = regressions::parse("fuzz.txt", s);
});
