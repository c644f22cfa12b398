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
