//! Text forms of values as CPython prints them: repr, str, format specs and `%` formatting.

use super::num::{float_repr, to_big, to_f64};
use super::value::*;
use super::vm::{PyResult, Vm};

/// CPython's repr of a str (quote choice and escapes).
pub fn str_repr(s: &str) -> String {
    let q = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(q);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == q => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push(q);
    out
}

/// `repr(v)`.
pub fn repr(vm: &mut Vm, v: &Value) -> PyResult<String> {
    Ok(match v {
        Value::None => "None".into(),
        Value::Bool(b) => if *b { "True" } else { "False" }.into(),
        Value::Int(i) => i.to_string(),
        Value::Big(b) => b.to_string(),
        Value::Float(f) => float_repr(*f),
        Value::Str(s) => str_repr(s),
        Value::List(l) => {
            let items = l.borrow().clone();
            format!("[{}]", join_reprs(vm, &items)?)
        }
        Value::Tuple(t) => {
            let items = t.to_vec();
            if items.len() == 1 {
                format!("({},)", repr(vm, &items[0])?)
            } else {
                format!("({})", join_reprs(vm, &items)?)
            }
        }
        Value::Dict(d) => {
            let items: Vec<(Value, Value)> = d
                .borrow()
                .iter()
                .map(|(k, v)| (k.0.clone(), v.clone()))
                .collect();
            let mut parts = Vec::with_capacity(items.len());
            for (k, v) in items {
                parts.push(format!("{}: {}", repr(vm, &k)?, repr(vm, &v)?));
            }
            format!("{{{}}}", parts.join(", "))
        }
        Value::Set(s) => {
            let items = s.borrow().order();
            if items.is_empty() {
                "set()".into()
            } else {
                format!("{{{}}}", join_reprs(vm, &items)?)
            }
        }
        Value::Range(r) => {
            if r.2 == 1 {
                format!("range({}, {})", r.0, r.1)
            } else {
                format!("range({}, {}, {})", r.0, r.1, r.2)
            }
        }
        Value::Slice(s) => {
            let s = s.clone();
            format!(
                "slice({}, {}, {})",
                repr(vm, &s[0])?,
                repr(vm, &s[1])?,
                repr(vm, &s[2])?
            )
        }
        Value::Func(f) => format!("<function {}>", f.code.name),
        Value::Builtin(b) => match b.0 {
            "int"
            | "str"
            | "float"
            | "bool"
            | "list"
            | "dict"
            | "tuple"
            | "set"
            | "object"
            | "type"
            | "range"
            | "NoneType"
            | "coroutine"
            | "function"
            | "method"
            | "builtin_function_or_method"
            | "module" => {
                format!("<class '{}'>", b.0)
            }
            n => format!("<built-in function {n}>"),
        },
        Value::BuiltinMethod(m) => format!("<built-in method {}>", m.1),
        Value::Method(m) => {
            let tn = vm.type_name(&m.0);
            match &m.1 {
                // The prelude's native Future methods (CPython's C methods).
                Value::Builtin(b) => format!(
                    "<built-in method {} of {tn} object>",
                    super::future::method_name(b.0)
                ),
                Value::Func(f) => format!("<bound method {tn}.{}>", f.code.name),
                _ => format!("<bound method {tn}.?>"),
            }
        }
        Value::Class(c) => {
            if c.builtin {
                format!("<class '{}'>", c.name)
            } else {
                format!("<class '__main__.{}'>", c.name)
            }
        }
        Value::Instance(i) => {
            if let Some(f) = i.class.lookup("__repr__") {
                return call_text_dunder(vm, &f, v, "__repr__");
            }
            if vm.is_exc(v, "BaseException") {
                let args = exc_args(v);
                let inner = if args.len() == 1 {
                    repr(vm, &args[0])?
                } else {
                    join_reprs(vm, &args)?
                };
                format!("{}({})", i.class.name, inner)
            } else {
                // CPython prints an address here; a run must not depend on one.
                format!("<__main__.{} object>", i.class.name)
            }
        }
        Value::Module(m) => format!("<module '{}'>", m.name),
        Value::Iter(_) => "<iterator object>".into(),
        Value::Coro(c) => format!("<coroutine object {}>", c.name),
        Value::YieldReq(_) => "<_yield>".into(),
        Value::Cell(_) => "<cell>".into(),
        Value::Undef => "<undefined>".into(),
        Value::Native(_) => "<native>".into(),
        Value::View(v) => {
            let items = v.0.items(&v.1.borrow());
            format!("{}([{}])", v.0.name(), join_reprs(vm, &items)?)
        }
    })
}

