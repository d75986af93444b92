//! The interpreter loop: one function over MicroPython's opcodes ([`Vm::dispatch`]), and the
//! frame driver around it ([`Vm::run_frame`]) that pushes and pops frames for bytecode calls
//! without recursing on the host stack, and unwinds exceptions through each frame's
//! exception stack as `py/vm.c` does.
use super::call::{Args, CallTarget};
use super::{PyResult, Raise, Vm};
use crate::bytecode::op;
use crate::bytecode::{BinaryOpNum, UnaryOpNum};
use crate::objects::exception::TracebackEntry;
use crate::objects::{ty, NOT_IMPLEMENTED_OBJ};
use crate::runtime::layout::{code_state, exc_stack, CodeStateObj, FunBcObj, ModuleContextObj};
use crate::runtime::obj::Obj;

/// Words a for-loop iterator takes on the value stack (`MP_OBJ_ITER_BUF_NSLOTS`).
pub const ITER_BUF_SLOTS: u32 = 4;

/// Instructions between two checks for Ctrl-C (microseconds of work).
const POLL_INTERVAL: u32 = 1024;

/// Tag bit of an exception-stack entry's `val_sp`: the handler is a `finally` (or `with`).
const FINALLY_TAG: u32 = 2;

/// A running frame's registers; its state lives in the code state on the Python stack.
#[derive(Clone, Copy, Debug)]
pub struct Frame {
    /// The code state (`mp_code_state_t`) address.
    pub cs: u32,
    n_state: u32,
    /// Next instruction.
    pub ip: u32,
    /// Start of the instruction being executed (for tracebacks and handler ranges).
    pub instr: u32,
    /// Address of the top value-stack word (one word below `state[0]` when empty).
    pub sp: u32,
    exc_base: u32,
    /// End of the exception stack (one past its last entry).
    exc_end: u32,
    /// Address of the innermost exception-stack entry (`exc_base - 12` when none).
    exc_sp: u32,
    /// Pystack top to release to when the frame ends.
    pub mark: u32,
    /// End of the code state; anything above it while this frame runs is a helper's
    /// temporary from an earlier instruction.
    pub end: u32,
    /// The function is a generator: calling it makes a generator object instead.
    pub generator: bool,
}

/// Why [`Vm::dispatch`] stopped.
pub enum Flow {
    Call(Frame),
    Return(Obj),
    /// A generator frame yielded (the value is on its stack top).
    Yield(Obj),
}

/// How a run of frames ended without raising.
pub enum Exit {
    Return(Obj),
    /// The bottom frame (a generator's) yielded; its registers are saved in its code state.
    Yield(Obj),
}

impl Frame {
    pub fn new(cs: u32, n_state: u32, n_exc: u32, code_start: u32, mark: u32) -> Frame {
        let state = cs + code_state::STATE;
        let exc_base = state + 4 * n_state;
        Frame {
            end: exc_base + n_exc * exc_stack::SIZE,
            cs,
            n_state,
            ip: code_start,
            instr: code_start,
            sp: state - 4,
            exc_base,
            exc_end: exc_base + n_exc * exc_stack::SIZE,
            exc_sp: exc_base - exc_stack::SIZE,
            mark,
            generator: false,
        }
    }

    /// The registers of a generator's code state, saved at its last yield (or creation);
    /// `pystack_top` is where this run's temporaries start.
    pub fn resume(vm: &Vm, cs: u32, pystack_top: u32) -> Frame {
        let arena = vm.arena();
        let state = CodeStateObj(cs);
        let n_state = u32::from(state.n_state(arena));
        let exc_base = cs + code_state::STATE + 4 * n_state;
        let depth = u32::from(state.exc_sp_idx(arena));
        // The generator's code state was sized from this same prelude when it was created.
        let n_exc = vm.n_exc_stack(Obj::from_raw(state.fun_bc(arena)));
        Frame {
            cs,
            n_state,
            ip: state.ip(arena),
            instr: state.ip(arena),
            sp: state.sp(arena),
            exc_base,
            exc_end: exc_base + n_exc * exc_stack::SIZE,
            exc_sp: exc_base + depth * exc_stack::SIZE - exc_stack::SIZE,
            mark: pystack_top,
            end: pystack_top,
            generator: true,
        }
    }

    /// Points `instr` at the suspended `yield` (so a thrown exception is raised there and
    /// finds the handlers around it): `YIELD_FROM` resumes at itself, `YIELD_VALUE` after.
    pub fn at_yield(mut self, vm: &Vm) -> Frame {
        if vm.arena().load_u8(self.ip) != crate::bytecode::op::YIELD_FROM {
            self.instr = self.ip - 1;
        }
        self
    }

    /// Saves the registers into the code state (a generator suspending).
    pub fn save(&self, vm: &mut Vm) {
        let depth = (self.exc_sp + exc_stack::SIZE - self.exc_base) / exc_stack::SIZE;
        let arena = vm.arena_mut();
        let state = CodeStateObj(self.cs);
        state.set_ip(arena, self.ip);
        state.set_sp(arena, self.sp);
        state.set_exc_sp_idx(arena, depth as u16);
    }

    /// Address of `state[0]`: the value stack grows up from here, the locals sit below.
    fn stack_base(&self) -> u32 {
        self.cs + code_state::STATE
    }

    /// Words on the value stack (0 when `sp` is out of its range, which dispatch rejects).
    fn depth(&self) -> u32 {
        let above_base = self.sp.wrapping_add(4).wrapping_sub(self.stack_base());
        if above_base <= self.exc_base - self.stack_base() {
            above_base / 4
        } else {
            0
        }
    }

    /// Address of local `index` (`fastn[-index]`).
    pub fn local_addr(&self, index: u32) -> u32 {
        self.cs + code_state::STATE + 4 * (self.n_state - 1 - index)
    }
}

impl Vm {
    /// Runs `frame` and everything it calls to completion.
    pub fn run_frame(&mut self, frame: Frame) -> PyResult<Obj> {
        match self.run_frames(frame)? {
            Exit::Return(value) | Exit::Yield(value) => Ok(value),
        }
    }

    /// Runs `frame` until it returns or (for a generator's frame) yields. Bytecode calls
    /// push frames onto a local list, so Python recursion stays off the host stack.
    pub fn run_frames(&mut self, frame: Frame) -> PyResult<Exit> {
        self.run_frames_raising(frame, None)
    }

    /// [`Vm::run_frames`], optionally starting by raising the exception in flight at the
    /// frame's current instruction (`generator.throw`).
    pub fn run_frames_raising(&mut self, frame: Frame, inject: Option<Raise>) -> PyResult<Exit> {
        // Frame lists are reused (one per nesting level), so a call from Rust into Python
        // allocates nothing on the host heap once the program is warm.
        let mut frames = self.spare_frame_lists.pop().unwrap_or_default();
        frames.push(frame);
        let exit = self.run_frame_list(&mut frames, inject);
        frames.clear();
        self.spare_frame_lists.push(frames);
        exit
    }

