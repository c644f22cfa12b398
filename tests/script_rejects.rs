//! Every construct outside the scenario subset is rejected before anything runs: exit 2, a message
//! naming file:line:col, the source line with a caret, and what is supported instead.
//! (Syntax errors, decorators and `import os` are rows of the binary's error table in
//! `tests/errors.rs`; the constructs here are the rest of the subset's edges.)

use awaitsim::script::{run_source, RunOptions};

/// Runs `src` and checks it is refused as bad input, at `loc`, with `words` in the message.
fn rejects(src: &str, loc: &str, words: &[&str]) {
    let r = run_source("scenario.py", src, &RunOptions::default());
    assert_eq!(
        r.exit_code, 2,
        "expected bad input for:\n{src}\nstderr:\n{}",
        r.stderr
    );
    assert!(
        r.stdout.is_empty(),
        "nothing may run before rejection, got stdout {:?}",
        r.stdout
    );
    let want = format!("scenario.py:{loc}:");
    assert!(
        r.stderr.contains(&want),
        "expected location {want} in:\n{}",
        r.stderr
    );
    for w in words {
        assert!(r.stderr.contains(w), "expected {w:?} in:\n{}", r.stderr);
    }
    // The offending line is quoted with a caret under it.
    let line: usize = loc
        .split(':')
        .next()
        .and_then(|l| l.parse().ok())
        .unwrap_or(0);
    let text = src.lines().nth(line - 1).unwrap_or("").trim();
    assert!(
        r.stderr.contains(text),
        "expected the source line {text:?} in:\n{}",
        r.stderr
    );
    assert!(
        r.stderr.contains('┬') || r.stderr.contains('^'),
        "expected a caret in:\n{}",
        r.stderr
    );
}

#[test]
fn match_statement() {
    rejects(
        "x = 1\nmatch x:\n    case 1:\n        pass\n",
        "2:1",
        &["`match` statements are not supported", "if/elif/else"],
    );
}

#[test]
fn generators() {
    rejects(
        "def g():\n    yield 1\n",
        "2:5",
        &["generators (`yield`) are not supported"],
    );
}

#[test]
fn walrus() {
    rejects("if (n := 3) > 2:\n    pass\n", "1:5", &["walrus operator"]);
}

#[test]
fn async_for() {
    rejects(
        "async def f(xs):\n    async for x in xs:\n        pass\n",
        "2:5",
        &["`async for` is not supported"],
    );
}

#[test]
fn async_comprehension() {
    rejects(
        "async def f(xs):\n    return [x async for x in xs]\n",
        "2:15",
        &["async comprehensions are not supported"],
    );
}

#[test]
fn other_modules() {
    rejects(
        "from collections import deque\n",
        "1:1",
        &["module `collections` is not available"],
    );
    rejects(
        "import asyncio, time\n",
        "1:1",
        &["import one module per statement"],
    );
}

#[test]
fn star_import() {
    rejects(
        "from asyncio import *\n",
        "1:21",
        &["`import *` is not supported"],
    );
}

#[test]
fn multiple_inheritance() {
    rejects(
        "class A:\n    pass\nclass B:\n    pass\nclass C(A, B):\n    pass\n",
        "5:8",
        &["multiple inheritance"],
    );
}

#[test]
fn except_star() {
    rejects(
        "try:\n    pass\nexcept* ValueError:\n    pass\n",
        "1:1",
        &["`except*` is not supported"],
    );
}

#[test]
fn complex_bytes_ellipsis() {
    rejects("x = 1j\n", "1:5", &["complex numbers are not supported"]);
    rejects("x = b'raw'\n", "1:5", &["bytes literals are not supported"]);
    rejects("x = ...\n", "1:5", &["`...` is not supported"]);
}

#[test]
fn dict_and_kwargs_unpacking() {
    rejects(
        "a = {}\nb = {**a}\n",
        "2:8",
        &["`**` in dict displays is not supported"],
    );
    rejects(
        "def f(**k):\n    pass\nf(**{})\n",
        "3:3",
        &["`**kwargs` in calls is not supported"],
    );
}

#[test]
fn await_outside_async() {
    rejects(
        "import asyncio\nawait asyncio.sleep(1)\n",
        "2:1",
        &["'await' outside async function"],
    );
    rejects(
        "def f():\n    await g()\n",
        "2:5",
        &["'await' outside async function"],
    );
}

#[test]
fn misplaced_control_flow() {
    rejects("return 3\n", "1:1", &["'return' outside function"]);
    rejects("break\n", "1:1", &["'break' outside loop"]);
    rejects(
        "def f():\n    continue\n",
        "2:5",
        &["'continue' not properly in loop"],
    );
}

#[test]
fn bare_annotation() {
    rejects("x: int\n", "1:1", &["bare annotations are not supported"]);
}

#[test]
fn column_counts_characters() {
    rejects("s = 'héllo'; x = 2j\n", "1:18", &["complex numbers"]);
}

#[test]
fn no_colour_when_asked() {
    let d = awaitsim::script::compile("f.py", "@d\ndef g():\n    pass\n").expect_err("rejected");
    let plain = d.render(false);
    assert!(!plain.contains('\u{1b}'), "no ANSI escapes in plain output");
    assert!(
        d.render(true).contains('\u{1b}'),
        "colour output has ANSI escapes"
    );
}

#[test]
fn supported_subset_is_accepted() {
    let src = "import asyncio\nfrom asyncio import sleep as zz\nclass A(Exception):\n    pass\nasync def main():\n    async with asyncio.Lock():\n        await zz(0)\n    return [x for x in range(3)]\nprint(asyncio.run(main()))\n";
    let r = run_source("ok.py", src, &RunOptions::default());
    assert_eq!(
        (r.exit_code, r.stdout.as_str()),
        (0, "[0, 1, 2]\n"),
        "{}",
        r.stderr
    );
}
