//! `str % args` (`mp_obj_str_binary_op` with `MP_BINARY_OP_MODULO`): conversions `s r d i u
//! x X o c e E f F g G %`, flags `- + space 0 #`, width and precision (`*` too), and
//! `%(name)s` lookups in a dict.
use crate::interp::{PyResult, Vm};
use crate::objects::int::Num;
use crate::objects::ty;
use crate::runtime::obj::Obj;
use num_bigint::{BigInt, Sign};

/// A parsed conversion's flags, width and precision.
#[derive(Default)]
struct Spec {
    left: bool,
    plus: bool,
    space: bool,
    zero: bool,
    alt: bool,
    width: usize,
    precision: Option<usize>,
}

/// The result of `fmt % args`.
pub fn percent_format(vm: &mut Vm, fmt: Obj, args: Obj) -> PyResult<Obj> {
    let text = vm.str_text(fmt);
    let mark = vm.stack_mark();
    let args_slot = vm.root(args)?;
    let is_dict = vm.type_of(args) == ty::DICT;
    let items = if vm.type_of(args) == ty::TUPLE {
        vm.seq_items(args)
    } else {
        vec![args]
    };
    let mut next = 0;
    let mut out = String::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut mapped = None;
        if chars.get(i) == Some(&'(') {
            let close = chars[i..].iter().position(|&c| c == ')');
            let Some(close) = close else {
                return Err(vm.value_error("incomplete format key"));
            };
            let key: String = chars[i + 1..i + close].iter().collect();
            i += close + 1;
            if !is_dict {
                return Err(vm.type_error("format requires a dict"));
            }
            let key = vm.new_str(&key)?;
            let value = vm.subscr(vm.slot(args_slot), key)?;
            mapped = Some(value);
        }
        let mut spec = Spec::default();
        while let Some(&flag) = chars.get(i) {
            match flag {
                '-' => spec.left = true,
                '+' => spec.plus = true,
                ' ' => spec.space = true,
                '0' => spec.zero = true,
                '#' => spec.alt = true,
                _ => break,
            }
            i += 1;
        }
        let take_arg = |vm: &mut Vm, next: &mut usize| -> PyResult<Obj> {
            match items.get(*next) {
                Some(&item) if !is_dict || mapped.is_none() => {
                    *next += 1;
                    Ok(item)
                }
                _ => Err(vm.type_error("format string needs more arguments")),
            }
        };
        if chars.get(i) == Some(&'*') {
            let width = take_arg(vm, &mut next)?;
            spec.width = usize::try_from(vm.get_int(width)?).unwrap_or(0);
            i += 1;
        } else {
            while let Some(d) = chars.get(i).and_then(|c| c.to_digit(10)) {
                spec.width = spec.width * 10 + d as usize;
                i += 1;
            }
        }
        if chars.get(i) == Some(&'.') {
            i += 1;
            let mut precision = 0;
            if chars.get(i) == Some(&'*') {
                let given = take_arg(vm, &mut next)?;
                precision = usize::try_from(vm.get_int(given)?).unwrap_or(0);
                i += 1;
            } else {
                while let Some(d) = chars.get(i).and_then(|c| c.to_digit(10)) {
                    precision = precision * 10 + d as usize;
                    i += 1;
                }
            }
            spec.precision = Some(precision);
        }
        let Some(&kind) = chars.get(i) else {
            return Err(vm.value_error("incomplete format"));
        };
        i += 1;
        if kind == '%' {
            out.push('%');
            continue;
        }
        let arg = match mapped {
            Some(value) => value,
            None if is_dict => vm.slot(args_slot),
            None => take_arg(vm, &mut next)?,
        };
        let piece = convert(vm, arg, kind, &spec, i - 1)?;
        out.push_str(&piece);
    }
    if !is_dict && next < items.len() {
        return Err(vm.type_error("format string didn't convert all arguments"));
    }
    vm.stack_release(mark);
    vm.new_str(&out)
}

