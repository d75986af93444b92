//! `struct` (`py/modstruct.c` with `py/binary.c`'s value coding), as the unix port on x86-64
//! has it: `@` (the default) is native size and alignment (`l`, `q` and `P` are 8 bytes),
//! `<`, `>` and `!` are standard sizes without alignment (`l` is 4 bytes, `P` still 8), and
//! `=` is accepted but, as in MicroPython, only with `x` and `s` (any value code under it is a
//! bad typecode).
//!
//! As in MicroPython, `pack` fills what arguments it has (missing ones stay zero, extra ones
//! are ignored), integers are truncated to the field rather than range-checked, and `unpack`
//! only needs the buffer to be at least as long as the format.
//!
//! The Rust file is `structs.rs` because `struct` is a keyword; the module is `struct`.
use super::args::{check_size, float_arg, read_buffer};
use super::ModuleDef;
use crate::builtins::arity;
use crate::interp::call::Args;
use crate::interp::{PyResult, Vm};
use crate::runtime::obj::Obj;
use num_bigint::BigInt;
use num_traits::ToPrimitive;

pub const MODULE: ModuleDef = ModuleDef {
    name: "struct",
    extensible: true,
    functions: &[
        ("calcsize", calcsize),
        ("pack", pack),
        ("pack_into", pack_into),
        ("unpack", unpack_from),
        ("unpack_from", unpack_from),
    ],
    attrs: super::no_attrs,
};

/// One run of a format: `count` values (or bytes, for `s` and `x`) of type `code`.
#[derive(Clone, Copy)]
struct Field {
    count: usize,
    code: u8,
}

/// A parsed format: its byte order and its fields.
struct Format {
    /// `@` native (aligned, little-endian here), `<`, `>` or `=`.
    order: u8,
    fields: Vec<Field>,
}

impl Format {
    /// Size and alignment of one value of type `code`, or `None` for an unknown code.
    fn size_align(&self, code: u8) -> Option<(usize, usize)> {
        if self.order == b'=' {
            // MicroPython accepts `=` but sizes no value code under it.
            return None;
        }
        let size = match code {
            b'b' | b'B' => 1,
            b'h' | b'H' | b'e' => 2,
            b'i' | b'I' | b'f' => 4,
            b'l' | b'L' if self.order != b'@' => 4,
            b'l' | b'L' | b'q' | b'Q' | b'd' | b'P' => 8,
            _ => return None,
        };
        Some((size, if self.order == b'@' { size } else { 1 }))
    }

    /// How many values the format packs and its size in bytes (`calc_size_items`), both
    /// saturating rather than overflowing for absurd counts.
    fn items_and_size(&self) -> Option<(usize, usize)> {
        let (mut items, mut size) = (0usize, 0usize);
        for field in &self.fields {
            match field.code {
                b'x' => size = size.saturating_add(field.count),
                b's' => {
                    items = items.saturating_add(1);
                    size = size.saturating_add(field.count);
                }
                code => {
                    // Every value of a field has one size, a multiple of its alignment, so
                    // only the first needs aligning.
                    let (sz, align) = self.size_align(code)?;
                    items = items.saturating_add(field.count);
                    if field.count > 0 {
                        size = align_up(size, align).saturating_add(field.count.saturating_mul(sz));
                    }
                }
            }
        }
        Some((items, size))
    }
}

/// `at` rounded up to a multiple of `align` (saturating).
fn align_up(at: usize, align: usize) -> usize {
    at.checked_next_multiple_of(align).unwrap_or(usize::MAX)
}

fn parse_format(vm: &mut Vm, fmt: Obj) -> PyResult<Format> {
    let text = vm.expect_str(fmt)?;
    let mut bytes = text.as_bytes();
    let order = match bytes.first() {
        Some(b'!') => b'>',
        Some(&c @ (b'@' | b'<' | b'>' | b'=')) => c,
        _ => b'@',
    };
    if matches!(bytes.first(), Some(b'!' | b'@' | b'<' | b'>' | b'=')) {
        bytes = &bytes[1..];
    }
    let mut fields = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let digits = bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count();
        let count = if digits == 0 {
            1
        } else {
            let number = std::str::from_utf8(&bytes[i..i + digits]).unwrap_or("0");
            number.parse::<usize>().unwrap_or(usize::MAX)
        };
        i += digits;
        // A count with nothing after it repeats the terminating NUL: a bad typecode.
        let code = bytes.get(i).copied().unwrap_or(0);
        fields.push(Field { count, code });
        i += 1;
    }
    let format = Format { order, fields };
    if format.items_and_size().is_none() {
        return Err(vm.value_error("bad typecode"));
    }
    Ok(format)
}

