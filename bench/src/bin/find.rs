//! Schedules to find each bug: for every scenario in `sims/` whose header
//! says `expect=fail`, and for each strategy, explore from each of a range of
//! base seeds (limit 2,000 schedules, `--jobs 1` semantics) and count the
//! schedules run until the first failure, counting it. Prints the markdown
//! table of BENCHMARKS.md: median [max] per scenario and strategy, then the
//! median over the rows. The output depends only on the build (no timings).
//!
//! ```text
//! cargo run --release -p awaitsim-bench --bin find -- [--bases 0..20] [--limit 2000] [--threads N]
//! cargo run --release -p awaitsim-bench --bin find -- --tune [--bases 0..20] [--top 25]
//! ```
//!
//! `--tune` ranks candidate portfolios (every rotation of up to five of
//! random, pct:2, pct:3 and pos) by the same numbers. It runs single
//! schedules as the explorer runs them (seed `base.nth(i)`, the strategy of
//! index `i`), caching each outcome, and first checks that this model gives
//! exactly what `explore` gives for the single strategies and the shipped
//! portfolio.

use awaitsim::app::{LoadOptions, Program};
use awaitsim::explore::{explore, pct_horizon, Expect, ExploreConfig, StrategyChoice};
use awaitsim::{Budget, FaultPlan, Seed, Sim, Strategy};
use std::collections::BTreeMap;
use std::sync::Mutex;

/// A scenario that demonstrates a bug.
struct Bug {
    name: String,
    program: Box<dyn Program>,
    faults: FaultPlan,
}

/// Every `expect=fail` scenario in `sims/`, by file name.
fn bugs() -> Vec<Bug> {
    let mut paths: Vec<_> = std::fs::read_dir("sims")
        .expect("run from the repository root (sims/ not found)")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "py"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .filter_map(|path| {
            let program = awaitsim::script::load(&path, &LoadOptions::default())
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let h = program.header();
            if h.expect != Expect::Fail {
                return None;
            }
            let faults = h.faults.clone().unwrap_or_else(|| FaultPlan::late(1.0));
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            Some(Bug {
                name,
                program,
                faults,
            })
        })
        .collect()
}

/// What `awaitsim explore FILE --jobs 1 --seeds LIMIT --base-seed BASE`
/// would use for `bug` (header faults, else `late=1`; header hazards).
fn config(bug: &Bug, strategy: StrategyChoice, base: u64, limit: u64) -> ExploreConfig {
    let mut c = ExploreConfig::seeds(limit);
    c.strategy = strategy;
    c.faults = bug.faults.clone();
    c.base_seed = Seed(base);
    c.jobs = 1;
    c.budget = Budget::default();
    c.hazards = bug.program.hazard_policy();
    c
}

/// Schedules until the first failure (counting it), `None` if none in the limit.
type Finds = Vec<Option<u64>>;

/// The median of `v`, a miss counting as infinitely many schedules; `None`
/// when the median is a miss. Even counts average the two middle values.
fn median(v: &[Option<f64>]) -> Option<f64> {
    let mut s: Vec<f64> = v.iter().map(|x| x.unwrap_or(f64::INFINITY)).collect();
    s.sort_by(f64::total_cmp);
    let n = s.len();
    let m = if n % 2 == 1 {
        s[n / 2]
    } else {
        (s[n / 2 - 1] + s[n / 2]) / 2.0
    };
    m.is_finite().then_some(m)
}

fn num(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.1}")
    }
}

fn as_f64(f: &Finds) -> Vec<Option<f64>> {
    f.iter().map(|x| x.map(|n| n as f64)).collect()
}

fn max_of(f: &Finds) -> Option<u64> {
    f.iter().try_fold(0, |m, x| x.map(|n| m.max(n)))
}

/// `median [max]`, with misses named.
fn cell(f: &Finds, limit: u64) -> String {
    let missed = f.iter().filter(|x| x.is_none()).count();
    let med = median(&as_f64(f)).map_or("-".into(), num);
    match max_of(f) {
        Some(max) => format!("{med} [{max}]"),
        None => format!("{med} [>{limit}, {missed} missed]"),
    }
}

/// Runs `jobs` on `threads` workers; results in job order.
fn parallel<J: Sync, R: Send>(jobs: &[J], threads: usize, f: impl Fn(&J) -> R + Sync) -> Vec<R> {
    let next = Mutex::new(0usize);
    let out: Mutex<Vec<Option<R>>> = Mutex::new((0..jobs.len()).map(|_| None).collect());
    std::thread::scope(|s| {
        for _ in 0..threads.max(1) {
            s.spawn(|| loop {
                let i = {
                    let mut n = next.lock().unwrap();
                    *n += 1;
                    *n - 1
                };
                let Some(job) = jobs.get(i) else { break };
                let r = f(job);
                out.lock().unwrap()[i] = Some(r);
            });
        }
    });
    out.into_inner()
        .unwrap()
        .into_iter()
        .map(|r| r.unwrap())
        .collect()
}

