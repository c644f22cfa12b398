//! The only module that knows ruff's AST: parses a file and lowers it into the checked IR, rejecting everything outside the subset.

use std::rc::Rc;

use num_bigint::BigInt;
use ruff_python_ast as ast;
use ruff_python_parser::parse_unchecked_source;
use ruff_text_size::{Ranged, TextRange};

use super::diag::{Diagnostic, Diagnostics, Span};
use super::ir::*;

const SUPPORTED_STMTS: &str = "supported statements: def, async def, class, return, if, while, for, break, continue, pass, assignment, augmented assignment, del, global, nonlocal, assert, raise, try, with, async with, import asyncio/time/random";
const SUPPORTED_EXPRS: &str = "supported expressions: literals, f-strings, names, attributes, subscripts, slices, calls, arithmetic, comparisons, and/or/not, conditional expressions, lambda, list/set/dict displays and comprehensions, await";
const MODULES: &[&str] = &["asyncio", "time", "random", "typing"];

/// Parse and lower `source`; every syntax error and every unsupported construct is reported.
pub fn lower(path: &str, source: &str) -> Result<Module, Diagnostics> {
    let mut lw = Lowerer {
        errors: Vec::new(),
        func: vec![None],
        loops: vec![0],
        depth: 0,
    };
    if let Some(d) = prescan(source) {
        return Err(Diagnostics {
            path: path.to_string(),
            source: source.to_string(),
            items: vec![d],
        });
    }
    let parsed = parse_unchecked_source(source, ast::PySourceType::Python);
    for e in parsed.errors() {
        lw.errors.push(Diagnostic {
            span: span(e.location),
            message: format!("invalid syntax: {}", e.error),
            help: String::new(),
        });
    }
    let body = if lw.errors.is_empty() {
        lw.stmts(&parsed.syntax().body)
    } else {
        Vec::new()
    };
    if lw.errors.is_empty() {
        Ok(Module { body })
    } else {
        lw.errors.sort_by_key(|d| (d.span.start, d.span.end));
        Err(Diagnostics {
            path: path.to_string(),
            source: source.to_string(),
            items: lw.errors,
        })
    }
}

/// Largest scenario accepted, in bytes.
const MAX_SOURCE: usize = 1 << 20;
/// Deepest bracket nesting accepted (CPython's own limit).
const MAX_BRACKETS: usize = 200;
/// Deepest statement/expression nesting accepted by the lowering.
const MAX_DEPTH: u32 = 300;