/// Calls a user `__repr__` or `__str__`, which must return a str.
fn call_text_dunder(vm: &mut Vm, f: &Value, v: &Value, name: &str) -> PyResult<String> {
    match vm.call_sync(f, vec![v.clone()], vec![])? {
        Value::Str(s) => Ok(s.to_string()),
        other => {
            let tn = vm.type_name(&other);
            vm.err(
                "TypeError",
                format!("{name} returned non-string (type {tn})"),
            )
        }
    }
}

/// The exception's `args` tuple.
pub fn exc_args(v: &Value) -> Vec<Value> {
    match v {
        Value::Instance(i) => match i.attrs.borrow().get("args") {
            Some(Value::Tuple(t)) => t.to_vec(),
            _ => vec![],
        },
        _ => vec![],
    }
}

/// `str(v)` for non-str values.
pub fn to_str(vm: &mut Vm, v: &Value) -> PyResult<String> {
    match v {
        Value::Str(s) => Ok(s.to_string()),
        Value::Instance(i) => {
            if let Some(f) = i.class.lookup("__str__") {
                return call_text_dunder(vm, &f, v, "__str__");
            }
            if vm.is_exc(v, "BaseExceptionGroup") {
                let args = exc_args(v);
                let msg = match args.first() {
                    Some(Value::Str(s)) => s.to_string(),
                    _ => String::new(),
                };
                let n = match args.get(1) {
                    Some(Value::Tuple(t)) => t.len(),
                    _ => 0,
                };
                return Ok(format!(
                    "{msg} ({n} sub-exception{})",
                    if n == 1 { "" } else { "s" }
                ));
            }
            if vm.is_exc(v, "BaseException") && i.class.lookup("__repr__").is_none() {
                let args = exc_args(v);
                if vm.is_exc(v, "KeyError") && args.len() == 1 {
                    return repr(vm, &args[0]);
                }
                return match args.len() {
                    0 => Ok(String::new()),
                    1 => to_str(vm, &args[0]),
                    _ => repr(vm, &Value::tuple(args)),
                };
            }
            repr(vm, v)
        }
        _ => repr(vm, v),
    }
}

fn join_reprs(vm: &mut Vm, items: &[Value]) -> PyResult<String> {
    let mut parts = Vec::with_capacity(items.len());
    for it in items {
        parts.push(repr(vm, it)?);
    }
    Ok(parts.join(", "))
}

struct Spec {
    fill: char,
    align: Option<char>,
    sign: char,
    alt: bool,
    zero: bool,
    width: usize,
    grouping: Option<char>,
    precision: Option<usize>,
    ty: Option<char>,
}

