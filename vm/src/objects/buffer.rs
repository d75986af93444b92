//! The buffer protocol (`mp_get_buffer`): one internal view of the bytes behind `bytes`,
//! `bytearray`, `memoryview` and `array.array`, and the typed elements those bytes hold.
//!
//! A [`Buffer`] names arena bytes (`addr`, `len` in bytes) and MicroPython's typecode for
//! their elements, so native code (viper's `ptr8(buf)`, say) can take `addr` as is. Typecodes
//! are `struct`'s native ones with the sizes of a 32-bit MCU (`l`/`L` are 4 bytes, as on every
//! board krait targets), plus [`BYTEARRAY_TYPECODE`], which bytearrays store and which reads as
//! `'B'`. `array.array` builds on [`typecode_size`], [`Vm::load_element`] and
//! [`Vm::store_element`]; they know every typecode MicroPython's `array` accepts.
//!
//! Strings have no arena buffer when they are qstrs, so `str` offers none here (MicroPython
//! lets `memoryview('abc')` read a str; krait raises the `TypeError` instead).
use super::ty;
use crate::interp::{PyResult, Vm};
use crate::runtime::layout::{ArrayObj, StrObj};
use crate::runtime::obj::Obj;

/// The typecode a bytearray stores (`BYTEARRAY_TYPECODE`): unsigned bytes.
pub const BYTEARRAY_TYPECODE: u8 = 1;

/// A readable (and maybe writable) run of arena bytes and what its elements are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Buffer {
    pub addr: u32,
    /// Length in bytes.
    pub len: u32,
    pub typecode: u8,
    pub writable: bool,
}

/// Bytes per element of `typecode` on a 32-bit target, or `None` if it is not one.
pub fn typecode_size(typecode: u8) -> Option<u32> {
    Some(match typecode {
        BYTEARRAY_TYPECODE | b'b' | b'B' => 1,
        b'h' | b'H' => 2,
        b'i' | b'I' | b'l' | b'L' | b'f' => 4,
        b'q' | b'Q' | b'd' => 8,
        _ => return None,
    })
}

impl Vm {
    /// The buffer of `obj` (`mp_get_buffer` for reading), if it has one.
    pub fn get_buffer(&self, obj: Obj) -> Option<Buffer> {
        if !obj.is_ptr() || obj.raw() < 16 {
            return None;
        }
        match self.type_of(obj) {
            ty::BYTES => {
                let s = StrObj(obj.raw());
                Some(Buffer {
                    addr: s.data(self.arena()),
                    len: s.len(self.arena()),
                    typecode: b'B',
                    writable: false,
                })
            }
            ty::BYTEARRAY | ty::MEMORYVIEW | ty::ARRAY => {
                Some(self.array_buffer(ArrayObj(obj.raw())))
            }
            _ => None,
        }
    }

    /// The buffer of `obj`, or MicroPython's `TypeError` for objects without one.
    pub fn get_buffer_raise(&mut self, obj: Obj) -> PyResult<Buffer> {
        match self.get_buffer(obj) {
            Some(buffer) => Ok(buffer),
            None => Err(self.type_error("object with buffer protocol required")),
        }
    }

    /// A copy of the buffer's bytes (the heap may move or change meanwhile).
    pub fn buffer_bytes(&self, buffer: Buffer) -> Vec<u8> {
        if buffer.len == 0 {
            return Vec::new();
        }
        self.arena().bytes(buffer.addr, buffer.len).to_vec()
    }

    /// The bytes of `obj` if it has a buffer (`bytes`, `bytearray`, `memoryview`).
    pub fn buffer_bytes_of(&self, obj: Obj) -> Option<Vec<u8>> {
        self.get_buffer(obj).map(|b| self.buffer_bytes(b))
    }

    /// Element `index` of the `typecode` array at `items` (`mp_binary_get_val_array`).
    pub fn load_element(&mut self, typecode: u8, items: u32, index: u32) -> PyResult<Obj> {
        let size = typecode_size(typecode).unwrap_or(1);
        let at = items + index * size;
        let arena = self.arena();
        let raw = (0..size).fold(0u64, |acc, i| {
            acc | u64::from(arena.load_u8(at + i)) << (8 * i)
        });
        match typecode {
            b'f' => self.new_float(f64::from(f32::from_bits(raw as u32))),
            b'd' => self.new_float(f64::from_bits(raw)),
            b'b' | b'h' | b'i' | b'l' | b'q' => {
                let shift = 64 - 8 * size;
                self.new_int(((raw << shift) as i64) >> shift)
            }
            b'Q' => self.new_big_int(&raw.into()),
            _ => self.new_int(raw as i64),
        }
    }

    /// Stores `value` as element `index` of the `typecode` array at `items`
    /// (`mp_binary_set_val_array`): ints are truncated to the element, as MicroPython does.
    pub fn store_element(
        &mut self,
        typecode: u8,
        items: u32,
        index: u32,
        value: Obj,
    ) -> PyResult<()> {
        let size = typecode_size(typecode).unwrap_or(1);
        let raw = match typecode {
            b'f' => u64::from((self.get_float(value)? as f32).to_bits()),
            b'd' => self.get_float(value)?.to_bits(),
            _ => self.element_int(value)?,
        };
        let at = items + index * size;
        for i in 0..size {
            self.arena_mut().store_u8(at + i, (raw >> (8 * i)) as u8);
        }
        Ok(())
    }

    /// An int to store in an element (`mp_binary_set_val_array`): a small int as it is, a
    /// big int as the low 64 bits of its two's complement (MicroPython writes it with
    /// `to_bytes`, truncating); the caller keeps the element's bytes.
    fn element_int(&mut self, value: Obj) -> PyResult<u64> {
        let Some(big) = self.as_bigint(value) else {
            let name = self.type_name_of(value);
            return Err(self.type_error(&format!("can't convert {name} to int")));
        };
        let low = big & num_bigint::BigInt::from(u64::MAX);
        Ok(u64::try_from(&low).unwrap_or(0))
    }

    /// A float argument (`mp_obj_get_float`).
    pub fn get_float(&mut self, obj: Obj) -> PyResult<f64> {
        match self.as_num(obj) {
            Some(num) => Ok(num.to_f64()),
            None => {
                let name = self.type_name_of(obj);
                Err(self.type_error(&format!("can't convert {name} to float")))
            }
        }
    }
}
