//! What the compiler produces and a `.mpy` file holds: a module's qstr and constant tables and
//! its tree of raw codes (one per function, class body, lambda or comprehension).
//!
//! These mirror MicroPython's `mp_compiled_module_t` / `mp_raw_code_t` as `.mpy` v6.3 stores
//! them: bytecode refers to qstrs and constants by index into the module-wide tables.

use num_bigint::BigInt;
use std::rc::Rc;

/// A compiled module, ready to be written as `.mpy` or run.
#[derive(Debug, Clone, PartialEq)]
pub struct CompiledModule {
    /// The module's qstr table; entry 0 is the source file name, as mpy-cross writes it.
    pub qstrs: Vec<Rc<str>>,
    /// The module's constant-object table.
    pub objs: Vec<ConstObj>,
    /// The outer (module-level) raw code.
    pub root: RawCode,
    /// Native architecture of the machine code inside, if any (header byte 2).
    pub arch: NativeArch,
    /// Architecture feature flags (`-march-flags=`), written only when non-zero.
    pub arch_flags: u32,
    /// Number of bits in a small int on the target (header byte 3).
    pub small_int_bits: u8,
}

/// A constant object in the module's constant table (`MP_PERSISTENT_OBJ_*`).
#[derive(Debug, Clone)]
pub enum ConstObj {
    /// The native function table marker (`MP_PERSISTENT_OBJ_FUN_TABLE`), native code only.
    FunTable,
    None,
    False,
    True,
    Ellipsis,
    Str(Rc<str>),
    Bytes(Rc<[u8]>),
    Int(BigInt),
    Float(f64),
    Complex {
        real: f64,
        imag: f64,
    },
    Tuple(Vec<ConstObj>),
}

impl PartialEq for ConstObj {
    /// Strict equality as MicroPython's constant table dedups: same type, same value, and
    /// `0.0` and `-0.0` kept apart (`py/emitcommon.c` `strictly_equal`).
    fn eq(&self, other: &Self) -> bool {
        use ConstObj::*;
        let same_float = |a: f64, b: f64| a.to_bits() == b.to_bits() || (a == b && a != 0.0);
        match (self, other) {
            (FunTable, FunTable) | (None, None) | (False, False) | (True, True) => true,
            (Ellipsis, Ellipsis) => true,
            (Str(a), Str(b)) => a == b,
            (Bytes(a), Bytes(b)) => a == b,
            (Int(a), Int(b)) => a == b,
            (Float(a), Float(b)) => same_float(*a, *b),
            (Complex { real: ar, imag: ai }, Complex { real: br, imag: bi }) => {
                same_float(*ar, *br) && same_float(*ai, *bi)
            }
            (Tuple(a), Tuple(b)) => a == b,
            _ => false,
        }
    }
}

/// The kind of a raw code (`MP_CODE_BYTECODE` ... `MP_CODE_NATIVE_ASM`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeKind {
    Bytecode,
    NativePy,
    NativeViper,
    NativeAsm,
}

/// One function's code: the prelude and bytecode (or machine code), and its nested functions.
#[derive(Debug, Clone, PartialEq)]
pub struct RawCode {
    pub kind: CodeKind,
    /// For bytecode: the encoded signature, code-info (name, line table), bytecode.
    pub fun_data: Vec<u8>,
    /// Native sections for the non-bytecode kinds; `None` for bytecode.
    pub native: Option<NativeSection>,
    pub children: Vec<RawCode>,
}

/// The extra fields `.mpy` v6.3 stores after native machine code.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NativeSection {
    /// `MP_CODE_NATIVE_PY`: offset of the prelude within `fun_data`.
    pub prelude_offset: usize,
    /// Viper/asm: the scope flags stored in the file.
    pub scope_flags: u32,
    /// Asm only: number of positional args and the type signature.
    pub asm_n_pos_args: u32,
    pub asm_type_sig: u32,
    /// Viper: read-only data and the size of zero-initialised data.
    pub rodata: Vec<u8>,
    pub bss_size: usize,
    /// Relocation records, kept as the raw bytes of the file until the emitters give them meaning:
    /// every record and the closing `0xff`, or empty when there are none.
    pub relocations: Vec<u8>,
    /// Code a host backend compiled into this process (never read from or written to a file).
    pub host: Option<HostCode>,
}

/// What a native backend made of one function.
#[derive(Debug, Clone, PartialEq)]
pub enum MachineCode {
    /// Code in this process's executable memory, for the VM to call.
    Host(HostCode),
    /// Code for a device: the raw code's `fun_data` as a native `.mpy` stores it (machine
    /// code, and for `@native` code the prelude after it at `prelude_offset`).
    Device {
        fun_data: Vec<u8>,
        prelude_offset: usize,
    },
}

/// Machine code a host backend placed in this process's executable memory, and what a caller
/// needs to enter it. The memory lives as long as the backend that made it.
#[derive(Debug, Clone, PartialEq)]
pub struct HostCode {
    /// Address of the entry point (see `interp::native` for the calling convention).
    pub entry: usize,
    /// Viper: the native type (`MP_NATIVE_TYPE_*`) of each positional argument, and of the
    /// result; `MP_NATIVE_TYPE_OBJ` throughout for `@native` code.
    pub arg_types: Vec<u8>,
    pub return_type: u8,
    /// Words of GC-scanned frame the code needs on the Python stack.
    pub frame_slots: u32,
    /// Viper code takes exactly its positional arguments, as MicroPython's does
    /// (`mp_arg_check_num_sig`); `@native` code binds them as bytecode does.
    pub viper: bool,
    /// A generator function: a call makes a generator, whose resumes run the code.
    pub generator: bool,
}

/// `MP_NATIVE_ARCH_*`: the architecture of native code in a `.mpy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NativeArch {
    None = 0,
    X86 = 1,
    X64 = 2,
    Armv6 = 3,
    Armv6m = 4,
    Armv7m = 5,
    Armv7em = 6,
    Armv7emsp = 7,
    Armv7emdp = 8,
    Xtensa = 9,
    Xtensawin = 10,
    Rv32imc = 11,
    Rv64imc = 12,
}
