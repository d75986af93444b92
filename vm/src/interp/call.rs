//! Calling: argument lists on the Python stack, frame (code state) setup with MicroPython's
//! argument binding (`mp_setup_code_state`), and dispatch on what is being called.
//!
//! Every call passes its arguments as MicroPython does: `n_pos` positional words followed by
//! `n_kw` (name, value) pairs, contiguous in the arena, so they are rooted wherever they are.
use super::exec::Frame;
use super::{PyResult, Vm};
use crate::bytecode::decode::{decode_prelude_size, decode_signature, decode_uint};
use crate::objects::qstrs;
use crate::objects::{ty, EMPTY_TUPLE_OBJ};
use crate::runtime::layout::{closure, CodeStateObj, FunBcObj, ModuleContextObj};
use crate::runtime::obj::Obj;

const SCOPE_FLAG_GENERATOR: u32 = 0x01;
const SCOPE_FLAG_VARKEYWORDS: u32 = 0x02;
const SCOPE_FLAG_VARARGS: u32 = 0x04;
const SCOPE_FLAG_DEFKWARGS: u32 = 0x08;

/// A call's arguments: `n_pos` words at `base`, then `n_kw` (name, value) pairs.
#[derive(Clone, Copy, Debug)]
pub struct Args {
    pub base: u32,
    pub n_pos: u32,
    pub n_kw: u32,
}

/// What a call turned into: a finished value, or a bytecode frame for the loop to run.
pub enum CallTarget {
    Done(Obj),
    Frame(Frame),
}

impl Vm {
    /// Positional argument `index`.
    pub fn arg(&self, args: &Args, index: u32) -> Obj {
        Obj::from_raw(self.arena().load_u32(args.base + 4 * index))
    }

    /// Keyword argument pair `index`: (name, value).
    pub fn kwarg(&self, args: &Args, index: u32) -> (Obj, Obj) {
        let at = args.base + 4 * (args.n_pos + 2 * index);
        (
            Obj::from_raw(self.arena().load_u32(at)),
            Obj::from_raw(self.arena().load_u32(at + 4)),
        )
    }

    /// The keyword argument named `name`, if given.
    pub fn kwarg_named(&self, args: &Args, name: u32) -> Option<Obj> {
        (0..args.n_kw)
            .map(|i| self.kwarg(args, i))
            .find(|(k, _)| k.as_qstr() == Some(name))
            .map(|(_, v)| v)
    }

    /// Calls `fun` with positional `items` (rooted here), running bytecode to completion.
    pub fn call_objs(&mut self, fun: Obj, items: &[Obj]) -> PyResult<Obj> {
        let mark = self.stack_mark();
        let first = self.root_all(&[fun])?;
        let base = self.root_all(items)?;
        let fun = Obj::from_raw(self.arena().load_u32(first));
        let result = self.call(
            fun,
            Args {
                base,
                n_pos: items.len() as u32,
                n_kw: 0,
            },
        );
        self.stack_release(mark);
        result
    }

    /// `mp_call_function_n_kw`: calls anything callable, running bytecode to completion in a
    /// nested interpreter loop.
    pub fn call(&mut self, fun: Obj, args: Args) -> PyResult<Obj> {
        match self.prepare_call(fun, args)? {
            CallTarget::Done(value) => Ok(value),
            CallTarget::Frame(frame) => {
                if self.reentry >= super::MAX_REENTRY {
                    return Err(self.raise_recursion_error());
                }
                self.reentry += 1;
                let result = self.run_frame(frame);
                self.reentry -= 1;
                result
            }
        }
    }

