//! Generators (`mp_obj_gen_instance_t`): a base, the pending-exception word, then the
//! generator's own code state, so a suspended frame lives in the heap and is scanned like any
//! object. Resuming runs that frame in a nested interpreter loop until it yields or returns
//! (`mp_obj_gen_resume`).
//!
//! As in MicroPython, the pending-exception word is `NULL` while the generator runs (so a
//! re-entrant resume raises), `None` while it is idle, or an exception `pend_throw` queued;
//! a finished generator has its code state's `ip` set to 0. An exception thrown in while the
//! generator is suspended in `yield from` goes to the inner iterator first (`mp_resume`),
//! and `StopIteration` escaping a generator becomes `RuntimeError` (PEP 479).
use super::exec::{Exit, Frame};
use super::native::NativeExit;
use super::{PyResult, Raise, Vm};
use crate::bytecode::op;
use crate::objects::{qstrs, ty, EMPTY_TUPLE_OBJ};
use crate::runtime::layout::{code_state, CodeStateObj};
use crate::runtime::obj::Obj;

const PEND_EXC: u32 = 4;
const CODE_STATE: u32 = 8;

/// The `ip` of a native generator not yet started. A native generator's code state holds
/// its function, `ip` = the resume point + 1 (0 when finished, as for bytecode), and as its
/// state words the machine code's frame slots, then the argument words of its call.
const NATIVE_NOT_STARTED: u32 = 1;

/// What resuming a generator (or any iterator) gave.
pub enum Resumed {
    Yield(Obj),
    /// It finished, returning this value.
    Return(Obj),
}

impl Vm {
    /// A generator whose code state is a copy of `frame`'s freshly bound one.
    pub fn new_generator(&mut self, frame: &Frame) -> PyResult<Obj> {
        let size = frame.end - frame.cs;
        let gen = self.alloc_obj(ty::GENERATOR, CODE_STATE + size)?;
        let cs = gen + CODE_STATE;
        self.arena_mut().copy_within(frame.cs, cs, size);
        self.arena_mut().store_u32(gen + PEND_EXC, Obj::NONE.raw());
        let state = CodeStateObj(cs);
        state.set_ip(self.arena_mut(), frame.ip);
        state.set_sp(self.arena_mut(), cs + code_state::STATE - 4);
        state.set_exc_sp_idx(self.arena_mut(), 0);
        Ok(Obj::from_raw(gen))
    }

    /// A generator for native generator function `fun`, called with `words`: its code
    /// runs at the first resume.
    pub(crate) fn new_native_generator(
        &mut self,
        fun: Obj,
        frame_slots: u32,
        words: &[u32],
    ) -> PyResult<Obj> {
        let mark = self.stack_mark();
        let slot = self.root(fun)?;
        let n_state = frame_slots + words.len() as u32;
        let gen = self.alloc_obj(ty::GENERATOR, CODE_STATE + code_state::STATE + 4 * n_state);
        let fun = self.slot(slot);
        self.stack_release(mark);
        let gen = gen?;
        self.arena_mut().store_u32(gen + PEND_EXC, Obj::NONE.raw());
        let state = CodeStateObj(gen + CODE_STATE);
        state.set_fun_bc(self.arena_mut(), fun.raw());
        state.set_ip(self.arena_mut(), NATIVE_NOT_STARTED);
        state.set_n_state(self.arena_mut(), n_state as u16);
        let args = state.0 + code_state::STATE + 4 * frame_slots;
        for (i, &word) in (0..).zip(words) {
            self.arena_mut().store_u32(args + 4 * i, word);
        }
        Ok(Obj::from_raw(gen))
    }

    fn gen_is_native(&self, gen: Obj) -> bool {
        let fun = Obj::from_raw(Self::gen_state(gen).fun_bc(self.arena()));
        self.type_of(fun) == ty::FUN_NATIVE
    }

    fn gen_state(gen: Obj) -> CodeStateObj {
        CodeStateObj(gen.raw() + CODE_STATE)
    }

    fn gen_finished(&self, gen: Obj) -> bool {
        Self::gen_state(gen).ip(self.arena()) == 0
    }

