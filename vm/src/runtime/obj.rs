//! The object word: one Python value in 32 bits, encoded as MicroPython's `MICROPY_OBJ_REPR_A`
//! on a 32-bit MCU, so krait's objects and device machine code agree bit for bit.
//!
//! The low bits are the tag (MicroPython's `py/obj.h`, REPR_A):
//! - `.......1` small int: the value is the word shifted right arithmetically by 1 (31 bits);
//! - `.....010` qstr: the interned-string number is the word shifted right by 3;
//! - `.....110` immediate object: `None` (0), `False` (1), `True` (3), shifted left by 3;
//! - `......00` pointer: an arena offset (see [`super::arena`]), 4-byte aligned. The words 0,
//!   4 and 8 are MicroPython's `MP_OBJ_NULL`, `MP_OBJ_STOP_ITERATION` and `MP_OBJ_SENTINEL`;
//!   no object is ever allocated there.
//!
//! Every `u32` decodes to exactly one [`ObjKind`], so building an `Obj` from any word is safe;
//! whether a pointer word names a live object is the heap's business, not this type's.

use std::fmt;

/// Bits of a small int, sign included.
pub const SMALL_INT_BITS: u32 = 31;
/// Smallest value a small int holds: -2^30.
pub const SMALL_INT_MIN: i32 = -(1 << (SMALL_INT_BITS - 1));
/// Largest value a small int holds: 2^30 - 1.
pub const SMALL_INT_MAX: i32 = (1 << (SMALL_INT_BITS - 1)) - 1;
/// Largest qstr number a word can carry: 2^29 - 1.
pub const QSTR_MAX: u32 = u32::MAX >> 3;

const TAG_QSTR: u32 = 0b010;
const TAG_IMMEDIATE: u32 = 0b110;
const IMMEDIATE_NONE: u32 = 0;
const IMMEDIATE_FALSE: u32 = 1;
const IMMEDIATE_TRUE: u32 = 3;

/// One Python value (MicroPython's `mp_obj_t` on a 32-bit target).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
#[repr(transparent)]
pub struct Obj(u32);

/// What a word holds, decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ObjKind {
    SmallInt(i32),
    Qstr(u32),
    /// An immediate object other than a small int or qstr: its value (0 None, 1 False, 3 True).
    Immediate(u32),
    /// An arena offset (4-byte aligned), including the special words 0, 4 and 8.
    Ptr(u32),
}

impl Obj {
    /// MicroPython's `MP_OBJ_NULL`: no object (an empty slot, an unsupported operation).
    pub const NULL: Obj = Obj(0);
    /// MicroPython's `MP_OBJ_STOP_ITERATION`: an iterator is exhausted.
    pub const STOP_ITERATION: Obj = Obj(4);
    /// MicroPython's `MP_OBJ_SENTINEL`: distinct from every object and from `NULL`.
    pub const SENTINEL: Obj = Obj(8);
    pub const NONE: Obj = Obj::immediate(IMMEDIATE_NONE);
    pub const FALSE: Obj = Obj::immediate(IMMEDIATE_FALSE);
    pub const TRUE: Obj = Obj::immediate(IMMEDIATE_TRUE);

    const fn immediate(value: u32) -> Obj {
        Obj((value << 3) | TAG_IMMEDIATE)
    }

    /// The word exactly as stored in the arena.
    pub const fn from_raw(word: u32) -> Obj {
        Obj(word)
    }

    pub const fn raw(self) -> u32 {
        self.0
    }

    /// Whether `value` fits a small int (MicroPython's `MP_SMALL_INT_FITS`).
    pub const fn small_int_fits(value: i64) -> bool {
        value >= SMALL_INT_MIN as i64 && value <= SMALL_INT_MAX as i64
    }

    /// The small int `value`, or `None` if it needs a big int.
    pub const fn small_int(value: i64) -> Option<Obj> {
        if Obj::small_int_fits(value) {
            Some(Obj(((value as u32) << 1) | 1))
        } else {
            None
        }
    }

    pub const fn is_small_int(self) -> bool {
        self.0 & 1 != 0
    }

    pub const fn as_small_int(self) -> Option<i32> {
        if self.is_small_int() {
            Some((self.0 as i32) >> 1)
        } else {
            None
        }
    }

    /// The qstr number `qstr` as an object, or `None` past [`QSTR_MAX`].
    pub const fn qstr(qstr: u32) -> Option<Obj> {
        if qstr <= QSTR_MAX {
            Some(Obj((qstr << 3) | TAG_QSTR))
        } else {
            None
        }
    }

