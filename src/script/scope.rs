//! Scope analysis: which names each function, class and module binds, uses, and needs from the
//! scopes around it (the input to the compiler's local/cell/global decision).

use std::collections::HashSet;

use indexmap::IndexSet;

use super::ir::*;

/// Names a scope binds and uses, gathered before compiling it.
#[derive(Default)]
pub(super) struct Scan {
    pub(super) assigned: IndexSet<String>,
    pub(super) loads: IndexSet<String>,
    pub(super) globals: HashSet<String>,
    pub(super) nonlocals: HashSet<String>,
    /// Free names wanted by nested functions and classes.
    pub(super) child_wants: IndexSet<String>,
    pub(super) uses_super: bool,
}

pub(super) fn scan_fn(f: &FuncDef) -> Scan {
    let mut s = Scan::default();
    for p in &f.params {
        s.assigned.insert(p.name.clone());
    }
    if let Some(v) = &f.vararg {
        s.assigned.insert(v.clone());
    }
    for p in &f.kwonly {
        s.assigned.insert(p.name.clone());
    }
    if let Some(v) = &f.kwarg {
        s.assigned.insert(v.clone());
    }
    for st in &f.body {
        scan_stmt(st, &mut s);
    }
    s
}

/// Names a function needs from enclosing scopes.
pub(super) fn fn_wants(f: &FuncDef) -> IndexSet<String> {
    let s = scan_fn(f);
    let mut w = IndexSet::new();
    for n in s
        .loads
        .iter()
        .chain(s.child_wants.iter())
        .chain(s.nonlocals.iter())
    {
        let local = s.assigned.contains(n) && !s.globals.contains(n) && !s.nonlocals.contains(n);
        if !local && !s.globals.contains(n) {
            w.insert(n.clone());
        }
    }
    if s.uses_super {
        w.insert("__class__".into());
    }
    w
}

pub(super) fn class_wants(body: &[Stmt]) -> IndexSet<String> {
    let mut s = Scan::default();
    for st in body {
        scan_stmt(st, &mut s);
    }
    let mut w: IndexSet<String> = s
        .child_wants
        .iter()
        .filter(|n| *n != "__class__")
        .cloned()
        .collect();
    for n in &s.loads {
        if !s.assigned.contains(n) {
            w.insert(n.clone());
        }
    }
    w
}

fn scan_target(t: &Target, s: &mut Scan) {
    match t {
        Target::Name(n, _) => {
            s.assigned.insert(n.clone());
        }
        Target::Attr(e, _) => scan_expr(e, s),
        Target::Subscript(a, b) => {
            scan_expr(a, s);
            scan_expr(b, s);
        }
        Target::Tuple(ts) => ts.iter().for_each(|t| scan_target(t, s)),
        Target::Starred(t) => scan_target(t, s),
    }
}

pub(super) fn scan_stmts(b: &[Stmt], s: &mut Scan) {
    b.iter().for_each(|x| scan_stmt(x, s))
}

pub(super) fn scan_stmt(st: &Stmt, s: &mut Scan) {
    match &st.kind {
        StmtKind::Expr(e) => scan_expr(e, s),
        StmtKind::Assign { targets, value } => {
            targets.iter().for_each(|t| scan_target(t, s));
            scan_expr(value, s);
        }
        StmtKind::AugAssign { target, value, .. } => {
            if let Target::Name(n, _) = target {
                s.loads.insert(n.clone());
            }
            scan_target(target, s);
            scan_expr(value, s);
        }
        StmtKind::Def(f) => {
            s.assigned.insert(f.name.clone());
            scan_defaults(f, s);
            s.child_wants.extend(fn_wants(f));
        }
        StmtKind::Class { name, base, body } => {
            s.assigned.insert(name.clone());
            if let Some(b) = base {
                scan_expr(b, s);
            }
            s.child_wants.extend(class_wants(body));
        }
        StmtKind::Return(e) => {
            if let Some(e) = e {
                scan_expr(e, s)
            }
        }
        StmtKind::If { test, body, orelse } | StmtKind::While { test, body, orelse } => {
            scan_expr(test, s);
            scan_stmts(body, s);
            scan_stmts(orelse, s);
        }
        StmtKind::For {
            target,
            iter,
            body,
            orelse,
        } => {
            scan_target(target, s);
            scan_expr(iter, s);
            scan_stmts(body, s);
            scan_stmts(orelse, s);
        }
        StmtKind::Break | StmtKind::Continue | StmtKind::Pass => {}
        StmtKind::Global(ns) => s.globals.extend(ns.iter().cloned()),
        StmtKind::Nonlocal(ns) => s.nonlocals.extend(ns.iter().cloned()),
        StmtKind::Assert { test, msg } => {
            scan_expr(test, s);
            if let Some(m) = msg {
                scan_expr(m, s)
            }
        }
        StmtKind::Raise { exc, cause } => {
            for e in exc.iter().chain(cause.iter()) {
                scan_expr(e, s)
            }
        }
        StmtKind::Try {
            body,
            handlers,
            orelse,
            finalbody,
        } => {
            scan_stmts(body, s);
            for h in handlers {
                if let Some(t) = &h.typ {
                    scan_expr(t, s)
                }
                if let Some(n) = &h.name {
                    s.assigned.insert(n.clone());
                }
                scan_stmts(&h.body, s);
            }
            scan_stmts(orelse, s);
            scan_stmts(finalbody, s);
        }
        StmtKind::With { items, body, .. } => {
            for (e, t) in items {
                scan_expr(e, s);
                if let Some(t) = t {
                    scan_target(t, s)
                }
            }
            scan_stmts(body, s);
        }
        StmtKind::Import { alias, .. } => {
            s.assigned.insert(alias.clone());
        }
        StmtKind::ImportFrom { names, .. } => {
            for (_, a) in names {
                s.assigned.insert(a.clone());
            }
        }
        StmtKind::Del(ts) => ts.iter().for_each(|t| scan_target(t, s)),
    }
}

