//! Numeric semantics: machine ints promoting to bigints, floats, mixed arithmetic and comparisons as CPython does them.

use std::cmp::Ordering;
use std::rc::Rc;

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{Signed, ToPrimitive, Zero};

use super::ir::BinOp;
use super::value::Value;

/// Error from a numeric operation: (exception class name, message).
pub type NumErr = (&'static str, String);

/// Normalise a bigint back to the machine fast path when it fits.
pub fn norm(b: BigInt) -> Value {
    match b.to_i64() {
        Some(i) => Value::Int(i),
        None => Value::Big(Rc::new(b)),
    }
}

/// The value as a bigint, if it is an int or bool.
pub fn to_big(v: &Value) -> Option<BigInt> {
    match v {
        Value::Int(i) => Some(BigInt::from(*i)),
        Value::Bool(b) => Some(BigInt::from(*b as i64)),
        Value::Big(b) => Some((**b).clone()),
        _ => None,
    }
}

/// The value as a float, if numeric.
pub fn to_f64(v: &Value) -> Option<f64> {
    match v {
        Value::Int(i) => Some(*i as f64),
        Value::Bool(b) => Some(*b as i64 as f64),
        Value::Big(b) => Some(b.to_f64().unwrap_or(f64::INFINITY)),
        Value::Float(f) => Some(*f),
        _ => None,
    }
}

fn is_intlike(v: &Value) -> bool {
    matches!(v, Value::Int(_) | Value::Bool(_) | Value::Big(_))
}

/// Number of elements of `range(start, stop, step)`.
pub fn range_len(start: i64, stop: i64, step: i64) -> i64 {
    if step > 0 && start < stop {
        ((stop as i128 - start as i128 - 1) / step as i128 + 1) as i64
    } else if step < 0 && start > stop {
        ((start as i128 - stop as i128 - 1) / (-(step as i128)) + 1) as i64
    } else {
        0
    }
}

/// Compare two numbers (None if either is not a number or a NaN is involved).
pub fn num_cmp(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => Some(x.cmp(y)),
        _ if is_intlike(a) && is_intlike(b) => Some(to_big(a)?.cmp(&to_big(b)?)),
        (Value::Float(x), _) if is_intlike(b) => float_int_cmp(*x, &to_big(b)?),
        (_, Value::Float(y)) if is_intlike(a) => {
            float_int_cmp(*y, &to_big(a)?).map(Ordering::reverse)
        }
        (Value::Float(x), Value::Float(y)) => x.partial_cmp(y),
        _ => None,
    }
}

fn float_int_cmp(f: f64, i: &BigInt) -> Option<Ordering> {
    if f.is_nan() {
        return None;
    }
    if f.is_infinite() {
        return Some(if f > 0.0 {
            Ordering::Greater
        } else {
            Ordering::Less
        });
    }
    let fl = f.floor();
    let fb = BigInt::from(fl as i128);
    match fb.cmp(i) {
        Ordering::Equal if f > fl => Some(Ordering::Greater),
        o => Some(o),
    }
}

fn zero_div(msg: &str) -> NumErr {
    ("ZeroDivisionError", msg.to_string())
}

/// Apply a binary operator to two numbers; `Ok(None)` means "not numbers".
pub fn binop(op: BinOp, a: &Value, b: &Value) -> Result<Option<Value>, NumErr> {
    if let (Value::Int(x), Value::Int(y)) = (a, b) {
        let (x, y) = (*x, *y);
        let fast = match op {
            BinOp::Add => x.checked_add(y),
            BinOp::Sub => x.checked_sub(y),
            BinOp::Mul => x.checked_mul(y),
            BinOp::FloorDiv if y != 0 && !(x == i64::MIN && y == -1) => {
                Some(Integer::div_floor(&x, &y))
            }
            BinOp::Mod if y != 0 && !(x == i64::MIN && y == -1) => Some(Integer::mod_floor(&x, &y)),
            BinOp::BitAnd => Some(x & y),
            BinOp::BitOr => Some(x | y),
            BinOp::BitXor => Some(x ^ y),
            _ => None,
        };
        if let Some(v) = fast {
            return Ok(Some(Value::Int(v)));
        }
    }
    if is_intlike(a) && is_intlike(b) {
        let (Some(x), Some(y)) = (to_big(a), to_big(b)) else {
            return Ok(None);
        };
        return int_op(op, x, y).map(Some);
    }
    let (Some(x), Some(y)) = (to_f64(a), to_f64(b)) else {
        return Ok(None);
    };
    if matches!(
        op,
        BinOp::LShift | BinOp::RShift | BinOp::BitAnd | BinOp::BitOr | BinOp::BitXor
    ) {
        return Ok(None);
    }
    float_op(op, x, y).map(|f| Some(Value::Float(f)))
}