    fn run_frame_list(&mut self, frames: &mut Vec<Frame>, inject: Option<Raise>) -> PyResult<Exit> {
        let frame = frames[0];
        let mut pending = inject;
        loop {
            let top = frames.len() - 1;
            let step = match pending.take() {
                Some(raise) => Err(raise),
                None => self.dispatch(&mut frames[top]),
            };
            // A frame that faulted on its last instruction leaves without reaching the
            // dispatch loop's check.
            let step = match step {
                Ok(Flow::Return(_) | Flow::Yield(_)) if self.stack_fault.get() => {
                    Err(self.bad_bytecode())
                }
                step => step,
            };
            match step {
                Ok(Flow::Call(callee)) => frames.push(callee),
                Ok(Flow::Return(value)) => {
                    let done = frames.pop().unwrap_or(frame);
                    self.finish_frame(&done);
                    match frames.last_mut() {
                        None => return Ok(Exit::Return(value)),
                        Some(caller) => self.push(caller, value),
                    }
                }
                Ok(Flow::Yield(value)) => {
                    // Only a generator's own frame yields, and it is always the bottom one.
                    let done = frames.pop().unwrap_or(frame);
                    done.save(self);
                    self.finish_frame(&done);
                    return Ok(Exit::Yield(value));
                }
                Err(raise) => loop {
                    let top = frames.len() - 1;
                    if self.catch(&mut frames[top]) {
                        break;
                    }
                    let done = frames.pop().unwrap_or(frame);
                    self.finish_frame(&done);
                    if frames.is_empty() {
                        return Err(raise_again(&raise));
                    }
                },
            }
        }
    }

    fn finish_frame(&mut self, frame: &Frame) {
        self.depth -= 1;
        self.stack_release(frame.mark);
    }

    /// Records the traceback entry for this frame and jumps to its innermost handler that
    /// is not already running; false if the frame has none, or if the step limit is spent:
    /// that limit (krait's, for fuzzing and tests; MicroPython has none) ends the program,
    /// so no `except` or `finally` may run and spend steps the run no longer has.
    fn catch(&mut self, f: &mut Frame) -> bool {
        let exc = self.pending_exception();
        self.set_cur_exception(exc);
        let opcode = self.arena().load_u8(f.instr);
        if opcode != op::END_FINALLY && opcode != op::RAISE_LAST {
            let entry = self.traceback_entry(f);
            self.add_traceback(exc, entry);
        }
        if self.steps_left == 0 {
            return false;
        }
        while f.exc_sp >= f.exc_base
            && self.arena().load_u32(f.exc_sp + exc_stack::HANDLER) <= f.instr
        {
            f.exc_sp -= exc_stack::SIZE;
        }
        if f.exc_sp < f.exc_base {
            return false;
        }
        let arena = self.arena_mut();
        f.ip = arena.load_u32(f.exc_sp + exc_stack::HANDLER);
        f.sp = arena.load_u32(f.exc_sp + exc_stack::VAL_SP) & !FINALLY_TAG;
        arena.store_u32(f.exc_sp + exc_stack::PREV_EXC, exc.raw());
        self.push(f, exc);
        true
    }

    /// File, line and block name of the instruction `f` is executing.
    pub fn traceback_entry(&self, f: &Frame) -> TracebackEntry {
        let fun = FunBcObj(CodeStateObj(f.cs).fun_bc(self.arena()));
        let context = ModuleContextObj(fun.context(self.arena()));
        let bytecode = fun.bytecode(self.arena());
        let room = self.heap.allocation_size(bytecode).unwrap_or(0);
        let data = self.arena().bytes(bytecode, room);
        let (line, block) = match crate::bytecode::decode::decode_prelude(data) {
            Ok(prelude) => {
                let steps = crate::bytecode::decode::decode_line_info(&data[prelude.line_info])
                    .unwrap_or_default();
                let offset = (f.instr - bytecode) as usize - prelude.code_start;
                let line = crate::bytecode::decode::source_line(&steps, offset);
                (line as u32, prelude.simple_name as u32)
            }
            Err(_) => (0, 0),
        };
        TracebackEntry {
            file: u32::from(context.qstr(self.arena(), 0)),
            line,
            block: u32::from(context.qstr(self.arena(), block)),
        }
    }

    // ---- value stack ----

    // Every value-stack access is bounds-checked against the frame's slots, because a
    // crafted .mpy can pass the reader with bytecode whose stack use does not fit its
    // prelude's `n_state`. An access outside them touches nothing and records a fault,
    // which the dispatch loop turns into `ValueError: incompatible .mpy file` before the
    // next instruction.

    /// Whether `addr` is a value-stack slot of `f` (between the locals and the exception stack).
    #[inline]
    fn in_value_stack(f: &Frame, addr: u32) -> bool {
        addr >= f.stack_base() && addr < f.exc_base
    }

    #[inline]
    fn load_stack(&self, f: &Frame, addr: u32) -> Obj {
        if Self::in_value_stack(f, addr) {
            // SAFETY: the value stack lies in the frame's code state, which is committed: on
            // the Python stack (committed whole from the start) or in a generator object
            // (committed by its allocation).
            Obj::from_raw(unsafe { self.arena().load_u32_committed(addr) })
        } else {
            self.stack_fault.set(true);
            Obj::NONE
        }
    }

    #[inline]
    fn store_stack(&mut self, f: &Frame, addr: u32, value: Obj) {
        if Self::in_value_stack(f, addr) {
            // SAFETY: as in `load_stack`.
            unsafe { self.arena_mut().store_u32_committed(addr, value.raw()) };
        } else {
            self.stack_fault.set(true);
        }
    }

    #[inline]
    pub fn push(&mut self, f: &mut Frame, value: Obj) {
        f.sp = f.sp.wrapping_add(4);
        self.store_stack(f, f.sp, value);
    }

    #[inline]
    pub fn pop(&mut self, f: &mut Frame) -> Obj {
        let value = self.load_stack(f, f.sp);
        f.sp = f.sp.wrapping_sub(4);
        value
    }

    #[inline]
    fn top(&self, f: &Frame) -> Obj {
        self.load_stack(f, f.sp)
    }

    #[inline]
    fn set_top(&mut self, f: &Frame, value: Obj) {
        self.store_stack(f, f.sp, value);
    }

    /// The word `n` below the top.
    #[inline]
    fn peek(&self, f: &Frame, n: u32) -> Obj {
        match n.checked_mul(4).and_then(|d| f.sp.checked_sub(d)) {
            Some(addr) => self.load_stack(f, addr),
            None => {
                self.stack_fault.set(true);
                Obj::NONE
            }
        }
    }

