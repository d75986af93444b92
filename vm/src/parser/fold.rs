//! The arithmetic of MicroPython's parse-time constant folding (`py/parse.c` with
//! `MICROPY_COMP_CONST_FOLDING` and `MICROPY_COMP_CONST_FLOAT`, as mpy-cross is built).
//!
//! An operation folds only if MicroPython's runtime would compute it without raising: a
//! division by zero, a negative shift, a type error, a complex result or a result too big to
//! allocate all leave the expression unfolded.

use super::grammar::Tok;
use super::node::Node;
use crate::ast::{BinOp, Constant, UnaryOp};
use num_bigint::{BigInt, Sign};
use num_traits::{Signed, ToPrimitive, Zero};

/// Results with more bits than this are left unfolded, as mpy-cross runs out of heap
/// (it raises `MemoryError`, which the folder catches) well before this size.
const MAX_FOLDED_INT_BITS: u64 = 1 << 23;

/// A number the folder can compute with (MicroPython folds ints and floats, not complex).
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Num {
    Int(BigInt),
    Float(f64),
}

impl Num {
    pub(super) fn of(node: &Node) -> Option<Num> {
        match node {
            Node::Const {
                value: Constant::Int(i),
                ..
            } => Some(Num::Int(i.clone())),
            Node::Const {
                value: Constant::Float(f),
                ..
            } => Some(Num::Float(*f)),
            _ => None,
        }
    }

    pub(super) fn into_constant(self) -> Constant {
        match self {
            Num::Int(i) => Constant::Int(i),
            Num::Float(f) => Constant::Float(f),
        }
    }

    fn as_float(&self) -> f64 {
        match self {
            Num::Int(i) => i.to_f64().unwrap_or(f64::NAN),
            Num::Float(f) => *f,
        }
    }
}

/// `lhs op rhs` as MicroPython's runtime computes it, or `None` where it would raise.
pub(super) fn binary(op: BinOp, lhs: &Num, rhs: &Num) -> Option<Num> {
    match (lhs, rhs) {
        (Num::Int(a), Num::Int(b)) => int_binary(op, a, b),
        _ => float_binary(op, lhs.as_float(), rhs.as_float()).map(Num::Float),
    }
}

fn int_binary(op: BinOp, a: &BigInt, b: &BigInt) -> Option<Num> {
    let int = |i: BigInt| Some(Num::Int(i));
    match op {
        BinOp::Or => int(a | b),
        BinOp::Xor => int(a ^ b),
        BinOp::And => int(a & b),
        BinOp::LShift => {
            if b.is_negative() {
                return None;
            }
            if a.is_zero() {
                return int(BigInt::zero());
            }
            let shift = b.to_u64()?;
            if a.bits().saturating_add(shift) > MAX_FOLDED_INT_BITS {
                return None;
            }
            int(a << shift)
        }
        BinOp::RShift => {
            if b.is_negative() {
                return None;
            }
            // Shifting right by more bits than the value has leaves its sign.
            let shift = b.to_u64().unwrap_or(u64::MAX).min(a.bits() + 1);
            int(a >> shift)
        }
        BinOp::Add => int(a + b),
        BinOp::Sub => int(a - b),
        BinOp::Mult => {
            if a.bits() + b.bits() > MAX_FOLDED_INT_BITS {
                return None;
            }
            int(a * b)
        }
        BinOp::MatMult => None,
        BinOp::FloorDiv => {
            if b.is_zero() {
                return None;
            }
            int(floor_div(a, b))
        }
        BinOp::Mod => {
            if b.is_zero() {
                return None;
            }
            int(a - floor_div(a, b) * b)
        }
        BinOp::TrueDiv => {
            if b.is_zero() {
                return None;
            }
            float_binary(
                op,
                Num::Int(a.clone()).as_float(),
                Num::Int(b.clone()).as_float(),
            )
            .map(Num::Float)
        }
        BinOp::Pow => {
            if b.is_negative() {
                return float_binary(op, Num::Int(a.clone()).as_float(), b.to_f64()?)
                    .map(Num::Float);
            }
            if a.magnitude() <= &num_bigint::BigUint::from(1u8) {
                // 0, 1 and -1 stay small whatever the exponent.
                let odd = b.bit(0);
                return int(match a.sign() {
                    Sign::Minus if odd => a.clone(),
                    Sign::Minus => BigInt::from(1),
                    _ if b.is_zero() => BigInt::from(1),
                    _ => a.clone(),
                });
            }
            let exp = b.to_u32()?;
            if a.bits().saturating_mul(u64::from(exp)) > MAX_FOLDED_INT_BITS {
                return None;
            }
            int(num_traits::pow(a.clone(), exp as usize))
        }
    }
}