    /// Resolves a call: builtins and constructors run now; bytecode functions get a frame.
    pub fn prepare_call(&mut self, fun: Obj, args: Args) -> PyResult<CallTarget> {
        if !fun.is_ptr() || fun.raw() < 16 {
            return Err(self.not_callable(fun));
        }
        match self.type_of(fun) {
            ty::FUNCTION => self.call_bytecode(fun, args),
            ty::FUN_NATIVE => self.call_native(fun, args).map(CallTarget::Done),
            ty::CLOSURE => {
                let inner = Obj::from_raw(self.arena().load_u32(fun.raw() + closure::FUN));
                let n_closed = self.arena().load_u32(fun.raw() + closure::N_CLOSED);
                // The closed-over cells are the function's first arguments.
                let args = self.prepend_words(fun.raw() + closure::CLOSED, n_closed, args)?;
                match self.type_of(inner) {
                    ty::FUN_NATIVE => self.call_native(inner, args).map(CallTarget::Done),
                    _ => self.call_bytecode(inner, args),
                }
            }
            ty::BOUND_METHOD => {
                let meth = self.field(fun, 1);
                let args = self.prepend_words(fun.raw() + 8, 1, args)?;
                self.prepare_call(meth, args)
            }
            ty::BUILTIN_FUNCTION => {
                let index = self.arena().load_u32(fun.raw() + 4);
                crate::builtins::call_builtin(self, index, args).map(CallTarget::Done)
            }
            ty::TYPE => self.call_type(fun, args).map(CallTarget::Done),
            t if self.is_user_type(t) => match self.class_lookup(t, qstrs::CALL)? {
                Some(found) => {
                    let base = self.stack_mark();
                    self.root(found.value)?;
                    let args = self.prepend_args_obj(fun, args)?;
                    let meth = Obj::from_raw(self.arena().load_u32(base));
                    self.prepare_call(meth, args)
                }
                None => Err(self.not_callable(fun)),
            },
            _ => Err(self.not_callable(fun)),
        }
    }

    fn not_callable(&mut self, fun: Obj) -> super::Raise {
        let name = self.type_name_of(fun);
        self.type_error(&format!("'{name}' object isn't callable"))
    }

    /// A new argument list on the stack top: the `n` words at `src`, then `args`. Only the
    /// Python stack grows here, so no collection can happen in between.
    fn prepend_words(&mut self, src: u32, n: u32, args: Args) -> PyResult<Args> {
        let total = args.n_pos + 2 * args.n_kw;
        let Some(new) = self.pystack.alloc(&mut self.heap, 4 * (n + total)) else {
            return Err(self.raise_recursion_error());
        };
        self.arena_mut().copy_within(src, new, 4 * n);
        self.arena_mut()
            .copy_within(args.base, new + 4 * n, 4 * total);
        Ok(Args {
            base: new,
            n_pos: args.n_pos + n,
            n_kw: args.n_kw,
        })
    }

    /// A new argument list with `first` prepended.
    pub fn prepend_args_obj(&mut self, first: Obj, args: Args) -> PyResult<Args> {
        let total = args.n_pos + 2 * args.n_kw;
        let Some(new) = self.pystack.alloc(&mut self.heap, 4 * (1 + total)) else {
            return Err(self.raise_recursion_error());
        };
        self.arena_mut().store_u32(new, first.raw());
        self.arena_mut().copy_within(args.base, new + 4, 4 * total);
        Ok(Args {
            base: new,
            n_pos: args.n_pos + 1,
            n_kw: args.n_kw,
        })
    }

