//! `re` (`extmod/modre.c`): `compile`, `match`, `search`, `sub`; pattern objects (class `re`)
//! with `match`, `search`, `split`, `sub`; match objects (class `match`) with `group`,
//! `groups`, `span`, `start`, `end` (the last four MicroPython builds only at its "everything"
//! feature level; krait always has them). The dialect and the matcher are in [`engine`].
//!
//! A pattern object keeps its source (`(pattern,)`) and is compiled again when used, so no
//! Rust structure lives in the VM's heap; a match keeps `(subject, spans)` with `spans` a
//! tuple of `start, end` byte offsets (`-1` for a group that did not take part).
mod engine;

use super::native::{self, State};
use super::ModuleDef;
use crate::builtins::arity;
use crate::interp::call::Args;
use crate::interp::{PyResult, Raise, Vm};
use crate::objects::ty;
use crate::runtime::obj::Obj;
use engine::{Error, Regex};

pub const MODULE: ModuleDef = ModuleDef {
    name: "re",
    extensible: true,
    functions: &[
        ("compile", compile),
        ("match", match_),
        ("search", search),
        ("sub", sub),
        ("re.__init__", pattern_init),
        ("re.__repr__", pattern_repr),
        ("re.match", match_),
        ("re.search", search),
        ("re.split", split),
        ("re.sub", sub),
        ("match.__repr__", match_repr),
        ("match.group", group),
        ("match.groups", groups),
        ("match.span", span),
        ("match.start", start),
        ("match.end", end),
    ],
    attrs: super::no_attrs,
};

fn raise(vm: &mut Vm, err: Error) -> Raise {
    match err {
        Error::Syntax => vm.value_error("error in regex"),
        Error::TooDeep => vm.raise_msg(ty::RUNTIME_ERROR, "maximum recursion depth exceeded"),
    }
}

/// `compile(pattern[, flags])`: a pattern object.
fn compile(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 2)?;
    let class = native::class(vm, "re", "re")?;
    vm.call_objs(class, &[vm.arg(&args, 0)])
}

/// `re(pattern)`, what `compile` makes: checks the pattern compiles.
fn pattern_init(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 2, 2)?;
    let pattern = vm.arg(&args, 1);
    let source = text_arg(vm, pattern)?;
    Regex::compile(&source).map_err(|err| raise(vm, err))?;
    native::attach(vm, vm.arg(&args, 0), "re", &[pattern])?;
    Ok(Obj::NONE)
}

fn pattern_repr(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    let this = vm.arg(&args, 0);
    native::state(vm, this, "re")?;
    vm.new_str(&format!("<re 0x{:x}>", this.raw()))
}

/// The bytes of a `str` or `bytes` argument.
fn text_arg(vm: &mut Vm, obj: Obj) -> PyResult<Vec<u8>> {
    if vm.is_str(obj) || vm.is_bytes(obj) {
        return Ok(vm.str_bytes(obj));
    }
    let name = vm.type_name_of(obj);
    Err(vm.type_error(&format!("can't convert '{name}' object to str implicitly")))
}

/// The regex of a pattern object or pattern text, and whether it was a compiled object.
fn regex_of(vm: &mut Vm, obj: Obj) -> PyResult<(Regex, bool)> {
    let (source, compiled) = match native::state(vm, obj, "re") {
        Ok(state) => (state.get(vm, 0), true),
        Err(_) => (obj, false),
    };
    let source = text_arg(vm, source)?;
    let regex = Regex::compile(&source).map_err(|err| raise(vm, err))?;
    Ok((regex, compiled))
}

/// A new string of the subject's type from `bytes`.
fn new_like(vm: &mut Vm, subject: Obj, bytes: &[u8]) -> PyResult<Obj> {
    if vm.is_bytes(subject) {
        vm.new_bytes(bytes)
    } else {
        vm.new_str(&String::from_utf8_lossy(bytes))
    }
}

/// `match`/`search` as functions (`pattern, string`) or methods (`self, string[, pos[,
/// endpos]]`).
fn exec(vm: &mut Vm, args: &Args, anchored: bool) -> PyResult<Obj> {
    arity(vm, args, 2, 4)?;
    let (regex, compiled) = regex_of(vm, vm.arg(args, 0))?;
    let subject = vm.arg(args, 1);
    let text = text_arg(vm, subject)?;
    let len = text.len() as i64;
    let (mut from, mut to) = (0, len);
    if compiled && args.n_pos > 2 {
        from = vm.get_int(vm.arg(args, 2))?.clamp(0, len);
        if args.n_pos > 3 {
            to = vm.get_int(vm.arg(args, 3))?.clamp(from, len);
        }
    }
    let found = regex
        .exec(&text, from as usize, to as usize, anchored)
        .map_err(|err| raise(vm, err))?;
    match found {
        Some(spans) => new_match(vm, subject, &spans),
        None => Ok(Obj::NONE),
    }
}