fn floor_div(a: &BigInt, b: &BigInt) -> BigInt {
    let q = a / b;
    let r = a - &q * b;
    if !r.is_zero() && (r.sign() == Sign::Minus) != (b.sign() == Sign::Minus) {
        q - 1
    } else {
        q
    }
}

fn float_binary(op: BinOp, a: f64, b: f64) -> Option<f64> {
    match op {
        BinOp::Add => Some(a + b),
        BinOp::Sub => Some(a - b),
        BinOp::Mult => Some(a * b),
        BinOp::TrueDiv => (b != 0.0).then(|| a / b),
        BinOp::FloorDiv => (b != 0.0).then(|| float_divmod(a, b).0),
        BinOp::Mod => {
            if b == 0.0 {
                return None;
            }
            let m = a % b;
            Some(if m == 0.0 {
                0.0f64.copysign(b)
            } else if (m < 0.0) != (b < 0.0) {
                m + b
            } else {
                m
            })
        }
        BinOp::Pow => {
            if a == 0.0 && b < 0.0 && !b.is_infinite() {
                return None;
            }
            if a < 0.0 && b != b.floor() && !b.is_nan() {
                // MicroPython would produce a complex number, which is never folded.
                return None;
            }
            Some(a.powf(b))
        }
        BinOp::Or | BinOp::Xor | BinOp::And | BinOp::LShift | BinOp::RShift | BinOp::MatMult => {
            None
        }
    }
}

/// Floor division and modulo of floats, with the sign rules MicroPython takes from CPython.
fn float_divmod(x: f64, y: f64) -> (f64, f64) {
    let mut m = x % y;
    let mut div = (x - m) / y;
    if m == 0.0 {
        m = 0.0f64.copysign(y);
    } else if (m < 0.0) != (y < 0.0) {
        m += y;
        div -= 1.0;
    }
    let floordiv = if div == 0.0 {
        0.0f64.copysign(x / y)
    } else {
        let f = div.floor();
        if div - f > 0.5 {
            f + 1.0
        } else {
            f
        }
    };
    (floordiv, m)
}

/// `op operand` for `+`, `-` and `~` (`~` of a float does not fold).
pub(super) fn unary(op: UnaryOp, operand: &Num) -> Option<Num> {
    match (op, operand) {
        (UnaryOp::Positive, n) => Some(n.clone()),
        (UnaryOp::Negative, Num::Int(i)) => Some(Num::Int(-i)),
        (UnaryOp::Negative, Num::Float(f)) => Some(Num::Float(-f)),
        (UnaryOp::Invert, Num::Int(i)) => Some(Num::Int(!i)),
        _ => None,
    }
}

/// The binary operator a token of `shift_expr`, `arith_expr` or `term` stands for.
pub(super) fn binop_of(tok: Tok) -> Option<BinOp> {
    Some(match tok {
        Tok::DblLess => BinOp::LShift,
        Tok::DblMore => BinOp::RShift,
        Tok::Plus => BinOp::Add,
        Tok::Minus => BinOp::Sub,
        Tok::Star => BinOp::Mult,
        Tok::At => BinOp::MatMult,
        Tok::Slash => BinOp::TrueDiv,
        Tok::Percent => BinOp::Mod,
        Tok::DblSlash => BinOp::FloorDiv,
        _ => return None,
    })
}

/// Whether MicroPython treats the node as a constant (`mp_parse_node_is_const`).
pub(super) fn is_const(node: &Node) -> bool {
    match node {
        Node::Const { .. } => true,
        Node::Tok { tok, .. } => matches!(tok, Tok::None | Tok::True | Tok::False | Tok::Ellipsis),
        Node::Rule(r) => {
            r.rule == super::grammar::Rule::AtomParen
                && r.children.first().is_some_and(Node::is_null)
        }
        _ => false,
    }
}

/// The value of a node for which [`is_const`] holds.
pub(super) fn to_constant(node: &Node) -> Option<Constant> {
    match node {
        Node::Const {
            value: Constant::Object(inner),
            ..
        } => Some((**inner).clone()),
        Node::Const { value, .. } => Some(value.clone()),
        Node::Tok { tok: Tok::None, .. } => Some(Constant::None),
        Node::Tok { tok: Tok::True, .. } => Some(Constant::True),
        Node::Tok {
            tok: Tok::False, ..
        } => Some(Constant::False),
        Node::Tok {
            tok: Tok::Ellipsis, ..
        } => Some(Constant::Ellipsis),
        node if is_const(node) => Some(Constant::Tuple(Vec::new())),
        _ => None,
    }
}

