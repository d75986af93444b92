//! The host target: MIR to Cranelift IR, compiled into this process's executable memory.
//!
//! - Each vreg is a Cranelift variable of type `i32`, so viper arithmetic wraps at 32 bits
//!   exactly as on a 32-bit MCU, whatever the host's word size; the frontend builds SSA.
//! - The entry point has `vm::interp::native`'s signature: the context pointer and six `i32`
//!   register arguments, returning an `i32`. The parameters are copied into their vregs.
//! - Memory: an arena address is zero-extended and added to the arena base loaded from the
//!   context, so every access lands inside the arena's 4 GiB reservation.
//! - Constants and qstrs are read from the module's tables, whose arena addresses the
//!   context carries, as bytecode reads them through its module context.
//! - Helper calls are indirect calls to the Rust helper's address (`helper_address`), with
//!   the context and three words; the exception edge is taken when an object helper returns
//!   0 or a scalar helper set `ctx.raised`. `raise` sets `ctx.raised` and returns.
//! - Code lives in a `cranelift-jit` module owned by [`HostTarget`], freed when it is dropped:
//!   whoever runs the code must keep the target alive (the `krait` binary keeps it for the
//!   whole run).

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{types, AbiParam, InstBuilder, MemFlagsData, Signature, Value};
use cranelift_codegen::settings::{self, Configurable};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext, Variable};
use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::{default_libcall_names, Module};
use emit::mir::{BinOp, BlockId, Cond, Func, Helper, Inst, Term, Width};
use std::cell::RefCell;
use vm::interp::native::CTX_COUNTDOWN;
use vm::interp::native::{
    helper_address, CTX_ARENA_BASE, CTX_EXC, CTX_EXTRA_ARGS, CTX_FRAME, CTX_OBJ_TABLE,
    CTX_QSTR_TABLE, CTX_RAISED, CTX_RESUME, CTX_YIELDED, N_REG_ARGS,
};
use vm::rawcode::{HostCode, MachineCode};

/// Compiles MIR for the machine krait runs on.
pub struct HostTarget {
    module: RefCell<JITModule>,
}

impl HostTarget {
    pub fn new() -> Result<HostTarget, String> {
        let mut flags = settings::builder();
        flags.set("opt_level", "speed").map_err(|e| e.to_string())?;
        let isa = cranelift_native::builder()
            .map_err(|e| format!("no Cranelift backend for this host: {e}"))?
            .finish(settings::Flags::new(flags))
            .map_err(|e| e.to_string())?;
        let builder = JITBuilder::with_isa(isa, default_libcall_names());
        Ok(HostTarget {
            module: RefCell::new(JITModule::new(builder)),
        })
    }
}

impl emit::Target for HostTarget {
    fn compile(&self, func: &Func, abi: &emit::ScopeAbi) -> Result<MachineCode, String> {
        let mut module = self.module.borrow_mut();
        let ptr = module.target_config().pointer_type();
        let call_conv = module.target_config().default_call_conv;
        let mut entry_sig = Signature::new(call_conv);
        entry_sig.params.push(AbiParam::new(ptr));
        for _ in 0..N_REG_ARGS {
            entry_sig.params.push(AbiParam::new(types::I32));
        }
        entry_sig.returns.push(AbiParam::new(types::I32));
        let mut helper_sig = Signature::new(call_conv);
        helper_sig.params.push(AbiParam::new(ptr));
        for _ in 0..3 {
            helper_sig.params.push(AbiParam::new(types::I32));
        }
        helper_sig.returns.push(AbiParam::new(types::I32));

        let id = module
            .declare_anonymous_function(&entry_sig)
            .map_err(|e| e.to_string())?;
        let mut ctx = module.make_context();
        ctx.func.signature = entry_sig;
        let frontend_config = module.target_config();
        let mut fctx = FunctionBuilderContext::new();
        {
            let mut b = FunctionBuilder::new(&mut ctx.func, &mut fctx);
            let helper_sig = b.import_signature(helper_sig);
            Lowering::new(&mut b, func, ptr, helper_sig)?.run(func)?;
            b.seal_all_blocks();
            b.finalize(frontend_config);
        }
        module
            .define_function(id, &mut ctx)
            .map_err(|e| format!("{e:?}"))?;
        module.clear_context(&mut ctx);
        module.finalize_definitions().map_err(|e| e.to_string())?;
        let entry = module.get_finalized_function(id) as usize;
        Ok(MachineCode::Host(HostCode {
            entry,
            arg_types: func.params.iter().map(|p| func.ty(*p) as u8).collect(),
            return_type: func.ret as u8,
            frame_slots: func.frame_slots,
            viper: abi.viper,
            generator: func.generator,
        }))
    }
}