    /// Drops `n` words from the stack; raises if there are fewer.
    #[inline]
    fn drop_words(&mut self, f: &mut Frame, n: u32) -> PyResult<()> {
        if n > f.depth() {
            return Err(self.bad_bytecode());
        }
        f.sp -= 4 * n;
        Ok(())
    }

    /// [`Vm::drop_words`] for paths that cannot raise: records a fault instead.
    fn discard(&mut self, f: &mut Frame, n: u32) {
        if n > f.depth() {
            self.stack_fault.set(true);
        } else {
            f.sp -= 4 * n;
        }
    }

    /// Raises unless `n` more words fit on the stack.
    #[inline]
    fn need_room(&mut self, f: &Frame, n: u32) -> PyResult<()> {
        let room = (f.exc_base - f.stack_base()) / 4 - f.depth();
        if n > room {
            return Err(self.bad_bytecode());
        }
        Ok(())
    }

    /// Address of local `index` operand; raises when the frame has no such slot.
    fn local_slot(&mut self, f: &Frame, index: u32) -> PyResult<u32> {
        if index >= f.n_state {
            return Err(self.bad_bytecode());
        }
        Ok(f.local_addr(index))
    }

    pub(crate) fn bad_bytecode(&mut self) -> Raise {
        self.stack_fault.set(false);
        self.value_error("incompatible .mpy file")
    }

    /// Pops the innermost exception-stack entry (a fault if there is none).
    fn pop_exc_block(&mut self, f: &mut Frame) {
        if f.exc_sp < f.exc_base {
            self.stack_fault.set(true);
        } else {
            f.exc_sp -= exc_stack::SIZE;
        }
        // As MicroPython's POP_EXC_BLOCK: leaving any handler block clears sys.exc_info().
        self.set_cur_exception(Obj::NULL);
    }

    // ---- operands ----

    #[inline]
    fn fetch_u8(&self, f: &mut Frame) -> u8 {
        let byte = self.arena().load_u8(f.ip);
        f.ip += 1;
        byte
    }

    fn fetch_uint(&self, f: &mut Frame) -> u32 {
        let mut value = 0u32;
        loop {
            let byte = self.fetch_u8(f);
            value = (value << 7) | u32::from(byte & 0x7f);
            if byte & 0x80 == 0 {
                return value;
            }
        }
    }

    fn fetch_small_int(&self, f: &mut Frame) -> i64 {
        let first = self.arena().load_u8(f.ip);
        let mut value: i64 = if first & 0x40 != 0 { -1 } else { 0 };
        loop {
            let byte = self.fetch_u8(f);
            value = (value << 7) | i64::from(byte & 0x7f);
            if byte & 0x80 == 0 {
                return value;
            }
        }
    }

    /// A jump target: the offset counts from the end of the operand.
    fn fetch_label(&self, f: &mut Frame, signed: bool) -> u32 {
        let first = self.fetch_u8(f);
        let (raw, bias) = if first & 0x80 == 0 {
            (i64::from(first), 0x40)
        } else {
            let second = self.fetch_u8(f);
            (i64::from(first & 0x7f) | i64::from(second) << 7, 0x4000)
        };
        let delta = if signed { raw - bias } else { raw };
        (i64::from(f.ip) + delta) as u32
    }

    fn context(&self, f: &Frame) -> ModuleContextObj {
        ModuleContextObj(FunBcObj(CodeStateObj(f.cs).fun_bc(self.arena())).context(self.arena()))
    }

    fn fetch_qstr(&self, f: &mut Frame) -> u32 {
        let local = self.fetch_uint(f);
        u32::from(self.context(f).qstr(self.arena(), local))
    }

    /// The frame's locals dict (`LOAD_NAME`/`STORE_NAME`): globals, or a class body's dict.
    pub fn frame_locals(&self, f: &Frame) -> Obj {
        Obj::from_raw(CodeStateObj(f.cs).old_globals(self.arena()))
    }

    pub fn set_frame_locals(&mut self, f: &Frame, locals: Obj) {
        CodeStateObj(f.cs).set_old_globals(self.arena_mut(), locals.raw());
    }

    fn frame_globals(&self, f: &Frame) -> Obj {
        Obj::from_raw(self.context(f).globals(self.arena()))
    }

    fn push_exc_block(&mut self, f: &mut Frame, handler: u32, finally: bool) {
        if f.exc_sp + 2 * exc_stack::SIZE > f.exc_end {
            self.stack_fault.set(true);
            return;
        }
        f.exc_sp += exc_stack::SIZE;
        let tag = if finally { FINALLY_TAG } else { 0 };
        let arena = self.arena_mut();
        arena.store_u32(f.exc_sp + exc_stack::HANDLER, handler);
        arena.store_u32(f.exc_sp + exc_stack::VAL_SP, f.sp | tag);
        arena.store_u32(f.exc_sp + exc_stack::PREV_EXC, 0);
    }

    /// Runs instructions of `f` until it calls bytecode, returns, or raises; meanwhile
    /// `globals()` and `locals()` see `f`.
    pub fn dispatch(&mut self, f: &mut Frame) -> PyResult<Flow> {
        let outer = std::mem::replace(&mut self.modules.current_frame, f.cs);
        let flow = self.run_instructions(f);
        self.modules.current_frame = outer;
        flow
    }