struct Args {
    bases: std::ops::Range<u64>,
    limit: u64,
    threads: usize,
    tune: bool,
    top: usize,
}

fn args() -> Args {
    let a: Vec<String> = std::env::args().skip(1).collect();
    let value = |flag: &str| {
        a.iter().position(|x| x == flag).map(|i| {
            a.get(i + 1)
                .unwrap_or_else(|| panic!("{flag} needs a value"))
        })
    };
    let bases = value("--bases").map_or(0..20, |v| {
        let (lo, hi) = v.split_once("..").expect("--bases LO..HI");
        lo.parse().expect("--bases LO..HI")..hi.parse().expect("--bases LO..HI")
    });
    Args {
        bases,
        limit: value("--limit").map_or(2000, |v| v.parse().expect("--limit N")),
        threads: value("--threads").map_or_else(
            || std::thread::available_parallelism().map_or(1, |n| n.get()),
            |v| v.parse().expect("--threads N"),
        ),
        tune: a.iter().any(|x| x == "--tune"),
        top: value("--top").map_or(25, |v| v.parse().expect("--top N")),
    }
}

const STRATEGIES: [(&str, StrategyChoice); 4] = [
    ("random", StrategyChoice::Single(Strategy::Random)),
    ("pct", StrategyChoice::Single(Strategy::PCT)),
    ("pos", StrategyChoice::Single(Strategy::Pos)),
    ("portfolio", StrategyChoice::Portfolio),
];

/// Finds per base seed of one strategy on one bug, through `explore`.
fn measure(bug: &Bug, strategy: StrategyChoice, a: &Args) -> Finds {
    a.bases
        .clone()
        .map(|b| {
            let e = explore(&*bug.program, &config(bug, strategy, b, a.limit));
            e.failures.first().map(|f| f.index + 1)
        })
        .collect()
}

fn table(bugs: &[Bug], a: &Args) {
    let jobs: Vec<(usize, usize)> = (0..bugs.len())
        .flat_map(|b| (0..STRATEGIES.len()).map(move |s| (b, s)))
        .collect();
    let finds = parallel(&jobs, a.threads, |&(b, s)| {
        measure(&bugs[b], STRATEGIES[s].1, a)
    });
    println!(
        "Schedules to the first failure, median [max] over base seeds {}..{} (limit {}, `--jobs 1`); faults from each file's header, else `late=1`.\n",
        a.bases.start, a.bases.end, a.limit
    );
    print!("| scenario | faults |");
    for (n, _) in STRATEGIES {
        print!(" {n} |");
    }
    println!("\n|---|---|{}", "---|".repeat(STRATEGIES.len()));
    let mut row_medians = vec![Vec::new(); STRATEGIES.len()];
    for (b, bug) in bugs.iter().enumerate() {
        print!("| {} | {} |", bug.name, bug.faults);
        for (s, meds) in row_medians.iter_mut().enumerate() {
            let f = &finds[b * STRATEGIES.len() + s];
            meds.push(median(&as_f64(f)));
            print!(" {} |", cell(f, a.limit));
        }
        println!();
    }
    print!("| **median over the rows** | |");
    for meds in &row_medians {
        print!(" **{}** |", median(meds).map_or("-".into(), num));
    }
    println!();
}

/// Outcomes of single schedules, as the explorer runs them, computed once.
struct Model<'a> {
    bug: &'a Bug,
    sims: BTreeMap<Strategy, Sim>,
    horizon: u64,
    /// (base, strategy, index) → failed.
    seen: BTreeMap<(u64, Strategy, u64), bool>,
}

impl<'a> Model<'a> {
    fn new(bug: &'a Bug) -> Self {
        let horizon = pct_horizon(&*bug.program, &config(bug, StrategyChoice::Portfolio, 0, 1));
        Model {
            bug,
            sims: BTreeMap::new(),
            horizon,
            seen: BTreeMap::new(),
        }
    }

    fn fails(&mut self, base: u64, strategy: Strategy, index: u64) -> bool {
        if let Some(&f) = self.seen.get(&(base, strategy, index)) {
            return f;
        }
        let (bug, horizon) = (self.bug, self.horizon);
        let sim = self.sims.entry(strategy).or_insert_with(|| {
            Sim::new(0)
                .strategy(strategy)
                .faults(bug.faults.clone())
                .budget(Budget::default())
                .hazards(bug.program.hazard_policy())
                .pct_horizon(horizon)
        });
        sim.set_seed(Seed(base).nth(index));
        let failed = bug.program.run(sim).result.is_err();
        self.seen.insert((base, strategy, index), failed);
        failed
    }

    /// Finds per base seed when schedule `i` uses `rotation[i % len]`.
    fn finds(&mut self, rotation: &[Strategy], a: &Args) -> Finds {
        a.bases
            .clone()
            .map(|b| {
                (0..a.limit)
                    .find(|&i| self.fails(b, rotation[(i % rotation.len() as u64) as usize], i))
                    .map(|i| i + 1)
            })
            .collect()
    }
}

