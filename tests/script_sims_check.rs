//! Every sim in sims/ meets its expectation header when run by the interpreter (FIFO run and exploration),
//! through the same loader the CLI uses.

use std::path::PathBuf;

use awaitsim::app::{check, CheckOptions, Exit, LoadOptions};

#[test]
fn sims_meet_their_headers() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sims");
    if !dir.is_dir() {
        println!("no sims/ folder: nothing to check");
        return;
    }
    let max_seeds = std::env::var("SIMS_MAX_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .or(Some(200));
    let o = CheckOptions {
        paths: vec![dir],
        jobs: 2,
        max_seeds,
        load: LoadOptions::default(),
    };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let exit = check(&o, &awaitsim::script::load, &mut out, &mut err);
    let (out, err) = (String::from_utf8_lossy(&out), String::from_utf8_lossy(&err));
    println!("{out}");
    assert_eq!(exit, Exit::Ok, "sims failed their headers:\n{out}\n{err}");
}
