//! Time and memory budgets for one target call: a call that takes too long or allocates far
//! more than its input justifies is a finding, like a panic.

use crate::alloc_count;
use std::fmt;
use std::time::{Duration, Instant};

/// Limits for one call on an input of `len` bytes.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    /// Wall time allowed whatever the input size (inputs are bounded by the driver).
    pub time: Duration,
    /// Peak bytes allowed: `base_bytes + bytes_per_input_byte * len`.
    pub base_bytes: usize,
    pub bytes_per_input_byte: usize,
}

impl Budget {
    /// For release runs of the driver.
    pub const RELEASE: Budget = Budget {
        time: Duration::from_millis(500),
        base_bytes: 16 << 20,
        bytes_per_input_byte: 4096,
    };

    /// For the debug-build CI smoke (unoptimised code is 10-30x slower).
    pub const DEBUG: Budget = Budget {
        time: Duration::from_secs(5),
        base_bytes: 16 << 20,
        bytes_per_input_byte: 4096,
    };

    pub fn memory_limit(&self, len: usize) -> usize {
        self.base_bytes
            .saturating_add(self.bytes_per_input_byte.saturating_mul(len))
    }

    /// Runs `f`, measuring its wall time and its peak allocation above what was live before.
    pub fn measure<R>(f: impl FnOnce() -> R) -> (R, Measured) {
        let live_before = alloc_count::start();
        let started = Instant::now();
        let result = f();
        let elapsed = started.elapsed();
        let peak_bytes = alloc_count::peak().saturating_sub(live_before);
        (
            result,
            Measured {
                elapsed,
                peak_bytes,
            },
        )
    }

    pub fn check(&self, input_len: usize, measured: &Measured) -> Result<(), Overrun> {
        if measured.elapsed > self.time {
            return Err(Overrun::Time {
                elapsed: measured.elapsed,
                limit: self.time,
            });
        }
        let limit = self.memory_limit(input_len);
        if measured.peak_bytes > limit {
            return Err(Overrun::Memory {
                peak_bytes: measured.peak_bytes,
                limit,
            });
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Measured {
    pub elapsed: Duration,
    pub peak_bytes: usize,
}

/// A budget a call went over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overrun {
    Time { elapsed: Duration, limit: Duration },
    Memory { peak_bytes: usize, limit: usize },
}

impl fmt::Display for Overrun {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Overrun::Time { elapsed, limit } => {
                write!(f, "slow: took {elapsed:?}, budget {limit:?}")
            }
            Overrun::Memory { peak_bytes, limit } => {
                write!(f, "allocated {peak_bytes} bytes at peak, budget {limit}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overruns_are_reported_and_small_calls_pass() {
        let budget = Budget {
            time: Duration::from_secs(1),
            base_bytes: 100,
            bytes_per_input_byte: 10,
        };
        let fast_small = Measured {
            elapsed: Duration::from_millis(1),
            peak_bytes: 150,
        };
        assert_eq!(budget.check(5, &fast_small), Ok(()));
        assert!(matches!(
            budget.check(4, &fast_small),
            Err(Overrun::Memory { limit: 140, .. })
        ));
        let slow = Measured {
            elapsed: Duration::from_secs(2),
            peak_bytes: 0,
        };
        assert!(matches!(budget.check(0, &slow), Err(Overrun::Time { .. })));
    }
}
