//! Integers and floats.
//!
//! Small ints are immediate words. Larger ones are `mp_obj_int_t` objects holding an `mpz_t`
//! (`neg:1, fixed_dig:1, alloc:30`, `len`, `dig`) with 16-bit digits in a separate allocation,
//! as MicroPython's unix port lays them out; arithmetic converts to `num_bigint::BigInt` and
//! back, with MicroPython's (Python's) semantics for floor division, modulo, shifts and
//! bitwise operations on negatives. Floats are `mp_obj_float_t` with the double at offset 8.
use super::ty;
use crate::bytecode::BinaryOpNum as B;
use crate::interp::{PyResult, Vm};
use crate::runtime::obj::Obj;
use num_bigint::{BigInt, Sign};
use num_traits::{ToPrimitive, Zero};

const MPZ_BITS: u32 = 4;
const MPZ_LEN: u32 = 8;
const MPZ_DIG: u32 = 12;
const INT_SIZE: u32 = 16;
const FLOAT_VALUE: u32 = 8;
const FLOAT_SIZE: u32 = 16;

/// A number as arithmetic sees it.
#[derive(Clone, Debug)]
pub enum Num {
    Small(i64),
    Big(BigInt),
    Float(f64),
}

impl Num {
    fn to_big(&self) -> BigInt {
        match self {
            Num::Small(v) => BigInt::from(*v),
            Num::Big(b) => b.clone(),
            Num::Float(f) => BigInt::from(*f as i64),
        }
    }

    pub fn to_f64(&self) -> f64 {
        match self {
            Num::Small(v) => *v as f64,
            Num::Big(b) => b.to_f64().unwrap_or(f64::INFINITY),
            Num::Float(f) => *f,
        }
    }
}

impl Vm {
    /// An int object for `value`: a small int when it fits, else a big int.
    pub fn new_int(&mut self, value: i64) -> PyResult<Obj> {
        if let Some(obj) = Obj::small_int(value) {
            return Ok(obj);
        }
        // Straight to the 16-bit digits: no arbitrary-precision value on the way.
        let magnitude = value.unsigned_abs();
        let digits: [u16; 4] = std::array::from_fn(|i| (magnitude >> (16 * i)) as u16);
        self.new_mpz(value < 0, &digits)
    }

    /// An int object for `value` (small when it fits).
    pub fn new_big_int(&mut self, value: &BigInt) -> PyResult<Obj> {
        if let Some(small) = value.to_i64().and_then(Obj::small_int) {
            return Ok(small);
        }
        let (sign, digits) = value.to_u32_digits();
        let digits: Vec<u16> = digits
            .iter()
            .flat_map(|d| [*d as u16, (*d >> 16) as u16])
            .collect();
        self.new_mpz(sign == Sign::Minus, &digits)
    }

    /// A big int object (`mp_obj_int_t` holding an `mpz_t`) of 16-bit `digits`, least
    /// significant first (high zeros dropped).
    fn new_mpz(&mut self, negative: bool, digits: &[u16]) -> PyResult<Obj> {
        let len = digits.iter().rposition(|&d| d != 0).map_or(0, |i| i + 1) as u32;
        let dig = self.alloc(len * 2)?;
        let slot = self.root(Obj::from_raw(dig))?;
        let obj = self.alloc_obj(ty::INT, INT_SIZE)?;
        let dig = self.slot(slot).raw();
        let arena = self.arena_mut();
        for (i, d) in digits[..len as usize].iter().enumerate() {
            arena.store_u16(dig + 2 * i as u32, *d);
        }
        let neg = u32::from(negative);
        arena.store_u32(obj + MPZ_BITS, neg | (len << 2));
        arena.store_u32(obj + MPZ_LEN, len);
        arena.store_u32(obj + MPZ_DIG, dig);
        Ok(Obj::from_raw(obj))
    }

