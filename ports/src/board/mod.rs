//! An emulated Cortex-M board: a Cortex-M0+ (ARMv6-M) or Cortex-M4 (ARMv7E-M) core of
//! unicorn-engine whose RAM is a krait arena, running the viper functions of native `.mpy`
//! files, krait-cross's or mpy-cross's alike, under MicroPython's native ABI.
//!
//! What the board provides is the firmware's side of that ABI:
//! - RAM: a [`vm::runtime::arena::Arena`] mapped into the guest at its own offsets (guest
//!   address = arena offset, as krait's object words assume), from [`RAM_START`] to the
//!   board's RAM size; the page at 0 stays unmapped, so a null pointer faults. Code, the
//!   function objects, module contexts and their tables, the stack and buffers all live in it.
//! - The fun table: after the objects `None`, `False` and `True`, each entry points into a trap page outside RAM holding `bx lr`
//!   halfwords; a code hook on that page runs the entry's host implementation on the guest's
//!   `r0`-`r3` before the `bx lr` returns to the caller.
//! - Loading: each viper raw code of the module gets its machine code, an
//!   `mp_obj_fun_bc_t` and the module's context (constant table with the fun table at the
//!   index the `.mpy` marks, qstr table), as the firmware's loader makes them.
//!
//! - `nlr`: `nlr_push` saves the guest's `r4`-`r11`, `sp` and `lr` into its `nlr_buf_t`; a
//!   helper that raises jumps to the innermost one as `nlr_jump` does, on the guest's
//!   registers, or, with none active, ends the call with the exception's message.
//!
//! Not yet: krait's VM driving the board (objects other than small ints, `None`/`True`/`False`
//! and buffers, which are passed as their data address; globals are a table by qstr), and
//! `@native` code. Each call reports the guest
//! instructions it executed; a guest fault reports its PC.
//!
//! Building: unicorn-engine is C built by cmake, and its bindgen step loads libclang at run
//! time. krait links its programs statically (`.cargo/config.toml`), which breaks both: a
//! static build script cannot load a shared library (it crashes with SIGSEGV), and `-static`
//! reaches the C flags, so linking `libunicorn.so` fails. The board is therefore built
//! without that flag, into its own target directory (`--target` keeps the usual one warm),
//! and libclang is told where its headers are (Debian's llvm-14 here):
//! ```text
//! RUSTFLAGS="-C target-feature=-crt-static" \
//! BINDGEN_EXTRA_CLANG_ARGS=-I/usr/lib/llvm-14/lib/clang/14.0.6/include \
//! cargo test -p ports --features board --target x86_64-unknown-linux-gnu --test board
//! ```

mod runtime;

use runtime::{Runtime, FUN_TABLE_ENTRIES};
use std::fmt;
use unicorn_engine::{Arch, ArmCpuModel, Mode, Prot, RegisterARM, Unicorn};
use vm::mpy::{check_loadable, LoadTarget};
use vm::rawcode::{CodeKind, CompiledModule, ConstObj, NativeArch, RawCode};
use vm::runtime::arena::{Arena, Backing};

/// The first guest address of RAM; below it the null page stays unmapped.
pub const RAM_START: u32 = 0x1000;
/// The page of fun-table traps, outside RAM but in the code region (from `0xE000_0000` on,
/// M-profile memory is never executable).
const TRAP_PAGE: u32 = 0x0F00_0000;
/// Where a called function returns to: the emulation stops there.
const RETURN_ADDRESS: u32 = TRAP_PAGE + 0x800;
const PAGE: u32 = 0x1000;
/// `bx lr`.
const BX_LR: u16 = 0x4770;

/// The cores the board can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Core {
    /// ARMv6-M (RP2040's core).
    CortexM0,
    /// ARMv7E-M with a single-precision FPU (STM32F4 and the like).
    CortexM4,
}

impl Core {
    pub fn from_name(name: &str) -> Option<Core> {
        match name {
            "cortex-m0" | "cortex-m0+" => Some(Core::CortexM0),
            "cortex-m4" => Some(Core::CortexM4),
            _ => None,
        }
    }

