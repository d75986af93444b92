//! `complex` (`mp_obj_complex_t`: a base, then the real and imaginary doubles at offsets 8 and
//! 16, each aligned to 8 as on a 32-bit target), with MicroPython's arithmetic: `//` and `%`
//! are refused, `**` goes through polar form, only `==`/`!=` compare.
use super::ty;
use crate::bytecode::BinaryOpNum as B;
use crate::format::float::{parse_decimal, Decimal};
use crate::interp::{PyResult, Vm};
use crate::runtime::obj::Obj;

const REAL: u32 = 8;
const IMAG: u32 = 16;
const SIZE: u32 = 24;

impl Vm {
    pub fn new_complex(&mut self, real: f64, imag: f64) -> PyResult<Obj> {
        let obj = self.alloc_obj(ty::COMPLEX, SIZE)?;
        for (offset, value) in [(REAL, real), (IMAG, imag)] {
            let bits = value.to_bits();
            self.arena_mut().store_u32(obj + offset, bits as u32);
            self.arena_mut()
                .store_u32(obj + offset + 4, (bits >> 32) as u32);
        }
        Ok(Obj::from_raw(obj))
    }

    pub fn is_complex(&self, obj: Obj) -> bool {
        obj.is_ptr() && obj.raw() >= 16 && self.type_of(obj) == ty::COMPLEX
    }

    /// The real and imaginary parts of a complex object.
    pub fn complex_parts(&self, obj: Obj) -> (f64, f64) {
        let load = |offset: u32| {
            let lo = u64::from(self.arena().load_u32(obj.raw() + offset));
            let hi = u64::from(self.arena().load_u32(obj.raw() + offset + 4));
            f64::from_bits(hi << 32 | lo)
        };
        (load(REAL), load(IMAG))
    }

    /// `obj` as a complex number, if it is one or a real number (`mp_obj_get_complex_maybe`).
    pub fn as_complex(&self, obj: Obj) -> Option<(f64, f64)> {
        if self.is_complex(obj) {
            return Some(self.complex_parts(obj));
        }
        self.as_num(obj).map(|num| (num.to_f64(), 0.0))
    }

    /// A binary operator with a complex operand (`mp_obj_complex_binary_op`); `None` when
    /// the other operand is not a number or the operator is not defined on complex numbers.
    pub fn complex_binary_op(&mut self, op: B, lhs: Obj, rhs: Obj) -> PyResult<Option<Obj>> {
        let (Some((a, b)), Some((c, d))) = (self.as_complex(lhs), self.as_complex(rhs)) else {
            return Ok(None);
        };
        let (real, imag) = match op {
            B::Add | B::InplaceAdd => (a + c, b + d),
            B::Subtract | B::InplaceSubtract => (a - c, b - d),
            B::Multiply | B::InplaceMultiply => (a * c - b * d, a * d + b * c),
            B::FloorDivide | B::InplaceFloorDivide => {
                return Err(self.type_error("can't truncate-divide a complex number"))
            }
            B::TrueDivide | B::InplaceTrueDivide => {
                if c == 0.0 && d == 0.0 {
                    return Err(self.raise_msg(ty::ZERO_DIVISION_ERROR, "complex divide by zero"));
                }
                divide(a, b, c, d)
            }
            B::Power | B::InplacePower => match power(a, b, c, d) {
                Some(result) => result,
                None => {
                    return Err(self.raise_msg(ty::ZERO_DIVISION_ERROR, "0.0 to a complex power"))
                }
            },
            B::Equal => return Ok(Some(Obj::bool(a == c && b == d))),
            B::NotEqual => return Ok(Some(Obj::bool(!(a == c && b == d)))),
            _ => return Ok(None),
        };
        self.new_complex(real, imag).map(Some)
    }

    /// Whether `lhs ** rhs` is a negative real to a fractional power, which MicroPython
    /// answers with a complex number.
    pub fn power_needs_complex(&self, op: B, lhs: Obj, rhs: Obj) -> bool {
        if !matches!(op, B::Power | B::InplacePower) {
            return false;
        }
        match (self.as_num(lhs), self.as_num(rhs)) {
            (Some(base), Some(exp)) => base.to_f64() < 0.0 && exp.to_f64().fract() != 0.0,
            _ => false,
        }
    }

    /// `complex(text)` (`mp_parse_num_complex`): a real, an imaginary, or a real then a
    /// signed imaginary part, with surrounding whitespace.
    pub fn parse_complex(&mut self, text: &[u8]) -> PyResult<Obj> {
        match parse_complex_text(text) {
            Some((real, imag)) => self.new_complex(real, imag),
            None => Err(self.value_error("invalid syntax for number")),
        }
    }
}

/// `(a + bi) / (c + di)` in MicroPython's order of operations.
fn divide(a: f64, b: f64, c: f64, d: f64) -> (f64, f64) {
    if d == 0.0 {
        (a / c, b / c)
    } else if c == 0.0 {
        (b / d, -a / d)
    } else {
        let norm = c * c + d * d;
        let (c, d) = (c / norm, d / -norm);
        (a * c - b * d, a * d + b * c)
    }
}

/// `(a + bi) ** (c + di)` through logarithms; `None` for zero to a complex or negative power.
fn power(a: f64, b: f64, c: f64, d: f64) -> Option<(f64, f64)> {
    let abs = (a * a + b * b).sqrt();
    if abs == 0.0 {
        return (d == 0.0 && c >= 0.0).then_some((if c == 0.0 { 1.0 } else { 0.0 }, 0.0));
    }
    let (ln, arg) = (abs.ln(), b.atan2(a));
    let x = c * ln - d * arg;
    let y = d * ln + c * arg;
    let scale = x.exp();
    Some((scale * y.cos(), scale * y.sin()))
}

fn parse_complex_text(text: &[u8]) -> Option<(f64, f64)> {
    let trimmed = text.trim_ascii();
    let part = |text: &[u8]| match text {
        // A bare `j` (signed or not) is one imaginary unit.
        b"j" | b"J" | b"+j" | b"+J" => Some(Decimal::Imaginary(1.0)),
        b"-j" | b"-J" => Some(Decimal::Imaginary(-1.0)),
        _ => parse_decimal(text, true),
    };
    match part(trimmed) {
        Some(Decimal::Float(real)) => return Some((real, 0.0)),
        Some(Decimal::Imaginary(imag)) => return Some((0.0, imag)),
        None => {}
    }
    // A real part, then a signed imaginary part: split at a sign that is not an exponent's.
    let split = (1..trimmed.len())
        .rev()
        .find(|&i| matches!(trimmed[i], b'+' | b'-') && !matches!(trimmed[i - 1], b'e' | b'E'))?;
    match (part(&trimmed[..split]), part(&trimmed[split..])) {
        (Some(Decimal::Float(real)), Some(Decimal::Imaginary(imag))) => Some((real, imag)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::parse_complex_text;

    #[test]
    fn parses_the_forms_micropython_accepts() {
        assert_eq!(parse_complex_text(b" 1.5 "), Some((1.5, 0.0)));
        assert_eq!(parse_complex_text(b"-2j"), Some((0.0, -2.0)));
        assert_eq!(parse_complex_text(b"1+2j"), Some((1.0, 2.0)));
        assert_eq!(parse_complex_text(b"1e3-j"), Some((1000.0, -1.0)));
        assert_eq!(parse_complex_text(b"1e-3+1e+2j"), Some((0.001, 100.0)));
        assert_eq!(parse_complex_text(b"1+2"), None);
        assert_eq!(parse_complex_text(b"j+1"), None);
    }
}