    /// Builds the code state of bytecode function `fun` on the Python stack and binds the
    /// arguments (`mp_setup_code_state`).
    pub fn setup_frame(&mut self, fun: Obj, args: Args) -> PyResult<Frame> {
        let f = FunBcObj(fun.raw());
        let bytecode = f.bytecode(self.arena());
        let context = f.context(self.arena());
        let prelude = self
            .arena()
            .bytes(bytecode, 64.min(self.prelude_room(bytecode)));
        let mut pos = 0;
        let bad = |vm: &mut Vm| vm.value_error("incompatible .mpy file");
        let Ok(sig) = decode_signature(prelude, &mut pos) else {
            return Err(bad(self));
        };
        let Ok((n_info, n_cell)) = decode_prelude_size(prelude, &mut pos) else {
            return Err(bad(self));
        };
        let info_start = bytecode + pos as u32;
        let code_start = info_start + (n_info + n_cell) as u32;
        self.enter_frame()?;
        let mark = self.stack_mark();
        let size = CodeStateObj::size(sig.n_state, sig.n_exc_stack);
        let Some(cs) = self.pystack.alloc(&mut self.heap, size) else {
            self.depth -= 1;
            return Err(self.raise_recursion_error());
        };
        let state = CodeStateObj(cs);
        state.set_fun_bc(self.arena_mut(), fun.raw());
        state.set_n_state(self.arena_mut(), sig.n_state as u16);
        let globals = ModuleContextObj(context).globals(self.arena());
        state.set_old_globals(self.arena_mut(), globals);
        let mut frame = Frame::new(cs, sig.n_state, sig.n_exc_stack, code_start, mark);
        frame.generator = sig.scope_flags & SCOPE_FLAG_GENERATOR != 0;
        if let Err(raise) = self.bind_args(fun, &frame, sig, info_start, args) {
            self.depth -= 1;
            self.stack_release(mark);
            return Err(raise);
        }
        // Cells: the listed locals become cells holding their initial values.
        for i in 0..n_cell as u32 {
            let local = u32::from(self.arena().load_u8(info_start + n_info as u32 + i));
            let addr = frame.local_addr(local);
            let value = Obj::from_raw(self.arena().load_u32(addr));
            let cell = match self.new_cell(value) {
                Ok(cell) => cell,
                Err(raise) => {
                    self.depth -= 1;
                    self.stack_release(mark);
                    return Err(raise);
                }
            };
            self.arena_mut().store_u32(addr, cell.raw());
        }
        Ok(frame)
    }

    /// The parameters of native function `fun` for `args`, bound as [`Vm::setup_frame`] binds
    /// a frame's (defaults, keywords, `*args`, `**kwargs`), in order; a call that passes
    /// exactly the positional parameters takes its arguments as they are. What binding makes
    /// is rooted on the Python stack, which the caller releases.
    pub(crate) fn bind_native_args(&mut self, fun: Obj, args: Args) -> PyResult<Vec<Obj>> {
        let prelude_at = FunBcObj(fun.raw()).bytecode(self.arena());
        let prelude = self
            .arena()
            .bytes(prelude_at, 64.min(self.prelude_room(prelude_at)));
        let mut pos = 0;
        let (Ok(sig), Ok(_)) = (
            decode_signature(prelude, &mut pos),
            decode_prelude_size(prelude, &mut pos),
        ) else {
            return Err(self.value_error("incompatible .mpy file"));
        };
        let starred = sig.scope_flags & (SCOPE_FLAG_VARARGS | SCOPE_FLAG_VARKEYWORDS) != 0;
        if !starred && sig.n_kwonly_args == 0 && args.n_kw == 0 && args.n_pos == sig.n_pos_args {
            return Ok((0..args.n_pos).map(|i| self.arg(&args, i)).collect());
        }
        let n_slots = sig.n_pos_args
            + sig.n_kwonly_args
            + u32::from(sig.scope_flags & SCOPE_FLAG_VARARGS != 0)
            + u32::from(sig.scope_flags & SCOPE_FLAG_VARKEYWORDS != 0);
        let size = CodeStateObj::size(n_slots, 0);
        let Some(cs) = self.pystack.alloc(&mut self.heap, size) else {
            return Err(self.raise_recursion_error());
        };
        let slots = Frame::new(cs, n_slots, 0, 0, self.stack_mark());
        self.bind_args(fun, &slots, sig, prelude_at + pos as u32, args)?;
        Ok((0..n_slots)
            .map(|i| Obj::from_raw(self.arena().load_u32(slots.local_addr(i))))
            .collect())
    }