    /// The value of a big int object.
    pub fn big_int_value(&self, obj: Obj) -> BigInt {
        let addr = obj.raw();
        let arena = self.arena();
        let neg = arena.load_u32(addr + MPZ_BITS) & 1 != 0;
        let len = arena.load_u32(addr + MPZ_LEN);
        let dig = arena.load_u32(addr + MPZ_DIG);
        let digits: Vec<u32> = (0..len)
            .map(|i| u32::from(arena.load_u16(dig + 2 * i)))
            .collect();
        let mut value = BigInt::zero();
        for d in digits.iter().rev() {
            value = (value << 16u32) + BigInt::from(*d);
        }
        if neg {
            -value
        } else {
            value
        }
    }

    /// A big int's value when it has at most three 16-bit digits (so the interpreter's fast
    /// path can compute in machine words); `None` for anything else.
    pub fn int_as_i64(&self, obj: Obj) -> Option<i64> {
        if !obj.is_ptr() || obj.raw() < 16 || self.type_of(obj) != ty::INT {
            return None;
        }
        let arena = self.arena();
        let len = arena.load_u32(obj.raw() + MPZ_LEN);
        if len > 3 {
            return None;
        }
        let dig = arena.load_u32(obj.raw() + MPZ_DIG);
        let magnitude = (0..len).rev().fold(0i64, |value, i| {
            value << 16 | i64::from(arena.load_u16(dig + 2 * i))
        });
        let neg = arena.load_u32(obj.raw() + MPZ_BITS) & 1 != 0;
        Some(if neg { -magnitude } else { magnitude })
    }

    pub fn new_float(&mut self, value: f64) -> PyResult<Obj> {
        let obj = self.alloc_obj(ty::FLOAT, FLOAT_SIZE)?;
        let bits = value.to_bits();
        self.arena_mut().store_u32(obj + FLOAT_VALUE, bits as u32);
        self.arena_mut()
            .store_u32(obj + FLOAT_VALUE + 4, (bits >> 32) as u32);
        Ok(Obj::from_raw(obj))
    }

    pub fn float_value(&self, obj: Obj) -> f64 {
        let lo = u64::from(self.arena().load_u32(obj.raw() + FLOAT_VALUE));
        let hi = u64::from(self.arena().load_u32(obj.raw() + FLOAT_VALUE + 4));
        f64::from_bits(hi << 32 | lo)
    }

    /// `obj` as a number, if it is an int, bool or float.
    pub fn as_num(&self, obj: Obj) -> Option<Num> {
        if let Some(v) = obj.as_small_int() {
            return Some(Num::Small(v.into()));
        }
        if obj == Obj::FALSE || obj == Obj::TRUE {
            return Some(Num::Small(i64::from(obj == Obj::TRUE)));
        }
        if !obj.is_ptr() || obj.raw() < 16 {
            return None;
        }
        match self.type_of(obj) {
            ty::INT => Some(Num::Big(self.big_int_value(obj))),
            ty::FLOAT => Some(Num::Float(self.float_value(obj))),
            _ => None,
        }
    }

    /// `obj` as an integer (ints and bools), for indices, counts and `int` arithmetic.
    pub fn as_bigint(&self, obj: Obj) -> Option<BigInt> {
        match self.as_num(obj)? {
            Num::Small(v) => Some(BigInt::from(v)),
            Num::Big(b) => Some(b),
            Num::Float(_) => None,
        }
    }

    /// `obj` as a machine integer, raising `TypeError` for non-ints and `OverflowError` when
    /// it does not fit (`mp_obj_get_int`).
    pub fn get_int(&mut self, obj: Obj) -> PyResult<i64> {
        if let Some(v) = obj.as_small_int() {
            return Ok(v.into());
        }
        match self.as_bigint(obj) {
            Some(b) => match b.to_i64() {
                Some(v) => Ok(v),
                None => Err(self.raise_msg(
                    ty::OVERFLOW_ERROR,
                    "overflow converting long int to machine word",
                )),
            },
            None => {
                let name = self.type_name_of(obj);
                Err(self.type_error(&format!("can't convert {name} to int")))
            }
        }
    }

