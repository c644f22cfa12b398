//! Source diagnostics in the rustc style — `file:line:col`, the source line,
//! a caret under the offending text, and what to do — rendered by ariadne.

use ariadne::{Config, Label, Report, ReportKind, Source};
use std::ops::Range;

/// One problem at a place in a source file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// What is wrong.
    pub message: String,
    /// Byte range of the offending text.
    pub span: Range<usize>,
    /// A short label under the caret.
    pub label: String,
    /// What to do instead, if there is an obvious fix.
    pub help: Option<String>,
}

impl Diagnostic {
    /// Renders against the file's text, without colour: `path:line:col`
    /// first, so editors and terminals can jump to it.
    pub fn render(&self, path: &str, source: &str) -> String {
        let (line, col) = line_col(source, self.span.start);
        let span = clamp(source, self.span.clone());
        let mut out = Vec::new();
        let mut report = Report::build(ReportKind::Error, (path, span.clone()))
            .with_config(Config::default().with_color(false))
            .with_message(&self.message)
            .with_label(Label::new((path, span)).with_message(&self.label));
        if let Some(h) = &self.help {
            report = report.with_help(h);
        }
        let rendered = report
            .finish()
            .write((path, Source::from(source)), &mut out)
            .map(|()| String::from_utf8_lossy(&out).into_owned())
            .unwrap_or_default();
        format!("{path}:{line}:{col}: error: {}\n{rendered}", self.message)
    }
}

/// 1-based line and column (in characters) of byte offset `at`.
pub fn line_col(source: &str, at: usize) -> (usize, usize) {
    let at = floor_char_boundary(source, at.min(source.len()));
    let before = &source[..at];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// ariadne counts spans in characters; keep them inside the text and
/// non-empty so a caret always shows.
fn clamp(source: &str, span: Range<usize>) -> Range<usize> {
    let start = source[..floor_char_boundary(source, span.start.min(source.len()))]
        .chars()
        .count();
    let end = source[..floor_char_boundary(source, span.end.min(source.len()))]
        .chars()
        .count();
    start..end.max(start + 1)
}