fn parse_spec(s: &str) -> Option<Spec> {
    let c: Vec<char> = s.chars().collect();
    let mut i = 0;
    let mut sp = Spec {
        fill: ' ',
        align: None,
        sign: '-',
        alt: false,
        zero: false,
        width: 0,
        grouping: None,
        precision: None,
        ty: None,
    };
    let is_align = |ch: char| matches!(ch, '<' | '>' | '^' | '=');
    if c.len() >= 2 && is_align(c[1]) {
        sp.fill = c[0];
        sp.align = Some(c[1]);
        i = 2;
    } else if !c.is_empty() && is_align(c[0]) {
        sp.align = Some(c[0]);
        i = 1;
    }
    if i < c.len() && matches!(c[i], '+' | '-' | ' ') {
        sp.sign = c[i];
        i += 1;
    }
    if i < c.len() && c[i] == '#' {
        sp.alt = true;
        i += 1;
    }
    if i < c.len() && c[i] == '0' {
        sp.zero = true;
        i += 1;
    }
    let st = i;
    while i < c.len() && c[i].is_ascii_digit() {
        i += 1;
    }
    if i > st {
        sp.width = c[st..i].iter().collect::<String>().parse().ok()?;
    }
    if i < c.len() && matches!(c[i], ',' | '_') {
        sp.grouping = Some(c[i]);
        i += 1;
    }
    if i < c.len() && c[i] == '.' {
        i += 1;
        let st = i;
        while i < c.len() && c[i].is_ascii_digit() {
            i += 1;
        }
        sp.precision = Some(c[st..i].iter().collect::<String>().parse().ok()?);
    }
    if i < c.len() {
        sp.ty = Some(c[i]);
        i += 1;
    }
    (i == c.len()).then_some(sp)
}

fn group(digits: &str, sep: char) -> String {
    let (int, frac) = match digits.find('.') {
        Some(p) => (&digits[..p], &digits[p..]),
        None => (digits, ""),
    };
    let mut out = String::new();
    let n = int.len();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (n - i) % 3 == 0 {
            out.push(sep);
        }
        out.push(ch);
    }
    out + frac
}

/// Python's `%g`-style formatting with precision p.
fn fmt_g(f: f64, p: usize, alt: bool) -> String {
    let p = p.max(1);
    if f == 0.0 {
        return if f.is_sign_negative() {
            "-0".into()
        } else {
            "0".into()
        };
    }
    let e = format!("{:.*e}", p - 1, f);
    let exp: i32 = e
        .split_once('e')
        .map(|(_, x)| x.parse().unwrap_or(0))
        .unwrap_or(0);
    let s = if exp < -4 || exp >= p as i32 {
        let (m, _) = e.split_once('e').unwrap_or((&e, ""));
        let m = if alt { m.to_string() } else { strip_zeros(m) };
        format!("{}e{}{:02}", m, if exp < 0 { '-' } else { '+' }, exp.abs())
    } else {
        let s = format!("{:.*}", (p as i32 - 1 - exp).max(0) as usize, f);
        if alt {
            s
        } else {
            strip_zeros(&s)
        }
    };
    s
}

fn strip_zeros(s: &str) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s.to_string()
    }
}

fn fmt_e(f: f64, p: usize) -> String {
    let e = format!("{:.*e}", p, f);
    let (m, x) = e.split_once('e').unwrap_or((&e, "0"));
    let x: i32 = x.parse().unwrap_or(0);
    format!("{}e{}{:02}", m, if x < 0 { '-' } else { '+' }, x.abs())
}