/// Limits checked on the raw text before parsing, so that no input can exhaust the parser's stack.
fn prescan(source: &str) -> Option<Diagnostic> {
    if source.len() > MAX_SOURCE {
        return Some(Diagnostic {
            span: Span::new(0, 0),
            message: format!("scenario too large: {} bytes", source.len()),
            help: format!("scenarios are limited to {MAX_SOURCE} bytes"),
        });
    }
    let b = source.as_bytes();
    let (mut depth, mut i) = (0usize, 0usize);
    while i < b.len() {
        match b[i] {
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            q @ (b'\'' | b'"') => {
                let triple = i + 2 < b.len() && b[i + 1] == q && b[i + 2] == q;
                i += if triple { 3 } else { 1 };
                while i < b.len() {
                    if b[i] == b'\\' {
                        i += 2;
                        continue;
                    }
                    if b[i] == q && (!triple || (i + 2 < b.len() && b[i + 1] == q && b[i + 2] == q))
                    {
                        i += if triple { 2 } else { 0 };
                        break;
                    }
                    if b[i] == b'\n' && !triple {
                        break;
                    }
                    i += 1;
                }
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > MAX_BRACKETS {
                    return Some(Diagnostic {
                        span: Span::new(i as u32, i as u32 + 1),
                        message: "too many nested parentheses".into(),
                        help: format!("nest brackets at most {MAX_BRACKETS} deep"),
                    });
                }
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}

fn span(r: TextRange) -> Span {
    Span::new(r.start().to_u32(), r.end().to_u32())
}

struct Lowerer {
    errors: Vec<Diagnostic>,
    /// Current statement/expression nesting, bounded so the lowering and compiler never overflow.
    depth: u32,
    /// Innermost function kind: None at module/class level, Some(is_async) inside a def or lambda.
    func: Vec<Option<bool>>,
    /// Loop depth within the innermost function.
    loops: Vec<u32>,
}

impl Lowerer {
    fn reject(&mut self, r: TextRange, message: impl Into<String>, help: impl Into<String>) {
        self.errors.push(Diagnostic {
            span: span(r),
            message: message.into(),
            help: help.into(),
        });
    }

    fn stmts(&mut self, body: &[ast::Stmt]) -> Vec<Stmt> {
        body.iter().filter_map(|s| self.stmt(s)).collect()
    }

    fn stmt(&mut self, s: &ast::Stmt) -> Option<Stmt> {
        if !self.enter(s.range()) {
            return None;
        }
        let r = self.stmt_inner(s);
        self.depth -= 1;
        r
    }

    /// Count one level of nesting; false (with a diagnostic) past the limit.
    fn enter(&mut self, r: TextRange) -> bool {
        if self.depth >= MAX_DEPTH {
            if !self
                .errors
                .iter()
                .any(|e| e.message.starts_with("too deeply nested"))
            {
                self.reject(r, "too deeply nested", format!("nest statements and expressions at most {MAX_DEPTH} deep (split long expressions into steps)"));
            }
            return false;
        }
        self.depth += 1;
        true
    }

    fn stmt_inner(&mut self, s: &ast::Stmt) -> Option<Stmt> {
        use ast::Stmt as S;
        let kind = match s {
            S::FunctionDef(f) => {
                if let Some(d) = f.decorator_list.first() {
                    self.reject(
                        d.range(),
                        "decorators are not supported here",
                        "supported: plain def, async def, class",
                    );
                    return None;
                }
                if let Some(tp) = &f.type_params {
                    self.reject(
                        tp.range(),
                        "type parameters are not supported",
                        "write a plain def",
                    );
                    return None;
                }
                let fd = self.func(
                    f.name.id.as_str(),
                    &f.parameters,
                    FuncBody::Stmts(&f.body),
                    f.is_async,
                    f.range,
                )?;
                StmtKind::Def(Rc::new(fd))
            }
            S::ClassDef(c) => {
                if let Some(d) = c.decorator_list.first() {
                    self.reject(
                        d.range(),
                        "decorators are not supported here",
                        "supported: plain def, async def, class",
                    );
                    return None;
                }
                let mut base = None;
                if let Some(args) = &c.arguments {
                    if args.args.len() > 1 || !args.keywords.is_empty() {
                        self.reject(
                            args.range(),
                            "multiple inheritance and class keywords are not supported",
                            "supported: single inheritance, `class C(Base):`",
                        );
                        return None;
                    }
                    if let Some(b) = args.args.first() {
                        base = Some(self.expr(b)?);
                    }
                }
                self.func.push(None);
                self.loops.push(0);
                let body = self.stmts(&c.body);
                self.func.pop();
                self.loops.pop();
                StmtKind::Class {
                    name: c.name.id.to_string(),
                    base,
                    body,
                }
            }
            S::Return(r) if self.func.last() == Some(&None) => {
                self.reject(
                    r.range,
                    "'return' outside function",
                    "return from inside a def or async def",
                );
                return None;
            }
            S::Return(r) => StmtKind::Return(match &r.value {
                Some(v) => Some(self.expr(v)?),
                None => None,
            }),
            S::Delete(d) => {
                let mut ts = Vec::new();
                for t in &d.targets {
                    ts.push(self.target(t)?);
                }
                StmtKind::Del(ts)
            }
            S::Assign(a) => {
                let mut targets = Vec::new();
                for t in &a.targets {
                    targets.push(self.target(t)?);
                }
                StmtKind::Assign {
                    targets,
                    value: self.expr(&a.value)?,
                }
            }
            S::AugAssign(a) => StmtKind::AugAssign {
                target: self.target(&a.target)?,
                op: self.binop(a.op, a.range)?,
                value: self.expr(&a.value)?,
            },
            S::AnnAssign(a) => match &a.value {
                Some(v) if a.simple => StmtKind::Assign {
                    targets: vec![self.target(&a.target)?],
                    value: self.expr(v)?,
                },
                _ => {
                    self.reject(
                        a.range,
                        "bare annotations are not supported",
                        "annotate with a value: `x: int = 0`, or drop the annotation",
                    );
                    return None;
                }
            },
            S::For(f) => {
                if f.is_async {
                    self.reject(
                        f.range,
                        "`async for` is not supported",
                        "use a plain `for` loop with `await` inside",
                    );
                    return None;
                }
                let target = self.target(&f.target)?;
                let iter = self.expr(&f.iter)?;
                let body = self.loop_body(&f.body);
                StmtKind::For {
                    target,
                    iter,
                    body,
                    orelse: self.stmts(&f.orelse),
                }
            }
            S::While(w) => StmtKind::While {
                test: self.expr(&w.test)?,
                body: self.loop_body(&w.body),
                orelse: self.stmts(&w.orelse),
            },
            S::If(i) => {
                let test = self.expr(&i.test)?;
                let body = self.stmts(&i.body);
                let orelse = self.elif_chain(&i.elif_else_clauses);
                StmtKind::If { test, body, orelse }
            }
            S::With(w) => {
                let mut items = Vec::new();
                for it in &w.items {
                    let e = self.expr(&it.context_expr)?;
                    let t = match &it.optional_vars {
                        Some(v) => Some(self.target(v)?),
                        None => None,
                    };
                    items.push((e, t));
                }
                StmtKind::With {
                    is_async: w.is_async,
                    items,
                    body: self.stmts(&w.body),
                }
            }
            S::Raise(r) => StmtKind::Raise {
                exc: match &r.exc {
                    Some(e) => Some(self.expr(e)?),
                    None => None,
                },
                cause: match &r.cause {
                    Some(e) => Some(self.expr(e)?),
                    None => None,
                },
            },
            S::Try(t) => {
                if t.is_star {
                    self.reject(
                        t.range,
                        "`except*` is not supported",
                        "use a plain `except` clause",
                    );
                    return None;
                }
                let mut handlers = Vec::new();
                for h in &t.handlers {
                    let ast::ExceptHandler::ExceptHandler(h) = h;
                    let typ = match &h.type_ {
                        Some(e) => Some(self.expr(e)?),
                        None => None,
                    };
                    handlers.push(Handler {
                        typ,
                        name: h.name.as_ref().map(|n| n.id.to_string()),
                        body: self.stmts(&h.body),
                        span: span(h.range),
                    });
                }
                StmtKind::Try {
                    body: self.stmts(&t.body),
                    handlers,
                    orelse: self.stmts(&t.orelse),
                    finalbody: self.stmts(&t.finalbody),
                }
            }
            S::Assert(a) => StmtKind::Assert {
                test: self.expr(&a.test)?,
                msg: match &a.msg {
                    Some(m) => Some(self.expr(m)?),
                    None => None,
                },
            },
            S::Import(i) => {
                if i.names.len() != 1 {
                    self.reject(
                        i.range,
                        "import one module per statement",
                        "write `import asyncio` on its own line",
                    );
                    return None;
                }
                let a = &i.names[0];
                let m = a.name.id.as_str();
                if !MODULES.contains(&m) {
                    self.reject(
                        a.range,
                        format!("module `{m}` is not available in scenarios"),
                        "supported: import asyncio, import time, import random (and typing, for annotations)",
                    );
                    return None;
                }
                StmtKind::Import {
                    module: m.to_string(),
                    alias: a.asname.as_ref().unwrap_or(&a.name).id.to_string(),
                }
            }
            S::ImportFrom(i)
                if i.module
                    .as_ref()
                    .is_some_and(|m| m.id.as_str() == "__future__") =>
            {
                StmtKind::Pass
            }
            S::ImportFrom(i) => {
                let m = i.module.as_ref().map(|m| m.id.as_str()).unwrap_or("");
                if i.level != 0 || !MODULES.contains(&m) {
                    self.reject(
                        i.range,
                        format!("module `{m}` is not available in scenarios"),
                        "supported: from asyncio/time/random import NAME",
                    );
                    return None;
                }
                let mut names = Vec::new();
                for a in &i.names {
                    if a.name.id.as_str() == "*" {
                        self.reject(
                            a.range,
                            "`import *` is not supported",
                            "import the names you use",
                        );
                        return None;
                    }
                    names.push((
                        a.name.id.to_string(),
                        a.asname.as_ref().unwrap_or(&a.name).id.to_string(),
                    ));
                }
                StmtKind::ImportFrom {
                    module: m.to_string(),
                    names,
                }
            }
            S::Global(g) => StmtKind::Global(g.names.iter().map(|n| n.id.to_string()).collect()),
            S::Nonlocal(g) if self.func.last() == Some(&None) => {
                self.reject(
                    g.range,
                    "nonlocal declaration not allowed at module level",
                    "use nonlocal inside a nested def",
                );
                return None;
            }
            S::Nonlocal(g) => {
                StmtKind::Nonlocal(g.names.iter().map(|n| n.id.to_string()).collect())
            }
            S::Expr(e) => StmtKind::Expr(self.expr(&e.value)?),
            S::Pass(_) => StmtKind::Pass,
            S::Break(b) if self.loops.last() == Some(&0) => {
                self.reject(
                    b.range,
                    "'break' outside loop",
                    "use break inside a for or while loop",
                );
                return None;
            }
            S::Continue(c) if self.loops.last() == Some(&0) => {
                self.reject(
                    c.range,
                    "'continue' not properly in loop",
                    "use continue inside a for or while loop",
                );
                return None;
            }
            S::Break(_) => StmtKind::Break,
            S::Continue(_) => StmtKind::Continue,
            S::Match(m) => {
                self.reject(
                    m.range,
                    "`match` statements are not supported",
                    "use if/elif/else",
                );
                return None;
            }
            S::TypeAlias(t) => {
                self.reject(t.range, "`type` aliases are not supported", SUPPORTED_STMTS);
                return None;
            }
            S::IpyEscapeCommand(c) => {
                self.reject(
                    c.range,
                    "IPython escapes are not supported",
                    SUPPORTED_STMTS,
                );
                return None;
            }
        };
        Some(Stmt {
            kind,
            span: span(s.range()),
        })
    }

    fn loop_body(&mut self, body: &[ast::Stmt]) -> Vec<Stmt> {
        if let Some(l) = self.loops.last_mut() {
            *l += 1;
        }
        let b = self.stmts(body);
        if let Some(l) = self.loops.last_mut() {
            *l -= 1;
        }
        b
    }

    fn elif_chain(&mut self, clauses: &[ast::ElifElseClause]) -> Vec<Stmt> {
        let Some((first, rest)) = clauses.split_first() else {
            return Vec::new();
        };
        if !self.enter(first.range) {
            return Vec::new();
        }
        let r = self.elif_chain_inner(first, rest);
        self.depth -= 1;
        r
    }

    fn elif_chain_inner(
        &mut self,
        first: &ast::ElifElseClause,
        rest: &[ast::ElifElseClause],
    ) -> Vec<Stmt> {
        let body = self.stmts(&first.body);
        match &first.test {
            None => body,
            Some(t) => {
                let Some(test) = self.expr(t) else {
                    return Vec::new();
                };
                let orelse = self.elif_chain(rest);
                vec![Stmt {
                    kind: StmtKind::If { test, body, orelse },
                    span: span(first.range),
                }]
            }
        }
    }

    fn func(
        &mut self,
        name: &str,
        p: &ast::Parameters,
        body: FuncBody<'_>,
        is_async: bool,
        r: TextRange,
    ) -> Option<FuncDef> {
        let mut params = Vec::new();
        for a in p.posonlyargs.iter().chain(p.args.iter()) {
            params.push(Param {
                name: a.parameter.name.id.to_string(),
                default: match &a.default {
                    Some(d) => Some(self.expr(d)?),
                    None => None,
                },
            });
        }
        let mut kwonly = Vec::new();
        for a in p.kwonlyargs.iter() {
            kwonly.push(Param {
                name: a.parameter.name.id.to_string(),
                default: match &a.default {
                    Some(d) => Some(self.expr(d)?),
                    None => None,
                },
            });
        }
        self.func.push(Some(is_async));
        self.loops.push(0);
        let lowered = self.func_body(body);
        self.func.pop();
        self.loops.pop();
        let (body, is_lambda) = lowered?;
        Some(FuncDef {
            name: name.to_string(),
            params,
            vararg: p.vararg.as_ref().map(|v| v.name.id.to_string()),
            kwonly,
            kwarg: p.kwarg.as_ref().map(|v| v.name.id.to_string()),
            body,
            is_async,
            is_lambda,
            span: span(r),
        })
    }

    fn func_body(&mut self, body: FuncBody<'_>) -> Option<(Vec<Stmt>, bool)> {
        Some(match body {
            FuncBody::Stmts(b) => (self.stmts(b), false),
            FuncBody::Expr(e) => {
                let e = self.expr(e)?;
                let sp = e.span;
                (
                    vec![Stmt {
                        kind: StmtKind::Return(Some(e)),
                        span: sp,
                    }],
                    true,
                )
            }
        })
    }

    fn target(&mut self, e: &ast::Expr) -> Option<Target> {
        if !self.enter(e.range()) {
            return None;
        }
        let r = self.target_inner(e);
        self.depth -= 1;
        r
    }

    fn target_inner(&mut self, e: &ast::Expr) -> Option<Target> {
        use ast::Expr as E;
        Some(match e {
            E::Name(n) => Target::Name(n.id.to_string(), span(n.range)),
            E::Attribute(a) => Target::Attr(self.expr(&a.value)?, a.attr.id.to_string()),
            E::Subscript(s) => Target::Subscript(self.expr(&s.value)?, self.expr(&s.slice)?),
            E::Tuple(t) => Target::Tuple(self.targets(&t.elts)?),
            E::List(t) => Target::Tuple(self.targets(&t.elts)?),
            E::Starred(s) => Target::Starred(Box::new(self.target(&s.value)?)),
            other => {
                self.reject(
                    other.range(),
                    "cannot assign to this expression",
                    "assign to a name, attribute, subscript or tuple of those",
                );
                return None;
            }
        })
    }

    fn targets(&mut self, es: &[ast::Expr]) -> Option<Vec<Target>> {
        let mut v = Vec::new();
        for e in es {
            v.push(self.target(e)?);
        }
        Some(v)
    }

    fn exprs(&mut self, es: &[ast::Expr]) -> Option<Vec<Expr>> {
        let mut v = Vec::new();
        let mut ok = true;
        for e in es {
            match self.expr(e) {
                Some(x) => v.push(x),
                None => ok = false,
            }
        }
        ok.then_some(v)
    }

    fn binop(&mut self, op: ast::Operator, r: TextRange) -> Option<BinOp> {
        use ast::Operator as O;
        Some(match op {
            O::Add => BinOp::Add,
            O::Sub => BinOp::Sub,
            O::Mult => BinOp::Mul,
            O::Div => BinOp::Div,
            O::FloorDiv => BinOp::FloorDiv,
            O::Mod => BinOp::Mod,
            O::Pow => BinOp::Pow,
            O::LShift => BinOp::LShift,
            O::RShift => BinOp::RShift,
            O::BitOr => BinOp::BitOr,
            O::BitXor => BinOp::BitXor,
            O::BitAnd => BinOp::BitAnd,
            O::MatMult => {
                self.reject(
                    r,
                    "the `@` operator is not supported",
                    "supported: + - * / // % ** << >> & | ^",
                );
                return None;
            }
        })
    }

    fn comps(&mut self, gens: &[ast::Comprehension]) -> Option<Vec<Comprehension>> {
        let mut v = Vec::new();
        for g in gens {
            if g.is_async {
                self.reject(
                    g.range,
                    "async comprehensions are not supported",
                    "use a plain loop with `await` inside",
                );
                return None;
            }
            v.push(Comprehension {
                target: self.target(&g.target)?,
                iter: self.expr(&g.iter)?,
                ifs: self.exprs(&g.ifs)?,
            });
        }
        Some(v)
    }

    fn fparts(
        &mut self,
        elems: &ast::InterpolatedStringElements,
        out: &mut Vec<FPart>,
    ) -> Option<()> {
        for el in elems {
            match el {
                ast::InterpolatedStringElement::Literal(l) => {
                    out.push(FPart::Lit(l.value.to_string()))
                }
                ast::InterpolatedStringElement::Interpolation(i) => {
                    // `{x=}` prints its own source text, then (by default) the value's repr.
                    if let Some(dt) = &i.debug_text {
                        out.push(FPart::Lit(dt.as_str().to_string()));
                    }
                    let conv = match i.conversion {
                        ast::ConversionFlag::None
                            if i.debug_text.is_some() && i.format_spec.is_none() =>
                        {
                            'r'
                        }
                        ast::ConversionFlag::None => ' ',
                        ast::ConversionFlag::Str => 's',
                        ast::ConversionFlag::Repr => 'r',
                        ast::ConversionFlag::Ascii => 'a',
                    };
                    let mut spec = Vec::new();
                    if let Some(fs) = &i.format_spec {
                        self.fparts(&fs.elements, &mut spec)?;
                    }
                    out.push(FPart::Expr {
                        value: self.expr(&i.expression)?,
                        conv,
                        spec,
                    });
                }
            }
        }
        Some(())
    }

    fn expr(&mut self, e: &ast::Expr) -> Option<Expr> {
        if !self.enter(e.range()) {
            return None;
        }
        let r = self.expr_inner(e);
        self.depth -= 1;
        r
    }

    fn expr_inner(&mut self, e: &ast::Expr) -> Option<Expr> {
        use ast::Expr as E;
        let r = e.range();
        let kind = match e {
            E::BoolOp(b) => {
                ExprKind::BoolOp(matches!(b.op, ast::BoolOp::And), self.exprs(&b.values)?)
            }
            E::BinOp(b) => {
                let l = self.expr(&b.left);
                let rr = self.expr(&b.right);
                ExprKind::BinOp(Box::new(l?), self.binop(b.op, b.range)?, Box::new(rr?))
            }
            E::UnaryOp(u) => ExprKind::Unary(
                match u.op {
                    ast::UnaryOp::Invert => UnaryOp::Invert,
                    ast::UnaryOp::Not => UnaryOp::Not,
                    ast::UnaryOp::UAdd => UnaryOp::Pos,
                    ast::UnaryOp::USub => UnaryOp::Neg,
                },
                Box::new(self.expr(&u.operand)?),
            ),
            E::Lambda(l) => {
                let empty = ast::Parameters::default();
                let p = l.parameters.as_deref().unwrap_or(&empty);
                ExprKind::Lambda(Rc::new(self.func(
                    "<lambda>",
                    p,
                    FuncBody::Expr(&l.body),
                    false,
                    l.range,
                )?))
            }
            E::If(i) => ExprKind::IfExp {
                test: Box::new(self.expr(&i.test)?),
                body: Box::new(self.expr(&i.body)?),
                orelse: Box::new(self.expr(&i.orelse)?),
            },
            E::Dict(d) => {
                let mut items = Vec::new();
                for it in &d.items {
                    let Some(k) = &it.key else {
                        self.reject(
                            it.value.range(),
                            "`**` in dict displays is not supported",
                            "build the dict with a loop or `dict.update`",
                        );
                        return None;
                    };
                    items.push((self.expr(k)?, self.expr(&it.value)?));
                }
                ExprKind::Dict(items)
            }
            E::Set(s) => ExprKind::Set(self.exprs(&s.elts)?),
            E::ListComp(c) => ExprKind::Comp {
                kind: CompKind::List,
                elt: Box::new(self.expr(&c.elt)?),
                value: None,
                gens: self.comps(&c.generators)?,
            },
            E::SetComp(c) => ExprKind::Comp {
                kind: CompKind::Set,
                elt: Box::new(self.expr(&c.elt)?),
                value: None,
                gens: self.comps(&c.generators)?,
            },
            E::Generator(c) => ExprKind::Comp {
                kind: CompKind::Gen,
                elt: Box::new(self.expr(&c.elt)?),
                value: None,
                gens: self.comps(&c.generators)?,
            },
            E::DictComp(c) => {
                let Some(k) = &c.key else {
                    self.reject(
                        c.range,
                        "`**` in dict comprehensions is not supported",
                        "write `{k: v for ...}`",
                    );
                    return None;
                };
                ExprKind::Comp {
                    kind: CompKind::Dict,
                    elt: Box::new(self.expr(k)?),
                    value: Some(Box::new(self.expr(&c.value)?)),
                    gens: self.comps(&c.generators)?,
                }
            }
            E::Await(a) => {
                if self.func.last() != Some(&Some(true)) {
                    self.reject(
                        a.range,
                        "'await' outside async function",
                        "await only inside an async def (run it with asyncio.run)",
                    );
                    return None;
                }
                ExprKind::Await(Box::new(self.expr(&a.value)?))
            }
            E::Compare(c) => {
                let left = self.expr(&c.left)?;
                let mut ops = Vec::new();
                for (op, x) in c.ops.iter().zip(c.comparators.iter()) {
                    use ast::CmpOp as C;
                    let op = match op {
                        C::Eq => CmpOp::Eq,
                        C::NotEq => CmpOp::Ne,
                        C::Lt => CmpOp::Lt,
                        C::LtE => CmpOp::Le,
                        C::Gt => CmpOp::Gt,
                        C::GtE => CmpOp::Ge,
                        C::Is => CmpOp::Is,
                        C::IsNot => CmpOp::IsNot,
                        C::In => CmpOp::In,
                        C::NotIn => CmpOp::NotIn,
                    };
                    ops.push((op, self.expr(x)?));
                }
                ExprKind::Compare(Box::new(left), ops)
            }
            E::Call(c) => {
                let func = self.expr(&c.func)?;
                let mut args = Vec::new();
                for a in c.arguments.args.iter() {
                    match a {
                        E::Starred(s) => args.push(Arg::Star(self.expr(&s.value)?)),
                        _ => args.push(Arg::Pos(self.expr(a)?)),
                    }
                }
                let mut kwargs = Vec::new();
                for k in c.arguments.keywords.iter() {
                    let Some(name) = &k.arg else {
                        self.reject(
                            k.range,
                            "`**kwargs` in calls is not supported",
                            "pass keyword arguments by name",
                        );
                        return None;
                    };
                    kwargs.push((name.id.to_string(), self.expr(&k.value)?));
                }
                ExprKind::Call {
                    func: Box::new(func),
                    args,
                    kwargs,
                }
            }
            E::FString(f) => {
                let mut parts = Vec::new();
                for p in f.value.iter() {
                    match p {
                        ast::FStringPart::Literal(l) => parts.push(FPart::Lit(l.value.to_string())),
                        ast::FStringPart::FString(fs) => self.fparts(&fs.elements, &mut parts)?,
                    }
                }
                ExprKind::FString(parts)
            }
            E::StringLiteral(s) => ExprKind::Str(Rc::from(s.value.to_str())),
            E::NumberLiteral(n) => match &n.value {
                ast::Number::Int(i) => match i.as_i64() {
                    Some(v) => ExprKind::Int(v),
                    None => match parse_big(&i.to_string()) {
                        Some(b) => ExprKind::BigInt(Rc::new(b)),
                        None => {
                            self.reject(r, "integer literal out of range", "");
                            return None;
                        }
                    },
                },
                ast::Number::Float(f) => ExprKind::Float(*f),
                ast::Number::Complex { .. } => {
                    self.reject(
                        r,
                        "complex numbers are not supported",
                        "supported numbers: int, float",
                    );
                    return None;
                }
            },
            E::BooleanLiteral(b) => ExprKind::Bool(b.value),
            E::NoneLiteral(_) => ExprKind::None,
            E::Attribute(a) => {
                ExprKind::Attr(Box::new(self.expr(&a.value)?), a.attr.id.to_string())
            }
            E::Subscript(s) => ExprKind::Subscript(
                Box::new(self.expr(&s.value)?),
                Box::new(self.expr(&s.slice)?),
            ),
            E::Starred(s) => ExprKind::Starred(Box::new(self.expr(&s.value)?)),
            E::Name(n) => ExprKind::Name(n.id.to_string()),
            E::List(l) => ExprKind::List(self.exprs(&l.elts)?),
            E::Tuple(t) => ExprKind::Tuple(self.exprs(&t.elts)?),
            E::Slice(s) => {
                let mut part = |x: &Option<Box<ast::Expr>>| -> Option<Option<Box<Expr>>> {
                    match x {
                        Some(x) => Some(Some(Box::new(self.expr(x)?))),
                        None => Some(None),
                    }
                };
                let lo = part(&s.lower)?;
                let hi = part(&s.upper)?;
                let st = part(&s.step)?;
                ExprKind::Slice(lo, hi, st)
            }
            E::Named(_) => {
                self.reject(
                    r,
                    "the walrus operator `:=` is not supported",
                    "assign on its own line first",
                );
                return None;
            }
            E::Yield(_) | E::YieldFrom(_) => {
                self.reject(
                    r,
                    "generators (`yield`) are not supported",
                    "return a list, or use async def with await",
                );
                return None;
            }
            E::TString(_) => {
                self.reject(r, "template strings are not supported", "use an f-string");
                return None;
            }
            E::BytesLiteral(_) => {
                self.reject(r, "bytes literals are not supported", "use a str");
                return None;
            }
            E::EllipsisLiteral(_) => {
                self.reject(r, "`...` is not supported", "use `pass` or None");
                return None;
            }
            E::IpyEscapeCommand(_) => {
                self.reject(r, "IPython escapes are not supported", SUPPORTED_EXPRS);
                return None;
            }
        };
        Some(Expr {
            kind,
            span: span(r),
        })
    }
}

enum FuncBody<'a> {
    Stmts(&'a [ast::Stmt]),
    Expr(&'a ast::Expr),
}

fn parse_big(token: &str) -> Option<BigInt> {
    let t: String = token.chars().filter(|c| *c != '_').collect();
    let lower = t.to_ascii_lowercase();
    let (digits, radix) = if let Some(d) = lower.strip_prefix("0x") {
        (d.to_string(), 16)
    } else if let Some(d) = lower.strip_prefix("0o") {
        (d.to_string(), 8)
    } else if let Some(d) = lower.strip_prefix("0b") {
        (d.to_string(), 2)
    } else {
        (lower, 10)
    };
    BigInt::parse_bytes(digits.as_bytes(), radix)
}