fn checked_size(vm: &mut Vm, format: &Format) -> PyResult<(usize, usize)> {
    match format.items_and_size() {
        Some(sizes) => Ok(sizes),
        None => Err(vm.value_error("bad typecode")),
    }
}

/// `calcsize(fmt)`.
fn calcsize(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    let format = parse_format(vm, vm.arg(&args, 0))?;
    let (_, size) = checked_size(vm, &format)?;
    vm.new_big_int(&BigInt::from(size))
}

/// `pack(fmt, v1, v2, ...)`.
fn pack(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    if args.n_pos == 0 {
        return Err(vm.type_error("function missing 1 required positional arguments"));
    }
    let format = parse_format(vm, vm.arg(&args, 0))?;
    let (_, size) = checked_size(vm, &format)?;
    check_size(vm, size)?;
    let mut out = vec![0; size];
    let values: Vec<Obj> = (1..args.n_pos).map(|i| vm.arg(&args, i)).collect();
    pack_values(vm, &format, &values, &mut out)?;
    vm.new_bytes(&out)
}

/// `pack_into(fmt, buffer, offset, v1, v2, ...)`: needs a writable buffer.
fn pack_into(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    if args.n_pos < 3 {
        return Err(vm.type_error(&format!(
            "function missing {} required positional arguments",
            3 - args.n_pos
        )));
    }
    parse_format(vm, vm.arg(&args, 0))?;
    // bytes and str are read-only; bytearray arrives with the buffer types.
    Err(vm.type_error("object with buffer protocol required"))
}

/// `unpack(fmt, buffer)` and `unpack_from(fmt, buffer, offset=0)`.
fn unpack_from(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 2, 3)?;
    let format = parse_format(vm, vm.arg(&args, 0))?;
    let (n_items, size) = checked_size(vm, &format)?;
    let data = read_buffer(vm, vm.arg(&args, 1))?;
    let mut offset = 0;
    if args.n_pos > 2 {
        let given = vm.get_int(vm.arg(&args, 2))?;
        let from_start = if given < 0 {
            given + data.len() as i64
        } else {
            given
        };
        if from_start < 0 {
            return Err(vm.value_error("buffer too small"));
        }
        offset = from_start as usize;
    }
    if offset.saturating_add(size) > data.len() {
        return Err(vm.value_error("buffer too small"));
    }
    let data = &data[offset..];
    let mark = vm.stack_mark();
    let mut items = Vec::with_capacity(n_items);
    let mut pos = 0;
    for field in &format.fields {
        match field.code {
            b'x' => pos += field.count,
            b's' => {
                let item = vm.new_bytes(&data[pos..pos + field.count])?;
                items.push(vm.root(item)?);
                pos += field.count;
            }
            code => {
                for _ in 0..field.count {
                    let (size, align) = format.size_align(code).unwrap_or((1, 1));
                    pos = align_up(pos, align);
                    let item = unpack_value(vm, &format, code, &data[pos..pos + size])?;
                    items.push(vm.root(item)?);
                    pos += size;
                }
            }
        }
    }
    let items: Vec<Obj> = items.into_iter().map(|slot| vm.slot(slot)).collect();
    let tuple = vm.new_tuple(&items);
    vm.stack_release(mark);
    tuple
}

fn pack_values(vm: &mut Vm, format: &Format, values: &[Obj], out: &mut [u8]) -> PyResult<()> {
    let mut values = values.iter().copied();
    let mut pos = 0;
    for field in &format.fields {
        match field.code {
            b'x' => pos += field.count,
            b's' => {
                let Some(value) = values.next() else {
                    return Ok(());
                };
                let data = read_buffer(vm, value)?;
                let n = data.len().min(field.count);
                out[pos..pos + n].copy_from_slice(&data[..n]);
                pos += field.count;
            }
            code => {
                for _ in 0..field.count {
                    let Some(value) = values.next() else {
                        return Ok(());
                    };
                    let (size, align) = format.size_align(code).unwrap_or((1, 1));
                    pos = align_up(pos, align);
                    let bits = value_bits(vm, code, value)?;
                    let field_bytes = &mut out[pos..pos + size];
                    let le = bits.to_le_bytes();
                    field_bytes.copy_from_slice(&le[..size]);
                    if format.order == b'>' {
                        field_bytes.reverse();
                    }
                    pos += size;
                }
            }
        }
    }
    Ok(())
}