    pub fn new_num(&mut self, num: Num) -> PyResult<Obj> {
        match num {
            Num::Small(v) => self.new_int(v),
            Num::Big(b) => self.new_big_int(&b),
            Num::Float(f) => self.new_float(f),
        }
    }

    /// Arithmetic and comparison of two numbers (`mp_binary_op` for ints and floats);
    /// `Ok(None)` when the operator does not apply to numbers.
    pub fn num_binary_op(&mut self, op: B, lhs: Num, rhs: Num) -> PyResult<Option<Obj>> {
        if matches!(lhs, Num::Float(_)) || matches!(rhs, Num::Float(_)) {
            return self.float_binary_op(op, lhs.to_f64(), rhs.to_f64());
        }
        if let (Num::Small(a), Num::Small(b)) = (&lhs, &rhs) {
            if let Some(result) = self.small_int_op(op, *a, *b)? {
                return Ok(Some(result));
            }
        }
        self.big_int_op(op, lhs.to_big(), rhs.to_big())
    }

    /// The fast path: both operands small, result computed in `i64` when it cannot overflow.
    fn small_int_op(&mut self, op: B, a: i64, b: i64) -> PyResult<Option<Obj>> {
        if let Some(result) = compare(op, &a, &b) {
            return Ok(Some(Obj::bool(result)));
        }
        let value = match op {
            B::Add | B::InplaceAdd => a + b,
            B::Subtract | B::InplaceSubtract => a - b,
            B::Multiply | B::InplaceMultiply => a * b,
            B::FloorDivide | B::InplaceFloorDivide | B::Modulo | B::InplaceModulo => {
                if b == 0 {
                    return Err(self.raise_msg(ty::ZERO_DIVISION_ERROR, "divide by zero"));
                }
                let (q, r) = floor_div_mod(a, b);
                if matches!(op, B::FloorDivide | B::InplaceFloorDivide) {
                    q
                } else {
                    r
                }
            }
            B::And | B::InplaceAnd => a & b,
            B::Or | B::InplaceOr => a | b,
            B::Xor | B::InplaceXor => a ^ b,
            B::Rshift | B::InplaceRshift => {
                if b < 0 {
                    return Err(self.value_error("negative shift count"));
                }
                a >> b.min(63)
            }
            _ => return Ok(None),
        };
        self.new_int(value).map(Some)
    }

    fn big_int_op(&mut self, op: B, a: BigInt, b: BigInt) -> PyResult<Option<Obj>> {
        if let Some(result) = compare(op, &a, &b) {
            return Ok(Some(Obj::bool(result)));
        }
        let value = match op {
            B::Add | B::InplaceAdd => a + b,
            B::Subtract | B::InplaceSubtract => a - b,
            B::Multiply | B::InplaceMultiply => a * b,
            B::FloorDivide | B::InplaceFloorDivide | B::Modulo | B::InplaceModulo => {
                if b.is_zero() {
                    return Err(self.raise_msg(ty::ZERO_DIVISION_ERROR, "divide by zero"));
                }
                let (q, r) = big_floor_div_mod(&a, &b);
                if matches!(op, B::FloorDivide | B::InplaceFloorDivide) {
                    q
                } else {
                    r
                }
            }
            B::TrueDivide | B::InplaceTrueDivide => {
                if b.is_zero() {
                    return Err(self.raise_msg(ty::ZERO_DIVISION_ERROR, "divide by zero"));
                }
                let q = a.to_f64().unwrap_or(f64::INFINITY) / b.to_f64().unwrap_or(f64::INFINITY);
                return self.new_float(q).map(Some);
            }
            B::And | B::InplaceAnd => a & b,
            B::Or | B::InplaceOr => a | b,
            B::Xor | B::InplaceXor => a ^ b,
            B::Lshift | B::InplaceLshift | B::Rshift | B::InplaceRshift => {
                if b.sign() == Sign::Minus {
                    return Err(self.value_error("negative shift count"));
                }
                let Some(shift) = b.to_u32() else {
                    return Err(self.raise_msg(
                        ty::OVERFLOW_ERROR,
                        "overflow converting long int to machine word",
                    ));
                };
                if matches!(op, B::Lshift | B::InplaceLshift) {
                    a << shift
                } else {
                    a >> shift
                }
            }
            B::Power | B::InplacePower => {
                if b.sign() == Sign::Minus {
                    let base = a.to_f64().unwrap_or(f64::INFINITY);
                    let exp = b.to_f64().unwrap_or(f64::NEG_INFINITY);
                    return self.float_binary_op(op, base, exp);
                }
                match b.to_u32() {
                    Some(exp) => num_traits::pow(a, exp as usize),
                    None if a.is_zero() || a == BigInt::from(1) => a,
                    None => {
                        return Err(self.raise_msg(
                            ty::OVERFLOW_ERROR,
                            "overflow converting long int to machine word",
                        ))
                    }
                }
            }
            _ => return Ok(None),
        };
        self.new_big_int(&value).map(Some)
    }

