//! `hashlib` (`extmod/modhashlib.c`): `sha256`, `sha1` and `md5` objects with `update` and
//! `digest`, as the unix port has them (no `hexdigest`; after `digest()` the object is final
//! and `update`/`digest` raise `ValueError: hash is final`).
//!
//! An object keeps the data it was given and hashes it all when `digest()` is called, so its
//! state is two plain objects, `(data, final)`, rather than a hasher inside the VM's heap.
use super::args::read_buffer;
use super::native::{self, State};
use super::ModuleDef;
use crate::builtins::arity;
use crate::interp::call::Args;
use crate::interp::{PyResult, Vm};
use crate::runtime::obj::Obj;
use sha2::Digest;

macro_rules! hash_classes {
    ($($class:literal => $init:ident, $digest:ident;)*) => {
        &[$(
            (concat!($class, ".__init__"), $init),
            (concat!($class, ".update"), update),
            (concat!($class, ".digest"), $digest),
        )*]
    };
}

pub const MODULE: ModuleDef = ModuleDef {
    name: "hashlib",
    extensible: true,
    functions: hash_classes! {
        "sha256" => init_sha256, digest_sha256;
        "sha1" => init_sha1, digest_sha1;
        "md5" => init_md5, digest_md5;
    },
    attrs: super::no_attrs,
};

const KINDS: [&str; 3] = ["sha256", "sha1", "md5"];
const DATA: u32 = 0;
const FINAL: u32 = 1;

fn init(vm: &mut Vm, args: &Args, kind: &str) -> PyResult<Obj> {
    arity(vm, args, 1, 2)?;
    let data = if args.n_pos > 1 {
        read_buffer(vm, vm.arg(args, 1))?
    } else {
        Vec::new()
    };
    let data = vm.new_bytes(&data)?;
    native::attach(vm, vm.arg(args, 0), kind, &[data, Obj::FALSE])?;
    Ok(Obj::NONE)
}

/// The state of any hash object, refusing a final one.
fn open_hash(vm: &mut Vm, obj: Obj, kinds: &[&str]) -> PyResult<State> {
    let mut found = None;
    for kind in kinds {
        if let Ok(state) = native::state(vm, obj, kind) {
            found = Some(state);
            break;
        }
    }
    let state = match found {
        Some(state) => state,
        None => native::state(vm, obj, kinds[0])?,
    };
    if state.get(vm, FINAL) == Obj::TRUE {
        return Err(vm.value_error("hash is final"));
    }
    Ok(state)
}

/// `update(data)`.
fn update(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 2, 2)?;
    let state = open_hash(vm, vm.arg(&args, 0), &KINDS)?;
    let mut data = vm.str_bytes(state.get(vm, DATA));
    data.extend(read_buffer(vm, vm.arg(&args, 1))?);
    let data = vm.new_bytes(&data)?;
    state.set(vm, DATA, data);
    Ok(Obj::NONE)
}

/// `digest()` with hash function `D`; the object is final afterwards.
fn digest<D: Digest>(vm: &mut Vm, args: &Args, kind: &str) -> PyResult<Obj> {
    arity(vm, args, 1, 1)?;
    let state = open_hash(vm, vm.arg(args, 0), &[kind])?;
    state.set(vm, FINAL, Obj::TRUE);
    let data = vm.str_bytes(state.get(vm, DATA));
    vm.new_bytes(&D::digest(&data))
}

fn init_sha256(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    init(vm, &args, "sha256")
}

fn init_sha1(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    init(vm, &args, "sha1")
}

fn init_md5(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    init(vm, &args, "md5")
}

fn digest_sha256(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    digest::<sha2::Sha256>(vm, &args, "sha256")
}

fn digest_sha1(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    digest::<sha1::Sha1>(vm, &args, "sha1")
}

fn digest_md5(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    digest::<md5::Md5>(vm, &args, "md5")
}
