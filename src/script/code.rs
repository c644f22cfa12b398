//! Bytecode: the compact instruction set the VM runs, and the code objects that hold it.

use std::rc::Rc;

use super::ir::{BinOp, CmpOp, UnaryOp};
use super::value::Value;

/// One instruction. Operands index the code object's tables.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Op {
    Const(u32),
    LoadFast(u32),
    StoreFast(u32),
    DelFast(u32),
    LoadDeref(u32),
    StoreDeref(u32),
    LoadGlobal(u32),
    StoreGlobal(u32),
    DelGlobal(u32),
    /// Class body lookup: class namespace, then globals, then builtins.
    LoadName(u32),
    StoreName(u32),
    LoadAttr(u32),
    StoreAttr(u32),
    DelAttr(u32),
    LoadSubscr,
    StoreSubscr,
    DelSubscr,
    Pop,
    Dup,
    Dup2,
    Rot2,
    Rot3,
    Bin(BinOp),
    InplaceBin(BinOp),
    Unary(UnaryOp),
    Cmp(CmpOp),
    Jump(u32),
    JumpIfFalse(u32),
    JumpIfTrue(u32),
    JumpIfFalseOrPop(u32),
    JumpIfTrueOrPop(u32),
    BuildList(u32),
    BuildTuple(u32),
    BuildDict(u32),
    BuildSet(u32),
    /// A set display of more than two constants, which CPython builds at compile time.
    BuildConstSet(u32),
    BuildSlice,
    /// Append TOS to the list at stack depth n (below TOS), for comprehensions.
    ListAppend(u32),
    SetAdd(u32),
    MapAdd(u32),
    /// Extend the list below TOS by the iterable TOS.
    ListExtend,
    ListToTuple,
    UnpackSeq(u32),
    /// Unpack with a starred target: (before, after).
    UnpackEx(u32, u32),
    GetIter,
    /// Push next item, or pop the iterator and jump.
    ForIter(u32),
    /// Call with n positional arguments.
    Call(u32),
    /// Call with n positional arguments then the keyword values named by the tuple constant k.
    CallKw(u32, u32),
    /// Call with a list of positional arguments (built from starred args) then keywords (tuple const k, or u32::MAX).
    CallEx(u32),
    /// `obj.name(args...)` without materialising a bound method.
    CallMethod(u32, u32),
    /// Make a function from nested code n: flags 1=defaults tuple, 2=kwdefaults dict, 4=closure tuple on stack.
    MakeFunction(u32, u32),
    /// Push the cell object at index i (for building closures).
    LoadCell(u32),
    /// Build a class from nested body code n; base on stack if flag.
    BuildClass(u32, bool),
    Return,
    Await,
    SetupExcept(u32),
    SetupFinally(u32),
    PopBlock,
    /// Enter an except handler: TOS is the exception; remember it as the one being handled.
    PushExcInfo,
    PopExcInfo,
    /// 0: re-raise current, 1: raise TOS, 2: raise TOS1 from TOS.
    Raise(u32),
    /// Re-raise TOS (the exception a finally/with block caught).
    Reraise,
    /// TOS = type (or tuple), TOS1 = exception: push whether it matches (keeps exception).
    ExcMatch,
    /// Format TOS for an f-string: conversion char as u32, with a spec below it if flag.
    FormatValue(u32, bool),
    BuildString(u32),
    ImportModule(u32),
    /// Raise AssertionError, with the message on the stack if flag.
    AssertFail(bool),
}

/// A compiled function, lambda, class body or module.
#[derive(Debug, Default)]
pub struct Code {
    pub name: Rc<str>,
    /// Dotted path like CPython's `__qualname__` (`Foo.bar`, `outer.<locals>.inner`).
    pub qualname: Rc<str>,
    pub file: Rc<str>,
    pub ops: Vec<Op>,
    /// Source line of each op.
    pub lines: Vec<u32>,
    pub consts: Vec<Value>,
    pub names: Vec<Rc<str>>,
    pub codes: Vec<Rc<Code>>,
    pub local_names: Vec<Rc<str>>,
    /// Own captured variables, then variables captured from outside.
    pub cell_names: Vec<Rc<str>>,
    pub ncellvars: usize,
    /// (local slot, cell index) for parameters that closures capture.
    pub param_cells: Vec<(usize, usize)>,
    pub nparams: usize,
    pub kwonly: Vec<Rc<str>>,
    pub varargs: bool,
    pub varkw: bool,
    pub is_async: bool,
    pub is_class_body: bool,
    /// Part of the interpreter's own prelude: hidden from tracebacks.
    pub hidden: bool,
    /// Uses zero-argument super(): the frame needs its function's owner class.
    pub uses_super: bool,
    /// Inline cache: for each name, the globals slot it was last found in (u32::MAX: none).
    pub gcache: Vec<std::cell::Cell<u32>>,
}

impl Code {
    /// Index of a named parameter (positional or keyword-only) in the locals.
    pub fn param_index(&self, name: &str) -> Option<usize> {
        let pos = self.local_names[..self.nparams]
            .iter()
            .position(|n| &**n == name);
        if pos.is_some() {
            return pos;
        }
        let base = self.nparams + self.varargs as usize;
        self.kwonly
            .iter()
            .position(|n| &**n == name)
            .map(|i| base + i)
    }
}