fn scan_defaults(f: &FuncDef, s: &mut Scan) {
    for p in f.params.iter().chain(f.kwonly.iter()) {
        if let Some(d) = &p.default {
            scan_expr(d, s)
        }
    }
}

fn scan_expr(e: &Expr, s: &mut Scan) {
    match &e.kind {
        ExprKind::Name(n) => {
            s.loads.insert(n.clone());
        }
        ExprKind::Int(_)
        | ExprKind::BigInt(_)
        | ExprKind::Float(_)
        | ExprKind::Str(_)
        | ExprKind::Bool(_)
        | ExprKind::None => {}
        ExprKind::FString(parts) => scan_fparts(parts, s),
        ExprKind::List(v) | ExprKind::Tuple(v) | ExprKind::Set(v) | ExprKind::BoolOp(_, v) => {
            v.iter().for_each(|x| scan_expr(x, s))
        }
        ExprKind::Dict(v) => v.iter().for_each(|(a, b)| {
            scan_expr(a, s);
            scan_expr(b, s)
        }),
        ExprKind::Comp {
            elt, value, gens, ..
        } => {
            for g in gens {
                scan_target(&g.target, s);
                scan_expr(&g.iter, s);
                g.ifs.iter().for_each(|x| scan_expr(x, s));
            }
            scan_expr(elt, s);
            if let Some(v) = value {
                scan_expr(v, s)
            }
        }
        ExprKind::Attr(a, _)
        | ExprKind::Await(a)
        | ExprKind::Unary(_, a)
        | ExprKind::Starred(a) => scan_expr(a, s),
        ExprKind::Subscript(a, b) | ExprKind::BinOp(a, _, b) => {
            scan_expr(a, s);
            scan_expr(b, s);
        }
        ExprKind::Slice(a, b, c) => {
            for x in [a, b, c].into_iter().flatten() {
                scan_expr(x, s)
            }
        }
        ExprKind::Call { func, args, kwargs } => {
            if let ExprKind::Name(n) = &func.kind {
                if n == "super" && args.is_empty() {
                    s.uses_super = true;
                }
            }
            scan_expr(func, s);
            for a in args {
                match a {
                    Arg::Pos(x) | Arg::Star(x) => scan_expr(x, s),
                }
            }
            kwargs.iter().for_each(|(_, x)| scan_expr(x, s));
        }
        ExprKind::Compare(a, rest) => {
            scan_expr(a, s);
            rest.iter().for_each(|(_, x)| scan_expr(x, s));
        }
        ExprKind::IfExp { test, body, orelse } => {
            scan_expr(test, s);
            scan_expr(body, s);
            scan_expr(orelse, s);
        }
        ExprKind::Lambda(f) => {
            scan_defaults(f, s);
            s.child_wants.extend(fn_wants(f));
        }
    }
}

fn scan_fparts(parts: &[FPart], s: &mut Scan) {
    for p in parts {
        if let FPart::Expr { value, spec, .. } = p {
            scan_expr(value, s);
            scan_fparts(spec, s);
        }
    }
}
