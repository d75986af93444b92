//! Generators (`mp_obj_gen_instance_t`): a base, a state word, then the generator's own code
//! state, so a suspended frame lives in the heap and is scanned like any object. Resuming
//! runs that frame in a nested interpreter loop until it yields or returns.
use super::exec::{Exit, Frame};
use super::{PyResult, Vm};
use crate::objects::ty;
use crate::runtime::layout::{code_state, CodeStateObj};
use crate::runtime::obj::Obj;

const STATE: u32 = 4;
const CODE_STATE: u32 = 8;
const SUSPENDED: u32 = 0;
const RUNNING: u32 = 1;
const FINISHED: u32 = 2;

/// What resuming a generator (or any iterator) gave.
pub enum Resumed {
    Yield(Obj),
    /// It finished, returning this value (`NULL` when already exhausted before).
    Return(Obj),
}

impl Vm {
    /// A generator whose code state is a copy of `frame`'s freshly bound one.
    pub fn new_generator(&mut self, frame: &Frame) -> PyResult<Obj> {
        let size = frame.end - frame.cs;
        let gen = self.alloc_obj(ty::GENERATOR, CODE_STATE + size)?;
        let cs = gen + CODE_STATE;
        self.arena_mut().copy_within(frame.cs, cs, size);
        let state = CodeStateObj(cs);
        state.set_ip(self.arena_mut(), frame.ip);
        state.set_sp(self.arena_mut(), cs + code_state::STATE - 4);
        state.set_exc_sp_idx(self.arena_mut(), 0);
        Ok(Obj::from_raw(gen))
    }

    /// Resumes generator `gen`, sending `send` (`mp_obj_gen_resume`).
    pub fn resume(&mut self, gen: Obj, send: Obj) -> PyResult<Resumed> {
        self.resume_with(gen, send, None)
    }

    /// `generator.throw(exc)`: resumes `gen` by raising `exc` at its suspended `yield`.
    pub fn throw_into(&mut self, gen: Obj, exc: Obj) -> PyResult<Resumed> {
        self.resume_with(gen, Obj::NONE, Some(exc))
    }

    fn resume_with(&mut self, gen: Obj, send: Obj, throw: Option<Obj>) -> PyResult<Resumed> {
        let addr = gen.raw();
        match self.arena().load_u32(addr + STATE) {
            FINISHED => return Ok(Resumed::Return(Obj::NULL)),
            RUNNING => return Err(self.value_error("generator already executing")),
            _ => {}
        }
        let cs = addr + CODE_STATE;
        let state = CodeStateObj(cs);
        let sp = state.sp(self.arena());
        let just_started = sp == cs + code_state::STATE - 4;
        if let Some(exc) = throw {
            if just_started {
                // Nothing in the generator can catch it yet: it finishes, raising.
                self.arena_mut().store_u32(addr + STATE, FINISHED);
                return Err(self.raise(exc));
            }
        } else if just_started {
            if send != Obj::NONE {
                return Err(
                    self.type_error("can't send non-None value to a just-started generator")
                );
            }
        } else {
            self.arena_mut().store_u32(sp, send.raw());
        }
        if self.reentry >= super::MAX_REENTRY {
            return Err(self.raise_recursion_error());
        }
        let mark = self.stack_mark();
        self.root(gen)?;
        self.enter_frame()?;
        self.arena_mut().store_u32(addr + STATE, RUNNING);
        let frame = Frame::resume(self, cs, self.stack_mark());
        self.reentry += 1;
        let result = match throw {
            Some(exc) => {
                let raise = self.raise(exc);
                self.run_frames_raising(frame.at_yield(self), Some(raise))
            }
            None => self.run_frames(frame),
        };
        self.reentry -= 1;
        self.stack_release(mark);
        let (next_state, resumed) = match result {
            Ok(Exit::Yield(value)) => (SUSPENDED, Ok(Resumed::Yield(value))),
            Ok(Exit::Return(value)) => (FINISHED, Ok(Resumed::Return(value))),
            Err(raise) => (FINISHED, Err(raise)),
        };
        self.arena_mut().store_u32(addr + STATE, next_state);
        resumed
    }

    /// `yield from`'s step (`mp_resume`): generators resume directly, other iterators
    /// advance with `send(value)` or `next`.
    pub fn resume_any(&mut self, iter: Obj, send: Obj) -> PyResult<Option<Resumed>> {
        if self.type_of(iter) == ty::GENERATOR {
            return self.resume(iter, send).map(Some);
        }
        if send != Obj::NONE {
            let q = self.intern("send")?;
            let (meth, self_obj) = self.load_method(iter, q)?;
            return self
                .call_method(meth, self_obj, &[send])
                .map(|v| Some(Resumed::Yield(v)));
        }
        Ok(self.iter_next(iter)?.map(Resumed::Yield))
    }

    /// `generator.close()`: throws `GeneratorExit` in, which must not be answered by a yield.
    pub fn close_generator(&mut self, gen: Obj) -> PyResult<()> {
        let addr = gen.raw();
        let cs = addr + CODE_STATE;
        let just_started = CodeStateObj(cs).sp(self.arena()) == cs + code_state::STATE - 4;
        if just_started || self.arena().load_u32(addr + STATE) == FINISHED {
            self.arena_mut().store_u32(addr + STATE, FINISHED);
            return Ok(());
        }
        let exit = self.new_exception(
            ty::GENERATOR_EXIT,
            Obj::from_raw(crate::objects::EMPTY_TUPLE_OBJ),
        )?;
        match self.throw_into(gen, exit) {
            Ok(Resumed::Yield(_)) => {
                Err(self.raise_msg(ty::RUNTIME_ERROR, "generator ignored GeneratorExit"))
            }
            Ok(Resumed::Return(_)) => Ok(()),
            Err(raise) => {
                let exc = self.pending_exception();
                let t = self.type_of(exc);
                if self.is_subclass(t, ty::GENERATOR_EXIT)
                    || self.is_subclass(t, ty::STOP_ITERATION)
                {
                    Ok(())
                } else {
                    Err(raise)
                }
            }
        }
    }
}