    fn run_instructions(&mut self, f: &mut Frame) -> PyResult<Flow> {
        loop {
            // Temporaries rooted by helpers live only until the instruction that made them
            // ends: dropping them here bounds the Python stack however helpers use it.
            self.pystack.release(&mut self.heap, f.end);
            if self.stack_fault.get() || f.sp.wrapping_add(4) < f.stack_base() || f.sp >= f.exc_base
            {
                return Err(self.bad_bytecode());
            }
            if self.poll_countdown == 0 {
                self.poll()?;
            }
            self.poll_countdown -= 1;
            if self.modules.sched_pending {
                self.run_scheduled();
            }
            f.instr = f.ip;
            let opcode = self.fetch_u8(f);
            match opcode {
                op::LOAD_CONST_FALSE => self.push(f, Obj::FALSE),
                op::LOAD_CONST_NONE => self.push(f, Obj::NONE),
                op::LOAD_CONST_TRUE => self.push(f, Obj::TRUE),
                op::LOAD_CONST_SMALL_INT => {
                    let value = self.fetch_small_int(f);
                    let obj = self.new_int(value)?;
                    self.push(f, obj);
                }
                op::LOAD_CONST_STRING => {
                    let q = self.fetch_qstr(f);
                    self.push(f, Obj::qstr(q).unwrap_or(Obj::NONE));
                }
                op::LOAD_CONST_OBJ => {
                    let index = self.fetch_uint(f);
                    let obj = self.context(f).obj(self.arena(), index);
                    self.push(f, obj);
                }
                op::LOAD_NULL => self.push(f, Obj::NULL),
                op::LOAD_FAST_N => {
                    let index = self.fetch_uint(f);
                    self.load_fast(f, index)?;
                }
                op::LOAD_DEREF => {
                    let index = self.fetch_uint(f);
                    let addr = self.local_slot(f, index)?;
                    let cell = Obj::from_raw(self.arena().load_u32(addr));
                    if !self.expect_type(cell, ty::CELL) {
                        continue;
                    }
                    let value = self.cell_get(cell);
                    if value == Obj::NULL {
                        return Err(self.unbound_local());
                    }
                    self.push(f, value);
                }
                op::LOAD_NAME => {
                    let q = self.fetch_qstr(f);
                    let locals = self.frame_locals(f);
                    let value = self.load_name(locals, self.frame_globals(f), q)?;
                    self.push(f, value);
                }
                op::LOAD_GLOBAL => {
                    let q = self.fetch_qstr(f);
                    let globals = self.frame_globals(f);
                    let value = self.load_name(globals, globals, q)?;
                    self.push(f, value);
                }
                op::LOAD_ATTR => {
                    let q = self.fetch_qstr(f);
                    let obj = self.top(f);
                    let value = self.load_attr(obj, q)?;
                    self.set_top(f, value);
                }
                op::LOAD_METHOD => {
                    let q = self.fetch_qstr(f);
                    let obj = self.top(f);
                    let (meth, self_obj) = self.load_method(obj, q)?;
                    self.set_top(f, meth);
                    self.push(f, self_obj);
                }
                op::LOAD_SUPER_METHOD => {
                    let q = self.fetch_qstr(f);
                    let self_obj = self.pop(f);
                    let class = self.top(f);
                    let (meth, bound_self) = self.load_super_method(class, self_obj, q)?;
                    // Stack was (super, class, self): becomes (method, self).
                    self.drop_words(f, 1)?;
                    self.set_top(f, meth);
                    self.push(f, bound_self);
                }
                op::LOAD_BUILD_CLASS => {
                    let build = self.load_build_class()?;
                    self.push(f, build);
                }
                op::LOAD_SUBSCR => {
                    let index = self.pop(f);
                    let obj = self.top(f);
                    let value = self.subscr(obj, index)?;
                    self.set_top(f, value);
                }
                op::STORE_FAST_N => {
                    let index = self.fetch_uint(f);
                    let value = self.pop(f);
                    let addr = self.local_slot(f, index)?;
                    self.arena_mut().store_u32(addr, value.raw());
                }
                op::STORE_DEREF => {
                    let index = self.fetch_uint(f);
                    let value = self.pop(f);
                    let addr = self.local_slot(f, index)?;
                    let cell = Obj::from_raw(self.arena().load_u32(addr));
                    if self.expect_type(cell, ty::CELL) {
                        self.cell_set(cell, value);
                    }
                }
                op::STORE_NAME => {
                    let q = self.fetch_qstr(f);
                    let value = self.top(f);
                    let locals = self.frame_locals(f);
                    self.dict_store_qstr(locals, q, value)?;
                    self.drop_words(f, 1)?;
                }
                op::STORE_GLOBAL => {
                    let q = self.fetch_qstr(f);
                    let value = self.top(f);
                    let globals = self.frame_globals(f);
                    self.dict_store_qstr(globals, q, value)?;
                    self.drop_words(f, 1)?;
                }
                op::STORE_ATTR => {
                    // A `NULL` value (from `del obj.attr`) deletes.
                    let q = self.fetch_qstr(f);
                    let obj = self.top(f);
                    let value = self.peek(f, 1);
                    if value == Obj::NULL {
                        self.delete_attr(obj, q)?;
                    } else {
                        self.store_attr(obj, q, value)?;
                    }
                    self.drop_words(f, 2)?;
                }
                op::STORE_SUBSCR => {
                    // A `NULL` value (from `del obj[index]`) deletes.
                    let index = self.top(f);
                    let obj = self.peek(f, 1);
                    let value = self.peek(f, 2);
                    if value == Obj::NULL {
                        self.delete_subscr(obj, index)?;
                    } else {
                        self.store_subscr(obj, index, value)?;
                    }
                    self.drop_words(f, 3)?;
                }
                op::DELETE_FAST => {
                    let index = self.fetch_uint(f);
                    let addr = self.local_slot(f, index)?;
                    if self.arena().load_u32(addr) == 0 {
                        return Err(self.unbound_local());
                    }
                    self.arena_mut().store_u32(addr, 0);
                }
                op::DELETE_DEREF => {
                    let index = self.fetch_uint(f);
                    let addr = self.local_slot(f, index)?;
                    let cell = Obj::from_raw(self.arena().load_u32(addr));
                    if !self.expect_type(cell, ty::CELL) {
                        continue;
                    }
                    if self.cell_get(cell) == Obj::NULL {
                        return Err(self.unbound_local());
                    }
                    self.cell_set(cell, Obj::NULL);
                }
                op::DELETE_NAME | op::DELETE_GLOBAL => {
                    let q = self.fetch_qstr(f);
                    let dict = if opcode == op::DELETE_NAME {
                        self.frame_locals(f)
                    } else {
                        self.frame_globals(f)
                    };
                    self.delete_name(dict, q)?;
                }
                op::DUP_TOP => {
                    let value = self.top(f);
                    self.push(f, value);
                }
                op::DUP_TOP_TWO => {
                    let (a, b) = (self.peek(f, 1), self.top(f));
                    self.push(f, a);
                    self.push(f, b);
                }
                op::POP_TOP => self.drop_words(f, 1)?,
                op::ROT_TWO => {
                    let (a, b) = (self.peek(f, 1), self.top(f));
                    self.store_stack(f, f.sp.wrapping_sub(4), b);
                    self.set_top(f, a);
                }
                op::ROT_THREE => {
                    let (a, b, c) = (self.peek(f, 2), self.peek(f, 1), self.top(f));
                    self.store_stack(f, f.sp.wrapping_sub(8), c);
                    self.store_stack(f, f.sp.wrapping_sub(4), a);
                    self.set_top(f, b);
                }
                op::JUMP => {
                    let target = self.fetch_label(f, true);
                    f.ip = target;
                }
                op::POP_JUMP_IF_TRUE | op::POP_JUMP_IF_FALSE => {
                    let target = self.fetch_label(f, true);
                    let value = self.pop(f);
                    if self.is_true(value)? == (opcode == op::POP_JUMP_IF_TRUE) {
                        f.ip = target;
                    }
                }
                op::JUMP_IF_TRUE_OR_POP | op::JUMP_IF_FALSE_OR_POP => {
                    let target = self.fetch_label(f, false);
                    let value = self.top(f);
                    if self.is_true(value)? == (opcode == op::JUMP_IF_TRUE_OR_POP) {
                        f.ip = target;
                    } else {
                        self.drop_words(f, 1)?;
                    }
                }
                op::SETUP_EXCEPT | op::SETUP_FINALLY => {
                    let handler = self.fetch_label(f, false);
                    self.push_exc_block(f, handler, opcode == op::SETUP_FINALLY);
                }
                op::SETUP_WITH => {
                    let handler = self.fetch_label(f, false);
                    let manager = self.top(f);
                    let (exit, exit_self) =
                        self.load_method(manager, crate::objects::qstrs::EXIT)?;
                    self.set_top(f, exit);
                    self.push(f, exit_self);
                    let (enter, enter_self) =
                        self.load_method(manager, crate::objects::qstrs::ENTER)?;
                    let value = self.call_method(enter, enter_self, &[])?;
                    self.push_exc_block(f, handler, true);
                    self.push(f, value);
                }
                op::WITH_CLEANUP => self.with_cleanup(f)?,
                op::UNWIND_JUMP => {
                    let target = self.fetch_label(f, true);
                    let count = self.fetch_u8(f);
                    self.push(f, Obj::from_raw(target));
                    self.push(f, Obj::from_raw(u32::from(count)));
                    self.unwind_jump(f);
                }
                op::END_FINALLY => {
                    self.pop_exc_block(f);
                    let value = self.top(f);
                    if value == Obj::NONE {
                        self.drop_words(f, 1)?;
                    } else if let Some(cause) = value.as_small_int() {
                        self.drop_words(f, 1)?;
                        if cause < 0 {
                            if let Some(value) = self.unwind_return(f) {
                                return Ok(Flow::Return(value));
                            }
                        } else {
                            self.push(f, Obj::from_raw(cause as u32));
                            self.unwind_jump(f);
                        }
                    } else {
                        return Err(self.raise(value));
                    }
                }
                op::POP_EXCEPT_JUMP => {
                    let target = self.fetch_label(f, false);
                    self.pop_exc_block(f);
                    f.ip = target;
                }
                op::GET_ITER => {
                    let obj = self.top(f);
                    let iter = self.get_iter(obj)?;
                    self.set_top(f, iter);
                }
                op::GET_ITER_STACK => {
                    let obj = self.top(f);
                    self.need_room(f, ITER_BUF_SLOTS - 1)?;
                    let buf = f.sp;
                    f.sp += 4 * (ITER_BUF_SLOTS - 1);
                    self.get_iter_stack(obj, buf)?;
                }
                op::FOR_ITER => {
                    let target = self.fetch_label(f, false);
                    if f.depth() < ITER_BUF_SLOTS {
                        return Err(self.bad_bytecode());
                    }
                    let buf = f.sp - 4 * (ITER_BUF_SLOTS - 1);
                    let iter = if self.arena().load_u32(buf) == 0 {
                        Obj::from_raw(self.arena().load_u32(buf + 4))
                    } else {
                        Obj::from_raw(buf)
                    };
                    match self.iter_next(iter)? {
                        Some(value) => self.push(f, value),
                        None => {
                            self.drop_words(f, ITER_BUF_SLOTS)?;
                            f.ip = target;
                        }
                    }
                }
                op::BUILD_TUPLE => {
                    let n = self.fetch_uint(f);
                    self.drop_words(f, n)?;
                    let tuple = self.new_tuple_from_arena(f.sp + 4, n)?;
                    self.push(f, tuple);
                }
                op::BUILD_LIST => {
                    let n = self.fetch_uint(f);
                    self.drop_words(f, n)?;
                    let list = self.new_list_from_arena(f.sp + 4, n)?;
                    self.push(f, list);
                }
                op::BUILD_SET => {
                    let n = self.fetch_uint(f);
                    let set = self.new_set(n)?;
                    let slot = self.root(set)?;
                    self.drop_words(f, n)?;
                    for i in 0..n {
                        let item = Obj::from_raw(self.arena().load_u32(f.sp + 4 + 4 * i));
                        self.set_add(self.slot(slot), item)?;
                    }
                    let set = self.slot(slot);
                    self.push(f, set);
                }
                op::BUILD_MAP => {
                    let n = self.fetch_uint(f);
                    let dict = self.new_dict(n)?;
                    self.push(f, dict);
                }
                op::STORE_MAP => {
                    let key = self.top(f);
                    let value = self.peek(f, 1);
                    let dict = self.peek(f, 2);
                    if self.expect_type(dict, ty::DICT) {
                        self.dict_store(dict, key, value)?;
                    }
                    self.drop_words(f, 2)?;
                }
                op::BUILD_SLICE => {
                    let n = self.fetch_uint(f);
                    let step = if n == 3 { self.pop(f) } else { Obj::NONE };
                    let stop = self.pop(f);
                    let start = self.top(f);
                    let slice = self.new_slice(start, stop, step)?;
                    self.set_top(f, slice);
                }
                op::STORE_COMP => {
                    // The operand is the collection's depth (times 4) and its kind.
                    let n = self.fetch_uint(f);
                    let collection = self.peek(f, n >> 2);
                    let kind = [ty::LIST, ty::DICT, ty::SET, ty::DICT][n as usize & 3];
                    if !self.expect_type(collection, kind) {
                        continue;
                    }
                    if n & 3 == 0 {
                        let value = self.top(f);
                        self.list_append(collection, value)?;
                        self.drop_words(f, 1)?;
                    } else if n & 3 == 2 {
                        let value = self.top(f);
                        self.set_add(collection, value)?;
                        self.drop_words(f, 1)?;
                    } else {
                        let (key, value) = (self.top(f), self.peek(f, 1));
                        self.dict_store(collection, key, value)?;
                        self.drop_words(f, 2)?;
                    }
                }
                op::UNPACK_SEQUENCE => {
                    let n = self.fetch_uint(f);
                    let seq = self.top(f);
                    self.drop_words(f, 1)?;
                    self.need_room(f, n)?;
                    self.unpack_sequence(seq, n, f.sp + 4)?;
                    f.sp += 4 * n;
                }
                op::UNPACK_EX => {
                    let n = self.fetch_uint(f);
                    let (before, after) = (n & 0xff, n >> 8);
                    let seq = self.top(f);
                    self.drop_words(f, 1)?;
                    self.need_room(f, before + after + 1)?;
                    self.unpack_ex(seq, before, after, f.sp + 4)?;
                    f.sp += 4 * (before + after + 1);
                }
                op::MAKE_FUNCTION | op::MAKE_FUNCTION_DEFARGS => {
                    let index = self.fetch_uint(f);
                    let rc = self.child_raw_code(f, index);
                    let context = Obj::from_raw(self.context(f).0);
                    let fun = if opcode == op::MAKE_FUNCTION {
                        self.new_function(rc, context, Obj::NONE, Obj::NULL)?
                    } else {
                        let kw = self.top(f);
                        let defaults = self.peek(f, 1);
                        let kw = if kw == Obj::NONE { Obj::NULL } else { kw };
                        self.drop_words(f, 1)?;
                        self.new_function(rc, context, defaults, kw)?
                    };
                    if opcode == op::MAKE_FUNCTION {
                        self.push(f, fun);
                    } else {
                        self.set_top(f, fun);
                    }
                }
                op::MAKE_CLOSURE | op::MAKE_CLOSURE_DEFARGS => {
                    let index = self.fetch_uint(f);
                    let n_closed = u32::from(self.fetch_u8(f));
                    let rc = self.child_raw_code(f, index);
                    let context = Obj::from_raw(self.context(f).0);
                    self.drop_words(f, n_closed)?;
                    let cells = f.sp + 4;
                    let fun = if opcode == op::MAKE_CLOSURE {
                        self.new_function(rc, context, Obj::NONE, Obj::NULL)?
                    } else {
                        let kw = self.top(f);
                        let defaults = self.peek(f, 1);
                        let kw = if kw == Obj::NONE { Obj::NULL } else { kw };
                        self.new_function(rc, context, defaults, kw)?
                    };
                    // The cells are still in place above sp, so they are rooted.
                    let slot = self.root(fun)?;
                    let closure = self.new_closure(self.slot(slot), cells, n_closed)?;
                    if opcode == op::MAKE_CLOSURE_DEFARGS {
                        self.drop_words(f, 2)?;
                    }
                    self.push(f, closure);
                }
                op::CALL_FUNCTION | op::CALL_METHOD => {
                    let n = self.fetch_uint(f);
                    let (n_pos, n_kw) = (n & 0xff, (n >> 8) & 0xff);
                    let mut n_words = n_pos + 2 * n_kw;
                    let mut n_pos = n_pos;
                    if opcode == op::CALL_METHOD {
                        n_words += 1;
                    }
                    self.drop_words(f, n_words)?;
                    let fun = self.top(f);
                    let mut base = f.sp + 4;
                    if opcode == op::CALL_METHOD {
                        if self.arena().load_u32(base) == 0 {
                            base += 4;
                        } else {
                            n_pos += 1;
                        }
                    }
                    self.drop_words(f, 1)?;
                    let args = Args { base, n_pos, n_kw };
                    if let Some(flow) = self.call_from_frame(f, fun, args)? {
                        return Ok(flow);
                    }
                }
                op::CALL_FUNCTION_VAR_KW | op::CALL_METHOD_VAR_KW => {
                    let n = self.fetch_uint(f);
                    let (n_pos, n_kw) = (n & 0xff, (n >> 8) & 0xff);
                    let extra = u32::from(opcode == op::CALL_METHOD_VAR_KW);
                    self.drop_words(f, n_pos + 2 * n_kw + 1 + extra)?;
                    let fun = self.top(f);
                    let base = f.sp + 4;
                    let args = self.prepare_var_args(base, n_pos, n_kw, extra == 1)?;
                    self.drop_words(f, 1)?;
                    if let Some(flow) = self.call_from_frame(f, fun, args)? {
                        return Ok(flow);
                    }
                }
                op::RETURN_VALUE => {
                    if let Some(value) = self.unwind_return(f) {
                        return Ok(Flow::Return(value));
                    }
                }
                op::RAISE_LAST => {
                    let mut entry = f.exc_sp;
                    let mut exc = Obj::NULL;
                    while entry >= f.exc_base {
                        let prev = self.arena().load_u32(entry + exc_stack::PREV_EXC);
                        if prev != 0 {
                            exc = Obj::from_raw(prev);
                            break;
                        }
                        entry -= exc_stack::SIZE;
                    }
                    if exc == Obj::NULL {
                        return Err(
                            self.raise_msg(ty::RUNTIME_ERROR, "no active exception to reraise")
                        );
                    }
                    return Err(self.raise(exc));
                }
                op::RAISE_OBJ => {
                    let obj = self.top(f);
                    let exc = self.make_raise_obj(obj)?;
                    return Err(self.raise(exc));
                }
                op::RAISE_FROM => {
                    let cause = self.pop(f);
                    return Err(self.raise_from(self.top(f), cause));
                }
                op::IMPORT_NAME => {
                    let q = self.fetch_qstr(f);
                    let fromlist = self.pop(f);
                    let level = self.top(f);
                    let globals = self.frame_globals(f);
                    let module = self.import_name(q, fromlist, level, globals)?;
                    self.set_top(f, module);
                }
                op::IMPORT_FROM => {
                    let q = self.fetch_qstr(f);
                    let value = self.import_from(self.top(f), q)?;
                    self.push(f, value);
                }
                op::IMPORT_STAR => {
                    let module = self.pop(f);
                    let locals = self.frame_locals(f);
                    self.import_all(module, locals)?;
                }
                op::YIELD_VALUE => {
                    let value = self.top(f);
                    return Ok(Flow::Yield(value));
                }
                op::YIELD_FROM => {
                    let send = self.pop(f);
                    let inner = self.top(f);
                    match self.resume_any(inner, send)? {
                        crate::interp::gen::Resumed::Yield(value) => {
                            // Stay on this instruction: the next resume delegates again.
                            f.ip = f.instr;
                            self.push(f, value);
                            return Ok(Flow::Yield(value));
                        }
                        crate::interp::gen::Resumed::Return(value) => self.set_top(f, value),
                    }
                }
                _ => self.dispatch_multi(f, opcode)?,
            }
        }
    }