    /// Calls bytecode function `fun`: a frame to run, or (for a generator function) a new
    /// generator holding the bound frame.
    pub fn call_bytecode(&mut self, fun: Obj, args: Args) -> PyResult<CallTarget> {
        let frame = self.setup_frame(fun, args)?;
        if !frame.generator {
            return Ok(CallTarget::Frame(frame));
        }
        let generator = self.new_generator(&frame);
        self.depth -= 1;
        self.stack_release(frame.mark);
        generator.map(CallTarget::Done)
    }

    /// Bytes of `fun_data` from `bytecode` on, as far as its allocation goes.
    /// Exception-stack entries of bytecode function `fun` (0 if its prelude is unreadable,
    /// which `setup_frame` would already have refused).
    pub(crate) fn n_exc_stack(&self, fun: Obj) -> u32 {
        let bytecode = FunBcObj(fun.raw()).bytecode(self.arena());
        let prelude = self
            .arena()
            .bytes(bytecode, 64.min(self.prelude_room(bytecode)));
        decode_signature(prelude, &mut 0).map_or(0, |sig| sig.n_exc_stack)
    }

    fn prelude_room(&self, bytecode: u32) -> u32 {
        self.heap.allocation_size(bytecode).unwrap_or(4)
    }

    fn bind_args(
        &mut self,
        fun: Obj,
        frame: &Frame,
        sig: crate::bytecode::decode::Signature,
        info_start: u32,
        args: Args,
    ) -> PyResult<()> {
        let n_pos_args = sig.n_pos_args;
        let n_kwonly = sig.n_kwonly_args;
        let n_def = sig.n_def_pos_args;
        let flags = sig.scope_flags;
        let f = FunBcObj(fun.raw());
        // A native function keeps its code's index before the defaults.
        let lead = u32::from(self.type_of(fun) == ty::FUN_NATIVE);
        let extra =
            |vm: &Vm, i: u32| Obj::from_raw(vm.arena().load_u32(f.extra_arg_offset(lead + i)));
        let var_slot = n_pos_args + n_kwonly;
        let mut n_args = args.n_pos;
        let mut next_var = var_slot;
        if n_args > n_pos_args {
            if flags & SCOPE_FLAG_VARARGS == 0 {
                return Err(self.arg_count_error(fun, n_pos_args, n_args));
            }
            let tuple =
                self.new_tuple_from_arena(args.base + 4 * n_pos_args, n_args - n_pos_args)?;
            self.arena_mut()
                .store_u32(frame.local_addr(next_var), tuple.raw());
            next_var += 1;
            n_args = n_pos_args;
        } else {
            if flags & SCOPE_FLAG_VARARGS != 0 {
                self.arena_mut()
                    .store_u32(frame.local_addr(next_var), EMPTY_TUPLE_OBJ);
                next_var += 1;
            }
            if args.n_kw == 0 && flags & SCOPE_FLAG_DEFKWARGS == 0 {
                if n_args + n_def >= n_pos_args {
                    for i in n_args..n_pos_args {
                        let value = extra(self, i - (n_pos_args - n_def));
                        self.arena_mut().store_u32(frame.local_addr(i), value.raw());
                    }
                } else {
                    return Err(self.arg_count_error(fun, n_pos_args - n_def, n_args));
                }
            }
        }
        for i in 0..n_args {
            let value = self.arg(&args, i);
            self.arena_mut().store_u32(frame.local_addr(i), value.raw());
        }
        if args.n_kw == 0 && flags & SCOPE_FLAG_DEFKWARGS == 0 {
            if n_kwonly != 0 {
                return Err(self.type_error("function missing keyword-only argument"));
            }
            if flags & SCOPE_FLAG_VARKEYWORDS != 0 {
                let dict = self.new_dict(0)?;
                self.arena_mut()
                    .store_u32(frame.local_addr(next_var), dict.raw());
            }
            return Ok(());
        }
        let names = self.arg_names(fun, info_start, n_pos_args + n_kwonly);
        let mut kw_dict = None;
        if flags & SCOPE_FLAG_VARKEYWORDS != 0 {
            let dict = self.new_dict(args.n_kw)?;
            self.arena_mut()
                .store_u32(frame.local_addr(next_var), dict.raw());
            kw_dict = Some(frame.local_addr(next_var));
        }
        for i in 0..args.n_kw {
            let (name, value) = self.kwarg(&args, i);
            let local = names
                .iter()
                .position(|&q| Obj::qstr(q) == Some(name))
                .map(|j| j as u32);
            match local {
                Some(j) => {
                    let addr = frame.local_addr(j);
                    if self.arena().load_u32(addr) != 0 {
                        return Err(self.multiple_values(name));
                    }
                    self.arena_mut().store_u32(addr, value.raw());
                }
                None => {
                    let Some(dict_addr) = kw_dict else {
                        let text = self.str_text(name);
                        return Err(
                            self.type_error(&format!("unexpected keyword argument '{text}'"))
                        );
                    };
                    let dict = Obj::from_raw(self.arena().load_u32(dict_addr));
                    if self.dict_get(dict, name)?.is_some() {
                        return Err(self.multiple_values(name));
                    }
                    let (name, value) = self.kwarg(&args, i);
                    self.dict_store(dict, name, value)?;
                }
            }
        }
        // Fill positional defaults, then check every positional was given.
        for i in 0..n_def {
            let local = n_pos_args - n_def + i;
            let addr = frame.local_addr(local);
            if self.arena().load_u32(addr) == 0 {
                let value = extra(self, i);
                self.arena_mut().store_u32(addr, value.raw());
            }
        }
        for i in 0..n_pos_args {
            if self.arena().load_u32(frame.local_addr(i)) == 0 {
                return Err(self.type_error(&format!(
                    "function missing required positional argument #{}",
                    i + 1
                )));
            }
        }
        for i in 0..n_kwonly {
            let addr = frame.local_addr(n_pos_args + i);
            if self.arena().load_u32(addr) != 0 {
                continue;
            }
            let name = names[(n_pos_args + i) as usize];
            let mut found = None;
            if flags & SCOPE_FLAG_DEFKWARGS != 0 {
                let dict = extra(self, n_def);
                found = self.dict_get_qstr(dict, name)?;
            }
            match found {
                Some(value) => self.arena_mut().store_u32(addr, value.raw()),
                None => {
                    let text = self.qstr_str(name).to_string();
                    return Err(self.type_error(&format!(
                        "function missing required keyword argument '{text}'"
                    )));
                }
            }
        }
        Ok(())
    }

