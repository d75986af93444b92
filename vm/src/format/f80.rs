//! Just enough x87 extended-precision arithmetic (64-bit significand, round to nearest even)
//! to reproduce, bit for bit, how `mpy-cross` prints and parses floats.
//!
//! mpy-cross for x86-64 is built with `MICROPY_FLOAT_FORMAT_IMPL_EXACT`, whose float printer
//! and parser scale by powers of ten in `long double`. Rust has no 80-bit type, so the few
//! operations those algorithms use are done here in software. Only non-negative values occur.

/// A non-negative x87 extended value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum F80 {
    Zero,
    /// `significand * 2^exponent`, with the top bit of `significand` set.
    Finite {
        significand: u64,
        exponent: i32,
    },
    Infinity,
}

/// Unbiased exponent of the largest finite extended value's leading bit.
const MAX_LEADING_EXPONENT: i32 = 16383;
/// Below this leading-bit exponent even an extended subnormal rounds to zero. Values between
/// this and the normal range would be extended subnormals; they only arise far below the
/// range of `f64`, where they convert to zero either way, so they are not modelled.
const MIN_LEADING_EXPONENT: i32 = -16446;

impl F80 {
    pub(crate) fn from_u64(n: u64) -> F80 {
        if n == 0 {
            return F80::Zero;
        }
        let shift = n.leading_zeros();
        F80::Finite {
            significand: n << shift,
            exponent: -(shift as i32),
        }
    }

    /// The exact extended value of a non-negative finite or infinite double.
    pub(crate) fn from_f64(x: f64) -> F80 {
        debug_assert!(x >= 0.0);
        if x == 0.0 {
            return F80::Zero;
        }
        if x.is_infinite() {
            return F80::Infinity;
        }
        let bits = x.to_bits();
        let biased = ((bits >> 52) & 0x7ff) as i32;
        let fraction = bits & ((1u64 << 52) - 1);
        let (integer, exponent) = if biased == 0 {
            (fraction, -1074)
        } else {
            (fraction | (1u64 << 52), biased - 1075)
        };
        match F80::from_u64(integer) {
            F80::Finite {
                significand,
                exponent: e,
            } => F80::Finite {
                significand,
                exponent: e + exponent,
            },
            other => other,
        }
    }

    pub(crate) fn is_zero(self) -> bool {
        self == F80::Zero
    }

    pub(crate) fn mul(self, other: F80) -> F80 {
        match (self, other) {
            (F80::Zero, _) | (_, F80::Zero) => F80::Zero,
            (F80::Infinity, _) | (_, F80::Infinity) => F80::Infinity,
            (
                F80::Finite {
                    significand: a,
                    exponent: ea,
                },
                F80::Finite {
                    significand: b,
                    exponent: eb,
                },
            ) => round(u128::from(a) * u128::from(b), ea + eb, false),
        }
    }

    pub(crate) fn div(self, other: F80) -> F80 {
        match (self, other) {
            (F80::Zero, _) | (_, F80::Infinity) => F80::Zero,
            // Division by zero never happens in the algorithms modelled here.
            (F80::Infinity, _) | (_, F80::Zero) => F80::Infinity,
            (
                F80::Finite {
                    significand: a,
                    exponent: ea,
                },
                F80::Finite {
                    significand: b,
                    exponent: eb,
                },
            ) => {
                let dividend = u128::from(a) << 64;
                let divisor = u128::from(b);
                let mut quotient = dividend / divisor;
                let mut remainder = dividend % divisor;
                let mut exponent = ea - eb - 64;
                // The quotient has 64 or 65 bits; make sure there is at least one bit below
                // the 64 kept, so that rounding sees the true half-way point.
                if quotient < (1u128 << 64) {
                    remainder <<= 1;
                    quotient <<= 1;
                    if remainder >= divisor {
                        quotient |= 1;
                        remainder -= divisor;
                    }
                    exponent -= 1;
                }
                round(quotient, exponent, remainder != 0)
            }
        }
    }

    pub(crate) fn add(self, other: F80) -> F80 {
        match (self, other) {
            (F80::Zero, x) | (x, F80::Zero) => x,
            (F80::Infinity, _) | (_, F80::Infinity) => F80::Infinity,
            (
                F80::Finite {
                    significand: a,
                    exponent: ea,
                },
                F80::Finite {
                    significand: b,
                    exponent: eb,
                },
            ) => {
                let ((big, big_exp), (small, small_exp)) = if ea >= eb {
                    ((a, ea), (b, eb))
                } else {
                    ((b, eb), (a, ea))
                };
                // Keep 62 guard bits below the larger operand; anything shifted further out
                // of the smaller one only matters as a sticky bit.
                let wide_big = u128::from(big) << 62;
                let distance = (big_exp - small_exp) as u32;
                let wide_small = u128::from(small) << 62;
                let (shifted, sticky) = if distance >= 126 {
                    (0, true)
                } else {
                    let shifted = wide_small >> distance;
                    (shifted, shifted << distance != wide_small)
                };
                round(wide_big + shifted, big_exp - 62, sticky)
            }
        }
    }

    /// Conversion to an unsigned 64-bit integer, truncating toward zero.
    pub(crate) fn to_u64_truncated(self) -> u64 {
        match self {
            F80::Zero => 0,
            F80::Infinity => u64::MAX,
            F80::Finite {
                significand,
                exponent,
            } => {
                if exponent > 0 {
                    // Out of range for the algorithms here, which only convert values < 2^64.
                    u64::MAX
                } else if exponent == 0 {
                    significand
                } else if exponent <= -64 {
                    0
                } else {
                    significand >> -exponent
                }
            }
        }
    }