    /// The dispatch loop's periodic check, folding the step limit and Ctrl-C into one
    /// countdown (as MicroPython polls its pending exception): accounts the instructions of
    /// the window that just ended, raises for the step limit or an interrupt, and opens the
    /// next window (never past the step limit, so that limit stays exact).
    #[cold]
    fn poll(&mut self) -> PyResult<()> {
        let window = std::mem::take(&mut self.poll_window);
        self.charge_steps(window)?;
        self.poll_window = self.steps_left.min(POLL_INTERVAL.into()) as u32;
        self.poll_countdown = self.poll_window;
        Ok(())
    }

    /// Takes `steps` off the step limit and raises when it is spent (a spent limit, 0, is
    /// one no handler catches) or when Ctrl-C was pressed.
    fn charge_steps(&mut self, steps: u32) -> PyResult<()> {
        self.steps_left = self.steps_left.saturating_sub(u64::from(steps));
        if self.steps_left == 0 {
            return Err(self.raise_msg(ty::RUNTIME_ERROR, "step limit exceeded"));
        }
        if self.take_interrupt() {
            return Err(self.raise_type(ty::KEYBOARD_INTERRUPT));
        }
        Ok(())
    }

    /// What native code's loops do every `steps` back edges: the step limit, Ctrl-C and
    /// scheduled callbacks, as the dispatch loop polls them.
    pub(crate) fn poll_native(&mut self, steps: u32) -> PyResult<()> {
        self.charge_steps(steps)?;
        if self.modules.sched_pending {
            self.run_scheduled();
        }
        Ok(())
    }