    pub const fn is_qstr(self) -> bool {
        self.0 & 0b111 == TAG_QSTR
    }

    pub const fn as_qstr(self) -> Option<u32> {
        if self.is_qstr() {
            Some(self.0 >> 3)
        } else {
            None
        }
    }

    /// `True` or `False` (MicroPython's `mp_obj_new_bool`).
    pub const fn bool(value: bool) -> Obj {
        if value {
            Obj::TRUE
        } else {
            Obj::FALSE
        }
    }

    /// Whether this is an immediate object (None, False, True), not counting ints and qstrs.
    pub const fn is_immediate(self) -> bool {
        self.0 & 0b111 == TAG_IMMEDIATE
    }

    /// An object at arena offset `offset`, or `None` if the offset is not 4-byte aligned.
    pub const fn from_ptr(offset: u32) -> Option<Obj> {
        if offset & 0b11 == 0 {
            Some(Obj(offset))
        } else {
            None
        }
    }

    /// Whether this word is an arena offset (MicroPython's `mp_obj_is_obj`), which includes
    /// `NULL`, `STOP_ITERATION` and `SENTINEL`.
    pub const fn is_ptr(self) -> bool {
        self.0 & 0b11 == 0
    }

    pub const fn as_ptr(self) -> Option<u32> {
        if self.is_ptr() {
            Some(self.0)
        } else {
            None
        }
    }

    pub const fn kind(self) -> ObjKind {
        if self.is_small_int() {
            ObjKind::SmallInt((self.0 as i32) >> 1)
        } else if self.is_qstr() {
            ObjKind::Qstr(self.0 >> 3)
        } else if self.is_immediate() {
            ObjKind::Immediate(self.0 >> 3)
        } else {
            ObjKind::Ptr(self.0)
        }
    }
}

