//! The host side of the board's fun table: what each `mp_fun_table` entry does when guest
//! code calls it, on the guest's registers (AAPCS: arguments in `r0`-`r3`, result in `r0`).
//! Entries are MicroPython's `MP_F_*` indices (`py/nativeglue.h`).

use unicorn_engine::{HookType, RegisterARM, Unicorn};
use vm::runtime::obj::Obj;

/// `MP_F_NUMBER_OF`: the fun table's length.
pub const FUN_TABLE_ENTRIES: u32 = 51;
/// The qstr number the firmware gives a module's first qstr (after its built-in ones).
pub const FIRST_MODULE_QSTR: u16 = 1024;

pub const NONE: u32 = Obj::NONE.raw();
pub const FALSE: u32 = Obj::FALSE.raw();
pub const TRUE: u32 = Obj::TRUE.raw();
/// The globals current when the board calls a function (no module's).
pub const CALLER_GLOBALS: u32 = 0x0D00_0000;

const F_CONVERT_OBJ_TO_NATIVE: u32 = 3;
const F_CONVERT_NATIVE_TO_OBJ: u32 = 4;
const F_NATIVE_SWAP_GLOBALS: u32 = 5;
const F_LOAD_GLOBAL: u32 = 7;
const F_STORE_GLOBAL: u32 = 13;
const F_NLR_PUSH: u32 = 32;
const F_NLR_POP: u32 = 33;
const F_NATIVE_RAISE: u32 = 34;
const F_ARG_CHECK_NUM_SIG: u32 = 44;
const F_SMALL_INT_FLOOR_DIVIDE: u32 = 46;
const F_SMALL_INT_MODULO: u32 = 47;

/// Viper types (`MP_NATIVE_TYPE_*`).
const TYPE_OBJ: u32 = 0;
const TYPE_BOOL: u32 = 1;
const TYPE_INT: u32 = 2;

/// Registers `nlr_push` saves on Thumb (`nlr_buf_t.regs`), after `prev` and `ret_val`.
const NLR_REGS: [RegisterARM; 10] = [
    RegisterARM::R4,
    RegisterARM::R5,
    RegisterARM::R6,
    RegisterARM::R7,
    RegisterARM::R8,
    RegisterARM::R9,
    RegisterARM::R10,
    RegisterARM::R11,
    RegisterARM::SP,
    RegisterARM::LR,
];

/// Exception objects are words from here on, 8 apart, naming `Runtime::exceptions`; the
/// range is never mapped, so guest code cannot mistake one for memory it owns.
const EXCEPTION_BASE: u32 = 0x0E00_0000;

/// What the runtime keeps between the guest's calls into it.
#[derive(Debug, Default)]
pub struct Runtime {
    /// The current globals (`mp_globals_get()`): a module's globals word, or the caller's.
    pub globals: u32,
    /// The globals words of the loaded modules.
    pub module_globals: Vec<u32>,
    /// Values stored by `store_global`, by qstr number (the board has no dicts).
    pub stored_globals: std::collections::HashMap<u32, u32>,
    /// Guest addresses of the active `nlr_buf_t`s, innermost last (`MP_STATE_THREAD(nlr_top)`).
    pub nlr: Vec<u32>,
    /// The exceptions raised so far; the object word of exception `i` is
    /// `EXCEPTION_BASE + 8 * i`.
    pub exceptions: Vec<String>,
    /// Guest instructions executed in the current call.
    pub instructions: u64,
    /// Fun-table entries the current call has called.
    pub helper_calls: u64,
    /// The exception a helper raised, which ended the call.
    pub raised: Option<String>,
    /// A fault of the guest, which ended the call: its PC and what happened.
    pub fault: Option<(u32, String)>,
}

impl Runtime {
    pub fn start_call(&mut self) {
        self.instructions = 0;
        self.helper_calls = 0;
        self.raised = None;
        self.fault = None;
        self.nlr.clear();
    }
}

