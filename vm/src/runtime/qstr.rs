//! The qstr pool: interned strings named by number, as MicroPython's `py/qstr.c` keeps them.
//!
//! Numbers `0..n_static` are the static table the pool is built from (MicroPython's generated
//! `qstrdefs`, written by the `.mpy` side of krait, so qstr numbers agree with `mpy-cross`);
//! strings interned at run time follow. A qstr's hash is MicroPython's (djb2 masked to
//! `bytes_in_hash` bytes, never 0), so dicts keyed by qstrs iterate in MicroPython's order.
//!
//! Invariants: a qstr number, once handed out, names the same bytes for the pool's life;
//! each byte string has at most one dynamic number (a string already in the static table is
//! found there, not duplicated); every stored string is shorter than `1 << (8 * bytes_in_len)`.
//! The bytes live in host memory: device code reaches qstr text only through runtime helpers.

use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};

use super::obj::QSTR_MAX;

/// MicroPython's `MICROPY_QSTR_BYTES_IN_HASH` and `MICROPY_QSTR_BYTES_IN_LEN`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QstrConfig {
    /// 1 or 2 (2 is the unix port's and the default here).
    pub bytes_in_hash: u8,
    /// 1 (at most 255 bytes, MicroPython's default) or 2.
    pub bytes_in_len: u8,
}

impl Default for QstrConfig {
    fn default() -> QstrConfig {
        QstrConfig {
            bytes_in_hash: 2,
            bytes_in_len: 1,
        }
    }
}

/// Why a string could not be interned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QstrError {
    /// Longer than `bytes_in_len` allows: MicroPython raises `RuntimeError("name too long")`.
    TooLong { len: usize },
    /// Every qstr number an object word can carry is taken.
    PoolFull,
}

impl fmt::Display for QstrError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QstrError::TooLong { .. } => write!(f, "name too long"),
            QstrError::PoolFull => write!(f, "qstr pool full"),
        }
    }
}

impl std::error::Error for QstrError {}

/// MicroPython's `qstr_compute_hash`: djb2 (`hash * 33 ^ byte` from 5381), masked to
/// `bytes_in_hash` bytes, with 0 (meaning "not computed") bumped to 1.
pub fn compute_hash(bytes: &[u8], bytes_in_hash: u8) -> u32 {
    let hash = bytes.iter().fold(5381u32, |hash, &byte| {
        hash.wrapping_mul(33) ^ u32::from(byte)
    });
    let masked = hash & hash_mask(bytes_in_hash);
    masked.max(1)
}

fn hash_mask(bytes_in_hash: u8) -> u32 {
    match bytes_in_hash {
        0 | 4.. => u32::MAX,
        n => (1 << (8 * u32::from(n))) - 1,
    }
}

/// The interned strings of one runtime.
pub struct QstrPool {
    config: QstrConfig,
    strings: Vec<Box<[u8]>>,
    hashes: Vec<u32>,
    numbers: HashMap<Box<[u8]>, u32, BuildHasherDefault<NameHasher>>,
    n_static: u32,
    /// Length of the longest interned string: longer text is answered without hashing it.
    longest: usize,
}

/// The hasher of the name-to-number map: FxHash's multiply-rotate over 8-byte chunks. Names
/// are short and looked up on hot paths (attribute names, new strings), where SipHash's
/// flood resistance costs more than it protects: a pool holds at most `QSTR_MAX` names.
#[derive(Default)]
struct NameHasher(u64);

impl Hasher for NameHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let word = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
            self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(K);
        }
        for &byte in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(byte)).wrapping_mul(K);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

impl QstrPool {
    /// A pool whose qstr `i` is `static_table[i]`. For a string listed twice, lookups find the
    /// first number, as MicroPython's search of its sorted static table does.
    pub fn new(static_table: &[&str], config: QstrConfig) -> QstrPool {
        let mut pool = QstrPool {
            config,
            strings: Vec::with_capacity(static_table.len()),
            hashes: Vec::with_capacity(static_table.len()),
            numbers: HashMap::with_capacity_and_hasher(static_table.len(), Default::default()),
            n_static: 0,
            longest: 0,
        };
        for text in static_table {
            pool.push(text.as_bytes());
        }
        pool.n_static = pool.strings.len() as u32;
        pool
    }