    fn float_binary_op(&mut self, op: B, a: f64, b: f64) -> PyResult<Option<Obj>> {
        if let Some(result) = compare(op, &a, &b) {
            return Ok(Some(Obj::bool(result)));
        }
        let value = match op {
            B::Add | B::InplaceAdd => a + b,
            B::Subtract | B::InplaceSubtract => a - b,
            B::Multiply | B::InplaceMultiply => a * b,
            B::TrueDivide | B::InplaceTrueDivide => {
                if b == 0.0 {
                    return Err(self.raise_msg(ty::ZERO_DIVISION_ERROR, "divide by zero"));
                }
                a / b
            }
            B::FloorDivide | B::InplaceFloorDivide | B::Modulo | B::InplaceModulo => {
                if b == 0.0 {
                    return Err(self.raise_msg(ty::ZERO_DIVISION_ERROR, "divide by zero"));
                }
                let mut m = a % b;
                let mut q = ((a - m) / b).round();
                if m != 0.0 && ((b < 0.0) != (m < 0.0)) {
                    m += b;
                    q -= 1.0;
                }
                if matches!(op, B::FloorDivide | B::InplaceFloorDivide) {
                    q
                } else {
                    m
                }
            }
            B::Power | B::InplacePower => {
                if a == 0.0 && b < 0.0 {
                    return Err(self.raise_msg(ty::ZERO_DIVISION_ERROR, "0.0 to a negative power"));
                }
                a.powf(b)
            }
            _ => return Ok(None),
        };
        self.new_float(value).map(Some)
    }
}

/// Python's floor division and modulo: the remainder takes the divisor's sign.
pub fn floor_div_mod(a: i64, b: i64) -> (i64, i64) {
    let (mut q, mut r) = (a / b, a % b);
    if r != 0 && ((r < 0) != (b < 0)) {
        q -= 1;
        r += b;
    }
    (q, r)
}

fn big_floor_div_mod(a: &BigInt, b: &BigInt) -> (BigInt, BigInt) {
    let (mut q, mut r) = (a / b, a % b);
    if !r.is_zero() && ((r.sign() == Sign::Minus) != (b.sign() == Sign::Minus)) {
        q -= 1;
        r += b;
    }
    (q, r)
}

/// The result of a comparison operator on two numbers of one kind; `None` for other operators.
fn compare<T: PartialOrd>(op: B, a: &T, b: &T) -> Option<bool> {
    Some(match op {
        B::Less => a < b,
        B::More => a > b,
        B::LessEqual => a <= b,
        B::MoreEqual => a >= b,
        B::Equal => a == b,
        B::NotEqual => a != b,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floor_division_follows_the_divisor_sign() {
        assert_eq!(floor_div_mod(7, 2), (3, 1));
        assert_eq!(floor_div_mod(-7, 2), (-4, 1));
        assert_eq!(floor_div_mod(7, -2), (-4, -1));
        assert_eq!(floor_div_mod(-7, -2), (3, -1));
        let (q, r) = big_floor_div_mod(&BigInt::from(-7), &BigInt::from(2));
        assert_eq!((q, r), (BigInt::from(-4), BigInt::from(1)));
    }
}