    /// The newest `.mpy` architecture the core runs (it runs the older Thumb ones too).
    pub fn arch(self) -> NativeArch {
        match self {
            Core::CortexM0 => NativeArch::Armv6m,
            Core::CortexM4 => NativeArch::Armv7emsp,
        }
    }

    fn model(self) -> ArmCpuModel {
        match self {
            Core::CortexM0 => ArmCpuModel::CORTEX_M0,
            Core::CortexM4 => ArmCpuModel::CORTEX_M4,
        }
    }
}

/// Why a board operation failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BoardError {
    /// The `.mpy` cannot run on this core (MicroPython's `ValueError` message).
    Load(String),
    /// The board's RAM is full.
    OutOfRam { needed: u32, ram: u32 },
    /// A helper raised: the exception as MicroPython prints its last line.
    Raised(String),
    /// The guest did something the core refuses (a bad address, an undefined instruction).
    Fault { pc: u32, reason: String },
    /// The emulator itself failed.
    Emulator(String),
}

impl fmt::Display for BoardError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BoardError::Load(message) => write!(f, "ValueError: {message}"),
            BoardError::OutOfRam { needed, ram } => {
                write!(
                    f,
                    "MemoryError: {needed} bytes more than the board's {ram} of RAM"
                )
            }
            BoardError::Raised(exception) => f.write_str(exception),
            BoardError::Fault { pc, reason } => write!(f, "guest fault at pc {pc:#010x}: {reason}"),
            BoardError::Emulator(e) => write!(f, "emulator: {e}"),
        }
    }
}

impl std::error::Error for BoardError {}

fn emulator(e: unicorn_engine::uc_error) -> BoardError {
    BoardError::Emulator(format!("{e:?}"))
}

/// A viper function placed in the board's RAM.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Function {
    /// Address of the function object (`mp_obj_fun_bc_t`) the caller passes in `r0`.
    pub fun_obj: u32,
    /// Address of the machine code, and its length.
    pub code: u32,
    pub code_len: u32,
}

/// What a call did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    /// The returned object word.
    pub result: u32,
    /// Guest instructions executed. A fun-table helper runs on the host, so it counts as
    /// the one instruction of its trap (its `bx lr`); `helper_calls` says how many there were.
    pub instructions: u64,
    /// Fun-table entries called.
    pub helper_calls: u64,
}

/// The board: a core, its RAM (a krait arena) and the fun table's host side.
pub struct Board {
    // Declared before `arena`, so it is dropped (and stops using the memory) first.
    uc: Unicorn<'static, Runtime>,
    arena: Arena,
    core: Core,
    ram_end: u32,
    /// Next free byte of RAM (a bump allocator: the board never frees).
    free: u32,
    /// The top of the stack; the stack grows down into the free RAM.
    stack_top: u32,
    fun_table: u32,
}

