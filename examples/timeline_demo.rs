//! Draws the timeline of a small program: `cargo run --example timeline_demo`.
use awaitsim::report::timeline::Timeline;
use awaitsim::{block, sleep, spawn_named, Sim, TraceMode};
use std::time::Duration;

fn main() {
    let out = Sim::new(0).trace(TraceMode::Full).try_run(async {
        let a = spawn_named("fetch-profile", async {
            sleep(Duration::from_millis(100)).await;
        });
        let b = spawn_named("fetch-orders", async {
            sleep(Duration::from_millis(200)).await;
        });
        let c = spawn_named("blocker", async {
            block(Duration::from_millis(50));
        });
        a.await.unwrap();
        b.await.unwrap();
        c.await.unwrap();
    });
    let trace = out.report.trace.expect("full trace");
    let t = Timeline::from_trace(&trace);
    print!("{}", t.render_ascii(100));
    if let Some(path) = std::env::args().nth(1) {
        std::fs::write(path, t.render_svg()).expect("write svg");
    }
}