    fn gen_just_started(&self, gen: Obj) -> bool {
        let state = Self::gen_state(gen);
        if self.gen_is_native(gen) {
            return state.ip(self.arena()) == NATIVE_NOT_STARTED;
        }
        state.sp(self.arena()) == state.0 + code_state::STATE - 4
    }

    /// Resumes generator `gen`, sending `send` (`next` and `send`).
    pub fn resume(&mut self, gen: Obj, send: Obj) -> PyResult<Resumed> {
        self.resume_with(gen, send, None)
    }

    /// `generator.throw(exc)`: resumes `gen` by raising `exc` (an exception, or a class to
    /// instantiate) where it is suspended.
    pub fn throw_into(&mut self, gen: Obj, exc: Obj) -> PyResult<Resumed> {
        self.resume_with(gen, Obj::NONE, Some(exc))
    }

    /// `generator.pend_throw(exc)`: queues `exc` to be thrown in at the next resume and
    /// returns what was queued before (`None` if nothing).
    pub fn pend_throw(&mut self, gen: Obj, exc: Obj) -> PyResult<Obj> {
        let previous = Obj::from_raw(self.arena().load_u32(gen.raw() + PEND_EXC));
        if previous == Obj::NULL {
            return Err(self.value_error("generator already executing"));
        }
        self.arena_mut().store_u32(gen.raw() + PEND_EXC, exc.raw());
        Ok(previous)
    }

    fn resume_with(&mut self, gen: Obj, send: Obj, throw: Option<Obj>) -> PyResult<Resumed> {
        if self.gen_finished(gen) {
            return Ok(Resumed::Return(Obj::NONE));
        }
        let pending = Obj::from_raw(self.arena().load_u32(gen.raw() + PEND_EXC));
        if pending == Obj::NULL {
            return Err(self.value_error("generator already executing"));
        }
        let throw = if pending != Obj::NONE {
            Some(pending)
        } else {
            throw
        };
        if self.gen_just_started(gen) {
            if send != Obj::NONE {
                return Err(
                    self.type_error("can't send non-None value to a just-started generator")
                );
            }
        } else if !self.gen_is_native(gen) {
            let sp = Self::gen_state(gen).sp(self.arena());
            self.arena_mut().store_u32(sp, send.raw());
        }
        if self.reentry >= super::MAX_REENTRY {
            return Err(self.raise_recursion_error());
        }
        let mark = self.stack_mark();
        let slot = self.root(gen)?;
        self.arena_mut().store_u32(gen.raw() + PEND_EXC, 0);
        self.reentry += 1;
        let result = if self.gen_is_native(gen) {
            self.root_all(&[send, throw.unwrap_or(Obj::NONE)])?;
            self.run_native_generator(gen, send, throw)
        } else {
            self.run_generator(gen, throw)
        };
        self.reentry -= 1;
        let gen = self.slot(slot);
        self.stack_release(mark);
        self.arena_mut()
            .store_u32(gen.raw() + PEND_EXC, Obj::NONE.raw());
        match result {
            Ok(Exit::Yield(value)) => Ok(Resumed::Yield(value)),
            Ok(Exit::Return(value)) => {
                Self::gen_state(gen).set_ip(self.arena_mut(), 0);
                Ok(Resumed::Return(value))
            }
            Err(raise) => {
                Self::gen_state(gen).set_ip(self.arena_mut(), 0);
                let exc = self.pending_exception();
                if self.is_subclass(self.type_of(exc), ty::STOP_ITERATION) {
                    return Err(self.raise_msg(ty::RUNTIME_ERROR, "generator raised StopIteration"));
                }
                Err(raise)
            }
        }
    }