impl Board {
    /// A board with `ram_bytes` of RAM (rounded up to whole pages), of which `stack_bytes`
    /// at the top are the stack.
    pub fn new(core: Core, ram_bytes: u32, stack_bytes: u32) -> Result<Board, BoardError> {
        let ram_bytes = ram_bytes.next_multiple_of(PAGE);
        let ram_end = RAM_START
            .checked_add(ram_bytes)
            .filter(|&end| end < TRAP_PAGE)
            .ok_or(BoardError::OutOfRam {
                needed: ram_bytes,
                ram: TRAP_PAGE - RAM_START,
            })?;
        let mut arena = Arena::new(Backing::Mapped)
            .map_err(|e| BoardError::Emulator(format!("arena: {e:?}")))?;
        arena
            .commit(RAM_START, ram_bytes)
            .map_err(|e| BoardError::Emulator(format!("arena: {e:?}")))?;
        let mut uc =
            Unicorn::new_with_data(Arch::ARM, Mode::THUMB | Mode::MCLASS, Runtime::default())
                .map_err(emulator)?;
        uc.ctl_set_cpu_model(core.model().into())
            .map_err(emulator)?;
        // SAFETY: the mapped range is committed arena memory, which stays at this address
        // until the arena is dropped, and `uc` (declared first in `Board`) is dropped before
        // the arena; the arena is only touched through `uc` while the board exists.
        unsafe {
            let host = arena.base_ptr().add(RAM_START as usize);
            uc.mem_map_ptr(
                u64::from(RAM_START),
                u64::from(ram_bytes),
                Prot::ALL,
                host.cast(),
            )
        }
        .map_err(emulator)?;
        uc.mem_map(
            u64::from(TRAP_PAGE),
            u64::from(PAGE),
            Prot::READ | Prot::EXEC,
        )
        .map_err(emulator)?;
        let traps: Vec<u8> = (0..PAGE / 2).flat_map(|_| BX_LR.to_le_bytes()).collect();
        uc.mem_write(u64::from(TRAP_PAGE), &traps)
            .map_err(emulator)?;
        runtime::install(&mut uc, TRAP_PAGE).map_err(emulator)?;
        // The caller's globals (say `__main__`'s), until a native entry swaps its module's in.
        uc.get_data_mut().globals = runtime::CALLER_GLOBALS;
        let mut board = Board {
            uc,
            arena,
            core,
            ram_end,
            free: RAM_START,
            stack_top: ram_end,
            fun_table: 0,
        };
        board.stack_top = ram_end;
        board.ram_end = ram_end
            .checked_sub(stack_bytes.next_multiple_of(8))
            .filter(|&end| end > RAM_START)
            .ok_or(BoardError::OutOfRam {
                needed: stack_bytes,
                ram: ram_bytes,
            })?;
        // The table starts with the objects `None`, `False` and `True`; the rest are
        // functions, here each its trap.
        let entries: Vec<u32> = [runtime::NONE, runtime::FALSE, runtime::TRUE]
            .into_iter()
            .chain((3..FUN_TABLE_ENTRIES).map(|i| (TRAP_PAGE + 2 * i) | 1))
            .collect();
        board.fun_table = board.alloc_words(&entries)?;
        Ok(board)
    }

    pub fn core(&self) -> Core {
        self.core
    }

    /// Bytes of RAM the board has allocated so far (code, objects, tables).
    pub fn ram_used(&self) -> u32 {
        self.free - RAM_START
    }

    /// Copies `bytes` into fresh RAM, 8-byte aligned; its address.
    pub fn alloc(&mut self, bytes: &[u8]) -> Result<u32, BoardError> {
        let at = self.free.next_multiple_of(8);
        let end = at
            .checked_add(bytes.len() as u32)
            .filter(|&end| end <= self.ram_end)
            .ok_or(BoardError::OutOfRam {
                needed: bytes.len() as u32,
                ram: self.ram_end - RAM_START,
            })?;
        self.uc.mem_write(u64::from(at), bytes).map_err(emulator)?;
        self.free = end;
        Ok(at)
    }

    fn alloc_words(&mut self, words: &[u32]) -> Result<u32, BoardError> {
        let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
        self.alloc(&bytes)
    }

    /// Reads `len` bytes of RAM at `at`.
    pub fn read(&self, at: u32, len: u32) -> Result<Vec<u8>, BoardError> {
        self.uc
            .mem_read_as_vec(u64::from(at), len as usize)
            .map_err(emulator)
    }

    /// Whether the globals current now are the caller's (no module's left swapped in).
    pub fn caller_globals_current(&self) -> bool {
        self.uc.get_data().globals == runtime::CALLER_GLOBALS
    }

    /// The arena behind the RAM (guest address = arena offset).
    pub fn arena(&self) -> &Arena {
        &self.arena
    }

