//! `time` (`extmod/modtime.c` with the unix port's `ports/unix/modtime.c`): wall-clock time
//! as a float, `time_ns`, sleeps, the `ticks_*` counters and calendar conversions.
//!
//! Ticks wrap at `2**30`, MicroPython's `MICROPY_PY_TIME_TICKS_PERIOD` for krait's 31-bit
//! small ints (a 32-bit port). `localtime` is `gmtime`: krait reads no time zone database
//! (the C library's `localtime` would need `unsafe` FFI), so local time is UTC, and `mktime`
//! is its inverse.
use super::args::float_arg;
use super::ModuleDef;
use crate::builtins::arity;
use crate::interp::call::Args;
use crate::interp::{PyResult, Vm};
use crate::objects::ty;
use crate::runtime::obj::Obj;
use num_bigint::BigInt;
use std::sync::OnceLock;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

pub const MODULE: ModuleDef = ModuleDef {
    name: "time",
    extensible: true,
    functions: &[
        ("clock", clock),
        ("gmtime", gmtime),
        ("localtime", gmtime),
        ("mktime", mktime),
        ("time", time),
        ("time_ns", time_ns),
        ("sleep", sleep),
        ("sleep_ms", sleep_ms),
        ("sleep_us", sleep_us),
        ("ticks_ms", ticks_ms),
        ("ticks_us", ticks_us),
        ("ticks_cpu", ticks_cpu),
        ("ticks_add", ticks_add),
        ("ticks_diff", ticks_diff),
    ],
    attrs: super::no_attrs,
};

const TICKS_PERIOD: i64 = 1 << 30;

fn since_epoch() -> Duration {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
}

/// The monotonic clock's origin: the first time anything asked for ticks.
fn since_start() -> Duration {
    static START: OnceLock<Instant> = OnceLock::new();
    START.get_or_init(Instant::now).elapsed()
}

fn time(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 0, 0)?;
    vm.new_float(since_epoch().as_secs_f64())
}

fn time_ns(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 0, 0)?;
    vm.new_big_int(&BigInt::from(since_epoch().as_nanos()))
}

/// `clock()`: processor time in seconds (here, time since the first clock or ticks call).
fn clock(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 0, 0)?;
    vm.new_float(since_start().as_secs_f64())
}

fn sleep(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    let seconds = float_arg(vm, vm.arg(&args, 0))?;
    if seconds > 0.0 {
        vm.sleep(Duration::from_secs_f64(seconds.min(1e9)))?;
    }
    Ok(Obj::NONE)
}

fn sleep_ms(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    let ms = vm.get_int(vm.arg(&args, 0))?;
    vm.sleep(Duration::from_millis(ms.max(0) as u64))?;
    Ok(Obj::NONE)
}

fn sleep_us(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    let us = vm.get_int(vm.arg(&args, 0))?;
    vm.sleep(Duration::from_micros(us.max(0) as u64))?;
    Ok(Obj::NONE)
}

fn ticks(vm: &mut Vm, args: &Args, per_second: u128) -> PyResult<Obj> {
    arity(vm, args, 0, 0)?;
    let ticks = since_start().as_nanos() * per_second / 1_000_000_000;
    vm.new_int((ticks % TICKS_PERIOD as u128) as i64)
}

fn ticks_ms(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    ticks(vm, &args, 1_000)
}

fn ticks_us(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    ticks(vm, &args, 1_000_000)
}

/// `ticks_cpu()`: the unix port counts microseconds.
fn ticks_cpu(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    ticks(vm, &args, 1_000_000)
}

/// `ticks_diff(end, start)`: the signed distance, wrapped into half a period either way.
fn ticks_diff(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 2, 2)?;
    let end = vm.get_int(vm.arg(&args, 0))?;
    let start = vm.get_int(vm.arg(&args, 1))?;
    let diff = end
        .wrapping_sub(start)
        .wrapping_add(TICKS_PERIOD / 2)
        .rem_euclid(TICKS_PERIOD)
        - TICKS_PERIOD / 2;
    vm.new_int(diff)
}

