//! The module's qstr and constant tables as device code reaches them: through the function's
//! module context (`mp_module_context_t`), whose word 2 points at the qstr table (16-bit
//! qstr numbers, `qstr_short_t`) and word 3 at the constant-object table, both filled in by
//! the firmware's `.mpy` loader. mpy-cross keeps the qstr table in `r6` for the whole
//! function; here the context is a hidden last argument of the body, and the loads are
//! ordinary MIR, so the allocator places the context and selection folds the offsets.
//!
//! The rewrite, on MIR before selection:
//! - `LoadQstr` becomes the qstr number from the table, made an object (`q << 3 | 2`);
//! - `LoadConst` becomes a load from the constant table;
//! - helpers that take a qstr (`load_attr`, `store_attr`, `load_global`, `store_global`)
//!   get the qstr number where krait's runtime takes the module index.

use emit::mir::{BinOp, Func, Helper, Inst, Ty, VReg, Width};

/// Word offsets in `mp_module_context_t` (`OFFSETOF_MODULE_CONTEXT_*` in `py/emitnative.c`).
const QSTR_TABLE: u32 = 2;
const OBJ_TABLE: u32 = 3;

/// Whether `func` reads the module's tables.
pub fn uses_tables(func: &Func) -> bool {
    func.blocks.iter().flat_map(|b| &b.insts).any(|i| {
        matches!(
            i,
            Inst::LoadQstr { .. }
                | Inst::LoadConst { .. }
                | Inst::Call {
                    helper: Helper::LoadAttr
                        | Helper::StoreAttr
                        | Helper::LoadGlobal
                        | Helper::StoreGlobal,
                    ..
                }
        )
    })
}

/// `func` reading its tables through a context argument added after its own.
pub fn through_context(func: &Func) -> Func {
    let mut rw = Rewriter {
        func: func.clone(),
        ctx: VReg(0),
    };
    rw.ctx = rw.vreg();
    rw.func.params.push(rw.ctx);
    for b in 0..rw.func.blocks.len() {
        let insts = std::mem::take(&mut rw.func.blocks[b].insts);
        let mut out = Vec::with_capacity(insts.len());
        for inst in insts {
            match inst {
                Inst::LoadQstr { dst, index } => {
                    let index = rw.konst(&mut out, index);
                    let q = rw.qstr_number(&mut out, index);
                    let three = rw.konst(&mut out, 3);
                    let shifted = rw.bin(&mut out, BinOp::Shl, q, three);
                    let tag = rw.konst(&mut out, 2);
                    out.push(Inst::Bin {
                        dst,
                        op: BinOp::Or,
                        a: shifted,
                        b: tag,
                    });
                }
                Inst::LoadConst { dst, index } => {
                    let table = rw.context_word(&mut out, OBJ_TABLE);
                    let offset = rw.konst(&mut out, 4 * index);
                    let addr = rw.bin(&mut out, BinOp::Add, table, offset);
                    out.push(Inst::Load {
                        dst,
                        width: Width::W32,
                        addr,
                    });
                }
                Inst::Call {
                    dst,
                    helper: helper @ (Helper::LoadAttr | Helper::StoreAttr),
                    mut args,
                    on_raise,
                } => {
                    args[1] = rw.qstr_number(&mut out, args[1]);
                    out.push(Inst::Call {
                        dst,
                        helper,
                        args,
                        on_raise,
                    });
                }
                Inst::Call {
                    dst,
                    helper: helper @ (Helper::LoadGlobal | Helper::StoreGlobal),
                    mut args,
                    on_raise,
                } => {
                    args[0] = rw.qstr_number(&mut out, args[0]);
                    out.push(Inst::Call {
                        dst,
                        helper,
                        args,
                        on_raise,
                    });
                }
                other => out.push(other),
            }
        }
        rw.func.blocks[b].insts = out;
    }
    rw.func
}

struct Rewriter {
    func: Func,
    ctx: VReg,
}

impl Rewriter {
    fn vreg(&mut self) -> VReg {
        self.func.vregs.push(Ty::Uint);
        VReg(self.func.vregs.len() as u32 - 1)
    }

    fn konst(&mut self, out: &mut Vec<Inst>, value: u32) -> VReg {
        let dst = self.vreg();
        out.push(Inst::Const { dst, value });
        dst
    }

    fn bin(&mut self, out: &mut Vec<Inst>, op: BinOp, a: VReg, b: VReg) -> VReg {
        let dst = self.vreg();
        out.push(Inst::Bin { dst, op, a, b });
        dst
    }

    fn load(&mut self, out: &mut Vec<Inst>, width: Width, addr: VReg) -> VReg {
        let dst = self.vreg();
        out.push(Inst::Load { dst, width, addr });
        dst
    }

    /// Word `word` of the module context.
    fn context_word(&mut self, out: &mut Vec<Inst>, word: u32) -> VReg {
        let offset = self.konst(out, 4 * word);
        let addr = self.bin(out, BinOp::Add, self.ctx, offset);
        self.load(out, Width::W32, addr)
    }

    /// The qstr number at module index `index` (a vreg).
    fn qstr_number(&mut self, out: &mut Vec<Inst>, index: VReg) -> VReg {
        let table = self.context_word(out, QSTR_TABLE);
        let one = self.konst(out, 1);
        let offset = self.bin(out, BinOp::Shl, index, one);
        let addr = self.bin(out, BinOp::Add, table, offset);
        self.load(out, Width::W16, addr)
    }
}