/// The bits of `value` coded as type `code`, in the low bytes of a `u64`.
fn value_bits(vm: &mut Vm, code: u8, value: Obj) -> PyResult<u64> {
    Ok(match code {
        b'e' => u64::from(half_from_f32(float_arg(vm, value)? as f32)),
        b'f' => u64::from((float_arg(vm, value)? as f32).to_bits()),
        b'd' => float_arg(vm, value)?.to_bits(),
        // Integers keep their low 64 bits, as `mp_obj_int_get_truncated` does.
        _ => match vm.as_bigint(value) {
            Some(int) => low_64_bits(&int),
            None => vm.get_int(value)? as u64,
        },
    })
}

fn low_64_bits(int: &BigInt) -> u64 {
    let mask = BigInt::from(u64::MAX);
    (int & mask).to_u64().unwrap_or(0)
}

fn unpack_value(vm: &mut Vm, format: &Format, code: u8, bytes: &[u8]) -> PyResult<Obj> {
    let mut le = [0u8; 8];
    le[..bytes.len()].copy_from_slice(bytes);
    if format.order == b'>' {
        le[..bytes.len()].reverse();
    }
    let bits = u64::from_le_bytes(le);
    match code {
        b'e' => vm.new_float(f64::from(f32_from_half(bits as u16))),
        b'f' => vm.new_float(f64::from(f32::from_bits(bits as u32))),
        b'd' => vm.new_float(f64::from_bits(bits)),
        b'b' | b'h' | b'i' | b'l' | b'q' => {
            let shift = 64 - 8 * bytes.len() as u32;
            vm.new_int(((bits << shift) as i64) >> shift)
        }
        _ => vm.new_big_int(&BigInt::from(bits)),
    }
}

/// An IEEE half-precision float from single precision, rounding to nearest even (a C
/// `_Float16` conversion).
fn half_from_f32(x: f32) -> u16 {
    let bits = x.to_bits();
    let sign = ((bits >> 16) & 0x8000) as u16;
    let exponent = ((bits >> 23) & 0xff) as i32;
    let mantissa = bits & 0x7f_ffff;
    if exponent == 0xff {
        let nan = if mantissa != 0 { 0x200 } else { 0 };
        return sign | 0x7c00 | nan;
    }
    let e = exponent - 127 + 15;
    if e >= 0x1f {
        return sign | 0x7c00;
    }
    // The significand with its implicit bit, and how far it must shift right to fit.
    let (significand, shift) = if e <= 0 {
        if e < -10 {
            return sign;
        }
        (mantissa | 0x80_0000, (14 - e) as u32)
    } else {
        (mantissa, 13)
    };
    let mut half = significand >> shift;
    let rest = significand & ((1 << shift) - 1);
    let halfway = 1 << (shift - 1);
    if rest > halfway || (rest == halfway && half & 1 == 1) {
        half += 1;
    }
    let exponent_bits = if e <= 0 { 0 } else { (e as u32) << 10 };
    // A carry out of the mantissa correctly bumps the exponent (up to infinity).
    sign | (exponent_bits + half) as u16
}

fn f32_from_half(half: u16) -> f32 {
    let sign = if half & 0x8000 != 0 { -1.0 } else { 1.0 };
    let exponent = i32::from((half >> 10) & 0x1f);
    let mantissa = f32::from(half & 0x3ff);
    sign * match exponent {
        0 => mantissa * 2f32.powi(-24),
        0x1f if mantissa == 0.0 => f32::INFINITY,
        0x1f => f32::NAN,
        _ => (1.0 + mantissa / 1024.0) * 2f32.powi(exponent - 15),
    }
}

#[cfg(test)]
mod tests {
    use super::{f32_from_half, half_from_f32};

    #[test]
    fn half_floats_round_to_nearest_even() {
        // Halves CPython's struct format 'e' gives; 65520 overflows to infinity as a C
        // `_Float16` conversion does (CPython refuses it).
        for (x, bits) in [
            (1.0f32, 0x3c00u16),
            (-2.0, 0xc000),
            (65504.0, 0x7bff),
            (65520.0, 0x7c00),
            (6.0e-8, 0x0001),
            (0.1, 0x2e66),
            (1.0009766, 0x3c01),
            (1.0 + 1.0 / 2048.0, 0x3c00),
            (f32::INFINITY, 0x7c00),
        ] {
            assert_eq!(half_from_f32(x), bits, "{x}");
        }
        assert_eq!(f32_from_half(0x3555), 0.33325195);
        assert_eq!(f32_from_half(0x0001), 2f32.powi(-24));
        assert!(f32_from_half(0x7e00).is_nan());
    }
}
