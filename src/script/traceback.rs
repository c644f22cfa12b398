//! Uncaught exceptions rendered as CPython prints them: the traceback, chained causes, the final line.

use super::value::*;
use super::vm::Vm;

impl Vm {
    /// Render an uncaught exception as CPython does (traceback, chained causes, final line).
    pub fn format_traceback(&mut self, exc: &Value) -> String {
        let mut out = String::new();
        if let Value::Instance(i) = exc {
            let (cause, ctx, sup) = {
                let e = i.exc.borrow();
                (e.cause.clone(), e.context.clone(), e.suppress_context)
            };
            if let Some(c) = cause {
                out.push_str(&self.format_traceback(&c));
                out.push_str(
                    "\nThe above exception was the direct cause of the following exception:\n\n",
                );
            } else if let (Some(c), false) = (ctx, sup) {
                out.push_str(&self.format_traceback(&c));
                out.push_str(
                    "\nDuring handling of the above exception, another exception occurred:\n\n",
                );
            }
            let tb = i.exc.borrow().tb.clone();
            if !tb.is_empty() {
                out.push_str("Traceback (most recent call last):\n");
                for (file, line, name) in tb.iter().rev() {
                    out.push_str(&format!("  File \"{file}\", line {line}, in {name}\n"));
                    let src = super::diag::source_line(&self.source, *line as usize).trim();
                    if !src.is_empty() {
                        out.push_str(&format!("    {src}\n"));
                    }
                }
            }
        }
        out.push_str(&self.exc_line(exc));
        if let Value::Instance(i) = exc {
            if let Some(s) = &i.exc.borrow().suggestion {
                out.push_str(&format!(". Did you mean: '{s}'?"));
            }
        }
        out.push('\n');
        out
    }

    /// `ValueError: msg` line of an exception.
    pub fn exc_line(&mut self, exc: &Value) -> String {
        let name = self.type_name(exc);
        let msg = self.py_str(exc).unwrap_or_default();
        if msg.is_empty() {
            name
        } else {
            format!("{name}: {msg}")
        }
    }
}

/// The candidate CPython 3.11 would suggest for a misspelt `name`: the
/// closest by an edit distance where changing only letter case costs 1 and
/// any other edit 2, within CPython's bound of (len(name) + len(candidate) +
/// 3) / 3; ties go to the first candidate seen.
///
/// ```
/// use awaitsim::script::traceback::suggest;
/// assert_eq!(suggest("slep", ["sleep", "run", "gather"].into_iter()), Some("sleep"));
/// assert_eq!(suggest("prnt", ["print", "len"].into_iter()), Some("print"));
/// assert_eq!(suggest("zzz", ["sleep"].into_iter()), None);
/// ```
pub fn suggest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    if name.len() > 40 {
        return None;
    }
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        if c == name || c.len() > 40 {
            continue;
        }
        let bound = (name.chars().count() + c.chars().count() + 3) * 2 / 6;
        let d = distance(name, c);
        if d <= bound && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).map(|j| j * 2).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i * 2;
        for j in 1..=b.len() {
            let sub = if a[i - 1] == b[j - 1] {
                0
            } else if a[i - 1].eq_ignore_ascii_case(&b[j - 1]) {
                1
            } else {
                2
            };
            cur[j] = (prev[j - 1] + sub).min(prev[j] + 2).min(cur[j - 1] + 2);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}