    /// Runs the generator's frame from where it is suspended, first raising `throw` there
    /// (or, when suspended in `yield from`, throwing it into the inner iterator).
    fn run_generator(&mut self, gen: Obj, throw: Option<Obj>) -> PyResult<Exit> {
        self.enter_frame()?;
        let cs = Self::gen_state(gen).0;
        let just_started = self.gen_just_started(gen);
        let mut frame = Frame::resume(self, cs, self.stack_mark());
        let Some(throw) = throw else {
            return self.run_frames(frame);
        };
        if just_started || self.arena().load_u8(frame.ip) != op::YIELD_FROM {
            let raise = self.make_raise(throw);
            if !just_started {
                frame = frame.at_yield(self);
            }
            return self.run_frames_raising(frame, Some(raise));
        }
        // Suspended in `yield from`: the stack is (..., inner, sent value).
        let inner = Obj::from_raw(self.arena().load_u32(frame.sp - 4));
        match self.throw_into_any(inner, throw) {
            Ok(Resumed::Yield(value)) => {
                self.arena_mut().store_u32(frame.sp, value.raw());
                frame.save(self);
                self.depth -= 1;
                Ok(Exit::Yield(value))
            }
            Ok(Resumed::Return(value)) => {
                frame.sp -= 4;
                self.arena_mut().store_u32(frame.sp, value.raw());
                frame.ip += 1;
                if self.is_generator_exit(throw) {
                    // The inner iterator swallowed GeneratorExit; this generator still exits.
                    let raise = self.make_raise(throw);
                    frame.instr = frame.ip;
                    return self.run_frames_raising(frame, Some(raise));
                }
                self.run_frames(frame)
            }
            Err(raise) => {
                frame.sp -= 8;
                self.run_frames_raising(frame.at_yield(self), Some(raise))
            }
        }
    }

    /// Runs native generator `gen` from where it is suspended, its code resuming with `send`
    /// or, thrown in, `throw`.
    fn run_native_generator(&mut self, gen: Obj, send: Obj, throw: Option<Obj>) -> PyResult<Exit> {
        let state = Self::gen_state(gen);
        let ip = state.ip(self.arena());
        if let (NATIVE_NOT_STARTED, Some(exc)) = (ip, throw) {
            return Err(self.make_raise(exc));
        }
        let fun = Obj::from_raw(state.fun_bc(self.arena()));
        let code = self.host_code_of(fun)?;
        let frame = state.0 + code_state::STATE;
        let args = frame + 4 * code.frame_slots;
        self.native_resume = Some((send, throw));
        let exit = self.run_native_code(fun, &code, frame, ip - 1, args);
        self.native_resume = None;
        match exit? {
            NativeExit::Yield { value, resume } => {
                state.set_ip(self.arena_mut(), resume + 1);
                Ok(Exit::Yield(value))
            }
            NativeExit::Return(value) => Ok(Exit::Return(value)),
        }
    }

    /// One step of a native generator's `yield from`: `send` (or `throw`) goes to `inner`;
    /// whether it returned, and what it yielded or returned.
    pub(crate) fn yield_from_step(
        &mut self,
        inner: Obj,
        send: Obj,
        throw: Option<Obj>,
    ) -> PyResult<(bool, Obj)> {
        let resumed = match throw {
            None => self.resume_any(inner, send)?,
            Some(exc) => match self.throw_into_any(inner, exc)? {
                // The inner iterator swallowed GeneratorExit; this generator still exits.
                Resumed::Return(_) if self.is_generator_exit(exc) => {
                    return Err(self.make_raise(exc))
                }
                resumed => resumed,
            },
        };
        Ok(match resumed {
            Resumed::Yield(value) => (false, value),
            Resumed::Return(value) => (true, value),
        })
    }

    fn is_generator_exit(&self, exc: Obj) -> bool {
        let t = if self.is_type(exc) {
            exc.raw()
        } else {
            self.type_of(exc)
        };
        self.is_subclass(t, ty::GENERATOR_EXIT)
    }

    /// Raises what `raise x` raises for `x` (`mp_make_raise_obj`): an exception instance, a
    /// new instance of an exception class, or `TypeError` for anything else.
    pub fn make_raise(&mut self, obj: Obj) -> Raise {
        if self.is_type(obj) && self.is_subclass(obj.raw(), ty::BASE_EXCEPTION) {
            return match self.call_objs(obj, &[]) {
                Ok(exc) => self.make_raise(exc),
                Err(raise) => raise,
            };
        }
        if self.is_exception_instance(obj) {
            return self.raise(obj);
        }
        self.type_error("exceptions must derive from BaseException")
    }

