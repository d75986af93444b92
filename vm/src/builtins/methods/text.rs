//! The text methods `str`, `bytes` and `bytearray` share (objstr.c's one locals table). Each
//! works on the receiver's bytes and builds results of the receiver's type; for `str`, the
//! positions callers see (`start`/`end` arguments, `find` results, `center` widths) count
//! characters, which are whole UTF-8 sequences. Case and class tests are ASCII only, as in
//! MicroPython.
use crate::interp::call::Args;
use crate::interp::{PyResult, Vm};
use crate::objects::array::find;
use crate::objects::qstrs::q;
use crate::objects::ty;
use crate::runtime::obj::Obj;

/// A method's receiver: its type (str, bytes or bytearray) and its bytes.
struct Text {
    t: u32,
    data: Vec<u8>,
}

impl Text {
    fn is_str(&self) -> bool {
        self.t == ty::STR
    }

    /// Byte offset of position `index` (negative from the end, clamped to the text).
    fn offset(&self, index: i64) -> usize {
        let len = self.char_len() as i64;
        let index = if index < 0 { index + len } else { index }.clamp(0, len) as usize;
        if !self.is_str() {
            return index;
        }
        self.char_starts().nth(index).unwrap_or(self.data.len())
    }

    /// Position (in characters for a str) of byte offset `offset`.
    fn position(&self, offset: usize) -> i64 {
        if !self.is_str() {
            return offset as i64;
        }
        self.char_starts()
            .take_while(|&start| start < offset)
            .count() as i64
    }

    fn char_len(&self) -> usize {
        if self.is_str() {
            self.char_starts().count()
        } else {
            self.data.len()
        }
    }

    fn char_starts(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.data.len()).filter(|&i| self.data[i] & 0xC0 != 0x80)
    }
}

fn receiver(vm: &Vm, args: &Args) -> Text {
    let obj = vm.arg(args, 0);
    let t = vm.type_of(obj);
    let data = if t == ty::BYTEARRAY {
        vm.buffer_bytes_of(obj).unwrap_or_default()
    } else {
        vm.str_bytes(obj)
    };
    Text { t, data }
}

/// bytes and bytearray count as one kind for arguments (`str_check_arg_type`).
fn kind(t: u32) -> u32 {
    if t == ty::BYTEARRAY {
        ty::BYTES
    } else {
        t
    }
}

/// The bytes of an argument that must be of the receiver's kind.
fn arg_bytes(vm: &mut Vm, text: &Text, obj: Obj) -> PyResult<Vec<u8>> {
    let t = vm.type_of(obj);
    if kind(t) != kind(text.t) {
        return Err(bad_implicit_conversion(vm, obj));
    }
    Ok(if t == ty::BYTEARRAY {
        vm.buffer_bytes_of(obj).unwrap_or_default()
    } else {
        vm.str_bytes(obj)
    })
}

fn bad_implicit_conversion(vm: &mut Vm, obj: Obj) -> crate::interp::Raise {
    let name = vm.type_name_of(obj);
    let target = if name == "str" { "bytes" } else { "str" };
    vm.type_error(&format!(
        "can't convert '{name}' object to {target} implicitly"
    ))
}

/// A new object of the receiver's type holding `data`.
fn make(vm: &mut Vm, t: u32, data: &[u8]) -> PyResult<Obj> {
    match t {
        ty::STR => vm.new_str(&String::from_utf8_lossy(data)),
        ty::BYTEARRAY => vm.new_bytearray(data),
        _ => vm.new_bytes(data),
    }
}

fn make_list(vm: &mut Vm, t: u32, parts: &[&[u8]]) -> PyResult<Obj> {
    let list = vm.new_list(&[])?;
    let slot = vm.root(list)?;
    for part in parts {
        let item = make(vm, t, part)?;
        vm.list_append(vm.slot(slot), item)?;
    }
    Ok(vm.slot(slot))
}

/// Optional positional argument `index`, with `None` meaning absent.
fn opt_arg(vm: &Vm, args: &Args, index: u32) -> Option<Obj> {
    (args.n_pos > index)
        .then(|| vm.arg(args, index))
        .filter(|&obj| obj != Obj::NONE)
}

