//! The checked IR of the scenario subset: everything the interpreter accepts, nothing it does not.

use std::rc::Rc;

use num_bigint::BigInt;

pub use super::diag::Span;

/// A whole scenario file.
#[derive(Debug)]
pub struct Module {
    /// Top-level statements.
    pub body: Vec<Stmt>,
}

/// A statement with its source span.
#[derive(Debug)]
pub struct Stmt {
    /// What the statement is.
    pub kind: StmtKind,
    /// Where it is.
    pub span: Span,
}

/// Statement forms of the subset.
#[derive(Debug)]
pub enum StmtKind {
    Expr(Expr),
    Assign {
        targets: Vec<Target>,
        value: Expr,
    },
    AugAssign {
        target: Target,
        op: BinOp,
        value: Expr,
    },
    Def(Rc<FuncDef>),
    Class {
        name: String,
        base: Option<Expr>,
        body: Vec<Stmt>,
    },
    Return(Option<Expr>),
    If {
        test: Expr,
        body: Vec<Stmt>,
        orelse: Vec<Stmt>,
    },
    While {
        test: Expr,
        body: Vec<Stmt>,
        orelse: Vec<Stmt>,
    },
    For {
        target: Target,
        iter: Expr,
        body: Vec<Stmt>,
        orelse: Vec<Stmt>,
    },
    Break,
    Continue,
    Pass,
    Global(Vec<String>),
    Nonlocal(Vec<String>),
    Assert {
        test: Expr,
        msg: Option<Expr>,
    },
    Raise {
        exc: Option<Expr>,
        cause: Option<Expr>,
    },
    Try {
        body: Vec<Stmt>,
        handlers: Vec<Handler>,
        orelse: Vec<Stmt>,
        finalbody: Vec<Stmt>,
    },
    With {
        is_async: bool,
        items: Vec<(Expr, Option<Target>)>,
        body: Vec<Stmt>,
    },
    /// `import m` / `import m as a`: binds `alias` to module `module`.
    Import {
        module: String,
        alias: String,
    },
    /// `from m import a as b, ...`.
    ImportFrom {
        module: String,
        names: Vec<(String, String)>,
    },
    /// `del x`, `del d[k]`.
    Del(Vec<Target>),
}

/// An `except` clause.
#[derive(Debug)]
pub struct Handler {
    /// The exception type (or tuple of types); `None` catches everything.
    pub typ: Option<Expr>,
    /// The `as` name.
    pub name: Option<String>,
    /// The handler body.
    pub body: Vec<Stmt>,
    /// Where the clause is.
    pub span: Span,
}

/// An assignment target.
#[derive(Debug)]
pub enum Target {
    Name(String, Span),
    Attr(Expr, String),
    Subscript(Expr, Expr),
    Tuple(Vec<Target>),
    /// `*rest` inside a tuple target.
    Starred(Box<Target>),
}

/// A function, async function or lambda.
#[derive(Debug)]
pub struct FuncDef {
    pub name: String,
    pub params: Vec<Param>,
    pub vararg: Option<String>,
    pub kwonly: Vec<Param>,
    pub kwarg: Option<String>,
    pub body: Vec<Stmt>,
    pub is_async: bool,
    pub is_lambda: bool,
    pub span: Span,
}

/// A parameter with its optional default.
#[derive(Debug)]
pub struct Param {
    pub name: String,
    pub default: Option<Expr>,
}

/// An expression with its source span.
#[derive(Debug)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

/// Expression forms of the subset.
#[derive(Debug)]
pub enum ExprKind {
    Int(i64),
    BigInt(Rc<BigInt>),
    Float(f64),
    Str(Rc<str>),
    Bool(bool),
    None,
    FString(Vec<FPart>),
    List(Vec<Expr>),
    Tuple(Vec<Expr>),
    Dict(Vec<(Expr, Expr)>),
    Set(Vec<Expr>),
    /// List, set and generator comprehensions (generators are evaluated eagerly to a list).
    Comp {
        kind: CompKind,
        elt: Box<Expr>,
        value: Option<Box<Expr>>,
        gens: Vec<Comprehension>,
    },
    Name(String),
    Attr(Box<Expr>, String),
    Subscript(Box<Expr>, Box<Expr>),
    Slice(Option<Box<Expr>>, Option<Box<Expr>>, Option<Box<Expr>>),
    Call {
        func: Box<Expr>,
        args: Vec<Arg>,
        kwargs: Vec<(String, Expr)>,
    },
    BinOp(Box<Expr>, BinOp, Box<Expr>),
    Unary(UnaryOp, Box<Expr>),
    /// `and` (true) / `or` (false) over two or more operands.
    BoolOp(bool, Vec<Expr>),
    Compare(Box<Expr>, Vec<(CmpOp, Expr)>),
    IfExp {
        test: Box<Expr>,
        body: Box<Expr>,
        orelse: Box<Expr>,
    },
    Lambda(Rc<FuncDef>),
    Await(Box<Expr>),
    /// `*x` in a list/tuple display.
    Starred(Box<Expr>),
}

/// Which comprehension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompKind {
    List,
    Set,
    Dict,
    /// A generator expression, evaluated eagerly into a list (documented departure: no laziness).
    Gen,
}

/// One `for ... in ... if ...` clause.
#[derive(Debug)]
pub struct Comprehension {
    pub target: Target,
    pub iter: Expr,
    pub ifs: Vec<Expr>,
}

/// A positional call argument.
#[derive(Debug)]
pub enum Arg {
    Pos(Expr),
    Star(Expr),
}

/// A piece of an f-string.
#[derive(Debug)]
pub enum FPart {
    Lit(String),
    Expr {
        value: Expr,
        conv: char,
        spec: Vec<FPart>,
    },
}

/// Binary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    FloorDiv,
    Mod,
    Pow,
    LShift,
    RShift,
    BitOr,
    BitXor,
    BitAnd,
}

/// Unary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    Neg,
    Pos,
    Not,
    Invert,
}

/// Comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Is,
    IsNot,
    In,
    NotIn,
}