fn int_op(op: BinOp, x: BigInt, y: BigInt) -> Result<Value, NumErr> {
    Ok(match op {
        BinOp::Add => norm(x + y),
        BinOp::Sub => norm(x - y),
        BinOp::Mul => norm(x * y),
        BinOp::Div => {
            if y.is_zero() {
                return Err(zero_div("division by zero"));
            }
            match (x.to_f64(), y.to_f64()) {
                (Some(a), Some(b)) if a.abs() < 9.0e15 && b.abs() < 9.0e15 => Value::Float(a / b),
                _ => Value::Float(big_true_div(&x, &y)),
            }
        }
        BinOp::FloorDiv => {
            if y.is_zero() {
                return Err(zero_div("integer division or modulo by zero"));
            }
            norm(x.div_floor(&y))
        }
        BinOp::Mod => {
            if y.is_zero() {
                return Err(zero_div("integer modulo by zero"));
            }
            norm(x.mod_floor(&y))
        }
        BinOp::Pow => {
            if y.is_negative() {
                let (a, b) = (
                    x.to_f64().unwrap_or(f64::INFINITY),
                    y.to_f64().unwrap_or(f64::NEG_INFINITY),
                );
                if a == 0.0 {
                    return Err(zero_div("0.0 cannot be raised to a negative power"));
                }
                Value::Float(a.powf(b))
            } else {
                let Some(e) = y.to_u32().filter(|e| *e < 1_000_000) else {
                    return Err(("MemoryError", String::new()));
                };
                norm(num_traits::pow(x, e as usize))
            }
        }
        BinOp::LShift => {
            if y.is_negative() {
                return Err(("ValueError", "negative shift count".into()));
            }
            let Some(s) = y.to_usize().filter(|s| *s < 1 << 24) else {
                return Err(("OverflowError", "too many digits in integer".into()));
            };
            norm(x << s)
        }
        BinOp::RShift => {
            if y.is_negative() {
                return Err(("ValueError", "negative shift count".into()));
            }
            let s = y.to_usize().unwrap_or(usize::MAX >> 1).min(1 << 30);
            norm(x >> s)
        }
        BinOp::BitAnd => norm(x & y),
        BinOp::BitOr => norm(x | y),
        BinOp::BitXor => norm(x ^ y),
    })
}

fn big_true_div(x: &BigInt, y: &BigInt) -> f64 {
    // Scale to keep 64 significant bits, then divide: exact enough for printing, never panics.
    let q = x.div_floor(y);
    let r = x - &q * y;
    q.to_f64().unwrap_or(f64::INFINITY)
        + r.to_f64().unwrap_or(0.0) / y.to_f64().unwrap_or(f64::INFINITY)
}

fn float_op(op: BinOp, x: f64, y: f64) -> Result<f64, NumErr> {
    Ok(match op {
        BinOp::Add => x + y,
        BinOp::Sub => x - y,
        BinOp::Mul => x * y,
        BinOp::Div => {
            if y == 0.0 {
                return Err(zero_div("float division by zero"));
            }
            x / y
        }
        BinOp::FloorDiv => {
            if y == 0.0 {
                return Err(zero_div("float floor division by zero"));
            }
            (x / y).floor()
        }
        BinOp::Mod => {
            if y == 0.0 {
                return Err(zero_div("float modulo"));
            }
            let m = x % y;
            if m != 0.0 && ((m < 0.0) != (y < 0.0)) {
                m + y
            } else if m == 0.0 {
                0.0f64.copysign(y)
            } else {
                m
            }
        }
        BinOp::Pow => {
            if x == 0.0 && y < 0.0 {
                return Err(zero_div("0.0 cannot be raised to a negative power"));
            }
            x.powf(y)
        }
        _ => return Err(("TypeError", "unsupported operand".into())),
    })
}

/// CPython's `repr(float)`: shortest round-trip digits, exponent form outside [1e-4, 1e16).
pub fn float_repr(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if f == 0.0 {
        return if f.is_sign_negative() {
            "-0.0".into()
        } else {
            "0.0".into()
        };
    }
    let sci = format!("{:e}", f);
    let (mant, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let neg = mant.starts_with('-');
    let digits: String = mant.chars().filter(|c| c.is_ascii_digit()).collect();
    let sign = if neg { "-" } else { "" };
    if !(-4..16).contains(&exp) {
        let m = if digits.len() > 1 {
            format!("{}.{}", &digits[..1], &digits[1..])
        } else {
            digits.clone()
        };
        let es = if exp < 0 { "-" } else { "+" };
        format!("{sign}{m}e{es}{:02}", exp.abs())
    } else if exp < 0 {
        format!("{sign}0.{}{}", "0".repeat((-exp - 1) as usize), digits)
    } else {
        let point = exp as usize + 1;
        if digits.len() <= point {
            format!("{sign}{}{}.0", digits, "0".repeat(point - digits.len()))
        } else {
            format!("{sign}{}.{}", &digits[..point], &digits[point..])
        }
    }
}
