//! `complex(...)` (`complex_make_new`) and the data attributes of builtin objects
//! (`complex.real`/`.imag`, `memoryview.itemsize`), which MicroPython's types answer in
//! their `attr` slots rather than their locals dicts.
use crate::interp::call::Args;
use crate::interp::{PyResult, Vm};
use crate::objects::buffer::typecode_size;
use crate::objects::qstrs::q;
use crate::objects::ty;
use crate::runtime::layout::ArrayObj;
use crate::runtime::obj::Obj;

/// `complex()`, `complex(text)`, `complex(x)` and `complex(real, imag)` where either part
/// may itself be complex.
pub fn construct(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    if args.n_pos > 2 || args.n_kw > 0 {
        return Err(vm.type_error(&format!(
            "function expected at most 2 arguments, got {}",
            args.n_pos
        )));
    }
    let part = |vm: &mut Vm, i: u32| -> PyResult<(f64, f64)> {
        let obj = vm.arg(&args, i);
        match vm.as_complex(obj) {
            Some(parts) => Ok(parts),
            None => {
                let name = vm.type_name_of(obj);
                Err(vm.type_error(&format!("can't convert {name} to float")))
            }
        }
    };
    match args.n_pos {
        0 => vm.new_complex(0.0, 0.0),
        1 if vm.is_str(vm.arg(&args, 0)) => {
            let text = vm.str_bytes(vm.arg(&args, 0));
            vm.parse_complex(&text)
        }
        1 if vm.is_complex(vm.arg(&args, 0)) => Ok(vm.arg(&args, 0)),
        1 => {
            let (real, imag) = part(vm, 0)?;
            vm.new_complex(real, imag)
        }
        _ => {
            let (a, b) = part(vm, 0)?;
            let (c, d) = part(vm, 1)?;
            vm.new_complex(a - d, b + c)
        }
    }
}

impl Vm {
    /// A data attribute a builtin type computes (`complex.real`, `memoryview.itemsize`).
    pub fn builtin_type_attr(&mut self, obj: Obj, name: u32) -> PyResult<Option<Obj>> {
        match self.type_of(obj) {
            ty::COMPLEX if name == q("real") || name == q("imag") => {
                let (real, imag) = self.complex_parts(obj);
                let value = if name == q("real") { real } else { imag };
                self.new_float(value).map(Some)
            }
            ty::MEMORYVIEW if name == q("itemsize") => {
                let buffer = self.array_buffer(ArrayObj(obj.raw()));
                let size = typecode_size(buffer.typecode).unwrap_or(1);
                Ok(Obj::small_int(i64::from(size)))
            }
            _ => Ok(None),
        }
    }
}
