//! `repr` and `str` of objects, and uncaught exceptions printed as MicroPython prints them.
use super::{PyResult, Vm};
use crate::format::float::{complex_repr, float_repr};
use crate::format::quote::{repr_bytes, repr_str};
use crate::objects::{qstrs, ty, type_name};
use crate::runtime::obj::Obj;

impl Vm {
    /// `repr(obj)`.
    pub fn repr(&mut self, obj: Obj) -> PyResult<String> {
        self.text_of(obj, true)
    }

    /// `str(obj)`.
    pub fn str_of(&mut self, obj: Obj) -> PyResult<String> {
        self.text_of(obj, false)
    }

    fn text_of(&mut self, obj: Obj, repr: bool) -> PyResult<String> {
        if obj == Obj::NONE {
            return Ok("None".into());
        }
        if obj == Obj::TRUE || obj == Obj::FALSE {
            return Ok(if obj == Obj::TRUE { "True" } else { "False" }.into());
        }
        if let Some(v) = obj.as_small_int() {
            return Ok(v.to_string());
        }
        if self.is_str(obj) {
            let text = self.str_text(obj);
            return Ok(if repr { repr_str(&text) } else { text });
        }
        let t = self.type_of(obj);
        let addr = obj.raw();
        Ok(match t {
            ty::INT => self.big_int_value(obj).to_string(),
            ty::FLOAT => float_repr(self.float_value(obj)),
            ty::COMPLEX => {
                let (real, imag) = self.complex_parts(obj);
                complex_repr(real, imag)
            }
            ty::BYTES => repr_bytes(&self.str_bytes(obj)),
            ty::BYTEARRAY | ty::MEMORYVIEW => self.array_repr(obj),
            ty::ARRAY => self.typed_array_repr(obj)?,
            ty::TUPLE | ty::LIST => {
                let items = self.seq_items(obj);
                let mark = self.stack_mark();
                self.root_all(&items)?;
                let mut parts = Vec::with_capacity(items.len());
                for item in &items {
                    parts.push(self.repr(*item)?);
                }
                self.stack_release(mark);
                if t == ty::LIST {
                    format!("[{}]", parts.join(", "))
                } else if parts.len() == 1 {
                    format!("({},)", parts[0])
                } else {
                    format!("({})", parts.join(", "))
                }
            }
            ty::DICT => {
                let entries = self.dict_entries(obj);
                let mark = self.stack_mark();
                self.root(obj)?;
                let mut parts = Vec::with_capacity(entries.len());
                for (k, v) in entries {
                    let k = self.repr(k)?;
                    let v = self.repr(v)?;
                    parts.push(format!("{k}: {v}"));
                }
                self.stack_release(mark);
                format!("{{{}}}", parts.join(", "))
            }
            ty::SET | ty::FROZENSET => {
                let items = self.set_items(obj);
                let frozen = t == ty::FROZENSET;
                if items.is_empty() {
                    return Ok(if frozen { "frozenset()" } else { "set()" }.into());
                }
                let mark = self.stack_mark();
                self.root_all(&items)?;
                let mut parts = Vec::with_capacity(items.len());
                for item in &items {
                    parts.push(self.repr(*item)?);
                }
                self.stack_release(mark);
                if frozen {
                    format!("frozenset({{{}}})", parts.join(", "))
                } else {
                    format!("{{{}}}", parts.join(", "))
                }
            }
            ty::DICT_VIEW => {
                let names = ["dict_keys", "dict_values", "dict_items"];
                let name = names[self.field(obj, 2).raw() as usize % names.len()];
                let list = self.list_from_iterable(obj)?;
                let items = self.repr(list)?;
                format!("{name}({items})")
            }
            ty::RANGE => {
                let (a, b, c) = (
                    self.arena().load_u32(addr + 4) as i32,
                    self.arena().load_u32(addr + 8) as i32,
                    self.arena().load_u32(addr + 12) as i32,
                );
                if c == 1 {
                    format!("range({a}, {b})")
                } else {
                    format!("range({a}, {b}, {c})")
                }
            }
            ty::TYPE => {
                let name = self.qstr_str(type_name(self.arena(), addr)).to_string();
                format!("<class '{name}'>")
            }
            ty::FUNCTION | ty::FUN_NATIVE => {
                let name = self.qstr_str(self.fun_name(obj)).to_string();
                format!("<function {name} at 0x{addr:x}>")
            }
            ty::CLOSURE => {
                let fun = self.field(obj, 1);
                let name = self.qstr_str(self.fun_name(fun)).to_string();
                format!("<closure {name} at 0x{addr:x}>")
            }
            ty::BUILTIN_FUNCTION => "<function>".to_string(),
            ty::MODULE => self.module_repr(obj)?,
            ty::TEXT_IO | ty::FILE_IO => self.stream_repr(obj),
            ty::ATTR_TUPLE => self.attrtuple_repr(obj)?,
            ty::BOUND_METHOD => format!("<bound_method 0x{addr:x}>"),
            ty::SUPER => {
                let class = self.str_of(self.field(obj, 1))?;
                let inner = self.str_of(self.field(obj, 2))?;
                format!("<super: {class}, {inner}>")
            }
            ty::ELLIPSIS => "Ellipsis".into(),
            ty::NOT_IMPLEMENTED => "NotImplemented".into(),
            _ if self.native_exception(obj).is_some() && !self.is_user_type(t) => {
                self.exception_text(obj, repr)?
            }
            _ => {
                let special = if repr { qstrs::REPR } else { qstrs::STR };
                if let Some(text) = self.call_special(obj, special, &[])? {
                    return self.str_of(text);
                }
                // A builtin base's printing comes before a __repr__ fallback, as MicroPython
                // finds the native print slot while looking for __str__.
                if self.native_exception(obj).is_some() {
                    return self.exception_text(obj, repr);
                }
                if let Some(native) = self.native_part(obj) {
                    return self.text_of(native, repr);
                }
                if !repr {
                    if let Some(text) = self.call_special(obj, qstrs::REPR, &[])? {
                        return self.str_of(text);
                    }
                }
                let name = self.type_name_of(obj);
                format!("<{name} object at {addr:x}>")
            }
        })
    }

