//! Putting a compiled module into the arena (`mp_raw_code_load` then `mp_make_function`):
//! the qstr table, the constant table and the raw codes, and running its top level.
use super::{PyResult, Vm};
use crate::objects::fun::raw_code;
use crate::objects::{qstrs, ty, ELLIPSIS_OBJ};
use crate::rawcode::{CodeKind, CompiledModule, ConstObj, RawCode};
use crate::runtime::layout::ModuleContextObj;
use crate::runtime::obj::Obj;

impl Vm {
    /// Loads `module` and runs its top level with a fresh `__main__` globals dict.
    pub fn run_module(&mut self, module: &CompiledModule) -> PyResult<Obj> {
        let mark = self.stack_mark();
        let name = Obj::qstr(qstrs::MAIN).unwrap_or(Obj::NONE);
        let context = self.new_module(name)?;
        let result = self.exec_module(module, context);
        self.stack_release(mark);
        result
    }

    /// Loads `module` into `context` (a module object from [`Vm::new_module`], which has room
    /// for the tables) and runs its top level in the context's globals.
    pub fn exec_module(&mut self, module: &CompiledModule, context: Obj) -> PyResult<Obj> {
        self.exec_module_with_locals(module, context, Obj::NULL)
    }

    /// [`Vm::exec_module`] with `locals` (a dict, or `NULL` for the globals) as the top
    /// level's name dict, as `exec(code, globals, locals)` runs.
    pub fn exec_module_with_locals(
        &mut self,
        module: &CompiledModule,
        context: Obj,
        locals: Obj,
    ) -> PyResult<Obj> {
        let mark = self.stack_mark();
        let locals_slot = self.root(locals)?;
        let context_slot = self.root(context)?;
        self.load_context(module, context)?;
        let rc = self.load_raw_code(&module.root)?;
        let fun = self.new_function(rc, self.slot(context_slot), Obj::NONE, Obj::NULL)?;
        let fun_slot = self.root(fun)?;
        let args = super::call::Args {
            base: self.stack_mark(),
            n_pos: 0,
            n_kw: 0,
        };
        let frame = self.setup_frame(self.slot(fun_slot), args)?;
        if self.slot(locals_slot) != Obj::NULL {
            self.set_frame_locals(&frame, self.slot(locals_slot));
        }
        let result = self.run_frame(frame);
        self.stack_release(mark);
        result
    }

    /// Fills the qstr and constant tables of module context `context`.
    fn load_context(&mut self, module: &CompiledModule, context: Obj) -> PyResult<()> {
        let context_slot = self.root(context)?;
        let n_qstr = module.qstrs.len() as u32;
        let qstr_table = self.alloc(2 * n_qstr.max(1))?;
        let table_slot = self.root(Obj::from_raw(qstr_table))?;
        for (i, text) in module.qstrs.iter().enumerate() {
            let q = self.intern(text)?;
            let table = self.slot(table_slot).raw();
            self.arena_mut().store_u16(table + 2 * i as u32, q as u16);
        }
        let n_obj = module.objs.len() as u32;
        let obj_table = self.alloc(4 * n_obj.max(1))?;
        let objs_slot = self.root(Obj::from_raw(obj_table))?;
        for (i, constant) in module.objs.iter().enumerate() {
            let obj = self.const_obj(constant)?;
            let table = self.slot(objs_slot).raw();
            self.arena_mut().store_u32(table + 4 * i as u32, obj.raw());
        }
        let c = ModuleContextObj(self.slot(context_slot).raw());
        let (q, o) = (self.slot(table_slot).raw(), self.slot(objs_slot).raw());
        c.set_qstr_table(self.arena_mut(), q);
        c.set_obj_table(self.arena_mut(), o);
        Ok(())
    }

    fn const_obj(&mut self, constant: &ConstObj) -> PyResult<Obj> {
        Ok(match constant {
            ConstObj::FunTable | ConstObj::None => Obj::NONE,
            ConstObj::False => Obj::FALSE,
            ConstObj::True => Obj::TRUE,
            ConstObj::Ellipsis => Obj::from_raw(ELLIPSIS_OBJ),
            ConstObj::Str(text) => self.new_str(text)?,
            ConstObj::Bytes(data) => self.new_bytes(data)?,
            ConstObj::Int(value) => self.new_big_int(value)?,
            ConstObj::Float(value) => self.new_float(*value)?,
            ConstObj::Complex { .. } => {
                return Err(self.raise_msg(ty::NOT_IMPLEMENTED_ERROR, "complex"))
            }
            ConstObj::Tuple(items) => {
                // Allocate the tuple first so each item is rooted by it once stored.
                let n = items.len() as u32;
                let tuple = self.alloc_obj(ty::TUPLE, crate::runtime::layout::tuple::size(n))?;
                self.arena_mut().store_u32(tuple + 4, n);
                let slot = self.root(Obj::from_raw(tuple))?;
                for (i, item) in items.iter().enumerate() {
                    let obj = self.const_obj(item)?;
                    let tuple = self.slot(slot).raw();
                    self.arena_mut()
                        .store_u32(tuple + 8 + 4 * i as u32, obj.raw());
                }
                self.slot(slot)
            }
        })
    }

    /// A raw code object and, recursively, its children.
    fn load_raw_code(&mut self, rc: &RawCode) -> PyResult<Obj> {
        if rc.kind != CodeKind::Bytecode {
            return Err(self.value_error("incompatible .mpy arch"));
        }
        let n_children = rc.children.len() as u32;
        let children = self.alloc(4 * n_children.max(1))?;
        let children_slot = self.root(Obj::from_raw(children))?;
        for (i, child) in rc.children.iter().enumerate() {
            let obj = self.load_raw_code(child)?;
            let table = self.slot(children_slot).raw();
            self.arena_mut().store_u32(table + 4 * i as u32, obj.raw());
        }
        let len = rc.fun_data.len() as u32;
        let data = self.alloc(len)?;
        self.arena_mut()
            .bytes_mut(data, len)
            .copy_from_slice(&rc.fun_data);
        let data_slot = self.root(Obj::from_raw(data))?;
        let obj = self.alloc_obj(ty::RAW_CODE, raw_code::SIZE)?;
        let (data, children) = (self.slot(data_slot).raw(), self.slot(children_slot).raw());
        let arena = self.arena_mut();
        arena.store_u32(obj + raw_code::FUN_DATA, data);
        arena.store_u32(obj + raw_code::FUN_DATA_LEN, len);
        arena.store_u32(obj + raw_code::CHILDREN, children);
        arena.store_u32(obj + raw_code::N_CHILDREN, n_children);
        Ok(Obj::from_raw(obj))
    }
}