struct Lowering<'a, 'b> {
    b: &'a mut FunctionBuilder<'b>,
    vars: Vec<Variable>,
    blocks: Vec<cranelift_codegen::ir::Block>,
    ctx: Value,
    arena_base: Value,
    /// Host address of the frame slots.
    frame_host: Value,
    /// Arena address of the frame slots.
    frame: Value,
    ptr: types::Type,
    helper_sig: cranelift_codegen::ir::SigRef,
    /// Each block ending in a yield, by MIR block index: its resume point's number.
    resume_points: Vec<Option<u32>>,
}

impl<'a, 'b> Lowering<'a, 'b> {
    fn new(
        b: &'a mut FunctionBuilder<'b>,
        func: &Func,
        ptr: types::Type,
        helper_sig: cranelift_codegen::ir::SigRef,
    ) -> Result<Self, String> {
        let entry = b.create_block();
        b.append_block_params_for_function_params(entry);
        b.switch_to_block(entry);
        let vars: Vec<Variable> = func
            .vregs
            .iter()
            .map(|_| b.declare_var(types::I32))
            .collect();
        let params = b.block_params(entry).to_vec();
        let ctx = params[0];
        let flags = MemFlagsData::trusted();
        let arena_base = b.ins().load(ptr, flags, ctx, CTX_ARENA_BASE);
        for (i, p) in func.params.iter().enumerate() {
            let value = match params.get(1 + i) {
                Some(&value) if i < N_REG_ARGS => value,
                // Past the register ones, an argument is read from memory.
                _ => {
                    let extra = b.ins().load(types::I32, flags, ctx, CTX_EXTRA_ARGS);
                    let extra = b.ins().uextend(ptr, extra);
                    let at = b.ins().iadd(arena_base, extra);
                    let offset = 4 * (i - N_REG_ARGS) as i32;
                    b.ins().load(types::I32, flags, at, offset)
                }
            };
            b.def_var(vars[p.0 as usize], value);
        }
        let frame = b.ins().load(types::I32, flags, ctx, CTX_FRAME);
        let frame_wide = b.ins().uextend(ptr, frame);
        let frame_host = b.ins().iadd(arena_base, frame_wide);
        let blocks: Vec<_> = func.blocks.iter().map(|_| b.create_block()).collect();
        // A generator's code enters at the start (`ctx.resume` 0) or after its `k`th yield
        // (`k + 1`), where the yield's resume block reloads what it needs.
        let mut resume_points = vec![None; func.blocks.len()];
        let mut next_point = 0;
        for (i, block) in func.blocks.iter().enumerate() {
            if let Some(Term::Yield { resume, .. }) = block.term {
                next_point += 1;
                resume_points[i] = Some(next_point);
                let at = b.ins().load(types::I32, flags, ctx, CTX_RESUME);
                let here = b.ins().icmp_imm_u(IntCC::Equal, at, i64::from(next_point));
                let other = b.create_block();
                b.ins()
                    .brif(here, blocks[resume.0 as usize], &[], other, &[]);
                b.switch_to_block(other);
            }
        }
        b.ins().jump(blocks[0], &[]);
        Ok(Lowering {
            b,
            vars,
            blocks,
            ctx,
            arena_base,
            frame_host,
            frame,
            ptr,
            helper_sig,
            resume_points,
        })
    }

    fn var(&mut self, v: emit::mir::VReg) -> Value {
        self.b.use_var(self.vars[v.0 as usize])
    }

    fn def(&mut self, v: emit::mir::VReg, value: Value) {
        self.b.def_var(self.vars[v.0 as usize], value);
    }

    fn block(&self, b: BlockId) -> cranelift_codegen::ir::Block {
        self.blocks[b.0 as usize]
    }

    /// The host address of arena address `addr`.
    fn host_addr(&mut self, addr: Value) -> Value {
        let wide = self.b.ins().uextend(self.ptr, addr);
        self.b.ins().iadd(self.arena_base, wide)
    }

