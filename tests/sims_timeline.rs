//! Every sim's FIFO trace and ASCII timeline as an insta snapshot (review
//! changes with care: they are what CPython's order looks like), and the SVG
//! timeline parsed as XML.

use awaitsim::app::LoadOptions;
use awaitsim::explore::{run_one, RunSpec};
use awaitsim::report::timeline::Timeline;
use std::path::{Path, PathBuf};

fn sims() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("sims");
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "py"))
        .collect();
    v.sort();
    v
}

fn fifo_timeline(path: &Path) -> (String, Timeline) {
    // Load by the relative name users type, so paths in the text are stable.
    let rel = Path::new("sims").join(path.file_name().unwrap());
    let cwd_path = Path::new(env!("CARGO_MANIFEST_DIR")).join(&rel);
    let p = awaitsim::script::load(&cwd_path, &LoadOptions::default()).unwrap();
    let spec = RunSpec {
        hazards: p.hazard_policy(),
        ..RunSpec::fifo()
    };
    let out = run_one(&*p, &spec);
    let trace = out.report.trace.expect("full trace");
    let t = Timeline::from_trace(&trace);
    let root = format!("{}/", env!("CARGO_MANIFEST_DIR"));
    let text = format!(
        "result: {}\nelapsed: {}\n\n{}\n{}",
        match &out.result {
            Ok(()) => "ok".to_string(),
            Err(f) => f.kind().to_string(),
        },
        awaitsim::sim::format_nanos(out.report.elapsed),
        t.render_ascii(100),
        trace.render()
    )
    .replace(&root, "");
    (text, t)
}

#[test]
fn fifo_trace_and_timeline_of_every_sim() {
    let all = sims();
    assert!(all.len() >= 25);
    for path in all {
        let stem = path.file_stem().unwrap().to_string_lossy().to_string();
        let (text, t) = fifo_timeline(&path);
        for line in t.render_ascii(100).lines() {
            assert!(line.chars().count() <= 100, "{stem}: {line}");
        }
        insta::assert_snapshot!(stem, text);
    }
}

#[test]
fn svg_timelines_are_well_formed_and_labelled() {
    for name in [
        "task_starts_when_creator_suspends.py",
        "gather_takes_the_max.py",
        "blocking_sleep_collapses_concurrency.py",
        "sleep_zero_is_a_pure_yield.py",
    ] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("sims")
            .join(name);
        let (_, t) = fifo_timeline(&path);
        let svg = t.render_svg();
        let doc = roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(doc.root_element().tag_name().name(), "svg");
        let texts: Vec<&str> = doc
            .descendants()
            .filter(|n| n.is_text())
            .filter_map(|n| n.text())
            .collect();
        for lane in &t.lanes {
            assert!(
                texts.contains(&lane.name.as_str()),
                "{name}: lane {} unlabelled",
                lane.name
            );
        }
        assert!(
            texts.iter().any(|s| s.contains("blocking the loop")),
            "{name}: no legend"
        );
        assert!(
            texts
                .iter()
                .any(|s| s.ends_with('s') && s.starts_with("0."))
                || texts.iter().any(|s| s.starts_with("step")),
            "{name}: no axis labels"
        );
    }
}