fn convert(vm: &mut Vm, arg: Obj, kind: char, spec: &Spec, at: usize) -> PyResult<String> {
    match kind {
        's' | 'r' => {
            let mut text = if kind == 's' {
                vm.str_of(arg)?
            } else {
                vm.repr(arg)?
            };
            if let Some(p) = spec.precision {
                text = text.chars().take(p).collect();
            }
            Ok(pad(text, spec))
        }
        'c' => {
            let text = if vm.is_str(arg) {
                vm.str_text(arg)
            } else {
                let code = vm.get_int(arg)?;
                match u32::try_from(code).ok().and_then(char::from_u32) {
                    Some(c) => c.to_string(),
                    None => return Err(vm.value_error("%c arg not in range(0x110000)")),
                }
            };
            Ok(pad(text, spec))
        }
        'd' | 'i' | 'u' | 'x' | 'X' | 'o' => {
            let value = match vm.as_num(arg) {
                Some(Num::Float(f)) => BigInt::from(f.trunc() as i64),
                Some(Num::Small(v)) => BigInt::from(v),
                Some(Num::Big(b)) => b,
                None => {
                    let name = vm.type_name_of(arg);
                    return Err(vm.type_error(&format!("can't convert {name} to int")));
                }
            };
            let (radix, prefix) = match kind {
                'x' => (16, "0x"),
                'X' => (16, "0X"),
                'o' => (8, "0o"),
                _ => (10, ""),
            };
            let mut digits = value.magnitude().to_str_radix(radix);
            if kind == 'X' {
                digits = digits.to_uppercase();
            }
            if let Some(p) = spec.precision {
                while digits.len() < p {
                    digits.insert(0, '0');
                }
            }
            if spec.alt {
                digits.insert_str(0, prefix);
            }
            Ok(signed(digits, value.sign() == Sign::Minus, spec))
        }
        'e' | 'E' | 'f' | 'F' | 'g' | 'G' => {
            let Some(num) = vm.as_num(arg) else {
                let name = vm.type_name_of(arg);
                return Err(vm.type_error(&format!("can't convert {name} to float")));
            };
            let x = num.to_f64();
            let text = format_float(x.abs(), kind, spec.precision.unwrap_or(6), spec.alt);
            Ok(signed(text, x.is_sign_negative(), spec))
        }
        _ => Err(vm.value_error(&format!(
            "unsupported format character '{kind}' (0x{:x}) at index {at}",
            kind as u32
        ))),
    }
}

/// A non-negative float in C's `%e`, `%f` or `%g` form.
fn format_float(x: f64, kind: char, precision: usize, alt: bool) -> String {
    if !x.is_finite() {
        let text = if x.is_nan() { "nan" } else { "inf" };
        return if kind.is_ascii_uppercase() {
            text.to_uppercase()
        } else {
            text.into()
        };
    }
    let text = match kind.to_ascii_lowercase() {
        'f' => format!("{x:.precision$}"),
        'e' => exponent_form(x, precision),
        _ => {
            let p = precision.max(1);
            let exp = if x == 0.0 { 0 } else { exponent_of(x, p) };
            let mut text = if exp < -4 || exp >= p as i32 {
                exponent_form(x, p - 1)
            } else {
                format!("{x:.*}", (p as i32 - 1 - exp).max(0) as usize)
            };
            if !alt {
                text = strip_zeros(&text);
            }
            text
        }
    };
    if kind.is_ascii_uppercase() {
        text.to_uppercase()
    } else {
        text
    }
}

/// The decimal exponent `x` has once rounded to `p` significant digits.
fn exponent_of(x: f64, p: usize) -> i32 {
    let text = format!("{:.*e}", p - 1, x);
    text.split('e')
        .nth(1)
        .and_then(|e| e.parse().ok())
        .unwrap_or(0)
}

/// `d.ddde+XX` with at least two exponent digits.
fn exponent_form(x: f64, precision: usize) -> String {
    let text = format!("{x:.precision$e}");
    let (mantissa, exp) = text.split_once('e').unwrap_or((&text, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let sign = if exp < 0 { '-' } else { '+' };
    format!("{mantissa}e{sign}{:02}", exp.abs())
}

/// Drops trailing fractional zeros (and a bare point) from the mantissa.
fn strip_zeros(text: &str) -> String {
    let (mantissa, exp) = match text.split_once('e') {
        Some((m, e)) => (m, format!("e{e}")),
        None => (text, String::new()),
    };
    let mantissa = if mantissa.contains('.') {
        mantissa.trim_end_matches('0').trim_end_matches('.')
    } else {
        mantissa
    };
    format!("{mantissa}{exp}")
}

/// Adds the sign and pads a number to the width (zeros go after the sign).
fn signed(digits: String, negative: bool, spec: &Spec) -> String {
    let sign = if negative {
        "-"
    } else if spec.plus {
        "+"
    } else if spec.space {
        " "
    } else {
        ""
    };
    if spec.zero && !spec.left {
        let len = sign.len() + digits.chars().count();
        let zeros = "0".repeat(spec.width.saturating_sub(len));
        return format!("{sign}{zeros}{digits}");
    }
    pad(format!("{sign}{digits}"), spec)
}

fn pad(text: String, spec: &Spec) -> String {
    let len = text.chars().count();
    if len >= spec.width {
        return text;
    }
    let fill = " ".repeat(spec.width - len);
    if spec.left {
        format!("{text}{fill}")
    } else {
        format!("{fill}{text}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_take_c_forms() {
        assert_eq!(format_float(1.5, 'e', 6, false), "1.500000e+00");
        assert_eq!(format_float(0.0001234, 'g', 6, false), "0.0001234");
        assert_eq!(format_float(1234567.0, 'g', 6, false), "1.23457e+06");
        assert_eq!(format_float(100.0, 'g', 6, false), "100");
        assert_eq!(format_float(2.5, 'f', 0, false), "2");
    }
}