    /// Global qstrs of the function's argument names, from its prelude.
    fn arg_names(&self, fun: Obj, info_start: u32, n: u32) -> Vec<u32> {
        let f = FunBcObj(fun.raw());
        let context = ModuleContextObj(f.context(self.arena()));
        let room = self.prelude_room(f.bytecode(self.arena()));
        let bytes = self.arena().bytes(
            info_start,
            room.saturating_sub(info_start - f.bytecode(self.arena())),
        );
        let mut pos = 0;
        let _ = decode_uint(bytes, &mut pos);
        (0..n)
            .map(|_| {
                let local = decode_uint(bytes, &mut pos).unwrap_or(0);
                u32::from(context.qstr(self.arena(), local))
            })
            .collect()
    }

    fn arg_count_error(&mut self, fun: Obj, expected: u32, given: u32) -> super::Raise {
        let name = self.qstr_str(self.fun_name(fun)).to_string();
        self.type_error(&format!(
            "{name}() takes {expected} positional arguments but {given} were given"
        ))
    }

    fn multiple_values(&mut self, name: Obj) -> super::Raise {
        let text = self.str_text(name);
        self.type_error(&format!(
            "function got multiple values for argument '{text}'"
        ))
    }

    /// Calling a type: `int(x)`, `MyClass(...)`, and the other constructors.
    fn call_type(&mut self, t: Obj, args: Args) -> PyResult<Obj> {
        if self.is_user_type(t.raw()) {
            self.instantiate(t.raw(), args)
        } else {
            crate::builtins::construct(self, t.raw(), args)
        }
    }
}