/// Python truth value of a constant.
pub(super) fn truthy(value: &Constant) -> bool {
    match value {
        Constant::None | Constant::False => false,
        Constant::True | Constant::Ellipsis => true,
        Constant::Int(i) => !i.is_zero(),
        Constant::Float(f) | Constant::Imag(f) => *f != 0.0,
        Constant::Str { value, .. } => !value.is_empty(),
        Constant::Bytes(b) => !b.is_empty(),
        Constant::Tuple(items) => !items.is_empty(),
        Constant::Object(inner) => truthy(inner),
    }
}

/// `Some(truth)` if the node is a constant, as `mp_parse_node_is_const_true/false` test.
pub(super) fn const_truth(node: &Node) -> Option<bool> {
    to_constant(node).map(|c| truthy(&c))
}

/// Attributes of modules the folder replaces by their value (`MICROPY_COMP_MODULE_CONST`):
/// mpy-cross has only `math` among them (no `errno`, no `uctypes`).
pub(super) fn module_constant(module: &str, attr: &str) -> Option<f64> {
    if module != "math" {
        return None;
    }
    Some(match attr {
        "e" => std::f64::consts::E,
        "pi" => std::f64::consts::PI,
        "tau" => std::f64::consts::TAU,
        "inf" => f64::INFINITY,
        "nan" => f64::NAN,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn int(i: i64) -> Num {
        Num::Int(BigInt::from(i))
    }

    #[test]
    fn integer_ops_follow_python() {
        assert_eq!(binary(BinOp::FloorDiv, &int(-7), &int(2)), Some(int(-4)));
        assert_eq!(binary(BinOp::Mod, &int(-7), &int(2)), Some(int(1)));
        assert_eq!(binary(BinOp::Mod, &int(7), &int(-2)), Some(int(-1)));
        assert_eq!(binary(BinOp::RShift, &int(-5), &int(1)), Some(int(-3)));
        assert_eq!(binary(BinOp::RShift, &int(-5), &int(1000)), Some(int(-1)));
        assert_eq!(binary(BinOp::And, &int(-4), &int(7)), Some(int(4)));
        assert_eq!(
            binary(BinOp::TrueDiv, &int(1), &int(2)),
            Some(Num::Float(0.5))
        );
        assert_eq!(binary(BinOp::Pow, &int(2), &int(-1)), Some(Num::Float(0.5)));
        assert_eq!(
            binary(BinOp::Pow, &int(2), &int(100)),
            Some(Num::Int(BigInt::from(1u128 << 100)))
        );
    }

    #[test]
    fn raising_ops_do_not_fold() {
        assert_eq!(binary(BinOp::FloorDiv, &int(1), &int(0)), None);
        assert_eq!(binary(BinOp::Mod, &int(1), &int(0)), None);
        assert_eq!(binary(BinOp::TrueDiv, &int(1), &int(0)), None);
        assert_eq!(binary(BinOp::LShift, &int(1), &int(-1)), None);
        assert_eq!(binary(BinOp::MatMult, &int(1), &int(2)), None);
        assert_eq!(binary(BinOp::Pow, &int(0), &int(-1)), None);
        assert_eq!(
            binary(BinOp::Pow, &Num::Float(-8.0), &Num::Float(0.5)),
            None
        );
        assert_eq!(binary(BinOp::Or, &int(1), &Num::Float(1.0)), None);
        assert_eq!(binary(BinOp::Pow, &int(10), &int(100_000_000)), None);
        // Trivially small results of huge operands still fold.
        assert_eq!(
            binary(BinOp::Pow, &int(1), &int(100_000_000_000)),
            Some(int(1))
        );
        assert_eq!(
            binary(BinOp::Pow, &int(-1), &int(100_000_000_001)),
            Some(int(-1))
        );
        assert_eq!(binary(BinOp::Pow, &int(0), &int(0)), Some(int(1)));
        assert_eq!(binary(BinOp::LShift, &int(0), &int(1 << 40)), Some(int(0)));
        assert_eq!(unary(UnaryOp::Invert, &Num::Float(1.0)), None);
    }

    #[test]
    fn float_ops_follow_python() {
        assert_eq!(
            binary(BinOp::FloorDiv, &Num::Float(-7.0), &int(2)),
            Some(Num::Float(-4.0))
        );
        assert_eq!(
            binary(BinOp::Mod, &Num::Float(-7.0), &int(2)),
            Some(Num::Float(1.0))
        );
        assert_eq!(
            binary(BinOp::Mult, &Num::Float(1.5), &int(2)),
            Some(Num::Float(3.0))
        );
    }
}