    /// The opcodes that encode their operand in the opcode byte (the most frequent first).
    #[inline]
    fn dispatch_multi(&mut self, f: &mut Frame, opcode: u8) -> PyResult<()> {
        let multi = |base: u8, n: u8| (base..base + n).contains(&opcode);
        if multi(op::LOAD_FAST_MULTI, op::LOAD_FAST_MULTI_NUM) {
            self.load_fast(f, u32::from(opcode - op::LOAD_FAST_MULTI))?;
        } else if multi(
            op::LOAD_CONST_SMALL_INT_MULTI,
            op::LOAD_CONST_SMALL_INT_MULTI_NUM,
        ) {
            let value = i32::from(opcode - op::LOAD_CONST_SMALL_INT_MULTI)
                - op::LOAD_CONST_SMALL_INT_MULTI_EXCESS;
            self.push(f, Obj::small_int(value.into()).unwrap_or(Obj::NONE));
        } else if multi(op::STORE_FAST_MULTI, op::STORE_FAST_MULTI_NUM) {
            let value = self.pop(f);
            let index = u32::from(opcode - op::STORE_FAST_MULTI);
            let addr = self.local_slot(f, index)?;
            self.arena_mut().store_u32(addr, value.raw());
        } else if multi(op::UNARY_OP_MULTI, op::UNARY_OP_MULTI_NUM) {
            let value = self.top(f);
            let op = UnaryOpNum::from_number(opcode - op::UNARY_OP_MULTI);
            let result = self.unary_op(op, value)?;
            self.set_top(f, result);
        } else if multi(op::BINARY_OP_MULTI, op::BINARY_OP_MULTI_NUM) {
            let op = BinaryOpNum::from_number(opcode - op::BINARY_OP_MULTI);
            let rhs = self.pop(f);
            let lhs = self.top(f);
            let result = self.binary_op(op, lhs, rhs)?;
            self.set_top(f, result);
        } else {
            return Err(self.value_error("incompatible .mpy file"));
        }
        Ok(())
    }