    /// Conversion to double, rounding to nearest even (x87 `fstp` to a 64-bit double).
    pub(crate) fn to_f64(self) -> f64 {
        let (significand, exponent) = match self {
            F80::Zero => return 0.0,
            F80::Infinity => return f64::INFINITY,
            F80::Finite {
                significand,
                exponent,
            } => (significand, exponent),
        };
        let leading = exponent + 63;
        if leading > 1023 {
            return f64::INFINITY;
        }
        // The weight of the last bit a double can keep at this magnitude.
        let quantum = (leading - 52).max(-1074);
        let dropped = quantum - exponent;
        let kept = if dropped >= 66 {
            0
        } else {
            let wide = u128::from(significand);
            let kept = wide >> dropped;
            let rest = wide - (kept << dropped);
            let half = 1u128 << (dropped - 1);
            let round_up = rest > half || (rest == half && kept & 1 == 1);
            (kept + u128::from(round_up)) as u64
        };
        // `kept` has at most 54 bits, so the conversion and both scalings below are exact.
        (kept as f64) * pow2(quantum / 2) * pow2(quantum - quantum / 2)
    }
}

/// `2^e` for `e` in the normal range of doubles.
fn pow2(e: i32) -> f64 {
    f64::from_bits(((e + 1023) as u64) << 52)
}

/// Rounds `value * 2^exponent` (plus a sticky fraction below `value` when `sticky`) to an
/// extended value.
fn round(value: u128, exponent: i32, sticky: bool) -> F80 {
    if value == 0 {
        return F80::Zero;
    }
    let top = 127 - value.leading_zeros() as i32;
    let (significand, exponent) = if top <= 63 {
        ((value as u64) << (63 - top), exponent - (63 - top))
    } else {
        let dropped = (top - 63) as u32;
        let kept = value >> dropped;
        let rest = value - (kept << dropped);
        let half = 1u128 << (dropped - 1);
        let round_up = rest > half || (rest == half && (sticky || kept & 1 == 1));
        let kept = kept + u128::from(round_up);
        if kept == 1u128 << 64 {
            (1u64 << 63, exponent + dropped as i32 + 1)
        } else {
            (kept as u64, exponent + dropped as i32)
        }
    };
    let leading = exponent + 63;
    if leading > MAX_LEADING_EXPONENT {
        F80::Infinity
    } else if leading < MIN_LEADING_EXPONENT {
        F80::Zero
    } else {
        F80::Finite {
            significand,
            exponent,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_convert_exactly_both_ways() {
        for x in [
            1.0,
            0.1,
            5e-324,
            2.2250738585072014e-308,
            1.7976931348623157e308,
            3.5,
        ] {
            assert_eq!(F80::from_f64(x).to_f64(), x);
        }
    }

    #[test]
    fn arithmetic_matches_doubles_where_doubles_are_exact() {
        let a = F80::from_f64(6.0);
        let b = F80::from_f64(1.5);
        assert_eq!(a.mul(b).to_f64(), 9.0);
        assert_eq!(a.div(b).to_f64(), 4.0);
        assert_eq!(a.add(b).to_f64(), 7.5);
        assert_eq!(F80::from_u64(u64::MAX).to_u64_truncated(), u64::MAX);
        assert_eq!(F80::from_f64(2.75).to_u64_truncated(), 2);
        assert_eq!(F80::from_u64(1 << 63).to_u64_truncated(), 1 << 63);
        assert_eq!(
            F80::from_f64(1e19).to_u64_truncated(),
            10_000_000_000_000_000_000
        );
    }

    #[test]
    fn extended_precision_keeps_64_bits() {
        // 1/3 in extended precision, times 3, is exactly 1 after rounding; in double too, but
        // (2^64 - 1) survives only in extended precision.
        let big = F80::from_u64(u64::MAX);
        assert_eq!(big.add(F80::Zero).to_u64_truncated(), u64::MAX);
        let third = F80::from_u64(1).div(F80::from_u64(3));
        assert_eq!(third.mul(F80::from_u64(3)).to_f64(), 1.0);
    }

    #[test]
    fn overflow_and_underflow_saturate() {
        let mut x = F80::from_u64(10);
        for _ in 0..20 {
            x = x.mul(x);
        }
        assert_eq!(x, F80::Infinity);
        assert_eq!(F80::from_u64(1).div(x), F80::Zero);
        assert_eq!(
            F80::from_f64(1e-300).mul(F80::from_f64(1e-300)).to_f64(),
            0.0
        );
    }

    #[test]
    fn conversion_to_double_rounds_half_to_even() {
        // 1 + 2^-53 is a tie between 1 and 1 + 2^-52: even wins.
        let tie = F80::from_u64((1u64 << 63) | (1u64 << 10));
        let scaled = tie.mul(F80::from_f64(2f64.powi(-63)));
        assert_eq!(scaled.to_f64(), 1.0);
        let above =
            F80::from_u64((1u64 << 63) | (1u64 << 10) | 1).mul(F80::from_f64(2f64.powi(-63)));
        assert_eq!(above.to_f64(), 1.0 + f64::EPSILON);
    }
}