    fn push(&mut self, bytes: &[u8]) -> u32 {
        let number = self.strings.len() as u32;
        self.longest = self.longest.max(bytes.len());
        self.strings.push(bytes.into());
        self.hashes
            .push(compute_hash(bytes, self.config.bytes_in_hash));
        self.numbers.entry(bytes.into()).or_insert(number);
        number
    }

    /// Number of qstrs from the static table.
    pub fn n_static(&self) -> u32 {
        self.n_static
    }

    /// Number of qstrs in the pool, static and dynamic.
    pub fn len(&self) -> u32 {
        self.strings.len() as u32
    }

    pub fn is_empty(&self) -> bool {
        self.strings.is_empty()
    }

    /// The qstr for `bytes`, interning it if new (`qstr_from_strn`).
    pub fn intern(&mut self, bytes: &[u8]) -> Result<u32, QstrError> {
        if let Some(number) = self.find(bytes) {
            return Ok(number);
        }
        if bytes.len() >= 1 << (8 * u32::from(self.config.bytes_in_len)) {
            return Err(QstrError::TooLong { len: bytes.len() });
        }
        if self.len() > QSTR_MAX {
            return Err(QstrError::PoolFull);
        }
        Ok(self.push(bytes))
    }

    /// The qstr for `bytes` if already interned (`qstr_find_strn`). Every new `str` asks
    /// this, so a string longer than every interned one is answered without hashing it.
    pub fn find(&self, bytes: &[u8]) -> Option<u32> {
        if bytes.len() > self.longest {
            return None;
        }
        self.numbers.get(bytes).copied()
    }

    /// Length of the longest interned string.
    pub fn longest(&self) -> usize {
        self.longest
    }

    /// The bytes of qstr `number` (`qstr_data`), or `None` for an unknown number.
    pub fn get(&self, number: u32) -> Option<&[u8]> {
        self.strings.get(number as usize).map(|bytes| &bytes[..])
    }

    /// The hash of qstr `number` (`qstr_hash`), or `None` for an unknown number.
    pub fn hash(&self, number: u32) -> Option<u32> {
        self.hashes.get(number as usize).copied()
    }
}