    fn load_fast(&mut self, f: &mut Frame, index: u32) -> PyResult<()> {
        let addr = self.local_slot(f, index)?;
        // SAFETY: a local slot is in the frame's code state, committed (see `load_stack`).
        let value = Obj::from_raw(unsafe { self.arena().load_u32_committed(addr) });
        if value == Obj::NULL {
            return Err(self.unbound_local());
        }
        self.push(f, value);
        Ok(())
    }

    /// `raise obj from cause`: MicroPython keeps no cause, and says so.
    pub(crate) fn raise_from(&mut self, obj: Obj, cause: Obj) -> Raise {
        if cause != Obj::NONE {
            let warning = b"Warning: exception chaining not supported\n";
            self.write_stdio(crate::modules::stdio::STDERR, warning);
        }
        match self.make_raise_obj(obj) {
            Ok(exc) => self.raise(exc),
            Err(raise) => raise,
        }
    }

    pub(crate) fn unbound_local(&mut self) -> Raise {
        self.raise_msg(
            ty::NAME_ERROR,
            "local variable referenced before assignment",
        )
    }

    fn child_raw_code(&self, f: &Frame, index: u32) -> Obj {
        let fun = FunBcObj(CodeStateObj(f.cs).fun_bc(self.arena()));
        let table = fun.child_table(self.arena());
        Obj::from_raw(self.arena().load_u32(table + 4 * index))
    }

    /// A call from bytecode: bytecode callees become a new frame (no host recursion); other
    /// callables run now and their result is pushed.
    fn call_from_frame(&mut self, f: &mut Frame, fun: Obj, args: Args) -> PyResult<Option<Flow>> {
        // The callable and arguments sit at and above `f.sp + 4`, inside this frame's
        // state, so they stay rooted while the call is prepared.
        let mark = self.stack_mark();
        match self.prepare_call(fun, args) {
            Ok(CallTarget::Done(value)) => {
                self.stack_release(mark);
                self.push(f, value);
                Ok(None)
            }
            Ok(CallTarget::Frame(mut callee)) => {
                callee.mark = mark;
                Ok(Some(Flow::Call(callee)))
            }
            Err(raise) => {
                self.stack_release(mark);
                Err(raise)
            }
        }
    }

    /// `RETURN_VALUE` through the frame's `finally` handlers: `Some(value)` when the frame
    /// returns now, `None` when a finally block runs first (it resumes the return).
    fn unwind_return(&mut self, f: &mut Frame) -> Option<Obj> {
        while f.exc_sp >= f.exc_base {
            let val_sp = self.arena().load_u32(f.exc_sp + exc_stack::VAL_SP);
            if val_sp & FINALLY_TAG != 0 {
                let handler = self.arena().load_u32(f.exc_sp + exc_stack::HANDLER);
                if handler >= f.instr {
                    let finally_sp = val_sp & !FINALLY_TAG;
                    let value = self.top(f);
                    self.arena_mut().store_u32(finally_sp + 4, value.raw());
                    f.sp = finally_sp + 4;
                    self.push(f, Obj::small_int(-1).unwrap_or(Obj::NONE));
                    f.ip = handler;
                    return None;
                }
                self.cancel_active_finally(f);
            }
            f.exc_sp -= exc_stack::SIZE;
        }
        Some(self.top(f))
    }

    fn cancel_active_finally(&mut self, f: &mut Frame) {
        if self.peek(f, 1).is_small_int() {
            let top = self.top(f);
            self.store_stack(f, f.sp.wrapping_sub(8), top);
            self.discard(f, 2);
        } else {
            let top = self.top(f);
            self.store_stack(f, f.sp.wrapping_sub(4), top);
            self.discard(f, 1);
        }
    }

    /// `UNWIND_JUMP` (and its resumption from `END_FINALLY`): stack is (..., dest, count).
    fn unwind_jump(&mut self, f: &mut Frame) {
        let mut count = self.pop(f).raw();
        while count & 0x7f > 0 {
            count -= 1;
            if f.exc_sp < f.exc_base {
                self.stack_fault.set(true);
                return;
            }
            let val_sp = self.arena().load_u32(f.exc_sp + exc_stack::VAL_SP);
            if val_sp & FINALLY_TAG != 0 {
                let handler = self.arena().load_u32(f.exc_sp + exc_stack::HANDLER);
                if handler >= f.ip {
                    self.push(f, Obj::small_int(count.into()).unwrap_or(Obj::NONE));
                    f.ip = handler;
                    return;
                }
                self.cancel_active_finally(f);
            }
            f.exc_sp -= exc_stack::SIZE;
        }
        f.ip = self.pop(f).raw();
        if count != 0 {
            self.discard(f, ITER_BUF_SLOTS);
        }
    }

