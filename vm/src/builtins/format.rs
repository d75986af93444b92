//! `str % args` and `str.format`: the VM side of [`crate::format`], which does the formatting
//! itself over plain values. [`VmHost`] classifies arguments, prints them with the VM's `str`
//! and `repr`, and finds keywords and dict keys.
use crate::format::error::{ErrorKind, FormatError};
use crate::format::host::FormatHost;
use crate::format::value::Value;
use crate::interp::call::Args;
use crate::interp::{PyResult, Raise, Vm};
use crate::objects::int::Num;
use crate::objects::ty;
use crate::runtime::obj::Obj;

/// A formatting failure: MicroPython's error for the text, or an exception raised by a
/// `__str__`/`__repr__` the formatter called.
pub enum HostError {
    Format(FormatError),
    Raised(Raise),
}

impl From<FormatError> for HostError {
    fn from(err: FormatError) -> HostError {
        HostError::Format(err)
    }
}

struct VmHost<'a> {
    vm: &'a mut Vm,
    /// `str.format`'s keyword arguments.
    kwargs: Option<Args>,
}

impl FormatHost for VmHost<'_> {
    type Arg = Obj;
    type Error = HostError;

    fn value(&mut self, arg: &Obj) -> Result<Value, HostError> {
        let vm = &*self.vm;
        if *arg == Obj::TRUE || *arg == Obj::FALSE {
            return Ok(Value::Bool(*arg == Obj::TRUE));
        }
        if vm.is_str(*arg) {
            return Ok(Value::Str(vm.str_bytes(*arg)));
        }
        if vm.is_bytes(*arg) {
            return Ok(Value::Bytes(vm.str_bytes(*arg)));
        }
        Ok(match vm.as_num(*arg) {
            Some(Num::Small(v)) => Value::Int(v.into()),
            Some(Num::Big(b)) => Value::Int(b),
            Some(Num::Float(f)) => Value::Float(f),
            None => Value::Other(vm.type_name_of(*arg)),
        })
    }

    fn text(&mut self, arg: &Obj, repr: bool) -> Result<Vec<u8>, HostError> {
        let text = if repr {
            self.vm.repr(*arg)
        } else {
            self.vm.str_of(*arg)
        };
        text.map(String::into_bytes).map_err(HostError::Raised)
    }

    fn keyword(&mut self, name: &[u8]) -> Option<Obj> {
        let args = self.kwargs?;
        (0..args.n_kw)
            .map(|i| self.vm.kwarg(&args, i))
            .find(|(k, _)| self.vm.str_bytes(*k) == name)
            .map(|(_, v)| v)
    }

    fn lookup(&mut self, mapping: &Obj, key: &[u8]) -> Result<Obj, HostError> {
        let text = String::from_utf8_lossy(key).into_owned();
        let key = self.vm.new_str(&text).map_err(HostError::Raised)?;
        self.vm.subscr(*mapping, key).map_err(HostError::Raised)
    }
}

impl Vm {
    fn format_result(&mut self, result: Result<Vec<u8>, HostError>) -> PyResult<Obj> {
        match result {
            Ok(bytes) => {
                let text = String::from_utf8_lossy(&bytes).into_owned();
                self.new_str(&text)
            }
            Err(HostError::Raised(raise)) => Err(raise),
            Err(HostError::Format(err)) => {
                let message = String::from_utf8_lossy(&err.message).into_owned();
                let exc_type = match err.kind {
                    ErrorKind::ValueError => ty::VALUE_ERROR,
                    ErrorKind::TypeError => ty::TYPE_ERROR,
                    ErrorKind::IndexError => ty::INDEX_ERROR,
                    ErrorKind::KeyError => {
                        let key = self.new_str(&message)?;
                        let args = self.new_tuple(&[key])?;
                        let exc = self.new_exception(ty::KEY_ERROR, args)?;
                        return Err(self.raise(exc));
                    }
                    ErrorKind::NotImplementedError => ty::NOT_IMPLEMENTED_ERROR,
                    ErrorKind::OverflowError => ty::OVERFLOW_ERROR,
                    ErrorKind::MemoryError => ty::MEMORY_ERROR,
                    ErrorKind::RuntimeError => ty::RUNTIME_ERROR,
                };
                Err(self.raise_msg(exc_type, &message))
            }
        }
    }
}

/// `fmt % args` for a `str` or `bytes` (the operands are on the value stack, so rooted).
pub fn percent_format(vm: &mut Vm, fmt: Obj, args: Obj) -> PyResult<Obj> {
    let pattern = vm.str_bytes(fmt);
    let is_bytes = vm.is_bytes(fmt);
    let is_dict = vm.type_of(args) == ty::DICT;
    let items = if vm.type_of(args) == ty::TUPLE {
        vm.seq_items(args)
    } else {
        vec![args]
    };
    let dict = is_dict.then_some(args);
    let mut host = VmHost { vm, kwargs: None };
    let result = crate::format::percent::format_percent(
        &mut host,
        &pattern,
        is_bytes,
        &items,
        dict.as_ref(),
    );
    match result {
        Ok(data) if is_bytes => vm.new_bytes(&data),
        result => vm.format_result(result),
    }
}

/// `template.format(*args, **kwargs)`; `args[0]` is the template.
pub fn str_format(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    let template = vm.expect_str(vm.arg(&args, 0))?;
    let items: Vec<Obj> = (1..args.n_pos).map(|i| vm.arg(&args, i)).collect();
    let mut host = VmHost {
        vm,
        kwargs: Some(args),
    };
    let result = crate::format::template::format_template(&mut host, template.as_bytes(), &items);
    vm.format_result(result)
}