    /// `yield from`'s step (`mp_resume` with a value to send): generators resume directly,
    /// other iterators advance with `__next__` or `send(value)`; `StopIteration` from them
    /// is their return value.
    pub fn resume_any(&mut self, iter: Obj, send: Obj) -> PyResult<Resumed> {
        if self.type_of(iter) == ty::GENERATOR {
            return self.resume(iter, send);
        }
        let result = if send == Obj::NONE && !self.is_instance_of_user_type(iter) {
            match self.iter_next(iter) {
                Ok(Some(value)) => Ok(value),
                Ok(None) => return Ok(Resumed::Return(Obj::NONE)),
                Err(raise) => Err(raise),
            }
        } else {
            let name = if send == Obj::NONE {
                qstrs::NEXT
            } else {
                self.intern("send")?
            };
            let slot = self.root(iter)?;
            let (meth, self_obj) = self.load_method(iter, name)?;
            let args: &[Obj] = if send == Obj::NONE { &[] } else { &[send] };
            let result = self.call_method(meth, self_obj, args);
            let _ = self.slot(slot);
            result
        };
        self.stop_iteration_is_return(result)
    }

    /// `mp_resume` with an exception to throw into an iterator a generator delegates to.
    fn throw_into_any(&mut self, iter: Obj, exc: Obj) -> PyResult<Resumed> {
        if self.type_of(iter) == ty::GENERATOR {
            return self.throw_into(iter, exc);
        }
        let slot = self.root(iter)?;
        if self.is_generator_exit(exc) {
            let close = self.intern("close")?;
            if let Some((meth, self_obj)) = self.find_method(iter, close)? {
                let result = self.call_method(meth, self_obj, &[]);
                return self
                    .stop_iteration_is_return(result)
                    .map(|resumed| match resumed {
                        Resumed::Yield(value) | Resumed::Return(value) => Resumed::Return(value),
                    });
            }
        } else {
            let throw = self.intern("throw")?;
            let iter = self.slot(slot);
            if let Some((meth, self_obj)) = self.find_method(iter, throw)? {
                let result = self.call_method(meth, self_obj, &[exc]);
                return self.stop_iteration_is_return(result);
            }
        }
        if self.is_type(exc) && self.is_subclass(exc.raw(), ty::STOP_ITERATION)
            || self.is_subclass(self.type_of(exc), ty::STOP_ITERATION)
        {
            return Err(self.raise_msg(ty::RUNTIME_ERROR, "generator raised StopIteration"));
        }
        Err(self.make_raise(exc))
    }

    /// A call that raised `StopIteration` returned its value (to `yield from`).
    fn stop_iteration_is_return(&mut self, result: PyResult<Obj>) -> PyResult<Resumed> {
        match result {
            Ok(value) => Ok(Resumed::Yield(value)),
            Err(raise) => {
                let exc = self.pending_exception();
                if self.is_subclass(self.type_of(exc), ty::STOP_ITERATION) {
                    Ok(Resumed::Return(self.exception_value(exc)))
                } else {
                    Err(raise)
                }
            }
        }
    }

    /// `generator.close()`: throws `GeneratorExit` in, which must not be answered by a yield.
    pub fn close_generator(&mut self, gen: Obj) -> PyResult<()> {
        if self.gen_finished(gen) {
            return Ok(());
        }
        let exit = self.new_exception(ty::GENERATOR_EXIT, Obj::from_raw(EMPTY_TUPLE_OBJ))?;
        match self.throw_into(gen, exit) {
            Ok(Resumed::Yield(_)) => {
                Err(self.raise_msg(ty::RUNTIME_ERROR, "generator ignored GeneratorExit"))
            }
            Ok(Resumed::Return(_)) => Ok(()),
            Err(raise) => {
                let exc = self.pending_exception();
                if self.is_subclass(self.type_of(exc), ty::GENERATOR_EXIT) {
                    Ok(())
                } else {
                    Err(raise)
                }
            }
        }
    }
}