/// `ticks_add(ticks, delta)`; a delta of half a period or more either way cannot be told
/// apart by `ticks_diff`, so it overflows.
fn ticks_add(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 2, 2)?;
    let ticks = vm.get_int(vm.arg(&args, 0))?;
    let delta = vm.get_int(vm.arg(&args, 1))?;
    if delta <= -TICKS_PERIOD / 2 || delta >= TICKS_PERIOD / 2 {
        return Err(vm.raise_msg(ty::OVERFLOW_ERROR, "ticks interval overflow"));
    }
    vm.new_int(ticks.wrapping_add(delta).rem_euclid(TICKS_PERIOD))
}

/// `gmtime([secs])` and `localtime([secs])`: `(year, month, mday, hour, minute, second,
/// weekday, yearday, isdst)` with Monday as weekday 0.
fn gmtime(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 0, 1)?;
    let seconds = if args.n_pos == 0 || vm.arg(&args, 0) == Obj::NONE {
        since_epoch().as_secs() as i64
    } else {
        timestamp_arg(vm, vm.arg(&args, 0))?
    };
    let days = seconds.div_euclid(86_400);
    let second_of_day = seconds.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    let yearday = (i128::from(days) - days_from_civil(i128::from(year), 1, 1) + 1) as i64;
    // 1970-01-01 was a Thursday (weekday 3).
    let weekday = (days + 3).rem_euclid(7);
    let fields = [
        year,
        month,
        day,
        second_of_day / 3600,
        second_of_day / 60 % 60,
        second_of_day % 60,
        weekday,
        yearday,
        0,
    ];
    let mark = vm.stack_mark();
    let mut items = Vec::with_capacity(fields.len());
    for field in fields {
        let item = vm.new_int(field)?;
        items.push(vm.root(item)?);
    }
    let items: Vec<Obj> = items.into_iter().map(|slot| vm.slot(slot)).collect();
    let tuple = vm.new_tuple(&items);
    vm.stack_release(mark);
    tuple
}

/// A timestamp argument: an int, or a float truncated toward zero.
fn timestamp_arg(vm: &mut Vm, obj: Obj) -> PyResult<i64> {
    if vm.type_of(obj) == ty::FLOAT {
        return Ok(vm.float_value(obj) as i64);
    }
    vm.get_int(obj)
}

/// `mktime(tuple)`: the inverse of `localtime`; out-of-range fields carry over.
fn mktime(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    let tuple = vm.arg(&args, 0);
    if !matches!(vm.type_of(tuple), ty::TUPLE | ty::LIST) {
        let name = vm.type_name_of(tuple);
        return Err(vm.type_error(&format!("object '{name}' isn't a tuple or list")));
    }
    let items = vm.seq_items(tuple);
    if !(8..=9).contains(&items.len()) {
        return Err(vm.type_error("mktime needs a tuple of length 8 or 9"));
    }
    let mut fields = [0i64; 6];
    for (field, item) in fields.iter_mut().zip(items) {
        *field = vm.get_int(item)?;
    }
    // Wide arithmetic: any machine-word fields give a (possibly large) timestamp.
    let [year, month, day, hour, minute, second] = fields.map(i128::from);
    // Months beyond 1..=12 carry into the year, as C's mktime normalises them.
    let year = year + (month - 1).div_euclid(12);
    let month = (month - 1).rem_euclid(12) + 1;
    let days = days_from_civil(year, month, 1) + day - 1;
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second;
    vm.new_big_int(&BigInt::from(seconds))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i128, month: i128, day: i128) -> i128 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The date `days` after 1970-01-01: (year, month, day).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::{civil_from_days, days_from_civil};

    #[test]
    fn civil_dates_round_trip() {
        // Day numbers Python's datetime.date(...).toordinal() - 719163 gives.
        for (date, days) in [
            ((1970, 1, 1), 0),
            ((2000, 2, 29), 11_016),
            ((1969, 12, 31), -1),
            ((2038, 1, 19), 24_855),
            ((1600, 3, 1), -135_080),
        ] {
            assert_eq!(
                days_from_civil(date.0.into(), date.1.into(), date.2.into()),
                i128::from(days)
            );
            assert_eq!(civil_from_days(days), date);
        }
    }
}