fn new_match(vm: &mut Vm, subject: Obj, spans: &[Option<(usize, usize)>]) -> PyResult<Obj> {
    let mark = vm.stack_mark();
    let subject_slot = vm.root(subject)?;
    let mut words = Vec::with_capacity(2 * spans.len());
    for span in spans {
        let (s, e) = span.map_or((-1, -1), |(s, e)| (s as i64, e as i64));
        words.push(vm.new_int(s)?);
        words.push(vm.new_int(e)?);
    }
    let spans = vm.new_tuple(&words)?;
    let spans_slot = vm.root(spans)?;
    let class = native::class(vm, "re", "match")?;
    let class_slot = vm.root(class)?;
    let t = vm.slot(class_slot).raw();
    let instance = vm.new_instance(t)?;
    let instance_slot = vm.root(instance)?;
    native::attach(
        vm,
        instance,
        "match",
        &[vm.slot(subject_slot), vm.slot(spans_slot)],
    )?;
    let instance = vm.slot(instance_slot);
    vm.stack_release(mark);
    Ok(instance)
}

fn match_(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    exec(vm, &args, true)
}

fn search(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    exec(vm, &args, false)
}

/// `split(string[, maxsplit])`: the pieces between non-empty matches.
fn split(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 2, 3)?;
    let (regex, _) = regex_of(vm, vm.arg(&args, 0))?;
    let subject = vm.arg(&args, 1);
    let text = text_arg(vm, subject)?;
    let mut maxsplit = if args.n_pos > 2 {
        vm.get_int(vm.arg(&args, 2))?
    } else {
        0
    };
    let list = vm.new_list(&[])?;
    let list_slot = vm.root(list)?;
    let mut from = 0;
    loop {
        let found = regex
            .exec(&text, from, text.len(), false)
            .map_err(|err| raise(vm, err))?;
        let Some(Some((s, e))) = found.as_ref().map(|spans| spans[0]) else {
            break;
        };
        if s == e {
            break;
        }
        let piece = new_like(vm, subject, &text[from..s])?;
        vm.list_append(vm.slot(list_slot), piece)?;
        if regex.groups > 1 {
            return Err(vm.raise_msg(ty::NOT_IMPLEMENTED_ERROR, "splitting with sub-captures"));
        }
        from = e;
        if maxsplit > 0 {
            maxsplit -= 1;
            if maxsplit == 0 {
                break;
            }
        }
    }
    let rest = new_like(vm, subject, &text[from..])?;
    vm.list_append(vm.slot(list_slot), rest)?;
    Ok(vm.slot(list_slot))
}

/// `sub(pattern, repl, string[, count])` and the method `sub(repl, string[, count])`:
/// `repl` is text with `\N` and `\g<N>` group references, or a function of the match.
fn sub(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 3, 5)?;
    let (regex, _) = regex_of(vm, vm.arg(&args, 0))?;
    let replacement = vm.arg(&args, 1);
    let subject = vm.arg(&args, 2);
    let text = text_arg(vm, subject)?;
    let mut count = if args.n_pos > 3 {
        vm.get_int(vm.arg(&args, 3))?
    } else {
        0
    };
    let mut out = Vec::new();
    let mut from = 0;
    let mut replaced = false;
    loop {
        let found = regex
            .exec(&text, from, text.len(), false)
            .map_err(|err| raise(vm, err))?;
        let Some(spans) = found else { break };
        let Some((s, e)) = spans[0] else { break };
        if s == e {
            break;
        }
        replaced = true;
        out.extend_from_slice(&text[from..s]);
        let template = if vm.is_str(replacement) || vm.is_bytes(replacement) {
            vm.str_bytes(replacement)
        } else {
            let m = new_match(vm, subject, &spans)?;
            let result = vm.call_objs(replacement, &[m])?;
            text_arg(vm, result)?
        };
        expand(vm, &template, &text, &spans, &mut out)?;
        from = e;
        if count > 0 {
            count -= 1;
            if count == 0 {
                break;
            }
        }
    }
    if !replaced {
        return Ok(subject);
    }
    out.extend_from_slice(&text[from..]);
    new_like(vm, subject, &out)
}