/// The shipped portfolio as a rotation: its shortest period, up to 60.
fn shipped() -> Vec<Strategy> {
    let at = |i| StrategyChoice::Portfolio.for_index(i);
    let period = (1..60)
        .find(|&p| (0..3600).all(|i| at(i) == at(i % p)))
        .unwrap_or(60);
    (0..period).map(at).collect()
}

fn tune(bugs: &[Bug], a: &Args) {
    let alphabet = [
        Strategy::Random,
        Strategy::Pct { depth: 2 },
        Strategy::Pct { depth: 3 },
        Strategy::Pos,
    ];
    let mut candidates: Vec<Vec<Strategy>> = vec![shipped()];
    let mut level: Vec<Vec<Strategy>> = vec![Vec::new()];
    for _ in 0..5 {
        level = level
            .iter()
            .flat_map(|r| {
                alphabet.iter().map(move |s| {
                    let mut r = r.clone();
                    r.push(*s);
                    r
                })
            })
            .collect();
        candidates.extend(level.iter().cloned());
    }
    // finds[bug][candidate]
    let finds: Vec<Vec<Finds>> = parallel(bugs, a.threads, |bug| {
        let mut m = Model::new(bug);
        for (n, st) in STRATEGIES {
            let rot = match st {
                StrategyChoice::Single(s) => vec![s],
                StrategyChoice::Portfolio => shipped(),
            };
            assert_eq!(
                m.finds(&rot, a),
                measure(bug, st, a),
                "{}: the model disagrees with explore on {n}",
                bug.name
            );
        }
        candidates.iter().map(|c| m.finds(c, a)).collect()
    });
    let name = |r: &[Strategy]| {
        r.iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
            .join(" ")
    };
    // Rows where the single strategies differ: the rest (bugs that need
    // only a fault) cannot tell portfolios apart.
    let singles: Vec<usize> = (0..candidates.len())
        .filter(|&c| candidates[c].len() == 1)
        .collect();
    let sensitive: Vec<usize> = (0..bugs.len())
        .filter(|&b| singles.iter().any(|&c| finds[b][c] != finds[b][singles[0]]))
        .collect();
    struct Score {
        median: f64,
        sensitive: f64,
        max_sum: u64,
        worse_max: usize,
        index: usize,
    }
    let shipped_max: Vec<Option<u64>> = finds.iter().map(|f| max_of(&f[0])).collect();
    let med = |b: usize, c: usize| median(&as_f64(&finds[b][c]));
    let mut scores: Vec<Score> = (0..candidates.len())
        .map(|c| {
            let meds: Vec<Option<f64>> = (0..bugs.len()).map(|b| med(b, c)).collect();
            let sens: Vec<Option<f64>> = sensitive.iter().map(|&b| med(b, c)).collect();
            let maxes: Vec<Option<u64>> = finds.iter().map(|f| max_of(&f[c])).collect();
            Score {
                median: median(&meds).unwrap_or(f64::INFINITY),
                sensitive: median(&sens).unwrap_or(f64::INFINITY),
                max_sum: maxes.iter().map(|m| m.unwrap_or(a.limit * 10)).sum(),
                worse_max: maxes
                    .iter()
                    .zip(&shipped_max)
                    .filter(|(m, s)| m.unwrap_or(u64::MAX) > s.unwrap_or(u64::MAX))
                    .count(),
                index: c,
            }
        })
        .collect();
    scores.sort_by(|x, y| {
        x.median
            .total_cmp(&y.median)
            .then(x.sensitive.total_cmp(&y.sensitive))
            .then(x.max_sum.cmp(&y.max_sum))
            .then(x.index.cmp(&y.index))
    });
    println!(
        "Candidate portfolios on base seeds {}..{} (limit {}), best first: median over all rows, over the rows where single strategies differ, sum of the rows' max (a miss counts {}), rows whose max is worse than the shipped portfolio's, then median [max] on each of those rows.\n",
        a.bases.start,
        a.bases.end,
        a.limit,
        a.limit * 10
    );
    print!("| rotation | median | median (differing rows) | sum of max | worse max |");
    for &b in &sensitive {
        print!(" {} |", bugs[b].name);
    }
    println!("\n|---|---|---|---|---|{}", "---|".repeat(sensitive.len()));
    for s in scores
        .iter()
        .filter(|s| s.index == 0 || candidates[s.index].len() == 1)
        .chain(scores.iter().take(a.top))
    {
        let label = if s.index == 0 {
            format!("shipped: {}", name(&candidates[0]))
        } else {
            name(&candidates[s.index])
        };
        print!(
            "| {label} | {} | {} | {} | {} |",
            num(s.median),
            num(s.sensitive),
            s.max_sum,
            s.worse_max
        );
        for &b in &sensitive {
            print!(" {} |", cell(&finds[b][s.index], a.limit));
        }
        println!();
    }
}

fn main() {
    let a = args();
    let bugs = bugs();
    if a.tune {
        tune(&bugs, &a);
    } else {
        table(&bugs, &a);
    }
}
