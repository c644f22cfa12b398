//! Compiles the checked IR into bytecode: resolves every name to a local slot, a closure cell or a global, and lays out control flow.

use std::collections::HashSet;
use std::rc::Rc;

use indexmap::IndexSet;

use super::code::{Code, Op};
use super::diag::line_col;
use super::ir::*;
use super::scope::{class_wants, fn_wants, scan_fn, scan_stmts, Scan};
use super::value::{Builtin, Value};

/// Compile a module; `hidden` marks the interpreter's own prelude.
pub fn compile_module(m: &Module, file: &str, source: &str, hidden: bool) -> Rc<Code> {
    let lines = LineMap::new(source);
    let mut c = Compiler::new("<module>", file, &lines, hidden, ScopeKind::Module);
    c.stmts(&m.body);
    c.emit(Op::Const(0), 0);
    c.emit(Op::Return, 0);
    Rc::new(c.finish())
}

struct LineMap {
    starts: Vec<u32>,
}

impl LineMap {
    fn new(src: &str) -> LineMap {
        let mut starts = vec![0];
        for (i, b) in src.bytes().enumerate() {
            if b == b'\n' {
                starts.push(i as u32 + 1);
            }
        }
        let _ = line_col;
        LineMap { starts }
    }
    fn line(&self, off: u32) -> u32 {
        match self.starts.binary_search(&off) {
            Ok(i) => i as u32 + 1,
            Err(i) => i as u32,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum ScopeKind {
    Module,
    Function,
    Class,
}

enum Res {
    Fast(u32),
    Deref(u32),
    Global,
    Name,
}

enum FBlock<'a> {
    Loop {
        start: usize,
        breaks: Vec<usize>,
        is_for: bool,
    },
    Try,
    Finally(&'a [Stmt]),
    /// Inside an except handler or finally-on-exception: exc info to restore; `on_stack` if the exception is still on the stack.
    Handler {
        on_stack: bool,
    },
    With {
        mgr: u32,
        is_async: bool,
    },
}

struct Compiler<'a> {
    code: Code,
    lines: &'a LineMap,
    kind: ScopeKind,
    locals: IndexSet<String>,
    /// Own cells then free names.
    cells: IndexSet<String>,
    globals: HashSet<String>,
    class_assigned: HashSet<String>,
    /// Names visible as cells from enclosing function scopes.
    enclosing: HashSet<String>,
    fblocks: Vec<FBlock<'a>>,
    hidden_counter: u32,
    cur_line: u32,
    /// Prefix of qualified names defined in this scope.
    qualprefix: String,
}

impl<'a> Compiler<'a> {
    fn new(
        name: &str,
        file: &str,
        lines: &'a LineMap,
        hidden: bool,
        kind: ScopeKind,
    ) -> Compiler<'a> {
        let mut code = Code {
            name: Rc::from(name),
            qualname: Rc::from(name),
            file: Rc::from(file),
            hidden,
            ..Code::default()
        };
        code.consts.push(Value::None);
        Compiler {
            code,
            lines,
            kind,
            locals: IndexSet::new(),
            cells: IndexSet::new(),
            globals: HashSet::new(),
            class_assigned: HashSet::new(),
            enclosing: HashSet::new(),
            fblocks: Vec::new(),
            hidden_counter: 0,
            cur_line: 1,
            qualprefix: String::new(),
        }
    }

    fn finish(mut self) -> Code {
        self.code.local_names = self.locals.iter().map(|s| Rc::from(s.as_str())).collect();
        self.code.cell_names = self.cells.iter().map(|s| Rc::from(s.as_str())).collect();
        self.code.gcache = (0..self.code.names.len())
            .map(|_| std::cell::Cell::new(u32::MAX))
            .collect();
        self.code
    }

    fn emit(&mut self, op: Op, line: u32) -> usize {
        self.code.ops.push(op);
        self.code
            .lines
            .push(if line == 0 { self.cur_line } else { line });
        self.code.ops.len() - 1
    }

    fn op(&mut self, op: Op) -> usize {
        let l = self.cur_line;
        self.emit(op, l)
    }

    fn here(&self) -> u32 {
        self.code.ops.len() as u32
    }

    fn patch(&mut self, at: usize) {
        let target = self.here();
        self.patch_to(at, target);
    }

    fn patch_to(&mut self, at: usize, target: u32) {
        self.code.ops[at] = match self.code.ops[at] {
            Op::Jump(_) => Op::Jump(target),
            Op::JumpIfFalse(_) => Op::JumpIfFalse(target),
            Op::JumpIfTrue(_) => Op::JumpIfTrue(target),
            Op::JumpIfFalseOrPop(_) => Op::JumpIfFalseOrPop(target),
            Op::JumpIfTrueOrPop(_) => Op::JumpIfTrueOrPop(target),
            Op::ForIter(_) => Op::ForIter(target),
            Op::SetupExcept(_) => Op::SetupExcept(target),
            Op::SetupFinally(_) => Op::SetupFinally(target),
            other => other,
        }
    }

    fn konst(&mut self, v: Value) -> u32 {
        self.code.consts.push(v);
        self.code.consts.len() as u32 - 1
    }

    fn name_idx(&mut self, n: &str) -> u32 {
        if let Some(i) = self.code.names.iter().position(|x| &**x == n) {
            return i as u32;
        }
        self.code.names.push(Rc::from(n));
        self.code.names.len() as u32 - 1
    }

    fn hidden_local(&mut self, what: &str) -> u32 {
        self.hidden_counter += 1;
        let n = format!(".{what}{}", self.hidden_counter);
        self.locals.insert_full(n).0 as u32
    }

    fn resolve(&mut self, n: &str) -> Res {
        if self.globals.contains(n) {
            return Res::Global;
        }
        if let Some(i) = self.cells.get_index_of(n) {
            return Res::Deref(i as u32);
        }
        match self.kind {
            ScopeKind::Function => match self.locals.get_index_of(n) {
                Some(i) => Res::Fast(i as u32),
                None => Res::Global,
            },
            ScopeKind::Module => Res::Global,
            ScopeKind::Class => Res::Name,
        }
    }

    fn load_name(&mut self, n: &str) {
        if self.kind == ScopeKind::Class && !self.class_assigned.contains(n) {
            if let Some(i) = self.cells.get_index_of(n) {
                self.op(Op::LoadDeref(i as u32));
                return;
            }
        }
        let op = match self.resolve(n) {
            Res::Fast(i) => Op::LoadFast(i),
            Res::Deref(i) => Op::LoadDeref(i),
            Res::Global => Op::LoadGlobal(self.name_idx(n)),
            Res::Name => Op::LoadName(self.name_idx(n)),
        };
        self.op(op);
    }

    fn store_name(&mut self, n: &str) {
        let op = match self.resolve(n) {
            Res::Fast(i) => Op::StoreFast(i),
            Res::Deref(i) => Op::StoreDeref(i),
            Res::Global => Op::StoreGlobal(self.name_idx(n)),
            Res::Name => Op::StoreName(self.name_idx(n)),
        };
        self.op(op);
    }

    fn set_line(&mut self, sp: Span) {
        self.cur_line = self.lines.line(sp.start);
    }

    fn stmts(&mut self, b: &'a [Stmt]) {
        for s in b {
            self.stmt(s);
        }
    }

    fn stmt(&mut self, s: &'a Stmt) {
        self.set_line(s.span);
        match &s.kind {
            StmtKind::Expr(e) => {
                self.expr(e);
                self.op(Op::Pop);
            }
            StmtKind::Assign { targets, value } => {
                self.expr(value);
                for (i, t) in targets.iter().enumerate() {
                    if i + 1 < targets.len() {
                        self.op(Op::Dup);
                    }
                    self.store(t);
                }
            }
            StmtKind::AugAssign { target, op, value } => match target {
                Target::Name(n, _) => {
                    self.load_name(n);
                    self.expr(value);
                    self.op(Op::InplaceBin(*op));
                    self.store_name(n);
                }
                Target::Attr(obj, name) => {
                    self.expr(obj);
                    self.op(Op::Dup);
                    let ni = self.name_idx(name);
                    self.op(Op::LoadAttr(ni));
                    self.expr(value);
                    self.op(Op::InplaceBin(*op));
                    self.op(Op::Rot2);
                    self.op(Op::StoreAttr(ni));
                }
                Target::Subscript(obj, idx) => {
                    self.expr(obj);
                    self.expr(idx);
                    self.op(Op::Dup2);
                    self.op(Op::LoadSubscr);
                    self.expr(value);
                    self.op(Op::InplaceBin(*op));
                    self.op(Op::Rot3);
                    self.op(Op::StoreSubscr);
                }
                _ => {
                    let c = self.konst(Value::str("illegal expression for augmented assignment"));
                    self.op(Op::Const(c));
                    self.op(Op::AssertFail(true));
                }
            },
            StmtKind::Def(f) => {
                self.make_function(f);
                self.store_name(&f.name);
            }
            StmtKind::Class { name, base, body } => {
                if let Some(b) = base {
                    self.expr(b);
                }
                let code = self.class_body(name, body, s.span);
                self.code.codes.push(Rc::new(code));
                let ci = self.code.codes.len() as u32 - 1;
                self.op(Op::BuildClass(ci, base.is_some()));
                self.store_name(name);
            }
            StmtKind::Return(e) => {
                match e {
                    Some(e) => self.expr(e),
                    None => {
                        self.op(Op::Const(0));
                    }
                }
                self.unwind_for(Exit::Return);
                self.op(Op::Return);
            }
            StmtKind::If { test, body, orelse } => {
                self.expr(test);
                let j = self.op(Op::JumpIfFalse(0));
                self.stmts(body);
                if orelse.is_empty() {
                    self.patch(j);
                } else {
                    let end = self.op(Op::Jump(0));
                    self.patch(j);
                    self.stmts(orelse);
                    self.patch(end);
                }
            }
            StmtKind::While { test, body, orelse } => {
                let start = self.code.ops.len();
                self.expr(test);
                let exit = self.op(Op::JumpIfFalse(0));
                self.fblocks.push(FBlock::Loop {
                    start,
                    breaks: vec![],
                    is_for: false,
                });
                self.stmts(body);
                let l = self.lines.line(s.span.start);
                self.emit(Op::Jump(start as u32), l);
                let Some(FBlock::Loop { breaks, .. }) = self.fblocks.pop() else {
                    return;
                };
                self.patch(exit);
                self.stmts(orelse);
                for b in breaks {
                    self.patch(b);
                }
            }
            StmtKind::For {
                target,
                iter,
                body,
                orelse,
            } => {
                self.expr(iter);
                self.op(Op::GetIter);
                let start = self.code.ops.len();
                let fi = self.op(Op::ForIter(0));
                self.store(target);
                self.fblocks.push(FBlock::Loop {
                    start,
                    breaks: vec![],
                    is_for: true,
                });
                self.stmts(body);
                self.set_line(s.span);
                self.op(Op::Jump(start as u32));
                let Some(FBlock::Loop { breaks, .. }) = self.fblocks.pop() else {
                    return;
                };
                self.patch(fi);
                self.stmts(orelse);
                for b in breaks {
                    self.patch(b);
                }
            }
            StmtKind::Break => {
                self.unwind_for(Exit::Break);
                let j = self.op(Op::Jump(0));
                if let Some(FBlock::Loop { breaks, .. }) = self
                    .fblocks
                    .iter_mut()
                    .rev()
                    .find(|b| matches!(b, FBlock::Loop { .. }))
                {
                    breaks.push(j);
                }
            }
            StmtKind::Continue => {
                self.unwind_for(Exit::Continue);
                let start = self
                    .fblocks
                    .iter()
                    .rev()
                    .find_map(|b| match b {
                        FBlock::Loop { start, .. } => Some(*start),
                        _ => None,
                    })
                    .unwrap_or(0);
                self.op(Op::Jump(start as u32));
            }
            StmtKind::Pass | StmtKind::Global(_) | StmtKind::Nonlocal(_) => {}
            StmtKind::Assert { test, msg } => {
                self.expr(test);
                let j = self.op(Op::JumpIfTrue(0));
                if let Some(m) = msg {
                    self.expr(m);
                }
                self.op(Op::AssertFail(msg.is_some()));
                self.patch(j);
            }
            StmtKind::Raise { exc, cause } => match (exc, cause) {
                (None, _) => {
                    self.op(Op::Raise(0));
                }
                (Some(e), None) => {
                    self.expr(e);
                    self.op(Op::Raise(1));
                }
                (Some(e), Some(c)) => {
                    self.expr(e);
                    self.expr(c);
                    self.op(Op::Raise(2));
                }
            },
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => {
                if finalbody.is_empty() {
                    self.try_except(body, handlers, orelse);
                } else {
                    let setup = self.op(Op::SetupFinally(0));
                    self.fblocks.push(FBlock::Finally(finalbody));
                    if handlers.is_empty() {
                        self.stmts(body);
                    } else {
                        self.try_except(body, handlers, orelse);
                    }
                    self.fblocks.pop();
                    self.op(Op::PopBlock);
                    self.stmts(finalbody);
                    let end = self.op(Op::Jump(0));
                    self.patch(setup);
                    self.op(Op::PushExcInfo);
                    self.fblocks.push(FBlock::Handler { on_stack: true });
                    self.stmts(finalbody);
                    self.fblocks.pop();
                    self.op(Op::Reraise);
                    self.patch(end);
                }
            }
            StmtKind::With {
                is_async,
                items,
                body,
            } => self.with(*is_async, items, body, s.span),
            StmtKind::Import { module, alias } => {
                let ni = self.name_idx(module);
                self.op(Op::ImportModule(ni));
                self.store_name(alias);
            }
            StmtKind::ImportFrom { module, names } => {
                let ni = self.name_idx(module);
                self.op(Op::ImportModule(ni));
                for (n, a) in names {
                    self.op(Op::Dup);
                    let ai = self.name_idx(n);
                    self.op(Op::LoadAttr(ai));
                    self.store_name(a);
                }
                self.op(Op::Pop);
            }
            StmtKind::Del(ts) => {
                for t in ts {
                    match t {
                        Target::Name(n, _) => {
                            let op = match self.resolve(n) {
                                Res::Fast(i) => Op::DelFast(i),
                                _ => Op::DelGlobal(self.name_idx(n)),
                            };
                            self.op(op);
                        }
                        Target::Subscript(o, i) => {
                            self.expr(o);
                            self.expr(i);
                            self.op(Op::DelSubscr);
                        }
                        Target::Attr(o, n) => {
                            self.expr(o);
                            let ni = self.name_idx(n);
                            self.op(Op::DelAttr(ni));
                        }
                        _ => {}
                    }
                }
            }
        }
    }

    fn try_except(&mut self, body: &'a [Stmt], handlers: &'a [Handler], orelse: &'a [Stmt]) {
        let setup = self.op(Op::SetupExcept(0));
        self.fblocks.push(FBlock::Try);
        self.stmts(body);
        self.fblocks.pop();
        self.op(Op::PopBlock);
        self.stmts(orelse);
        let mut ends = vec![self.op(Op::Jump(0))];
        self.patch(setup);
        self.op(Op::PushExcInfo);
        for h in handlers {
            self.set_line(h.span);
            let mut next = None;
            if let Some(t) = &h.typ {
                self.expr(t);
                self.op(Op::ExcMatch);
                next = Some(self.op(Op::JumpIfFalse(0)));
            }
            match &h.name {
                Some(n) => self.store_name(n),
                None => {
                    self.op(Op::Pop);
                }
            }
            self.fblocks.push(FBlock::Handler { on_stack: false });
            self.stmts(&h.body);
            self.fblocks.pop();
            self.op(Op::PopExcInfo);
            ends.push(self.op(Op::Jump(0)));
            if let Some(n) = next {
                self.patch(n);
            }
        }
        self.op(Op::Reraise);
        for e in ends {
            self.patch(e);
        }
    }

    fn with(
        &mut self,
        is_async: bool,
        items: &'a [(Expr, Option<Target>)],
        body: &'a [Stmt],
        sp: Span,
    ) {
        let Some(((e, t), rest)) = items.split_first() else {
            self.stmts(body);
            return;
        };
        self.expr(e);
        let mgr = self.hidden_local("mgr");
        self.op(Op::StoreFast(mgr));
        self.op(Op::LoadFast(mgr));
        let enter = self.name_idx(if is_async { "__aenter__" } else { "__enter__" });
        self.op(Op::CallMethod(enter, 0));
        if is_async {
            self.op(Op::Await);
        }
        match t {
            Some(t) => self.store(t),
            None => {
                self.op(Op::Pop);
            }
        }
        let setup = self.op(Op::SetupFinally(0));
        self.fblocks.push(FBlock::With { mgr, is_async });
        if rest.is_empty() {
            self.stmts(body);
        } else {
            self.with(is_async, rest, body, sp);
        }
        self.fblocks.pop();
        self.op(Op::PopBlock);
        self.set_line(sp);
        self.exit_call(mgr, is_async);
        self.op(Op::Pop);
        let end = self.op(Op::Jump(0));
        self.patch(setup);
        self.op(Op::PushExcInfo);
        let exc = self.hidden_local("exc");
        self.op(Op::Dup);
        self.op(Op::StoreFast(exc));
        self.op(Op::LoadFast(mgr));
        let tc = self.konst(Value::Builtin(Builtin("type")));
        self.op(Op::Const(tc));
        self.op(Op::LoadFast(exc));
        self.op(Op::Call(1));
        self.op(Op::LoadFast(exc));
        self.op(Op::Const(0));
        let exit = self.name_idx(if is_async { "__aexit__" } else { "__exit__" });
        self.op(Op::CallMethod(exit, 3));
        if is_async {
            self.op(Op::Await);
        }
        let sup = self.op(Op::JumpIfTrue(0));
        self.op(Op::Reraise);
        self.patch(sup);
        self.op(Op::PopExcInfo);
        self.op(Op::Pop);
        self.patch(end);
    }

    fn exit_call(&mut self, mgr: u32, is_async: bool) {
        self.op(Op::LoadFast(mgr));
        self.op(Op::Const(0));
        self.op(Op::Const(0));
        self.op(Op::Const(0));
        let exit = self.name_idx(if is_async { "__aexit__" } else { "__exit__" });
        self.op(Op::CallMethod(exit, 3));
        if is_async {
            self.op(Op::Await);
        }
    }

    /// Emit the cleanup that leaving the innermost blocks by return/break/continue requires.
    fn unwind_for(&mut self, exit: Exit) {
        let blocks: Vec<usize> = (0..self.fblocks.len()).rev().collect();
        for i in blocks {
            match &self.fblocks[i] {
                FBlock::Loop { is_for, .. } => {
                    if exit != Exit::Return {
                        if exit == Exit::Break && *is_for {
                            self.op(Op::Pop);
                        }
                        return;
                    }
                    if *is_for {
                        self.op(Op::Rot2);
                        self.op(Op::Pop);
                    }
                }
                FBlock::Try => {
                    self.op(Op::PopBlock);
                }
                FBlock::Finally(body) => {
                    let body: &'a [Stmt] = body;
                    self.op(Op::PopBlock);
                    let saved: Vec<FBlock<'a>> = self.fblocks.drain(i..).collect();
                    if exit == Exit::Return {
                        // Keep the return value safe from the finally body's own stack use.
                        let tmp = self.hidden_local("ret");
                        self.op(Op::StoreFast(tmp));
                        self.stmts(body);
                        self.op(Op::LoadFast(tmp));
                    } else {
                        self.stmts(body);
                    }
                    self.fblocks.extend(saved);
                }
                FBlock::Handler { on_stack } => {
                    let on_stack = *on_stack;
                    self.op(Op::PopExcInfo);
                    if on_stack && exit != Exit::Return {
                        self.op(Op::Pop);
                    }
                }
                FBlock::With { mgr, is_async } => {
                    let (mgr, is_async) = (*mgr, *is_async);
                    self.op(Op::PopBlock);
                    if exit == Exit::Return {
                        let tmp = self.hidden_local("ret");
                        self.op(Op::StoreFast(tmp));
                        self.exit_call(mgr, is_async);
                        self.op(Op::Pop);
                        self.op(Op::LoadFast(tmp));
                    } else {
                        self.exit_call(mgr, is_async);
                        self.op(Op::Pop);
                    }
                }
            }
        }
    }

    fn store(&mut self, t: &'a Target) {
        match t {
            Target::Name(n, _) => self.store_name(n),
            Target::Attr(o, n) => {
                self.expr(o);
                let ni = self.name_idx(n);
                self.op(Op::StoreAttr(ni));
            }
            Target::Subscript(o, i) => {
                self.expr(o);
                self.expr(i);
                self.op(Op::StoreSubscr);
            }
            Target::Tuple(ts) => {
                match ts.iter().position(|t| matches!(t, Target::Starred(_))) {
                    Some(p) => {
                        self.op(Op::UnpackEx(p as u32, (ts.len() - p - 1) as u32));
                    }
                    None => {
                        self.op(Op::UnpackSeq(ts.len() as u32));
                    }
                }
                for t in ts {
                    self.store(t);
                }
            }
            Target::Starred(t) => self.store(t),
        }
    }

    fn make_function(&mut self, f: &'a Rc<FuncDef>) {
        let mut flags = 0;
        let defaults: Vec<&Expr> = f.params.iter().filter_map(|p| p.default.as_ref()).collect();
        if !defaults.is_empty() {
            for d in &defaults {
                self.expr(d);
            }
            self.op(Op::BuildTuple(defaults.len() as u32));
            flags |= 1;
        }
        if f.kwonly.iter().any(|p| p.default.is_some()) {
            for p in &f.kwonly {
                match &p.default {
                    Some(d) => self.expr(d),
                    None => {
                        let u = self.konst(Value::Undef);
                        self.op(Op::Const(u));
                    }
                }
            }
            self.op(Op::BuildTuple(f.kwonly.len() as u32));
            flags |= 2;
        }
        let code = self.function_code(f);
        let frees: Vec<Rc<str>> = code.cell_names[code.ncellvars..].to_vec();
        if !frees.is_empty() {
            for n in &frees {
                let i = self.cells.get_index_of(&**n).unwrap_or(0);
                self.op(Op::LoadCell(i as u32));
            }
            self.op(Op::BuildTuple(frees.len() as u32));
            flags |= 4;
        }
        self.code.codes.push(Rc::new(code));
        let ci = self.code.codes.len() as u32 - 1;
        self.op(Op::MakeFunction(ci, flags));
    }

    fn child_enclosing(&self) -> HashSet<String> {
        let mut e = self.enclosing.clone();
        if self.kind == ScopeKind::Function {
            e.extend(self.locals.iter().filter(|n| !n.starts_with('.')).cloned());
        }
        e.extend(self.cells.iter().cloned());
        e
    }

    fn function_code(&mut self, f: &'a FuncDef) -> Code {
        let enclosing = self.child_enclosing();
        let scan = scan_fn(f);
        let mut c = Compiler::new(
            &f.name,
            &self.code.file,
            self.lines,
            self.code.hidden,
            ScopeKind::Function,
        );
        let qual = format!("{}{}", self.qualprefix, f.name);
        c.code.qualname = Rc::from(qual.as_str());
        c.qualprefix = format!("{qual}.<locals>.");
        c.enclosing = enclosing;
        c.globals = scan.globals.clone();
        // Parameters first, in call order.
        for p in &f.params {
            c.locals.insert(p.name.clone());
        }
        if let Some(v) = &f.vararg {
            c.locals.insert(v.clone());
        }
        for p in &f.kwonly {
            c.locals.insert(p.name.clone());
        }
        if let Some(v) = &f.kwarg {
            c.locals.insert(v.clone());
        }
        for n in &scan.assigned {
            if !scan.globals.contains(n) && !scan.nonlocals.contains(n) {
                c.locals.insert(n.clone());
            }
        }
        // Own cells: locals that nested scopes want.
        for n in &scan.child_wants {
            if c.locals.contains(n) {
                c.cells.insert(n.clone());
            }
        }
        c.code.ncellvars = c.cells.len();
        for n in fn_wants(f) {
            if c.enclosing.contains(&n) {
                c.cells.insert(n);
            }
        }
        c.code.uses_super = scan.uses_super;
        c.code.nparams = f.params.len();
        c.code.varargs = f.vararg.is_some();
        c.code.varkw = f.kwarg.is_some();
        c.code.kwonly = f.kwonly.iter().map(|p| Rc::from(p.name.as_str())).collect();
        c.code.is_async = f.is_async;
        let nparams_all = f.params.len()
            + f.vararg.is_some() as usize
            + f.kwonly.len()
            + f.kwarg.is_some() as usize;
        for i in 0..nparams_all {
            if let Some(ci) = c.cells.get_index_of(&c.locals[i]) {
                c.code.param_cells.push((i, ci));
            }
        }
        c.set_line(f.span);
        c.stmts(&f.body);
        c.op(Op::Const(0));
        c.op(Op::Return);
        c.finish()
    }

    fn class_body(&mut self, name: &str, body: &'a [Stmt], sp: Span) -> Code {
        let enclosing = self.child_enclosing();
        let mut c = Compiler::new(
            name,
            &self.code.file,
            self.lines,
            self.code.hidden,
            ScopeKind::Class,
        );
        let qual = format!("{}{}", self.qualprefix, name);
        c.code.qualname = Rc::from(qual.as_str());
        c.qualprefix = format!("{qual}.");
        let mut scan = Scan::default();
        scan_stmts(body, &mut scan);
        c.class_assigned = scan.assigned.iter().cloned().collect();
        c.enclosing = enclosing;
        c.cells.insert("__class__".into());
        c.code.ncellvars = 1;
        for n in class_wants(body) {
            if c.enclosing.contains(&n) {
                c.cells.insert(n);
            }
        }
        c.code.is_class_body = true;
        c.set_line(sp);
        c.stmts(body);
        c.op(Op::Const(0));
        c.op(Op::Return);
        c.finish()
    }

    fn expr(&mut self, e: &'a Expr) {
        match &e.kind {
            ExprKind::Int(i) => {
                let k = self.konst(Value::Int(*i));
                self.op(Op::Const(k));
            }
            ExprKind::BigInt(b) => {
                let k = self.konst(Value::Big(b.clone()));
                self.op(Op::Const(k));
            }
            ExprKind::Float(f) => {
                let k = self.konst(Value::Float(*f));
                self.op(Op::Const(k));
            }
            ExprKind::Str(s) => {
                let k = self.konst(Value::Str(s.clone()));
                self.op(Op::Const(k));
            }
            ExprKind::Bool(b) => {
                let k = self.konst(Value::Bool(*b));
                self.op(Op::Const(k));
            }
            ExprKind::None => {
                self.op(Op::Const(0));
            }
            ExprKind::FString(parts) => {
                let n = self.fparts(parts);
                self.op(Op::BuildString(n));
            }
            ExprKind::List(v) => {
                if self.seq_with_star(v) {
                    return;
                }
                v.iter().for_each(|x| self.expr(x));
                self.op(Op::BuildList(v.len() as u32));
            }
            ExprKind::Tuple(v) => {
                if self.seq_with_star(v) {
                    self.op(Op::ListToTuple);
                    return;
                }
                v.iter().for_each(|x| self.expr(x));
                self.op(Op::BuildTuple(v.len() as u32));
            }
            ExprKind::Set(v) => {
                v.iter().for_each(|x| self.expr(x));
                // CPython folds a display of three or more constants into a frozenset constant.
                if v.len() > 2 && v.iter().all(is_constant) {
                    self.op(Op::BuildConstSet(v.len() as u32));
                } else {
                    self.op(Op::BuildSet(v.len() as u32));
                }
            }
            ExprKind::Dict(v) => {
                for (k, x) in v {
                    self.expr(k);
                    self.expr(x);
                }
                self.op(Op::BuildDict(v.len() as u32));
            }
            ExprKind::Comp {
                kind,
                elt,
                value,
                gens,
            } => {
                match kind {
                    CompKind::List | CompKind::Gen => self.op(Op::BuildList(0)),
                    CompKind::Set => self.op(Op::BuildSet(0)),
                    CompKind::Dict => self.op(Op::BuildDict(0)),
                };
                self.comp(*kind, elt, value.as_deref(), gens, 0);
            }
            ExprKind::Name(n) => self.load_name(n),
            ExprKind::Attr(o, n) => {
                self.expr(o);
                let ni = self.name_idx(n);
                self.op(Op::LoadAttr(ni));
            }
            ExprKind::Subscript(o, i) => {
                self.expr(o);
                self.expr(i);
                self.op(Op::LoadSubscr);
            }
            ExprKind::Slice(a, b, c) => {
                for x in [a, b, c] {
                    match x {
                        Some(x) => self.expr(x),
                        None => {
                            self.op(Op::Const(0));
                        }
                    }
                }
                self.op(Op::BuildSlice);
            }
            ExprKind::Call { func, args, kwargs } => self.call(e, func, args, kwargs),
            ExprKind::BinOp(a, op, b) => {
                self.expr(a);
                self.expr(b);
                let l = self.lines.line(e.span.start);
                self.emit(Op::Bin(*op), l);
            }
            ExprKind::Unary(op, a) => {
                self.expr(a);
                self.op(Op::Unary(*op));
            }
            ExprKind::BoolOp(and, vs) => {
                let mut jumps = vec![];
                for (i, v) in vs.iter().enumerate() {
                    self.expr(v);
                    if i + 1 < vs.len() {
                        jumps.push(self.op(if *and {
                            Op::JumpIfFalseOrPop(0)
                        } else {
                            Op::JumpIfTrueOrPop(0)
                        }));
                    }
                }
                for j in jumps {
                    self.patch(j);
                }
            }
            ExprKind::Compare(a, rest) => {
                self.expr(a);
                if rest.len() == 1 {
                    self.expr(&rest[0].1);
                    self.op(Op::Cmp(rest[0].0));
                    return;
                }
                // a < b < c: keep b for the next comparison, short-circuit on false.
                let mut fails = vec![];
                for (i, (op, x)) in rest.iter().enumerate() {
                    self.expr(x);
                    if i + 1 < rest.len() {
                        self.op(Op::Dup);
                        self.op(Op::Rot3);
                        self.op(Op::Cmp(*op));
                        fails.push(self.op(Op::JumpIfFalseOrPop(0)));
                    } else {
                        self.op(Op::Cmp(*op));
                    }
                }
                let end = self.op(Op::Jump(0));
                for f in fails {
                    self.patch(f);
                }
                self.op(Op::Rot2);
                self.op(Op::Pop);
                self.patch(end);
            }
            ExprKind::IfExp { test, body, orelse } => {
                self.expr(test);
                let j = self.op(Op::JumpIfFalse(0));
                self.expr(body);
                let end = self.op(Op::Jump(0));
                self.patch(j);
                self.expr(orelse);
                self.patch(end);
            }
            ExprKind::Lambda(f) => self.make_function(f),
            ExprKind::Await(a) => {
                self.expr(a);
                let l = self.lines.line(e.span.start);
                self.emit(Op::Await, l);
            }
            ExprKind::Starred(a) => self.expr(a),
        }
    }

    /// Build a list from elements some of which are starred; returns false (emitting nothing) if none are.
    fn seq_with_star(&mut self, v: &'a [Expr]) -> bool {
        if !v.iter().any(|x| matches!(x.kind, ExprKind::Starred(_))) {
            return false;
        }
        self.op(Op::BuildList(0));
        for x in v {
            match &x.kind {
                ExprKind::Starred(inner) => {
                    self.expr(inner);
                    self.op(Op::ListExtend);
                }
                _ => {
                    self.expr(x);
                    self.op(Op::ListAppend(1));
                }
            }
        }
        true
    }

    fn comp(
        &mut self,
        kind: CompKind,
        elt: &'a Expr,
        value: Option<&'a Expr>,
        gens: &'a [Comprehension],
        depth: u32,
    ) {
        let Some((g, rest)) = gens.split_first() else {
            self.expr(elt);
            match kind {
                CompKind::List | CompKind::Gen => self.op(Op::ListAppend(depth + 1)),
                CompKind::Set => self.op(Op::SetAdd(depth + 1)),
                CompKind::Dict => {
                    if let Some(v) = value {
                        self.expr(v);
                    }
                    self.op(Op::MapAdd(depth + 2))
                }
            };
            return;
        };
        self.expr(&g.iter);
        self.op(Op::GetIter);
        let start = self.code.ops.len();
        let fi = self.op(Op::ForIter(0));
        self.store(&g.target);
        let mut skips = vec![];
        for c in &g.ifs {
            self.expr(c);
            skips.push(self.op(Op::JumpIfFalse(0)));
        }
        self.comp(kind, elt, value, rest, depth + 1);
        for s in skips {
            self.patch_to(s, start as u32);
        }
        self.op(Op::Jump(start as u32));
        self.patch(fi);
    }

    fn call(&mut self, e: &'a Expr, func: &'a Expr, args: &'a [Arg], kwargs: &'a [(String, Expr)]) {
        let line = self.lines.line(e.span.start);
        let has_star = args.iter().any(|a| matches!(a, Arg::Star(_)));
        if let (ExprKind::Attr(obj, name), false, true) = (&func.kind, has_star, kwargs.is_empty())
        {
            self.expr(obj);
            for a in args {
                if let Arg::Pos(x) = a {
                    self.expr(x);
                }
            }
            let ni = self.name_idx(name);
            self.emit(Op::CallMethod(ni, args.len() as u32), line);
            return;
        }
        if let ExprKind::Name(n) = &func.kind {
            if n == "super" && args.is_empty() && kwargs.is_empty() {
                // Zero-argument super() needs the defining class and the first argument.
                self.load_name("super");
                if let Some(i) = self.cells.get_index_of("__class__") {
                    self.op(Op::LoadDeref(i as u32));
                } else {
                    self.op(Op::Const(0));
                }
                if self.kind == ScopeKind::Function && !self.locals.is_empty() {
                    let first = self.locals[0].clone();
                    if let Some(i) = self.cells.get_index_of(&first) {
                        self.op(Op::LoadDeref(i as u32));
                    } else {
                        self.op(Op::LoadFast(0));
                    }
                } else {
                    self.op(Op::Const(0));
                }
                self.emit(Op::Call(2), line);
                return;
            }
        }
        self.expr(func);
        if has_star {
            self.op(Op::BuildList(0));
            for a in args {
                match a {
                    Arg::Pos(x) => {
                        self.expr(x);
                        self.op(Op::ListAppend(1));
                    }
                    Arg::Star(x) => {
                        self.expr(x);
                        self.op(Op::ListExtend);
                    }
                }
            }
        } else {
            for a in args {
                if let Arg::Pos(x) = a {
                    self.expr(x);
                }
            }
        }
        let kw_const = if kwargs.is_empty() {
            u32::MAX
        } else {
            for (_, v) in kwargs {
                self.expr(v);
            }
            let names: Vec<Value> = kwargs.iter().map(|(n, _)| Value::str(n)).collect();
            self.konst(Value::tuple(names))
        };
        if has_star {
            self.emit(Op::CallEx(kw_const), line);
        } else if kwargs.is_empty() {
            self.emit(Op::Call(args.len() as u32), line);
        } else {
            self.emit(Op::CallKw(args.len() as u32, kw_const), line);
        }
    }

    fn fparts(&mut self, parts: &'a [FPart]) -> u32 {
        let mut n = 0;
        for p in parts {
            match p {
                FPart::Lit(s) => {
                    let k = self.konst(Value::str(s));
                    self.op(Op::Const(k));
                }
                FPart::Expr { value, conv, spec } => {
                    self.expr(value);
                    if !spec.is_empty() {
                        let m = self.fparts(spec);
                        self.op(Op::BuildString(m));
                    }
                    self.op(Op::FormatValue(*conv as u32, !spec.is_empty()));
                }
            }
            n += 1;
        }
        n
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Exit {
    Return,
    Break,
    Continue,
}

/// Is `e` a constant after CPython's AST optimizer (literals, folded unary operators, tuples of constants)?
fn is_constant(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Int(_)
        | ExprKind::BigInt(_)
        | ExprKind::Float(_)
        | ExprKind::Str(_)
        | ExprKind::Bool(_)
        | ExprKind::None => true,
        ExprKind::Unary(_, inner) => is_constant(inner),
        ExprKind::Tuple(items) => items.iter().all(is_constant),
        _ => false,
    }
}