/// Hooks every instruction: counts it, and when it is one of the fun-table traps (the
/// `bx lr` at `trap_page + 2 * index`), does the entry's work first. Also turns accesses
/// outside the board's memory and the core's exceptions (which M-profile cores take for
/// bus faults and undefined instructions) into a fault that ends the call.
pub fn install(
    uc: &mut Unicorn<'static, Runtime>,
    trap_page: u32,
) -> Result<(), unicorn_engine::uc_error> {
    uc.add_mem_hook(HookType::MEM_INVALID, 1, 0, |uc, kind, address, size, _| {
        let pc = reg(uc, RegisterARM::PC);
        uc.get_data_mut().fault.get_or_insert((
            pc,
            format!("{kind:?} of {size} bytes at {address:#010x}, outside the board's memory"),
        ));
        false
    })?;
    uc.add_intr_hook(|uc, number| {
        let pc = reg(uc, RegisterARM::PC);
        uc.get_data_mut()
            .fault
            .get_or_insert((pc, format!("the core took exception {number}")));
        let _ = uc.emu_stop();
    })?;
    uc.add_code_hook(1, 0, move |uc, address, _size| {
        uc.get_data_mut().instructions += 1;
        let address = address as u32;
        if (trap_page..trap_page + 2 * FUN_TABLE_ENTRIES).contains(&address) {
            let index = (address - trap_page) / 2;
            uc.get_data_mut().helper_calls += 1;
            if let Err(exception) = call(uc, index) {
                raise(uc, exception);
            }
        }
    })?;
    Ok(())
}

fn reg(uc: &Unicorn<'_, Runtime>, r: RegisterARM) -> u32 {
    uc.reg_read(r).unwrap_or(0) as u32
}

/// Raises `exception` in the guest: `nlr_jump` to the innermost `nlr_buf_t` (its registers
/// restored, `ret_val` the exception, `nlr_push` returning 1 when the trap's `bx lr` runs),
/// or, with none, ends the call.
fn raise(uc: &mut Unicorn<'_, Runtime>, exception: String) {
    let state = uc.get_data_mut();
    let Some(buf) = state.nlr.pop() else {
        state.raised = Some(exception);
        let _ = uc.emu_stop();
        return;
    };
    let obj = EXCEPTION_BASE + 8 * state.exceptions.len() as u32;
    state.exceptions.push(exception);
    let mut words = [0u8; 4 * 12];
    let restored = uc
        .mem_read(u64::from(buf), &mut words)
        .and_then(|()| uc.mem_write(u64::from(buf + 4), &obj.to_le_bytes()));
    if restored.is_err() {
        uc.get_data_mut().fault = Some((buf, "nlr_jump to an unreadable nlr_buf_t".into()));
        let _ = uc.emu_stop();
        return;
    }
    for (i, r) in NLR_REGS.iter().enumerate() {
        let at = 4 * (2 + i);
        let value = u32::from_le_bytes(words[at..at + 4].try_into().expect("4 bytes"));
        let _ = uc.reg_write(*r, u64::from(value));
    }
    let _ = uc.reg_write(RegisterARM::R0, 1);
}