/// The byte range `start..end` that arguments `first` and `first + 1` select.
fn range(vm: &mut Vm, args: &Args, text: &Text, first: u32) -> PyResult<(usize, usize)> {
    let start = match opt_arg(vm, args, first) {
        Some(obj) => text.offset(vm.get_int(obj)?),
        None => 0,
    };
    let end = match opt_arg(vm, args, first + 1) {
        Some(obj) => text.offset(vm.get_int(obj)?),
        None => text.data.len(),
    };
    Ok((start, end))
}

fn finder(vm: &mut Vm, args: Args, reverse: bool, raise: bool) -> PyResult<Obj> {
    let text = receiver(vm, &args);
    let needle = vm.arg(&args, 1);
    let needle = match needle.as_small_int() {
        Some(byte) if !text.is_str() => {
            if !(0..=255).contains(&byte) {
                return Err(vm.value_error("bytes value out of range"));
            }
            vec![byte as u8]
        }
        _ => arg_bytes(vm, &text, needle)?,
    };
    let (start, end) = range(vm, &args, &text, 2)?;
    let found = if end < start {
        None
    } else {
        let hay = &text.data[start..end];
        if reverse {
            rfind(hay, &needle)
        } else {
            find(hay, &needle)
        }
    };
    match found {
        Some(at) => vm.new_int(text.position(start + at)),
        None if raise => Err(vm.value_error("substring not found")),
        None => vm.new_int(-1),
    }
}

/// Index of the last occurrence of `needle` in `hay`.
fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.len() > hay.len() {
        return None;
    }
    (0..=hay.len() - needle.len())
        .rev()
        .find(|&i| &hay[i..i + needle.len()] == needle)
}

pub fn find_(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    finder(vm, args, false, false)
}

pub fn rfind_(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    finder(vm, args, true, false)
}

pub fn index(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    finder(vm, args, false, true)
}

pub fn rindex(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    finder(vm, args, true, true)
}

pub fn count(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    let text = receiver(vm, &args);
    let needle = arg_bytes(vm, &text, vm.arg(&args, 1))?;
    let (start, end) = range(vm, &args, &text, 2)?;
    let hay = if end < start {
        &[][..]
    } else {
        &text.data[start..end]
    };
    if needle.is_empty() {
        let sub = Text {
            t: text.t,
            data: hay.to_vec(),
        };
        return vm.new_int(sub.char_len() as i64 + 1);
    }
    let (mut n, mut at) = (0, 0);
    while let Some(found) = find(&hay[at..], &needle) {
        n += 1;
        at += found + needle.len();
    }
    vm.new_int(n)
}

/// `split(sep=None, maxsplit=-1)`'s arguments (positional only, as in MicroPython).
fn split_args(vm: &mut Vm, args: &Args) -> PyResult<(Option<Obj>, i64)> {
    let sep = opt_arg(vm, args, 1);
    let max = match args.n_pos > 2 {
        true => vm.get_int(vm.arg(args, 2))?,
        false => -1,
    };
    Ok((sep, max))
}

pub fn split(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    let text = receiver(vm, &args);
    let (sep, mut splits) = split_args(vm, &args)?;
    let data = &text.data[..];
    let mut parts: Vec<&[u8]> = Vec::new();
    match sep {
        None => {
            let mut s = 0;
            while s < data.len() && is_space(data[s]) {
                s += 1;
            }
            while s < data.len() && splits != 0 {
                let start = s;
                while s < data.len() && !is_space(data[s]) {
                    s += 1;
                }
                parts.push(&data[start..s]);
                while s < data.len() && is_space(data[s]) {
                    s += 1;
                }
                splits -= 1;
            }
            if s < data.len() {
                parts.push(&data[s..]);
            }
        }
        Some(sep) => {
            let sep = arg_bytes(vm, &text, sep)?;
            if sep.is_empty() {
                return Err(vm.value_error("empty separator"));
            }
            let mut rest = data;
            while splits != 0 {
                let Some(at) = find(rest, &sep) else { break };
                parts.push(&rest[..at]);
                rest = &rest[at + sep.len()..];
                splits -= 1;
            }
            parts.push(rest);
        }
    }
    make_list(vm, text.t, &parts)
}

pub fn rsplit(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    let (sep, mut splits) = split_args(vm, &args)?;
    if splits < 0 {
        return split(vm, args);
    }
    let text = receiver(vm, &args);
    let Some(sep) = sep else {
        return Err(vm.raise_msg(ty::NOT_IMPLEMENTED_ERROR, "rsplit(None,n)"));
    };
    let sep = arg_bytes(vm, &text, sep)?;
    if sep.is_empty() {
        return Err(vm.value_error("empty separator"));
    }
    let mut rest = &text.data[..];
    let mut parts: Vec<&[u8]> = Vec::new();
    while splits != 0 {
        let Some(at) = rfind(rest, &sep) else { break };
        parts.push(&rest[at + sep.len()..]);
        rest = &rest[..at];
        splits -= 1;
    }
    parts.push(rest);
    parts.reverse();
    make_list(vm, text.t, &parts)
}