/// Apply a format spec (`format(v, spec)`, f-string `{v:spec}`).
pub fn format_spec(vm: &mut Vm, v: &Value, spec: &str) -> PyResult<String> {
    if spec.is_empty() {
        return vm.py_str(v);
    }
    if let Value::Instance(i) = v {
        if let Some(f) = i.class.lookup("__format__") {
            let r = vm.call_sync(&f, vec![v.clone(), Value::str(spec)], vec![])?;
            return vm.py_str(&r);
        }
    }
    let Some(sp) = parse_spec(spec) else {
        return vm.err("ValueError", "Invalid format specifier");
    };
    // Widths and precisions past this would only build absurd strings (the allocation budget).
    vm.check_alloc(sp.width.max(sp.precision.unwrap_or(0)) as u64)?;
    let (body, numeric, neg) = match v {
        Value::Int(_) | Value::Big(_) | Value::Bool(_)
            if !matches!(sp.ty, Some('f' | 'F' | 'e' | 'E' | 'g' | 'G' | '%')) =>
        {
            let Some(b) = to_big(v) else {
                return vm.err("ValueError", "bad int");
            };
            if matches!(v, Value::Bool(_)) && sp.ty.is_none() {
                (vm.py_str(v)?, false, false)
            } else {
                let neg = b.sign() == num_bigint::Sign::Minus;
                let m = b.magnitude();
                let s = match sp.ty {
                    None | Some('d') | Some('n') => m.to_string(),
                    Some('x') => {
                        format!("{}{}", if sp.alt { "0x" } else { "" }, m.to_str_radix(16))
                    }
                    Some('X') => format!(
                        "{}{}",
                        if sp.alt { "0X" } else { "" },
                        m.to_str_radix(16).to_uppercase()
                    ),
                    Some('o') => format!("{}{}", if sp.alt { "0o" } else { "" }, m.to_str_radix(8)),
                    Some('b') => format!("{}{}", if sp.alt { "0b" } else { "" }, m.to_str_radix(2)),
                    Some('c') => char::from_u32(b.try_into().unwrap_or(0u32))
                        .map(String::from)
                        .unwrap_or_default(),
                    Some(t) => {
                        return vm.err(
                            "ValueError",
                            format!("Unknown format code '{t}' for object of type 'int'"),
                        );
                    }
                };
                let s = match sp.grouping {
                    Some(g) => group(&s, g),
                    None => s,
                };
                (s, true, neg)
            }
        }
        Value::Int(_) | Value::Big(_) | Value::Bool(_) | Value::Float(_) => {
            let f = to_f64(v).unwrap_or(0.0);
            let neg = f.is_sign_negative() && !(f.is_nan());
            let a = f.abs();
            let s = if a.is_infinite() {
                if matches!(sp.ty, Some('F' | 'E' | 'G')) {
                    "INF"
                } else {
                    "inf"
                }
                .to_string()
            } else if a.is_nan() {
                if matches!(sp.ty, Some('F' | 'E' | 'G')) {
                    "NAN"
                } else {
                    "nan"
                }
                .to_string()
            } else {
                match sp.ty {
                    Some('f') | Some('F') => format!("{:.*}", sp.precision.unwrap_or(6), a),
                    Some('e') => fmt_e(a, sp.precision.unwrap_or(6)),
                    Some('E') => fmt_e(a, sp.precision.unwrap_or(6)).to_uppercase(),
                    Some('%') => format!("{:.*}%", sp.precision.unwrap_or(6), a * 100.0),
                    Some('g') => fmt_g(a, sp.precision.unwrap_or(6), sp.alt),
                    Some('G') => fmt_g(a, sp.precision.unwrap_or(6), sp.alt).to_uppercase(),
                    None => match sp.precision {
                        Some(p) => {
                            let s = fmt_g(a, p, sp.alt);
                            if s.contains(['.', 'e', 'n', 'i']) {
                                s
                            } else {
                                s + ".0"
                            }
                        }
                        None => float_repr(a),
                    },
                    Some('n') => fmt_g(a, sp.precision.unwrap_or(6), sp.alt),
                    Some(t) => {
                        return vm.err(
                            "ValueError",
                            format!("Unknown format code '{t}' for object of type 'float'"),
                        );
                    }
                }
            };
            let s = match sp.grouping {
                Some(g) => {
                    let (num, rest) = match s.find(|c: char| !c.is_ascii_digit() && c != '.') {
                        Some(p) => (s[..p].to_string(), s[p..].to_string()),
                        None => (s.clone(), String::new()),
                    };
                    group(&num, g) + &rest
                }
                None => s,
            };
            (s, true, neg)
        }
        Value::Str(s) => {
            if let Some(t) = sp.ty.filter(|t| *t != 's') {
                return vm.err(
                    "ValueError",
                    format!("Unknown format code '{t}' for object of type 'str'"),
                );
            }
            let s: String = match sp.precision {
                Some(p) => s.chars().take(p).collect(),
                None => s.to_string(),
            };
            (s, false, false)
        }
        _ => {
            let tn = vm.type_name(v);
            return vm.err(
                "TypeError",
                format!("unsupported format string passed to {tn}.__format__"),
            );
        }
    };
    let sign = if neg {
        "-"
    } else if numeric && sp.sign == '+' {
        "+"
    } else if numeric && sp.sign == ' ' {
        " "
    } else {
        ""
    };
    let len = body.chars().count() + sign.len();
    if len >= sp.width {
        return Ok(format!("{sign}{body}"));
    }
    let pad = sp.width - len;
    let (fill, align) = if sp.zero && sp.align.is_none() && numeric {
        ('0', '=')
    } else {
        (sp.fill, sp.align.unwrap_or(if numeric { '>' } else { '<' }))
    };
    let f = |n: usize| fill.to_string().repeat(n);
    Ok(match align {
        '<' => format!("{sign}{body}{}", f(pad)),
        '^' => format!("{}{sign}{body}{}", f(pad / 2), f(pad - pad / 2)),
        '=' => format!("{sign}{}{body}", f(pad)),
        _ => format!("{}{sign}{body}", f(pad)),
    })
}