/// Runs fun-table entry `index`; an `Err` is the exception it raises.
fn call(uc: &mut Unicorn<'_, Runtime>, index: u32) -> Result<(), String> {
    let [a, b, c] = [RegisterARM::R0, RegisterARM::R1, RegisterARM::R2].map(|r| reg(uc, r));
    let result = match index {
        F_NATIVE_SWAP_GLOBALS => {
            // `mp_native_swap_globals`: NULL when nothing changes.
            let state = uc.get_data_mut();
            if a == 0 || a == state.globals {
                0
            } else {
                std::mem::replace(&mut state.globals, a)
            }
        }
        F_NLR_PUSH => {
            let mut words = Vec::with_capacity(4 * 12);
            words.extend(0u32.to_le_bytes());
            words.extend(0u32.to_le_bytes());
            for r in NLR_REGS {
                words.extend(reg(uc, r).to_le_bytes());
            }
            uc.mem_write(u64::from(a), &words)
                .map_err(|e| format!("MemoryError: nlr_buf_t at {a:#x}: {e:?}"))?;
            uc.get_data_mut().nlr.push(a);
            0
        }
        F_NLR_POP => {
            uc.get_data_mut().nlr.pop();
            0
        }
        F_NATIVE_RAISE => {
            let state = uc.get_data_mut();
            let known = a
                .checked_sub(EXCEPTION_BASE)
                .filter(|d| d % 8 == 0)
                .and_then(|d| state.exceptions.get((d / 8) as usize));
            return Err(known.cloned().unwrap_or_else(|| {
                format!("TypeError: exceptions must derive from BaseException ({a:#x})")
            }));
        }
        F_LOAD_GLOBAL | F_STORE_GLOBAL => {
            // The board has no dicts: a global is what was stored under its qstr, else its
            // qstr number as a small int; either way only while a module's globals are
            // current, which is what the native entry's swap must ensure.
            let state = uc.get_data_mut();
            if !state.module_globals.contains(&state.globals) {
                return Err("NameError: globals are not the function's module's".into());
            }
            if index == F_STORE_GLOBAL {
                state.stored_globals.insert(a, b);
                NONE
            } else {
                state
                    .stored_globals
                    .get(&a)
                    .copied()
                    .unwrap_or((a << 1) | 1)
            }
        }
        F_CONVERT_OBJ_TO_NATIVE => obj_to_native(a, b)?,
        F_CONVERT_NATIVE_TO_OBJ => native_to_obj(a, b)?,
        F_ARG_CHECK_NUM_SIG => return Err(arg_count_error(a, b, c)),
        F_SMALL_INT_FLOOR_DIVIDE | F_SMALL_INT_MODULO => {
            let (num, den) = (a as i32, b as i32);
            if den == 0 {
                return Err("ZeroDivisionError: divide by zero".into());
            }
            let (q, r) = (num.wrapping_div(den), num.wrapping_rem(den));
            let floor = r != 0 && ((r < 0) != (den < 0));
            if index == F_SMALL_INT_MODULO {
                (if floor { r + den } else { r }) as u32
            } else {
                (if floor { q - 1 } else { q }) as u32
            }
        }
        _ => {
            return Err(format!(
                "NotImplementedError: fun-table entry {index} is not on this board yet"
            ))
        }
    };
    uc.reg_write(RegisterARM::R0, u64::from(result))
        .map_err(|e| format!("{e:?}"))
}

/// `mp_native_from_obj`: small ints and the immediate objects; any other word stands for a
/// buffer and converts to its address (the board's buffers are passed that way).
fn obj_to_native(obj: u32, ty: u32) -> Result<u32, String> {
    let word = Obj::from_raw(obj);
    Ok(match ty {
        TYPE_OBJ => obj,
        TYPE_BOOL => {
            u32::from(obj != FALSE && obj != NONE && obj != Obj::small_int(0).map_or(0, Obj::raw))
        }
        _ if obj & 1 == 1 => ((obj as i32) >> 1) as u32,
        _ if word == Obj::TRUE => 1,
        _ if word == Obj::FALSE => 0,
        TYPE_INT | 3 => {
            return Err(format!(
                "TypeError: can't convert {} to int",
                if obj == NONE { "NoneType" } else { "object" }
            ))
        }
        _ => obj,
    })
}

/// `mp_native_to_obj`.
fn native_to_obj(value: u32, ty: u32) -> Result<u32, String> {
    let small = |v: i64| {
        Obj::small_int(v)
            .map(Obj::raw)
            .ok_or_else(|| "OverflowError: big ints are not on this board yet".to_string())
    };
    match ty {
        TYPE_OBJ => Ok(value),
        TYPE_BOOL => Ok(if value != 0 { TRUE } else { FALSE }),
        TYPE_INT => small(i64::from(value as i32)),
        _ => small(i64::from(value)),
    }
}

/// `mp_arg_check_num_sig`'s error for a call it was given (`sig` is
/// `MP_OBJ_FUN_MAKE_SIG(min, max, takes_kw)`).
fn arg_count_error(n_args: u32, n_kw: u32, sig: u32) -> String {
    let (min, takes_kw) = (sig >> 17, sig & 1 == 1);
    if n_kw > 0 && !takes_kw {
        return "TypeError: function doesn't take keyword arguments".into();
    }
    format!("TypeError: function takes {min} positional arguments but {n_args} were given")
}