pub fn splitlines(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    let text = receiver(vm, &args);
    let keep = match opt_arg(vm, &args, 1).or_else(|| vm.kwarg_named(&args, q("keepends"))) {
        Some(obj) => vm.is_true(obj)?,
        None => false,
    };
    let data = &text.data[..];
    let mut parts: Vec<&[u8]> = Vec::new();
    let mut s = 0;
    while s < data.len() {
        let start = s;
        while s < data.len() && data[s] != b'\n' && data[s] != b'\r' {
            s += 1;
        }
        let ending = match data.get(s..s + 2) {
            Some(b"\r\n") => 2,
            _ if s < data.len() => 1,
            _ => 0,
        };
        parts.push(&data[start..if keep { s + ending } else { s }]);
        s += ending;
    }
    make_list(vm, text.t, &parts)
}

fn starts_or_ends(vm: &mut Vm, args: Args, ends: bool) -> PyResult<Obj> {
    let text = receiver(vm, &args);
    let (start, end) = range(vm, &args, &text, 2)?;
    let hay = if end < start {
        &[][..]
    } else {
        &text.data[start..end]
    };
    let affix = vm.arg(&args, 1);
    let affixes = if vm.type_of(affix) == ty::TUPLE {
        vm.seq_items(affix)
    } else {
        vec![affix]
    };
    for affix in affixes {
        if !(vm.is_str(affix) || vm.is_bytes(affix) || vm.is_array(affix)) {
            let name = vm.type_name_of(affix);
            return Err(vm.type_error(&format!("can't convert '{name}' object to str implicitly")));
        }
        let affix = arg_bytes(vm, &text, affix)?;
        let hit = if ends {
            hay.ends_with(&affix)
        } else {
            hay.starts_with(&affix)
        };
        if hit {
            return Ok(Obj::TRUE);
        }
    }
    Ok(Obj::FALSE)
}

pub fn startswith(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    starts_or_ends(vm, args, false)
}

pub fn endswith(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    starts_or_ends(vm, args, true)
}

/// MicroPython's whitespace (`unichar_isspace`): space and `\t\n\v\f\r`.
fn is_space(byte: u8) -> bool {
    byte == b' ' || (b'\t'..=b'\r').contains(&byte)
}

fn strip_with(vm: &mut Vm, args: Args, left: bool, right: bool) -> PyResult<Obj> {
    let text = receiver(vm, &args);
    let chars = match opt_arg(vm, &args, 1) {
        Some(obj) => Some(arg_bytes(vm, &text, obj)?),
        None => None,
    };
    let strip = |byte: &u8| match &chars {
        Some(chars) => chars.contains(byte),
        None => is_space(*byte),
    };
    let mut data = &text.data[..];
    if left {
        let n = data.iter().take_while(|b| strip(b)).count();
        data = &data[n..];
    }
    if right {
        let n = data.iter().rev().take_while(|b| strip(b)).count();
        data = &data[..data.len() - n];
    }
    if data.len() == text.data.len() {
        return Ok(vm.arg(&args, 0));
    }
    make(vm, text.t, data)
}

pub fn strip(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    strip_with(vm, args, true, true)
}

pub fn lstrip(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    strip_with(vm, args, true, false)
}

pub fn rstrip(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    strip_with(vm, args, false, true)
}

pub fn replace(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    let text = receiver(vm, &args);
    let old = arg_bytes(vm, &text, vm.arg(&args, 1))?;
    let new = arg_bytes(vm, &text, vm.arg(&args, 2))?;
    let mut limit = match opt_arg(vm, &args, 3) {
        Some(obj) => vm.get_int(obj)?,
        None => -1,
    };
    let mut out = Vec::with_capacity(text.data.len());
    let mut rest = &text.data[..];
    while limit != 0 {
        let Some(at) = find(rest, &old) else { break };
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(&new);
        if old.is_empty() {
            // An empty pattern matches before every character.
            let step = if text.is_str() {
                rest.iter()
                    .skip(1)
                    .position(|b| b & 0xC0 != 0x80)
                    .map_or(rest.len(), |p| p + 1)
            } else {
                1
            };
            if rest.is_empty() {
                rest = &[];
                break;
            }
            out.extend_from_slice(&rest[..step]);
            rest = &rest[step..];
        } else {
            rest = &rest[at + old.len()..];
        }
        limit -= 1;
    }
    out.extend_from_slice(rest);
    if out == text.data {
        return Ok(vm.arg(&args, 0));
    }
    make(vm, text.t, &out)
}