    /// `repr`/`str` of an exception: `ValueError('x',)` or `x`.
    fn exception_text(&mut self, obj: Obj, repr: bool) -> PyResult<String> {
        let args = self.exception_args(obj);
        let items = self.seq_items(args);
        if repr {
            let name = self.type_name_of(obj);
            let inner = self.repr(args)?;
            return Ok(format!("{name}{inner}"));
        }
        if let Some(text) = self.os_error_text(obj, &items)? {
            return Ok(text);
        }
        match items.len() {
            0 => Ok(String::new()),
            1 => self.str_of(items[0]),
            _ => self.repr(args),
        }
    }

    /// `OSError(errno[, text])` with a known errno prints as `[Errno 2] ENOENT: text`.
    fn os_error_text(&mut self, obj: Obj, items: &[Obj]) -> PyResult<Option<String>> {
        let native = self.native_exception(obj).map(Obj::from_raw);
        if native.map(|n| self.type_of(n)) != Some(ty::OS_ERROR) || !(1..=2).contains(&items.len())
        {
            return Ok(None);
        }
        let Some(name) = items[0]
            .as_small_int()
            .and_then(crate::objects::exception::errno_name)
        else {
            return Ok(None);
        };
        let code = items[0].as_small_int().unwrap_or(0);
        let mut text = format!("[Errno {code}] {name}");
        if let Some(&detail) = items.get(1) {
            text.push_str(": ");
            text.push_str(&self.str_of(detail)?);
        }
        Ok(Some(text))
    }

    /// For an uncaught `SystemExit`, the process exit status the unix port uses (None is 0,
    /// an int is itself, anything else 1); `None` for every other exception.
    pub fn system_exit_status(&mut self, exc: Obj) -> Option<u8> {
        if !self.is_subclass(self.type_of(exc), ty::SYSTEM_EXIT) {
            return None;
        }
        let value = self.exception_value(exc);
        if value == Obj::NONE {
            return Some(0);
        }
        Some(match self.as_bigint(value) {
            Some(v) => (v & num_bigint::BigInt::from(255)).try_into().unwrap_or(1),
            None => 1,
        })
    }

    /// The text MicroPython prints for an uncaught exception, traceback first (if it has one:
    /// an exception never raised has none).
    pub fn format_exception(&mut self, exc: Obj) -> String {
        let traceback = self.traceback(exc);
        let mut out = String::new();
        if !traceback.is_empty() {
            out.push_str("Traceback (most recent call last):\n");
        }
        for entry in traceback.iter().rev() {
            let file = self.qstr_str(entry.file).to_string();
            // Parser errors record no block (`MP_QSTRnull`).
            let block = match entry.block {
                0 => String::new(),
                q => format!(", in {}", self.qstr_str(q)),
            };
            out.push_str(&format!("  File \"{file}\", line {}{block}\n", entry.line));
        }
        // A class's own __repr__ is the whole line; else the type name and the arguments.
        if let Ok(Some(text)) = self.call_special(exc, qstrs::REPR, &[]) {
            let text = self.str_of(text).unwrap_or_default();
            out.push_str(&format!("{text}\n"));
            return out;
        }
        let name = self.type_name_of(exc);
        let detail = self.exception_text(exc, false).unwrap_or_default();
        let args = self.exception_args(exc);
        let n_args = self.seq_items(args).len();
        if n_args == 0 {
            out.push_str(&format!("{name}: \n"));
        } else {
            out.push_str(&format!("{name}: {detail}\n"));
        }
        out
    }
}