    fn run(mut self, func: &Func) -> Result<(), String> {
        for (i, block) in func.blocks.iter().enumerate() {
            let cl = self.blocks[i];
            self.b.switch_to_block(cl);
            for inst in &block.insts {
                self.inst(inst)?;
            }
            match block.term.as_ref().ok_or("unterminated block")? {
                Term::Jump(t) => {
                    let t = self.block(*t);
                    self.b.ins().jump(t, &[]);
                }
                Term::Branch { cond, then, else_ } => {
                    let c = self.var(*cond);
                    let (t, e) = (self.block(*then), self.block(*else_));
                    self.b.ins().brif(c, t, &[], e, &[]);
                }
                Term::Return(v) => {
                    let v = self.var(*v);
                    self.b.ins().return_(&[v]);
                }
                Term::Yield { value, .. } => {
                    let point = self.resume_points[i].ok_or("a yield without a resume point")?;
                    let flags = MemFlagsData::trusted();
                    let point = self.b.ins().iconst(types::I32, i64::from(point));
                    self.b.ins().store(flags, point, self.ctx, CTX_RESUME);
                    let one = self.b.ins().iconst(types::I32, 1);
                    self.b.ins().store(flags, one, self.ctx, CTX_YIELDED);
                    let v = self.var(*value);
                    self.b.ins().return_(&[v]);
                }
                Term::Raise => {
                    let one = self.b.ins().iconst(types::I32, 1);
                    self.b
                        .ins()
                        .store(MemFlagsData::trusted(), one, self.ctx, CTX_RAISED);
                    let zero = self.b.ins().iconst(types::I32, 0);
                    self.b.ins().return_(&[zero]);
                }
            }
        }
        Ok(())
    }

