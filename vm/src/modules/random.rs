//! `random` (`extmod/modrandom.c`): MicroPython's Yasmarang generator, so a seeded sequence
//! is the one MicroPython gives, with its extra functions (`randrange`, `randint`, `choice`,
//! `random`, `uniform`).
//!
//! The generator state is per thread, as MicroPython's is per process (C statics); a krait VM
//! runs on one thread. Without `seed()` it starts from the clock, as the unix port seeds
//! itself on import.
use super::args::float_arg;
use super::ModuleDef;
use crate::builtins::arity;
use crate::interp::call::Args;
use crate::interp::{PyResult, Vm};
use crate::objects::ty;
use crate::runtime::obj::Obj;
use num_bigint::BigInt;
use std::cell::Cell;

pub const MODULE: ModuleDef = ModuleDef {
    name: "random",
    extensible: true,
    functions: &[
        ("getrandbits", getrandbits),
        ("seed", seed),
        ("randrange", randrange),
        ("randint", randint),
        ("choice", choice),
        ("random", random),
        ("uniform", uniform),
    ],
    attrs: super::no_attrs,
};

/// Yasmarang's state (Ilya Levin's public-domain generator).
#[derive(Clone, Copy)]
struct Yasmarang {
    pad: u32,
    n: u32,
    d: u32,
    dat: u8,
}

impl Yasmarang {
    fn seeded(seed: u32) -> Yasmarang {
        Yasmarang {
            pad: seed,
            n: 69,
            d: 233,
            dat: 0,
        }
    }

    fn next(&mut self) -> u32 {
        self.pad = self
            .pad
            .wrapping_add(u32::from(self.dat))
            .wrapping_add(self.d.wrapping_mul(self.n));
        self.pad = self.pad.rotate_left(3);
        self.n = self.pad | 2;
        self.d ^= (self.pad << 31).wrapping_add(self.pad >> 1);
        self.dat ^= (self.pad ^ (self.d >> 8) ^ 1) as u8;
        self.pad ^ (self.d << 5) ^ (self.pad >> 18) ^ (u32::from(self.dat) << 1)
    }

    /// A number below `n` (not 0): masked draws, retried until one fits.
    fn below(&mut self, n: u32) -> u32 {
        let mask = u32::MAX >> n.leading_zeros();
        loop {
            let r = self.next() & mask;
            if r < n {
                return r;
            }
        }
    }

    /// A float in `[0, 1)`: a double in `[1, 2)` whose 52 fraction bits are two draws (the
    /// first the high word, truncated), minus one.
    fn float(&mut self) -> f64 {
        let high = u64::from(self.next());
        let low = u64::from(self.next());
        let fraction = ((high << 32) | low) & ((1 << 52) - 1);
        f64::from_bits((1023 << 52) | fraction) - 1.0
    }
}

thread_local! {
    static STATE: Cell<Option<Yasmarang>> = const { Cell::new(None) };
}

/// Runs `f` on the generator, seeding it from the clock on first use.
fn with_generator<T>(f: impl FnOnce(&mut Yasmarang) -> T) -> T {
    STATE.with(|state| {
        let mut generator = state
            .get()
            .unwrap_or_else(|| Yasmarang::seeded(clock_seed()));
        let result = f(&mut generator);
        state.set(Some(generator));
        result
    })
}

fn clock_seed() -> u32 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    (now.as_nanos() as u32) ^ (now.as_secs() as u32)
}

/// `getrandbits(n)` for `n` up to 32.
fn getrandbits(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    let n = vm.get_int(vm.arg(&args, 0))?;
    if !(0..=32).contains(&n) {
        return Err(vm.value_error("bits must be 32 or less"));
    }
    if n == 0 {
        return Ok(Obj::small_int(0).unwrap_or(Obj::NONE));
    }
    let bits = with_generator(Yasmarang::next) & (u32::MAX >> (32 - n));
    vm.new_int(i64::from(bits))
}

/// `seed([n])`: restarts the sequence from `n`'s low 32 bits (from the clock without `n`).
fn seed(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 0, 1)?;
    let value = if args.n_pos == 0 {
        Obj::NONE
    } else {
        vm.arg(&args, 0)
    };
    let seed = if value == Obj::NONE {
        clock_seed()
    } else {
        match vm.as_bigint(value) {
            Some(int) => (int & BigInt::from(u32::MAX)).try_into().unwrap_or(0),
            None => vm.get_int(value)? as u32,
        }
    };
    STATE.with(|state| state.set(Some(Yasmarang::seeded(seed))));
    Ok(Obj::NONE)
}

/// A number below `n` taken as a 32-bit unsigned number, as MicroPython takes it; a range
/// that truncates to 0 (MicroPython would loop for ever) is a `ValueError`.
fn below(vm: &mut Vm, n: i64) -> PyResult<i64> {
    match n as u32 {
        0 => Err(vm.raise_type(ty::VALUE_ERROR)),
        n => Ok(i64::from(with_generator(|g| g.below(n)))),
    }
}

/// `randrange(stop)`, `randrange(start, stop[, step])`.
fn randrange(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 3)?;
    let mut ints = [0i64; 3];
    for (i, int) in ints.iter_mut().enumerate().take(args.n_pos as usize) {
        *int = vm.get_int(vm.arg(&args, i as u32))?;
    }
    let [start, stop, step] = ints;
    let (offset, scale) = match args.n_pos {
        1 if start > 0 => (0, below(vm, start)?),
        2 if start < stop => (start, below(vm, stop.saturating_sub(start))?),
        3 => {
            let span = stop.saturating_sub(start);
            let n = match step {
                0 => 0,
                s if s > 0 => span.saturating_add(s - 1) / s,
                s => span.saturating_add(s + 1) / s,
            };
            if n <= 0 {
                return Err(vm.raise_type(ty::VALUE_ERROR));
            }
            (start, step.saturating_mul(below(vm, n)?))
        }
        _ => return Err(vm.raise_type(ty::VALUE_ERROR)),
    };
    vm.new_int(offset.saturating_add(scale))
}

/// `randint(a, b)`: `a <= n <= b`.
fn randint(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 2, 2)?;
    let a = vm.get_int(vm.arg(&args, 0))?;
    let b = vm.get_int(vm.arg(&args, 1))?;
    if a > b {
        return Err(vm.raise_type(ty::VALUE_ERROR));
    }
    let offset = below(vm, b.saturating_sub(a).saturating_add(1))?;
    vm.new_int(a + offset)
}

/// `choice(seq)`: a random item of a non-empty sequence.
fn choice(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    let seq = vm.arg(&args, 0);
    let len = vm.len_of(seq)?;
    if len <= 0 {
        return Err(vm.raise_type(ty::INDEX_ERROR));
    }
    let index = below(vm, len)?;
    let index = vm.new_int(index)?;
    vm.subscr(seq, index)
}

/// `random()`: a float in `[0, 1)`.
fn random(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 0, 0)?;
    vm.new_float(with_generator(Yasmarang::float))
}

/// `uniform(a, b)`: `a + (b - a) * random()`.
fn uniform(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 2, 2)?;
    let a = float_arg(vm, vm.arg(&args, 0))?;
    let b = float_arg(vm, vm.arg(&args, 1))?;
    vm.new_float(a + (b - a) * with_generator(Yasmarang::float))
}