/// `"fmt" % args`.
pub fn percent_format(vm: &mut Vm, fmt: &str, args: &Value) -> PyResult<Value> {
    let args: Vec<Value> = match args {
        Value::Tuple(t) => t.to_vec(),
        other => vec![other.clone()],
    };
    let mut out = String::new();
    let mut it = args.into_iter();
    let c: Vec<char> = fmt.chars().collect();
    let mut i = 0;
    while i < c.len() {
        if c[i] != '%' {
            out.push(c[i]);
            i += 1;
            continue;
        }
        i += 1;
        let st = i;
        while i < c.len() && !c[i].is_ascii_alphabetic() && c[i] != '%' {
            i += 1;
        }
        if i >= c.len() {
            return vm.err("ValueError", "incomplete format");
        }
        let flags: String = c[st..i].iter().collect();
        let conv = c[i];
        i += 1;
        if conv == '%' {
            out.push('%');
            continue;
        }
        let Some(v) = it.next() else {
            return vm.err("TypeError", "not enough arguments for format string");
        };
        let s = match conv {
            's' => {
                let s = vm.py_str(&v)?;
                format_spec(vm, &Value::str(&s), &align_flags(&flags))?
            }
            'r' => {
                let s = vm.repr(&v)?;
                format_spec(vm, &Value::str(&s), &align_flags(&flags))?
            }
            'd' | 'i' => {
                let iv = match &v {
                    Value::Float(f) => Value::Int(f.trunc() as i64),
                    other => other.clone(),
                };
                format_spec(vm, &iv, &format!("{}d", num_flags(&flags)))?
            }
            'f' | 'e' | 'g' | 'x' | 'o' | 'X' | 'E' | 'G' => {
                let spec = format!("{}{}", num_flags(&flags), conv);
                let spec = if conv == 'f' && !spec.contains('.') {
                    format!("{}.6f", num_flags(&flags))
                } else {
                    spec
                };
                format_spec(vm, &v, &spec)?
            }
            _ => {
                return vm.err(
                    "ValueError",
                    format!("unsupported format character '{conv}'"),
                )
            }
        };
        out.push_str(&s);
    }
    if it.next().is_some() {
        return vm.err(
            "TypeError",
            "not all arguments converted during string formatting",
        );
    }
    Ok(Value::str(&out))
}

fn align_flags(flags: &str) -> String {
    match flags.strip_prefix('-') {
        Some(w) => format!("<{w}"),
        None if !flags.is_empty() => format!(">{flags}"),
        None => String::new(),
    }
}

fn num_flags(flags: &str) -> String {
    match flags.strip_prefix('-') {
        Some(w) => format!("<{w}"),
        None => flags.to_string(),
    }
}