    fn with_cleanup(&mut self, f: &mut Frame) -> PyResult<()> {
        let top = self.top(f);
        if top == Obj::NONE {
            // (..., __exit__, self, None)
            let (exit, exit_self) = (self.peek(f, 2), self.peek(f, 1));
            self.call_method(exit, exit_self, &[Obj::NONE, Obj::NONE, Obj::NONE])?;
            self.drop_words(f, 2)?;
            self.set_top(f, Obj::NONE);
        } else if top.is_small_int() {
            // (..., __exit__, self, data, cause)
            let (exit, exit_self) = (self.peek(f, 3), self.peek(f, 2));
            self.call_method(exit, exit_self, &[Obj::NONE, Obj::NONE, Obj::NONE])?;
            let (data, cause) = (self.peek(f, 1), self.top(f));
            self.store_stack(f, f.sp.wrapping_sub(12), data);
            self.store_stack(f, f.sp.wrapping_sub(8), cause);
            self.drop_words(f, 2)?;
        } else {
            // (..., __exit__, self, exc)
            let (exit, exit_self) = (self.peek(f, 2), self.peek(f, 1));
            let swallowed = self.exit_swallows(exit, exit_self, top)?;
            self.drop_words(f, 2)?;
            if swallowed {
                self.set_top(f, Obj::NONE);
            } else {
                self.set_top(f, top);
            }
        }
        Ok(())
    }

    /// Calls `__exit__` (loaded by `load_method`) as exception `exc` leaves a `with` body:
    /// whether it swallowed the exception.
    pub(crate) fn exit_swallows(&mut self, exit: Obj, exit_self: Obj, exc: Obj) -> PyResult<bool> {
        let exc_type = Obj::from_raw(self.type_of(exc));
        let ret = self.call_method(exit, exit_self, &[exc_type, exc, Obj::NONE])?;
        self.is_true(ret)
    }

    /// Calls a method loaded by `load_method` (`self_obj` `NULL` for a plain function).
    pub fn call_method(&mut self, meth: Obj, self_obj: Obj, items: &[Obj]) -> PyResult<Obj> {
        if self_obj == Obj::NULL {
            return self.call_objs(meth, items);
        }
        let mark = self.stack_mark();
        let first = self.root_all(&[meth, self_obj])?;
        self.root_all(items)?;
        let meth = Obj::from_raw(self.arena().load_u32(first));
        let args = Args {
            base: first + 4,
            n_pos: items.len() as u32 + 1,
            n_kw: 0,
        };
        let result = self.call(meth, args);
        self.stack_release(mark);
        result
    }

    /// `raise x`: an exception instance, or a class to instantiate.
    pub(crate) fn make_raise_obj(&mut self, obj: Obj) -> PyResult<Obj> {
        if self.is_type(obj) && self.is_subclass(obj.raw(), ty::BASE_EXCEPTION) {
            return self.call_objs(obj, &[]);
        }
        if self.is_exception_instance(obj) {
            return Ok(obj);
        }
        Err(self.type_error("exceptions must derive from BaseException"))
    }

    /// Flattens `*args` and `**kwargs` into a plain argument list on the stack top
    /// (`mp_call_prepare_args_n_kw_var`). `base` holds [self,] positional words, keyword
    /// pairs (a `NULL` key marks a `**` mapping) and the star bitmap.
    pub(crate) fn prepare_var_args(
        &mut self,
        base: u32,
        n_pos: u32,
        n_kw: u32,
        has_self: bool,
    ) -> PyResult<Args> {
        let pos_base = base + 4 * u32::from(has_self);
        let bitmap_addr = pos_base + 4 * (n_pos + 2 * n_kw);
        let star_bits = Obj::from_raw(self.arena().load_u32(bitmap_addr))
            .as_small_int()
            .unwrap_or(0) as u32;
        let positional = self.new_list(&[])?;
        let pos_slot = self.root(positional)?;
        let keywords = self.new_list(&[])?;
        let kw_slot = self.root(keywords)?;
        if has_self && self.arena().load_u32(base) != 0 {
            let self_obj = Obj::from_raw(self.arena().load_u32(base));
            self.list_append(self.slot(pos_slot), self_obj)?;
        }
        for i in 0..n_pos {
            let arg = Obj::from_raw(self.arena().load_u32(pos_base + 4 * i));
            if star_bits >> i & 1 != 0 {
                let list = self.slot(pos_slot);
                self.extend_list(list, arg)?;
            } else {
                self.list_append(self.slot(pos_slot), arg)?;
            }
        }
        for i in 0..n_kw {
            let at = pos_base + 4 * (n_pos + 2 * i);
            let key = Obj::from_raw(self.arena().load_u32(at));
            let value = Obj::from_raw(self.arena().load_u32(at + 4));
            if key == Obj::NULL {
                if self.type_of(value) != ty::DICT {
                    return Err(self.type_error("argument after ** must be a dict"));
                }
                let mut pos = 0;
                while let Some((next, k, v)) = self.dict_next(value, pos) {
                    pos = next;
                    let k = Obj::qstr(self.str_to_qstr(k)?).unwrap_or(k);
                    self.list_append(self.slot(kw_slot), k)?;
                    self.list_append(self.slot(kw_slot), v)?;
                }
            } else {
                self.list_append(self.slot(kw_slot), key)?;
                self.list_append(self.slot(kw_slot), value)?;
            }
        }
        let (pos_items, n_pos) = self.seq_raw(self.slot(pos_slot));
        let (kw_items, n_kw_words) = self.seq_raw(self.slot(kw_slot));
        let Some(new) = self.pystack.alloc(&mut self.heap, 4 * (n_pos + n_kw_words)) else {
            return Err(self.raise_recursion_error());
        };
        self.arena_mut().copy_within(pos_items, new, 4 * n_pos);
        self.arena_mut()
            .copy_within(kw_items, new + 4 * n_pos, 4 * n_kw_words);
        Ok(Args {
            base: new,
            n_pos,
            n_kw: n_kw_words / 2,
        })
    }

    /// Whether an object is `NotImplemented`.
    pub fn is_not_implemented(obj: Obj) -> bool {
        obj.raw() == NOT_IMPLEMENTED_OBJ
    }
}

/// Propagates an exception that is already in flight.
fn raise_again(raise: &Raise) -> Raise {
    let Raise(()) = raise;
    Raise(())
}