    fn inst(&mut self, inst: &Inst) -> Result<(), String> {
        let flags = MemFlagsData::new();
        match inst {
            Inst::Const { dst, value } => {
                let v = self.b.ins().iconst(types::I32, i64::from(*value as i32));
                self.def(*dst, v);
            }
            Inst::Tick { dst } => {
                let flags = MemFlagsData::trusted();
                let left = self
                    .b
                    .ins()
                    .load(types::I32, flags, self.ctx, CTX_COUNTDOWN);
                let left = self.b.ins().iadd_imm_s(left, -1);
                self.b.ins().store(flags, left, self.ctx, CTX_COUNTDOWN);
                let due = self.b.ins().icmp_imm_u(IntCC::Equal, left, 0);
                let due = self.b.ins().uextend(types::I32, due);
                self.def(*dst, due);
            }
            Inst::Copy { dst, src } | Inst::Bits { dst, src } => {
                let v = self.var(*src);
                self.def(*dst, v);
            }
            Inst::Bin { dst, op, a, b } => {
                let (a, b) = (self.var(*a), self.var(*b));
                let ins = self.b.ins();
                let v = match op {
                    BinOp::Add => ins.iadd(a, b),
                    BinOp::Sub => ins.isub(a, b),
                    BinOp::Mul => ins.imul(a, b),
                    BinOp::And => ins.band(a, b),
                    BinOp::Or => ins.bor(a, b),
                    BinOp::Xor => ins.bxor(a, b),
                    // Cranelift takes shift amounts modulo the width, as the MIR specifies.
                    BinOp::Shl => ins.ishl(a, b),
                    BinOp::Sar => ins.sshr(a, b),
                    BinOp::Shr => ins.ushr(a, b),
                };
                self.def(*dst, v);
            }
            Inst::Cmp { dst, cond, a, b } => {
                let (a, b) = (self.var(*a), self.var(*b));
                let cc = match cond {
                    Cond::Eq => IntCC::Equal,
                    Cond::Ne => IntCC::NotEqual,
                    Cond::Lt => IntCC::SignedLessThan,
                    Cond::Le => IntCC::SignedLessThanOrEqual,
                    Cond::Gt => IntCC::SignedGreaterThan,
                    Cond::Ge => IntCC::SignedGreaterThanOrEqual,
                    Cond::LtU => IntCC::UnsignedLessThan,
                    Cond::LeU => IntCC::UnsignedLessThanOrEqual,
                    Cond::GtU => IntCC::UnsignedGreaterThan,
                    Cond::GeU => IntCC::UnsignedGreaterThanOrEqual,
                };
                let c = self.b.ins().icmp(cc, a, b);
                let v = self.b.ins().uextend(types::I32, c);
                self.def(*dst, v);
            }
            Inst::Load { dst, width, addr } => {
                let a = self.var(*addr);
                let p = self.host_addr(a);
                let v = match width {
                    Width::W8 => self.b.ins().uload8(types::I32, flags, p, 0),
                    Width::W16 => self.b.ins().uload16(types::I32, flags, p, 0),
                    Width::W32 => self.b.ins().load(types::I32, flags, p, 0),
                };
                self.def(*dst, v);
            }
            Inst::Store { width, addr, value } => {
                let (a, v) = (self.var(*addr), self.var(*value));
                let p = self.host_addr(a);
                match width {
                    Width::W8 => self.b.ins().istore8(flags, v, p, 0),
                    Width::W16 => self.b.ins().istore16(flags, v, p, 0),
                    Width::W32 => self.b.ins().store(flags, v, p, 0),
                };
            }
            Inst::StoreSlot { slot, value } => {
                let v = self.var(*value);
                let offset = i32::try_from(4 * slot).map_err(|_| "frame too large")?;
                self.b.ins().store(flags, v, self.frame_host, offset);
            }
            Inst::LoadConst { dst, index } => {
                let table =
                    self.b
                        .ins()
                        .load(types::I32, MemFlagsData::trusted(), self.ctx, CTX_OBJ_TABLE);
                let p = self.host_addr(table);
                let offset = i32::try_from(4 * index).map_err(|_| "constant table too large")?;
                let v = self.b.ins().load(types::I32, flags, p, offset);
                self.def(*dst, v);
            }
            Inst::LoadSlot { dst, slot } => {
                let offset = i32::try_from(4 * slot).map_err(|_| "frame too large")?;
                let v = self
                    .b
                    .ins()
                    .load(types::I32, flags, self.frame_host, offset);
                self.def(*dst, v);
            }
            Inst::LoadQstr { dst, index } => {
                // `MP_OBJ_NEW_QSTR`: the qstr number from the module's table, tagged.
                let trusted = MemFlagsData::trusted();
                let table = self
                    .b
                    .ins()
                    .load(types::I32, trusted, self.ctx, CTX_QSTR_TABLE);
                let p = self.host_addr(table);
                let offset = i32::try_from(2 * index).map_err(|_| "qstr table too large")?;
                let q = self.b.ins().uload16(types::I32, flags, p, offset);
                let three = self.b.ins().iconst(types::I32, 3);
                let shifted = self.b.ins().ishl(q, three);
                let v = self.b.ins().bor_imm_u(shifted, 2);
                self.def(*dst, v);
            }
            Inst::CatchException { dst } => {
                let trusted = MemFlagsData::trusted();
                let exc = self.b.ins().load(types::I32, trusted, self.ctx, CTX_EXC);
                let zero = self.b.ins().iconst(types::I32, 0);
                self.b.ins().store(trusted, zero, self.ctx, CTX_RAISED);
                self.def(*dst, exc);
            }
            Inst::SlotAddr { dst, slot } => {
                let offset = self.b.ins().iconst(types::I32, i64::from(4 * slot));
                let v = self.b.ins().iadd(self.frame, offset);
                self.def(*dst, v);
            }
            Inst::Call {
                dst,
                helper,
                args,
                on_raise,
            } => self.call(*dst, *helper, args, *on_raise)?,
        }
        Ok(())
    }

    fn call(
        &mut self,
        dst: emit::mir::VReg,
        helper: Helper,
        args: &[emit::mir::VReg],
        on_raise: BlockId,
    ) -> Result<(), String> {
        let address = helper_address(helper.index())
            .ok_or_else(|| format!("no runtime helper {}", helper.name()))?;
        let callee = self.b.ins().iconst(self.ptr, address as i64);
        let mut values = vec![self.ctx];
        for a in args {
            values.push(self.var(*a));
        }
        while values.len() < 4 {
            values.push(self.b.ins().iconst(types::I32, 0));
        }
        let call = self.b.ins().call_indirect(self.helper_sig, callee, &values);
        let result = self.b.inst_results(call)[0];
        self.def(dst, result);
        let failed = if helper.returns_obj() {
            result
        } else {
            self.b
                .ins()
                .load(types::I32, MemFlagsData::trusted(), self.ctx, CTX_RAISED)
        };
        let next = self.b.create_block();
        let raise = self.block(on_raise);
        if helper.returns_obj() {
            self.b.ins().brif(failed, next, &[], raise, &[]);
        } else {
            self.b.ins().brif(failed, raise, &[], next, &[]);
        }
        self.b.switch_to_block(next);
        Ok(())
    }
}
