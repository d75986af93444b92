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

const F_CONVERT_OBJ_TO_NATIVE: u32 = 3;
const F_CONVERT_NATIVE_TO_OBJ: u32 = 4;
const F_ARG_CHECK_NUM_SIG: u32 = 44;
const F_SMALL_INT_FLOOR_DIVIDE: u32 = 46;
const F_SMALL_INT_MODULO: u32 = 47;

/// Viper types (`MP_NATIVE_TYPE_*`).
const TYPE_OBJ: u32 = 0;
const TYPE_BOOL: u32 = 1;
const TYPE_INT: u32 = 2;

/// What the runtime keeps between the guest's calls into it.
#[derive(Debug, Default)]
pub struct Runtime {
    /// Guest instructions executed in the current call.
    pub instructions: u64,
    /// The exception a helper raised, which ended the call.
    pub raised: Option<String>,
    /// A fault of the guest, which ended the call: its PC and what happened.
    pub fault: Option<(u32, String)>,
}

impl Runtime {
    pub fn start_call(&mut self) {
        self.instructions = 0;
        self.raised = None;
        self.fault = None;
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
            if let Err(exception) = call(uc, index) {
                uc.get_data_mut().raised = Some(exception);
                let _ = uc.emu_stop();
            }
        }
    })?;
    Ok(())
}

fn reg(uc: &Unicorn<'_, Runtime>, r: RegisterARM) -> u32 {
    uc.reg_read(r).unwrap_or(0) as u32
}

/// Runs fun-table entry `index`; an `Err` is the exception it raises.
fn call(uc: &mut Unicorn<'_, Runtime>, index: u32) -> Result<(), String> {
    let [a, b, c] = [RegisterARM::R0, RegisterARM::R1, RegisterARM::R2].map(|r| reg(uc, r));
    let result = match index {
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
