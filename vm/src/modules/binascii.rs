//! `binascii` (`extmod/modbinascii.c`): hex and base64 coding, and CRC-32.
use super::args::{arg_or_kw, read_buffer};
use super::ModuleDef;
use crate::builtins::arity;
use crate::interp::call::Args;
use crate::interp::{PyResult, Vm};
use crate::runtime::obj::Obj;

pub const MODULE: ModuleDef = ModuleDef {
    name: "binascii",
    extensible: true,
    functions: &[
        ("hexlify", hexlify),
        ("unhexlify", unhexlify),
        ("a2b_base64", a2b_base64),
        ("b2a_base64", b2a_base64),
        ("crc32", crc32),
    ],
    attrs: super::no_attrs,
};

const BASE64_ALPHABET: &[u8; 64] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// `hexlify(data[, sep])`: lowercase hex, with the separator's first byte between pairs.
fn hexlify(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 2)?;
    let data = read_buffer(vm, vm.arg(&args, 0))?;
    let sep = if args.n_pos > 1 && !data.is_empty() {
        let sep = read_buffer(vm, vm.arg(&args, 1))?;
        Some(sep.first().copied().unwrap_or(0))
    } else {
        None
    };
    let mut out = Vec::with_capacity(data.len() * 3);
    for (i, byte) in data.iter().enumerate() {
        if let (Some(sep), true) = (sep, i > 0) {
            out.push(sep);
        }
        out.extend_from_slice(format!("{byte:02x}").as_bytes());
    }
    vm.new_bytes(&out)
}

/// `unhexlify(text)`: hex digit pairs, whitespace allowed between pairs.
fn unhexlify(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    let data = read_buffer(vm, vm.arg(&args, 0))?;
    let mut out = Vec::with_capacity(data.len() / 2);
    let mut digits = data.iter().copied();
    while let Some(high) = digits.next() {
        if high.is_ascii_whitespace() {
            continue;
        }
        let pair = digits.next().and_then(|low| {
            let high = (high as char).to_digit(16)?;
            let low = (low as char).to_digit(16)?;
            Some((high << 4 | low) as u8)
        });
        match pair {
            Some(byte) => out.push(byte),
            None => return Err(vm.value_error("non-hex digit")),
        }
    }
    vm.new_bytes(&out)
}

/// `a2b_base64(text)`: skips characters outside the alphabet; stops at complete padding.
fn a2b_base64(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    let data = read_buffer(vm, vm.arg(&args, 0))?;
    let mut out = Vec::with_capacity(data.len() * 3 / 4 + 1);
    let (mut bits, mut n_bits, mut had_pad) = (0u32, 0, false);
    for &c in &data {
        if c == b'=' {
            if n_bits == 2 || (n_bits == 4 && had_pad) {
                n_bits = 0;
                break;
            }
            had_pad = true;
        }
        let Some(sextet) = BASE64_ALPHABET.iter().position(|&a| a == c) else {
            continue;
        };
        had_pad = false;
        bits = (bits << 6) | sextet as u32;
        n_bits += 6;
        if n_bits >= 8 {
            n_bits -= 8;
            out.push((bits >> n_bits) as u8);
        }
    }
    if n_bits != 0 {
        return Err(vm.value_error("incorrect padding"));
    }
    vm.new_bytes(&out)
}

/// `b2a_base64(data, *, newline=True)`.
fn b2a_base64(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 2)?;
    let data = read_buffer(vm, vm.arg(&args, 0))?;
    let newline = match arg_or_kw(vm, &args, 1, "newline")? {
        Some(flag) => vm.is_true(flag)?,
        None => true,
    };
    let mut out = Vec::with_capacity(data.len().div_ceil(3) * 4 + 1);
    for chunk in data.chunks(3) {
        let word = chunk
            .iter()
            .enumerate()
            .fold(0u32, |word, (i, &b)| word | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(BASE64_ALPHABET[(word >> (18 - 6 * i) & 0x3f) as usize]);
            } else {
                out.push(b'=');
            }
        }
    }
    if newline {
        out.push(b'\n');
    }
    vm.new_bytes(&out)
}

/// `crc32(data[, crc])`: the zlib CRC-32, continuing from `crc`.
fn crc32(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 2)?;
    let data = read_buffer(vm, vm.arg(&args, 0))?;
    let start = if args.n_pos > 1 {
        let value = vm.arg(&args, 1);
        match vm.as_bigint(value) {
            Some(int) => (int & num_bigint::BigInt::from(u32::MAX))
                .try_into()
                .unwrap_or(0u32),
            None => vm.get_int(value)? as u32,
        }
    } else {
        0
    };
    let mut crc = !start;
    for &byte in &data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    vm.new_int(i64::from(!crc))
}