fn partitioner(vm: &mut Vm, args: Args, reverse: bool) -> PyResult<Obj> {
    let text = receiver(vm, &args);
    let sep = arg_bytes(vm, &text, vm.arg(&args, 1))?;
    if sep.is_empty() {
        return Err(vm.value_error("empty separator"));
    }
    let found = if reverse {
        rfind(&text.data, &sep)
    } else {
        find(&text.data, &sep)
    };
    let parts: [&[u8]; 3] = match found {
        Some(at) => [&text.data[..at], &sep, &text.data[at + sep.len()..]],
        None if reverse => [&[], &[], &text.data],
        None => [&text.data, &[], &[]],
    };
    let mark = vm.stack_mark();
    let mut items = Vec::with_capacity(3);
    for part in parts {
        let obj = make(vm, text.t, part)?;
        vm.root(obj)?;
        items.push(obj);
    }
    let tuple = vm.new_tuple(&items);
    vm.stack_release(mark);
    tuple
}

pub fn partition(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    partitioner(vm, args, false)
}

pub fn rpartition(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    partitioner(vm, args, true)
}

pub fn center(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    let text = receiver(vm, &args);
    let width = vm.get_int(vm.arg(&args, 1))?;
    let len = text.char_len() as i64;
    if len >= width {
        return Ok(vm.arg(&args, 0));
    }
    vm.check_repeat_size(width as usize, 1, 1)?;
    let padding = (width - len) as usize;
    let left = padding / 2;
    let mut out = vec![b' '; left];
    out.extend_from_slice(&text.data);
    out.resize(text.data.len() + padding, b' ');
    make(vm, text.t, &out)
}

fn map_bytes(vm: &mut Vm, args: Args, f: fn(&u8) -> u8) -> PyResult<Obj> {
    let text = receiver(vm, &args);
    let out: Vec<u8> = text.data.iter().map(f).collect();
    make(vm, text.t, &out)
}

pub fn lower(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    map_bytes(vm, args, u8::to_ascii_lowercase)
}

pub fn upper(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    map_bytes(vm, args, u8::to_ascii_uppercase)
}

/// The `is...` tests: false when empty; upper/lower look at letters only and need one.
fn is_class(vm: &Vm, args: &Args, test: fn(&u8) -> bool, letters_only: bool) -> Obj {
    let text = receiver(vm, args);
    if text.data.is_empty() {
        return Obj::FALSE;
    }
    if letters_only {
        let mut letters = text
            .data
            .iter()
            .filter(|b| b.is_ascii_alphabetic())
            .peekable();
        return Obj::bool(letters.peek().is_some() && letters.all(test));
    }
    Obj::bool(text.data.iter().all(test))
}

pub fn isspace(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    Ok(is_class(vm, &args, |b| is_space(*b), false))
}

pub fn isalpha(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    Ok(is_class(vm, &args, u8::is_ascii_alphabetic, false))
}

pub fn isdigit(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    Ok(is_class(vm, &args, u8::is_ascii_digit, false))
}

pub fn isupper(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    Ok(is_class(vm, &args, u8::is_ascii_uppercase, true))
}

pub fn islower(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    Ok(is_class(vm, &args, u8::is_ascii_lowercase, true))
}

pub fn join(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    let text = receiver(vm, &args);
    let list = vm.list_from_iterable(vm.arg(&args, 1))?;
    let mut out = Vec::new();
    for (i, item) in vm.seq_items(list).into_iter().enumerate() {
        if kind(vm.type_of(item)) != kind(text.t) {
            return Err(vm.type_error(
                "join expects a list of str/bytes objects consistent with self object",
            ));
        }
        if i > 0 {
            out.extend_from_slice(&text.data);
        }
        let part = if vm.is_array(item) {
            vm.buffer_bytes_of(item).unwrap_or_default()
        } else {
            vm.str_bytes(item)
        };
        out.extend_from_slice(&part);
    }
    make(vm, text.t, &out)
}