impl fmt::Debug for Obj {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Obj::NULL => write!(f, "NULL"),
            Obj::STOP_ITERATION => write!(f, "STOP_ITERATION"),
            Obj::SENTINEL => write!(f, "SENTINEL"),
            Obj::NONE => write!(f, "None"),
            Obj::FALSE => write!(f, "False"),
            Obj::TRUE => write!(f, "True"),
            _ => match self.kind() {
                ObjKind::SmallInt(value) => write!(f, "SmallInt({value})"),
                ObjKind::Qstr(qstr) => write!(f, "Qstr({qstr})"),
                ObjKind::Immediate(value) => write!(f, "Immediate({value})"),
                ObjKind::Ptr(offset) => write!(f, "Ptr({offset:#010x})"),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOUNDARY: i64 = 1 << 30;

    #[test]
    fn immediates_match_micropython_repr_a() {
        // mp_const_none/false/true are MP_OBJ_NEW_IMMEDIATE_OBJ(0/1/3) = (v << 3) | 6.
        assert_eq!(Obj::NONE.raw(), 6);
        assert_eq!(Obj::FALSE.raw(), 14);
        assert_eq!(Obj::TRUE.raw(), 30);
        assert_eq!(Obj::bool(true), Obj::TRUE);
        assert_eq!(Obj::bool(false), Obj::FALSE);
        for obj in [Obj::NONE, Obj::FALSE, Obj::TRUE] {
            assert!(obj.is_immediate() && !obj.is_ptr() && !obj.is_qstr() && !obj.is_small_int());
        }
        assert_eq!(Obj::TRUE.kind(), ObjKind::Immediate(3));
    }

    #[test]
    fn special_pointers_are_micropythons() {
        assert_eq!(Obj::NULL.kind(), ObjKind::Ptr(0));
        assert_eq!(Obj::STOP_ITERATION.kind(), ObjKind::Ptr(4));
        assert_eq!(Obj::SENTINEL.kind(), ObjKind::Ptr(8));
    }

    #[test]
    fn small_int_boundaries() {
        assert_eq!(i64::from(SMALL_INT_MIN), -BOUNDARY);
        assert_eq!(i64::from(SMALL_INT_MAX), BOUNDARY - 1);
        for value in [
            -BOUNDARY,
            -BOUNDARY + 1,
            -1,
            0,
            1,
            BOUNDARY - 2,
            BOUNDARY - 1,
        ] {
            let obj = Obj::small_int(value).unwrap();
            assert!(obj.is_small_int() && !obj.is_ptr() && !obj.is_qstr());
            assert_eq!(obj.as_small_int().map(i64::from), Some(value));
            assert_eq!(obj.kind(), ObjKind::SmallInt(value as i32));
            // MicroPython's encoding: ((mp_uint_t)n << 1) | 1, truncated to 32 bits.
            assert_eq!(obj.raw(), ((value as u32) << 1) | 1);
        }
        for value in [
            -BOUNDARY - 1,
            BOUNDARY,
            i64::from(i32::MIN),
            i64::from(i32::MAX),
            i64::MIN,
            i64::MAX,
        ] {
            assert!(!Obj::small_int_fits(value), "{value}");
            assert_eq!(Obj::small_int(value), None);
        }
        assert_eq!(Obj::small_int(-1).unwrap().raw(), u32::MAX);
        assert_eq!(
            Obj::small_int(SMALL_INT_MIN.into()).unwrap().raw(),
            0x8000_0001
        );
        assert_eq!(
            Obj::small_int(SMALL_INT_MAX.into()).unwrap().raw(),
            0x7FFF_FFFF
        );
    }

    #[test]
    fn small_int_fits_agrees_with_micropythons_bit_test() {
        // MP_SMALL_INT_FITS(n) for REPR_A on a 32-bit word: ((n ^ (n << 1)) & 0x80000000) == 0,
        // evaluated on every 32-bit n near the interesting edges.
        let edges = [
            0i64,
            BOUNDARY,
            -BOUNDARY,
            i64::from(i32::MAX),
            i64::from(i32::MIN),
        ];
        for edge in edges {
            for delta in -3..=3 {
                let n = (edge + delta) as i32;
                let fits_in_c = ((n ^ n.wrapping_shl(1)) as u32) & 0x8000_0000 == 0;
                assert_eq!(Obj::small_int_fits(n.into()), fits_in_c, "{n}");
            }
        }
    }

    #[test]
    fn qstr_boundaries() {
        for qstr in [0, 1, 0xFFFF, QSTR_MAX - 1, QSTR_MAX] {
            let obj = Obj::qstr(qstr).unwrap();
            assert_eq!(obj.raw(), (qstr << 3) | 2);
            assert!(obj.is_qstr() && !obj.is_small_int() && !obj.is_immediate() && !obj.is_ptr());
            assert_eq!(obj.as_qstr(), Some(qstr));
            assert_eq!(obj.kind(), ObjKind::Qstr(qstr));
        }
        assert_eq!(Obj::qstr(QSTR_MAX + 1), None);
        assert_eq!(Obj::qstr(u32::MAX), None);
    }

    #[test]
    fn pointers_must_be_word_aligned() {
        for offset in [0x10, 0x1000_0000, u32::MAX - 3] {
            let obj = Obj::from_ptr(offset).unwrap();
            assert_eq!(obj.as_ptr(), Some(offset));
            assert_eq!(obj.kind(), ObjKind::Ptr(offset));
        }
        for offset in [1, 2, 3, 0x11, u32::MAX] {
            assert_eq!(Obj::from_ptr(offset), None);
        }
        assert_eq!(Obj::NONE.as_ptr(), None);
        assert_eq!(Obj::small_int(4).unwrap().as_ptr(), None);
    }

    #[test]
    fn every_tag_pattern_decodes_to_exactly_one_kind() {
        // Walk all 8 low-bit patterns with a few high parts and check the predicates
        // partition the words and agree with `kind`.
        for high in [0u32, 1, 0x0123_4567, QSTR_MAX] {
            for low in 0..8u32 {
                let obj = Obj::from_raw((high << 3) | low);
                let flags = [
                    obj.is_small_int(),
                    obj.is_qstr(),
                    obj.is_immediate(),
                    obj.is_ptr(),
                ];
                assert_eq!(flags.iter().filter(|&&f| f).count(), 1, "{obj:?}");
                let expected = match low {
                    1 | 3 | 5 | 7 => "int",
                    2 => "qstr",
                    6 => "immediate",
                    _ => "ptr",
                };
                let decoded = match obj.kind() {
                    ObjKind::SmallInt(_) => "int",
                    ObjKind::Qstr(_) => "qstr",
                    ObjKind::Immediate(_) => "immediate",
                    ObjKind::Ptr(_) => "ptr",
                };
                assert_eq!(decoded, expected, "{obj:?}");
            }
        }
    }

    #[test]
    fn debug_names_the_value() {
        assert_eq!(format!("{:?}", Obj::NONE), "None");
        assert_eq!(format!("{:?}", Obj::small_int(-5).unwrap()), "SmallInt(-5)");
        assert_eq!(format!("{:?}", Obj::qstr(7).unwrap()), "Qstr(7)");
        assert_eq!(
            format!("{:?}", Obj::from_ptr(0x20).unwrap()),
            "Ptr(0x00000020)"
        );
    }
}