/// Appends `template` to `out` with its group references replaced.
fn expand(
    vm: &mut Vm,
    template: &[u8],
    text: &[u8],
    spans: &[Option<(usize, usize)>],
    out: &mut Vec<u8>,
) -> PyResult<()> {
    let mut i = 0;
    while i < template.len() {
        let c = template[i];
        i += 1;
        if c != b'\\' {
            out.push(c);
            continue;
        }
        let named = template[i..].starts_with(b"g<");
        if named {
            i += 2;
        }
        let digits = template[i..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        if digits > 0 {
            let number: usize = std::str::from_utf8(&template[i..i + digits])
                .ok()
                .and_then(|n| n.parse().ok())
                .unwrap_or(usize::MAX);
            i += digits;
            if named && template.get(i) == Some(&b'>') {
                i += 1;
            }
            let Some(span) = spans.get(number) else {
                let number = vm.new_int(number.min(i64::MAX as usize) as i64)?;
                let args = vm.new_tuple(&[number])?;
                let exc = vm.new_exception(ty::INDEX_ERROR, args)?;
                return Err(vm.raise(exc));
            };
            if let Some((s, e)) = span {
                out.extend_from_slice(&text[*s..*e]);
            }
        } else if template.get(i) == Some(&b'\\') {
            out.push(b'\\');
            i += 1;
        }
    }
    Ok(())
}

/// The match's subject and spans.
fn match_state(vm: &mut Vm, obj: Obj) -> PyResult<(State, Obj, Vec<i64>)> {
    let state = native::state(vm, obj, "match")?;
    let subject = state.get(vm, 0);
    let spans = vm
        .seq_items(state.get(vm, 1))
        .iter()
        .map(|span| span.as_small_int().map_or(-1, i64::from))
        .collect();
    Ok((state, subject, spans))
}

fn match_repr(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    let (_, _, spans) = match_state(vm, vm.arg(&args, 0))?;
    vm.new_str(&format!("<match num={}>", spans.len() / 2))
}

/// The group number argument `index` of `args` (default 0), checked against the groups.
fn group_number(vm: &mut Vm, args: &Args, index: u32, n_groups: usize) -> PyResult<usize> {
    if args.n_pos <= index {
        return Ok(0);
    }
    let given = vm.arg(args, index);
    let number = vm.get_int(given)?;
    if number < 0 || number as usize >= n_groups {
        let exc_args = vm.new_tuple(&[given])?;
        let exc = vm.new_exception(ty::INDEX_ERROR, exc_args)?;
        return Err(vm.raise(exc));
    }
    Ok(number as usize)
}

fn group_value(vm: &mut Vm, subject: Obj, spans: &[i64], number: usize) -> PyResult<Obj> {
    let (s, e) = (spans[2 * number], spans[2 * number + 1]);
    if s < 0 {
        return Ok(Obj::NONE);
    }
    let text = vm.str_bytes(subject);
    new_like(vm, subject, &text[s as usize..e as usize])
}

/// `group([n])`.
fn group(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 2)?;
    let (_, subject, spans) = match_state(vm, vm.arg(&args, 0))?;
    let number = group_number(vm, &args, 1, spans.len() / 2)?;
    group_value(vm, subject, &spans, number)
}

/// `groups()`: every group but the whole match.
fn groups(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    let (_, subject, spans) = match_state(vm, vm.arg(&args, 0))?;
    let mark = vm.stack_mark();
    let mut slots = Vec::new();
    for number in 1..spans.len() / 2 {
        let value = group_value(vm, subject, &spans, number)?;
        slots.push(vm.root(value)?);
    }
    let items: Vec<Obj> = slots.into_iter().map(|slot| vm.slot(slot)).collect();
    let tuple = vm.new_tuple(&items);
    vm.stack_release(mark);
    tuple
}

/// A group's `(start, end)` in characters of a `str` subject (bytes of a `bytes` one).
fn span_of(vm: &mut Vm, args: &Args) -> PyResult<(i64, i64)> {
    arity(vm, args, 1, 2)?;
    let (_, subject, spans) = match_state(vm, vm.arg(args, 0))?;
    let number = group_number(vm, args, 1, spans.len() / 2)?;
    let (s, e) = (spans[2 * number], spans[2 * number + 1]);
    if s < 0 || vm.is_bytes(subject) {
        return Ok((s, e));
    }
    let text = vm.str_bytes(subject);
    let chars = |end: i64| {
        text[..end as usize]
            .iter()
            .filter(|&&b| b & 0xC0 != 0x80)
            .count() as i64
    };
    Ok((chars(s), chars(e)))
}

fn span(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    let (s, e) = span_of(vm, &args)?;
    let s = vm.new_int(s)?;
    let e = vm.new_int(e)?;
    vm.new_tuple(&[s, e])
}

fn start(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    let (s, _) = span_of(vm, &args)?;
    vm.new_int(s)
}

fn end(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    let (_, e) = span_of(vm, &args)?;
    vm.new_int(e)
}
