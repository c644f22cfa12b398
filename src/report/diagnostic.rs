//! Source diagnostics in the rustc style — `file:line:col`, the source line,
//! a caret under the offending text, and what to do — rendered by ariadne.
//! One renderer for every kind of bad input: syntax errors, unsupported
//! constructs, malformed expectation headers.

use std::fmt;
use std::ops::Range;

use ariadne::{Config, IndexType, Label, Report, ReportKind, Source};

/// A byte range into the scenario source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Span {
    /// Byte offset of the first byte.
    pub start: u32,
    /// Byte offset one past the last byte.
    pub end: u32,
}

impl Span {
    /// A span from byte offsets.
    pub fn new(start: u32, end: u32) -> Span {
        Span { start, end }
    }
}

/// One problem found in the scenario source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Where the problem is.
    pub span: Span,
    /// What is wrong.
    pub message: String,
    /// What is supported instead (may be empty).
    pub help: String,
}

/// All problems found in one file, with what is needed to render them.
#[derive(Clone, Debug)]
pub struct Diagnostics {
    /// The file name as given by the user.
    pub path: String,
    /// The full source text.
    pub source: String,
    /// The problems, in source order.
    pub items: Vec<Diagnostic>,
}

/// 1-based line and column (column counted in characters) of a byte offset.
pub fn line_col(source: &str, offset: u32) -> (usize, usize) {
    let offset = (offset as usize).min(source.len());
    let mut cut = offset;
    while !source.is_char_boundary(cut) {
        cut -= 1;
    }
    let before = &source[..cut];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

/// The text of the 1-based line `line` (without its newline).
pub fn source_line(source: &str, line: usize) -> &str {
    source.lines().nth(line.saturating_sub(1)).unwrap_or("")
}

impl Diagnostics {
    /// Where a diagnostic points: its start, moved off a trailing newline at end of file.
    fn anchor(&self, d: &Diagnostic) -> usize {
        let len = self.source.len();
        let mut start = (d.span.start as usize).min(len);
        if start == len && self.source.ends_with('\n') && len > 0 {
            start = len - 1;
        }
        while !self.source.is_char_boundary(start) {
            start -= 1;
        }
        start
    }

    /// `file:line:col` of a diagnostic.
    pub fn location(&self, d: &Diagnostic) -> String {
        let (l, c) = line_col(&self.source, self.anchor(d) as u32);
        format!("{}:{}:{}", self.path, l, c)
    }

    /// Render every diagnostic; `color` adds ANSI colours (use only for a terminal).
    pub fn render(&self, color: bool) -> String {
        let mut out = Vec::new();
        for d in &self.items {
            let len = self.source.len();
            let start = self.anchor(d);
            let mut end = (d.span.end as usize).clamp(start, len);
            // Point at the construct's first line only: a caret over a whole class body helps nobody.
            if let Some(nl) = self.source[start..end].find('\n') {
                end = start + nl;
            }
            if end == start && end < len {
                end = start
                    + self.source[start..]
                        .chars()
                        .next()
                        .map_or(0, char::len_utf8);
            }
            let span: (String, Range<usize>) = (self.path.clone(), start..end);
            let mut report = Report::build(ReportKind::Error, span.clone())
                .with_config(
                    Config::default()
                        .with_color(color)
                        .with_index_type(IndexType::Byte),
                )
                .with_message(format!("{}: {}", self.location(d), d.message))
                .with_label(Label::new(span).with_message(&d.message));
            if !d.help.is_empty() {
                report = report.with_help(&d.help);
            }
            let cache = (self.path.clone(), Source::from(self.source.as_str()));
            // Writing into a Vec cannot fail; a failure here would only lose the pretty form.
            if report.finish().write(cache, &mut out).is_err() {
                out.extend_from_slice(format!("{}: {}\n", self.location(d), d.message).as_bytes());
            }
        }
        String::from_utf8_lossy(&out).into_owned()
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(false))
    }
}
