//! `array` (`py/objarray.c`'s `mp_type_array`): typed arrays of numbers in MicroPython's
//! `mp_obj_array_t`, the layout bytearray and memoryview share (`objects/array.rs`), so
//! indexing, slicing, `+`, `+=`, `in`, iteration, `append`, `extend` and the buffer protocol
//! (viper's `ptr32(a)`, `memoryview(a)`, `bytes(a)`) are theirs.
use super::ModuleDef;
use crate::builtins::arity;
use crate::interp::call::Args;
use crate::interp::{PyResult, Vm};
use crate::objects::buffer::typecode_size;
use crate::objects::ty;
use crate::runtime::layout::ArrayObj;
use crate::runtime::obj::Obj;

pub const MODULE: ModuleDef = ModuleDef {
    name: "array",
    extensible: true,
    functions: &[],
    attrs: |vm, module| module.set(vm, "array", Obj::from_raw(ty::ARRAY)),
};

/// `array(typecode[, initializer])` (`array_make_new`): bytes and bytearrays give their raw
/// bytes (rounded down to whole elements), anything else is iterated and each item stored.
pub fn construct(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 2)?;
    let text = vm.expect_str(vm.arg(&args, 0))?;
    let typecode = text.bytes().next().unwrap_or(0);
    let Some(size) = typecode_size(typecode) else {
        return Err(vm.value_error("bad typecode"));
    };
    if args.n_pos == 1 {
        return vm.new_array(ty::ARRAY, typecode, &[]);
    }
    let initializer = vm.arg(&args, 1);
    if matches!(vm.type_of(initializer), ty::BYTES | ty::BYTEARRAY) {
        let mut data = vm.buffer_bytes_of(initializer).unwrap_or_default();
        data.truncate(data.len() / size as usize * size as usize);
        return vm.new_array(ty::ARRAY, typecode, &data);
    }
    let mark = vm.stack_mark();
    let iter = vm.get_iter(initializer)?;
    let iter_slot = vm.root(iter)?;
    let array = vm.new_array(ty::ARRAY, typecode, &[])?;
    let array_slot = vm.root(array)?;
    while let Some(item) = vm.iter_next(vm.slot(iter_slot))? {
        vm.array_append(vm.slot(array_slot), item)?;
    }
    let array = vm.slot(array_slot);
    vm.stack_release(mark);
    Ok(array)
}

impl Vm {
    /// `repr` of an array: `array('i', [1, 2])`, or `array('i')` when empty.
    pub fn typed_array_repr(&mut self, obj: Obj) -> PyResult<String> {
        let a = ArrayObj(obj.raw());
        let typecode = a.typecode(self.arena());
        let mut text = format!("array('{}'", char::from(typecode));
        let len = a.len(self.arena());
        if len > 0 {
            let mark = self.stack_mark();
            let slot = self.root(obj)?;
            let mut items = Vec::with_capacity(len as usize);
            for i in 0..len {
                let item = self.array_item(self.slot(slot), i)?;
                items.push(self.repr(item)?);
            }
            self.stack_release(mark);
            text.push_str(&format!(", [{}]", items.join(", ")));
        }
        text.push(')');
        Ok(text)
    }
}