impl fmt::Debug for QstrPool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("QstrPool")
            .field("n_static", &self.n_static)
            .field("len", &self.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::super::arena::{Arena, Backing};
    use super::super::gc::{Heap, HeapConfig, OutOfMemory};
    use super::super::layout;
    use super::super::map::{lookup, LookupKind, MapContext, MapRef};
    use super::super::obj::Obj;
    use super::*;

    fn pool() -> QstrPool {
        QstrPool::new(&["", "", "__init__", "print", "x"], QstrConfig::default())
    }

    #[test]
    fn hashes_match_micropython() {
        // `hash(s)` printed by MicroPython (webassembly port, 2-byte qstr hashes).
        let expected = [
            ("", 5381),
            ("a", 46532),
            ("abc", 12933),
            ("hello", 60903),
            ("__init__", 42335),
            ("print", 50772),
        ];
        for (text, hash) in expected {
            assert_eq!(compute_hash(text.as_bytes(), 2), hash, "{text:?}");
        }
        assert_eq!(compute_hash("x".repeat(40).as_bytes(), 2), 17669);
        assert_eq!(compute_hash(b"abc", 1), 12933 & 0xFF);
    }

    #[test]
    fn a_zero_hash_becomes_one() {
        // Find a short string whose 1-byte hash is 0 and check it is reported as 1.
        let zero = (0..=255u8)
            .flat_map(|a| (0..=255u8).map(move |b| [a, b]))
            .find(|pair| {
                let full = pair
                    .iter()
                    .fold(5381u32, |h, &c| h.wrapping_mul(33) ^ u32::from(c));
                full & 0xFF == 0
            })
            .unwrap();
        assert_eq!(compute_hash(&zero, 1), 1);
    }

    #[test]
    fn static_qstrs_keep_their_numbers_and_dynamic_ones_follow() {
        let mut pool = pool();
        assert_eq!(pool.n_static(), 5);
        assert_eq!(pool.find(b"print"), Some(3));
        assert_eq!(
            pool.find(b""),
            Some(0),
            "the first of a duplicated entry wins"
        );
        assert_eq!(pool.intern(b"print"), Ok(3));
        assert_eq!(pool.intern(b"spam"), Ok(5));
        assert_eq!(pool.intern(b"eggs"), Ok(6));
        assert_eq!(pool.intern(b"spam"), Ok(5));
        assert_eq!(pool.len(), 7);
        assert_eq!(pool.get(6), Some(&b"eggs"[..]));
        assert_eq!(pool.get(7), None);
        assert_eq!(pool.hash(3), Some(50772));
        assert_eq!(pool.hash(99), None);
    }

    #[test]
    fn names_past_the_length_limit_are_refused() {
        let mut pool = pool();
        assert!(pool.intern(&[b'n'; 255]).is_ok());
        assert_eq!(
            pool.intern(&[b'n'; 256]),
            Err(QstrError::TooLong { len: 256 })
        );
        let mut wide = QstrPool::new(
            &[],
            QstrConfig {
                bytes_in_hash: 2,
                bytes_in_len: 2,
            },
        );
        assert!(wide.intern(&[b'n'; 256]).is_ok());
        assert_eq!(QstrError::TooLong { len: 256 }.to_string(), "name too long");
    }

    struct QstrMap {
        heap: Heap,
        pool: QstrPool,
    }

    impl MapContext for QstrMap {
        type Error = OutOfMemory;

        fn heap(&self) -> &Heap {
            &self.heap
        }

        fn heap_mut(&mut self) -> &mut Heap {
            &mut self.heap
        }

        fn hash(&mut self, key: Obj) -> Result<u32, OutOfMemory> {
            Ok(key.as_qstr().and_then(|q| self.pool.hash(q)).unwrap_or(0))
        }

        fn equal(&mut self, _a: Obj, _b: Obj) -> Result<bool, OutOfMemory> {
            Ok(false)
        }

        fn is_exact_str(&self, _key: Obj) -> bool {
            false
        }
    }

    #[test]
    fn dicts_keyed_by_qstrs_iterate_in_micropythons_order() {
        let arena = Arena::new(Backing::preferred()).unwrap();
        let config = HeapConfig {
            pool_start: 0x1_0000,
            pool_size: 4096,
        };
        let mut ctx = QstrMap {
            heap: Heap::new(arena, config).unwrap(),
            pool: pool(),
        };
        let owner = ctx.heap.alloc(layout::dict::SIZE).unwrap();
        let map = MapRef(owner + layout::dict::MAP);
        map.init(&mut ctx.heap, 0).unwrap();
        let keys = ["foo", "bar", "baz", "qux", "x", "y", "zed", "alpha"];
        for key in keys {
            let qstr = ctx.pool.intern(key.as_bytes()).unwrap();
            let key = Obj::qstr(qstr).unwrap();
            lookup(&mut ctx, map, key, LookupKind::AddIfNotFound).unwrap();
        }
        let order: Vec<&str> = map
            .entries(&ctx.heap)
            .iter()
            .map(|(key, _)| {
                let bytes = ctx.pool.get(key.as_qstr().unwrap()).unwrap();
                std::str::from_utf8(bytes).unwrap()
            })
            .collect();
        // `list(d)` printed by MicroPython after the same insertions.
        assert_eq!(
            order,
            ["zed", "qux", "alpha", "foo", "bar", "baz", "x", "y"]
        );
    }
}