    /// Places the viper functions of `module` in RAM, in the order of the raw-code tree, as
    /// the firmware's loader would; an error if the core cannot run its code.
    pub fn load(&mut self, module: &CompiledModule) -> Result<Vec<Function>, BoardError> {
        let target = LoadTarget {
            arch: self.core.arch(),
            small_int_bits: 31,
            allowed_arch_flags: 0,
        };
        check_loadable(module, &target).map_err(|e| BoardError::Load(e.to_string()))?;
        // The module context: word 2 the qstr table, word 3 the constant table, whose
        // fun-table marker becomes the fun table. Qstrs are numbered after the ones the
        // firmware has built in, as the loader interns them; constants other than the marker
        // and immediates are not built yet (their entries are left 0).
        let qstrs: Vec<u8> = (0..module.qstrs.len() as u32)
            .flat_map(|i| (runtime::FIRST_MODULE_QSTR + i as u16).to_le_bytes())
            .collect();
        let qstr_table = self.alloc(&qstrs)?;
        let objs: Vec<u32> = module
            .objs
            .iter()
            .map(|o| match o {
                ConstObj::FunTable => self.fun_table,
                ConstObj::None => runtime::NONE,
                ConstObj::False => runtime::FALSE,
                ConstObj::True => runtime::TRUE,
                _ => 0,
            })
            .collect();
        let obj_table = self.alloc_words(&objs)?;
        // The module's globals: a word naming them (the board has no dicts).
        let globals = self.alloc_words(&[0, 0])?;
        self.uc.get_data_mut().module_globals.push(globals);
        let context = self.alloc_words(&[0, globals, qstr_table, obj_table])?;
        let mut functions = Vec::new();
        self.load_raw_code(&module.root, context, &mut functions)?;
        Ok(functions)
    }

    fn load_raw_code(
        &mut self,
        rc: &RawCode,
        context: u32,
        functions: &mut Vec<Function>,
    ) -> Result<(), BoardError> {
        if rc.kind == CodeKind::NativeViper {
            let code = self.alloc(&rc.fun_data)?;
            let fun_obj = self.alloc_words(&[0, context, 0, code])?;
            functions.push(Function {
                fun_obj,
                code,
                code_len: rc.fun_data.len() as u32,
            });
        }
        for child in &rc.children {
            self.load_raw_code(child, context, functions)?;
        }
        Ok(())
    }

    /// Calls `function` as `mp_call_fun_t` with the object words `args` and no keywords.
    pub fn call(&mut self, function: &Function, args: &[u32]) -> Result<Outcome, BoardError> {
        let saved_free = self.free;
        let args_at = self.alloc_words(args);
        let ran = args_at.and_then(|args_at| {
            self.run(
                function.code,
                &[function.fun_obj, args.len() as u32, 0, args_at],
            )
        });
        self.free = saved_free;
        ran
    }

    /// Calls the AAPCS function whose Thumb code starts at `code` (C code, say) with up to
    /// four word arguments, in `r0`-`r3`; the outcome's result is its `r0`.
    pub fn call_native(&mut self, code: u32, args: &[u32]) -> Result<Outcome, BoardError> {
        if args.len() > 4 {
            return Err(BoardError::Emulator(format!(
                "{} arguments: the board passes at most 4, in registers",
                args.len()
            )));
        }
        self.run(code, args)
    }

    /// Runs the code at `code` with `r0`.. set to `args`, until it returns to the board.
    fn run(&mut self, code: u32, args: &[u32]) -> Result<Outcome, BoardError> {
        let arg_regs = [
            RegisterARM::R0,
            RegisterARM::R1,
            RegisterARM::R2,
            RegisterARM::R3,
        ];
        let regs = arg_regs.into_iter().zip(args.iter().copied()).chain([
            (RegisterARM::SP, self.stack_top),
            (RegisterARM::LR, RETURN_ADDRESS | 1),
        ]);
        for (reg, value) in regs {
            self.uc.reg_write(reg, u64::from(value)).map_err(emulator)?;
        }
        self.uc.get_data_mut().start_call();
        let ran = self
            .uc
            .emu_start(u64::from(code | 1), u64::from(RETURN_ADDRESS), 0, 0);
        let pc = self.uc.reg_read(RegisterARM::PC).map_err(emulator)? as u32;
        let state = self.uc.get_data_mut();
        if let Some(exception) = state.raised.take() {
            return Err(BoardError::Raised(exception));
        }
        if let Some((pc, reason)) = state.fault.take() {
            return Err(BoardError::Fault { pc, reason });
        }
        if let Err(e) = ran {
            return Err(BoardError::Fault {
                pc,
                reason: format!("{e:?}"),
            });
        }
        let (instructions, helper_calls) = (state.instructions, state.helper_calls);
        let result = self.uc.reg_read(RegisterARM::R0).map_err(emulator)? as u32;
        Ok(Outcome {
            result,
            instructions,
            helper_calls,
        })
    }
}
