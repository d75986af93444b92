//! Resolving a `slice` against a sequence length (`mp_obj_slice_indices`), for the types
//! that slice in place: arrays and list slice assignment and deletion.
use crate::interp::{PyResult, Vm};
use crate::runtime::obj::Obj;

/// A slice resolved against a length, as Python's `slice.indices` gives it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bounds {
    pub start: i64,
    pub stop: i64,
    pub step: i64,
}

impl Bounds {
    /// How many indices the slice selects.
    pub fn count(self) -> u32 {
        let span = if self.step > 0 {
            self.stop - self.start + self.step - 1
        } else {
            self.stop - self.start + self.step + 1
        };
        (span / self.step).max(0) as u32
    }

    /// The selected indices, in slice order.
    pub fn indices(self) -> impl Iterator<Item = u32> {
        (0..self.count()).map(move |i| (self.start + i64::from(i) * self.step) as u32)
    }
}

impl Vm {
    /// `slice` resolved against a sequence of `len` items.
    pub fn slice_bounds(&mut self, slice: Obj, len: u32) -> PyResult<Bounds> {
        let len = i64::from(len);
        let step = match self.field(slice, 3) {
            Obj::NONE => 1,
            step => self.get_int(step)?,
        };
        if step == 0 {
            return Err(self.value_error("slice step can't be zero"));
        }
        let (lo, hi) = if step > 0 { (0, len) } else { (-1, len - 1) };
        let bound = |vm: &mut Vm, field: u32, default: i64| -> PyResult<i64> {
            match vm.field(slice, field) {
                Obj::NONE => Ok(default),
                v => {
                    let v = vm.get_int(v)?;
                    Ok(if v < 0 { v + len } else { v }.clamp(lo, hi))
                }
            }
        };
        let start = bound(self, 1, if step > 0 { 0 } else { len - 1 })?;
        let stop = bound(self, 2, if step > 0 { len } else { -1 })?;
        Ok(Bounds { start, stop, step })
    }

    /// A step-1 slice's `start..stop` (stop never before start), or MicroPython's
    /// `NotImplementedError` for other steps (`mp_seq_get_fast_slice_indexes`).
    pub fn unit_slice(&mut self, slice: Obj, len: u32) -> PyResult<(u32, u32)> {
        let b = self.slice_bounds(slice, len)?;
        if b.step != 1 {
            return Err(self.raise_msg(
                crate::objects::ty::NOT_IMPLEMENTED_ERROR,
                "only slices with step=1 (aka None) are supported",
            ));
        }
        Ok((b.start as u32, b.stop.max(b.start) as u32))
    }
}

#[cfg(test)]
mod tests {
    use super::Bounds;

    #[test]
    fn counts_follow_python() {
        let b = |start, stop, step| Bounds { start, stop, step };
        assert_eq!(b(0, 10, 3).indices().collect::<Vec<_>>(), [0, 3, 6, 9]);
        assert_eq!(b(9, -1, -4).indices().collect::<Vec<_>>(), [9, 5, 1]);
        assert_eq!(b(5, 2, 1).count(), 0);
        assert_eq!(b(2, 5, -1).count(), 0);
    }
}
