//! The arena: krait's 32-bit address space, where every Python object lives.
//!
//! An object word that is a pointer (see [`super::obj::Obj`]) is an *offset* into this arena,
//! so the host reaches an object at `base + word` and an emulated MCU can later map the same
//! bytes as its RAM. Values are stored little-endian, as every supported MCU reads them.
//!
//! Invariants (the whole safety argument of the runtime rests on these):
//! - The arena spans [`ARENA_SPAN`] bytes of offsets, i.e. every `u32` offset, plus a guard
//!   tail of [`GUARD_BYTES`] so a word-sized access at any `u32` offset stays inside it. On the
//!   mapped backend the whole span is reserved up front (`PROT_NONE`), so native code that adds
//!   an arbitrary 32-bit offset to `base` can fault but never reach memory outside the arena.
//! - Memory becomes accessible by [`Arena::commit`], in [`COMMIT_GRANULE`]-sized chunks; a commit
//!   is never undone while the arena lives, and committed bytes start zeroed.
//! - Rust code reaches arena bytes only through the accessors here, which check that every
//!   byte touched is committed (one bit test per access). Borrowing rules do the rest: reads take
//!   `&self`, writes `&mut self`, so no slice handed out can alias a write or outlive a regrow.
//!
//! Two backends keep the same semantics: [`Backing::Mapped`] reserves the real 4 GiB region with
//! `mmap` and commits with `mprotect`; [`Backing::Owned`] keeps a `Vec<u8>` covering offsets
//! `0..highest committed end`, for Miri (which cannot run `mmap`) and platforms without it.

use std::fmt;

/// Number of distinct offsets: the whole 32-bit address space.
pub const ARENA_SPAN: u64 = 1 << 32;

/// Bytes reserved past the last offset, so an access of up to 8 bytes at `u32::MAX` stays in
/// the reservation.
pub const GUARD_BYTES: u64 = 4096;

/// Granularity of [`Arena::commit`]: 64 KiB, a multiple of every host page size in use.
pub const COMMIT_GRANULE: u32 = 1 << GRANULE_SHIFT;
const GRANULE_SHIFT: u32 = 16;
const GRANULE_COUNT: usize = (ARENA_SPAN >> GRANULE_SHIFT) as usize;
const BITMAP_WORDS: usize = GRANULE_COUNT / 64;

/// Which storage an arena uses (see the module documentation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backing {
    /// A reserved 4 GiB virtual region, committed with `mprotect`.
    Mapped,
    /// A growable `Vec<u8>`; the only choice under Miri and off Unix.
    Owned,
}

impl Backing {
    /// The mapped backend where it exists, otherwise the owned one.
    pub fn preferred() -> Backing {
        if cfg!(all(unix, target_pointer_width = "64", not(miri))) {
            Backing::Mapped
        } else {
            Backing::Owned
        }
    }
}

/// Why the arena could not reserve or commit memory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ArenaError {
    /// The mapped backend is not available on this host.
    Unsupported,
    /// The operating system refused to reserve the 4 GiB region (`errno` given).
    Reserve(i32),
    /// The operating system refused to commit a range (`errno` given), or the owned backend
    /// could not grow its vector (`errno` 0).
    Commit(i32),
    /// The requested range does not fit in the 32-bit address space.
    OutOfRange,
}

impl fmt::Display for ArenaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ArenaError::Unsupported => write!(f, "memory-mapped arena not supported on this host"),
            ArenaError::Reserve(errno) => write!(f, "cannot reserve the arena (errno {errno})"),
            ArenaError::Commit(errno) => write!(f, "cannot commit arena memory (errno {errno})"),
            ArenaError::OutOfRange => write!(f, "range outside the 32-bit arena"),
        }
    }
}

impl std::error::Error for ArenaError {}

/// The 32-bit address space holding krait's objects. See the module documentation.
pub struct Arena {
    /// Start of offset 0. Mapped: the reservation; owned: the vector's buffer (re-derived
    /// after every growth so it always carries the vector's provenance).
    base: *mut u8,
    storage: Storage,
    /// One bit per [`COMMIT_GRANULE`] chunk: set once the chunk is committed.
    committed: Box<[u64; BITMAP_WORDS]>,
    committed_bytes: u64,
}

enum Storage {
    #[cfg(all(unix, target_pointer_width = "64", not(miri)))]
    Mapped(mapped::Reservation),
    Owned(Vec<u8>),
}

impl Arena {
    /// Reserves an arena with nothing committed.
    pub fn new(backing: Backing) -> Result<Arena, ArenaError> {
        let mut storage = match backing {
            Backing::Mapped => Self::reserve_mapped()?,
            Backing::Owned => Storage::Owned(Vec::new()),
        };
        let base = match &mut storage {
            #[cfg(all(unix, target_pointer_width = "64", not(miri)))]
            Storage::Mapped(reservation) => reservation.base(),
            Storage::Owned(bytes) => bytes.as_mut_ptr(),
        };
        Ok(Arena {
            base,
            storage,
            committed: Box::new([0; BITMAP_WORDS]),
            committed_bytes: 0,
        })
    }

    #[cfg(all(unix, target_pointer_width = "64", not(miri)))]
    fn reserve_mapped() -> Result<Storage, ArenaError> {
        mapped::Reservation::new(ARENA_SPAN + GUARD_BYTES).map(Storage::Mapped)
    }

    #[cfg(not(all(unix, target_pointer_width = "64", not(miri))))]
    fn reserve_mapped() -> Result<Storage, ArenaError> {
        Err(ArenaError::Unsupported)
    }

    /// Host address of offset 0, for machine code that adds 32-bit offsets to it. Stable for
    /// the arena's life on [`Backing::Mapped`] only (the owned vector may move as it grows).
    pub fn base_ptr(&mut self) -> *mut u8 {
        self.base
    }

    /// Which backend this arena uses.
    pub fn backing(&self) -> Backing {
        match self.storage {
            #[cfg(all(unix, target_pointer_width = "64", not(miri)))]
            Storage::Mapped(_) => Backing::Mapped,
            Storage::Owned(_) => Backing::Owned,
        }
    }

    /// Total committed bytes (a multiple of [`COMMIT_GRANULE`]).
    pub fn committed_bytes(&self) -> u64 {
        self.committed_bytes
    }

    /// Makes `start..start + len` readable and writable (zero-filled where newly committed),
    /// rounding outwards to whole chunks. Committing an already committed range is a no-op.
    pub fn commit(&mut self, start: u32, len: u32) -> Result<(), ArenaError> {
        if len == 0 {
            return Ok(());
        }
        let end = u64::from(start) + u64::from(len);
        if end > ARENA_SPAN {
            return Err(ArenaError::OutOfRange);
        }
        let first = (start >> GRANULE_SHIFT) as usize;
        let last = ((end - 1) >> GRANULE_SHIFT) as usize;
        let mut chunk = first;
        while chunk <= last {
            if self.chunk_committed(chunk) {
                chunk += 1;
                continue;
            }
            // Commit the whole run of uncommitted chunks in one system call.
            let run_start = chunk;
            while chunk <= last && !self.chunk_committed(chunk) {
                chunk += 1;
            }
            self.commit_chunks(run_start, chunk)?;
        }
        Ok(())
    }

    fn commit_chunks(&mut self, first: usize, end: usize) -> Result<(), ArenaError> {
        let start_byte = (first as u64) << GRANULE_SHIFT;
        let end_byte = (end as u64) << GRANULE_SHIFT;
        match &mut self.storage {
            #[cfg(all(unix, target_pointer_width = "64", not(miri)))]
            Storage::Mapped(reservation) => {
                reservation.commit(start_byte, end_byte - start_byte)?
            }
            Storage::Owned(bytes) => {
                let wanted = usize::try_from(end_byte).map_err(|_| ArenaError::Commit(0))?;
                if wanted > bytes.len() {
                    bytes
                        .try_reserve_exact(wanted - bytes.len())
                        .map_err(|_| ArenaError::Commit(0))?;
                    bytes.resize(wanted, 0);
                    self.base = bytes.as_mut_ptr();
                }
            }
        }
        for chunk in first..end {
            self.committed[chunk / 64 % BITMAP_WORDS] |= 1 << (chunk % 64);
        }
        self.committed_bytes += end_byte - start_byte;
        Ok(())
    }

    fn chunk_committed(&self, chunk: usize) -> bool {
        // Every chunk index is below GRANULE_COUNT; the modulo only lets the compiler see it.
        self.committed[chunk / 64 % BITMAP_WORDS] & (1 << (chunk % 64)) != 0
    }

    /// `is_committed` for an access of `N` (at most a granule) bytes: its first and last
    /// byte's chunks decide, so this is two bit tests and no loop.
    #[inline]
    fn scalar_committed<const N: usize>(&self, offset: u32) -> bool {
        let first = (offset >> GRANULE_SHIFT) as usize;
        if offset & (COMMIT_GRANULE - 1) <= COMMIT_GRANULE - N as u32 {
            // The usual case: the access lies within one chunk.
            return self.chunk_committed(first);
        }
        offset.checked_add(N as u32 - 1).is_some_and(|last| {
            self.chunk_committed(first) && self.chunk_committed((last >> GRANULE_SHIFT) as usize)
        })
    }

    /// Reads `N` bytes at `offset` (the scalar loads' common path).
    #[inline]
    #[track_caller]
    fn read<const N: usize>(&self, offset: u32) -> [u8; N] {
        if !self.scalar_committed::<N>(offset) {
            uncommitted(offset, N as u32);
        }
        // SAFETY: all N bytes are committed (checked above), so inside the live storage and
        // readable; `read_unaligned` needs no alignment; no `&mut` view exists under `&self`.
        unsafe {
            self.base
                .add(offset as usize)
                .cast::<[u8; N]>()
                .read_unaligned()
        }
    }

    /// Writes `bytes` at `offset` (the scalar stores' common path).
    #[inline]
    #[track_caller]
    fn write<const N: usize>(&mut self, offset: u32, bytes: [u8; N]) {
        if !self.scalar_committed::<N>(offset) {
            uncommitted(offset, N as u32);
        }
        // SAFETY: as in `read`; `&mut self` makes this the only access.
        unsafe {
            self.base
                .add(offset as usize)
                .cast::<[u8; N]>()
                .write_unaligned(bytes)
        }
    }

    /// Whether every byte of `start..start + len` is committed (true for an empty range).
    pub fn is_committed(&self, start: u32, len: u32) -> bool {
        if len == 0 {
            return true;
        }
        let end = u64::from(start) + u64::from(len);
        if end > ARENA_SPAN {
            return false;
        }
        let first = (start >> GRANULE_SHIFT) as usize;
        let last = ((end - 1) >> GRANULE_SHIFT) as usize;
        (first..=last).all(|chunk| self.chunk_committed(chunk))
    }

    /// The bytes at `start..start + len`, or `None` if any is uncommitted. This is the entry
    /// point for untrusted addresses (for example a viper `ptr` computed by user code).
    pub fn get(&self, start: u32, len: u32) -> Option<&[u8]> {
        if !self.is_committed(start, len) {
            return None;
        }
        // SAFETY: the range is committed, so it lies inside the live reservation (or vector)
        // and is readable; commits are never undone while `self` lives, and every write goes
        // through `&mut self`, so nothing mutates these bytes while the borrow lasts.
        Some(unsafe { std::slice::from_raw_parts(self.base.add(start as usize), len as usize) })
    }

    /// Mutable twin of [`Arena::get`].
    pub fn get_mut(&mut self, start: u32, len: u32) -> Option<&mut [u8]> {
        if !self.is_committed(start, len) {
            return None;
        }
        // SAFETY: as in `get`; `&mut self` makes this the only live view of the arena.
        Some(unsafe { std::slice::from_raw_parts_mut(self.base.add(start as usize), len as usize) })
    }

    /// The bytes at `start..start + len`. Runtime code calls this only with ranges it knows
    /// are committed (objects the GC handed out); anything else is a bug in krait and panics.
    #[track_caller]
    pub fn bytes(&self, start: u32, len: u32) -> &[u8] {
        match self.get(start, len) {
            Some(bytes) => bytes,
            None => uncommitted(start, len),
        }
    }

    /// Mutable twin of [`Arena::bytes`].
    #[track_caller]
    pub fn bytes_mut(&mut self, start: u32, len: u32) -> &mut [u8] {
        match self.get_mut(start, len) {
            Some(bytes) => bytes,
            None => uncommitted(start, len),
        }
    }

    #[inline]
    #[track_caller]
    pub fn load_u8(&self, offset: u32) -> u8 {
        u8::from_le_bytes(self.read(offset))
    }

    #[inline]
    #[track_caller]
    pub fn load_u16(&self, offset: u32) -> u16 {
        u16::from_le_bytes(self.read(offset))
    }

    #[inline]
    #[track_caller]
    pub fn load_u32(&self, offset: u32) -> u32 {
        u32::from_le_bytes(self.read(offset))
    }

    /// `load_u32` without the commit check, for the interpreter's frames.
    ///
    /// # Safety
    /// `offset..offset + 4` must be committed.
    #[inline]
    pub unsafe fn load_u32_committed(&self, offset: u32) -> u32 {
        debug_assert!(self.scalar_committed::<4>(offset));
        // SAFETY: committed (the caller's promise), so inside the live storage and readable.
        u32::from_le_bytes(unsafe {
            self.base
                .add(offset as usize)
                .cast::<[u8; 4]>()
                .read_unaligned()
        })
    }

    /// `store_u32` without the commit check, for the interpreter's frames.
    ///
    /// # Safety
    /// `offset..offset + 4` must be committed.
    #[inline]
    pub unsafe fn store_u32_committed(&mut self, offset: u32, value: u32) {
        debug_assert!(self.scalar_committed::<4>(offset));
        // SAFETY: as in `load_u32_committed`; `&mut self` makes this the only access.
        unsafe {
            self.base
                .add(offset as usize)
                .cast::<[u8; 4]>()
                .write_unaligned(value.to_le_bytes())
        }
    }

    /// `load_u32` for a word that may not be an address at all (from untrusted bytecode):
    /// `None` where the memory is not committed, instead of a panic.
    #[inline]
    pub fn try_load_u32(&self, offset: u32) -> Option<u32> {
        self.scalar_committed::<4>(offset)
            .then(|| u32::from_le_bytes(self.read(offset)))
    }

    #[inline]
    #[track_caller]
    pub fn store_u8(&mut self, offset: u32, value: u8) {
        self.write(offset, value.to_le_bytes());
    }

    #[inline]
    #[track_caller]
    pub fn store_u16(&mut self, offset: u32, value: u16) {
        self.write(offset, value.to_le_bytes());
    }

    #[inline]
    #[track_caller]
    pub fn store_u32(&mut self, offset: u32, value: u32) {
        self.write(offset, value.to_le_bytes());
    }

    /// Sets `start..start + len` to `byte`.
    #[track_caller]
    pub fn fill(&mut self, start: u32, len: u32, byte: u8) {
        self.bytes_mut(start, len).fill(byte);
    }

    /// Copies `len` bytes from `src` to `dst`; the ranges may overlap (like `memmove`).
    #[track_caller]
    pub fn copy_within(&mut self, src: u32, dst: u32, len: u32) {
        if !self.is_committed(src, len) {
            uncommitted(src, len);
        }
        if !self.is_committed(dst, len) {
            uncommitted(dst, len);
        }
        // SAFETY: both ranges are committed (checked above) and `&mut self` is the only view;
        // `ptr::copy` allows overlap.
        unsafe {
            std::ptr::copy(
                self.base.add(src as usize),
                self.base.add(dst as usize),
                len as usize,
            );
        }
    }
}

impl fmt::Debug for Arena {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Arena")
            .field("backing", &self.backing())
            .field("committed_bytes", &self.committed_bytes)
            .finish()
    }
}

#[cold]
#[track_caller]
fn uncommitted(start: u32, len: u32) -> ! {
    panic!("arena access to uncommitted memory: {len} bytes at {start:#010x}")
}

/// The `mmap`-backed reservation; the only place that talks to the operating system.
#[cfg(all(unix, target_pointer_width = "64", not(miri)))]
mod mapped {
    use super::ArenaError;

    pub struct Reservation {
        base: *mut u8,
        len: usize,
    }

    fn errno() -> i32 {
        std::io::Error::last_os_error().raw_os_error().unwrap_or(0)
    }

    impl Reservation {
        /// Reserves `len` bytes of address space with no access rights and no swap backing.
        pub fn new(len: u64) -> Result<Reservation, ArenaError> {
            let len = usize::try_from(len).map_err(|_| ArenaError::Reserve(0))?;
            // SAFETY: an anonymous private mapping at an address the kernel chooses cannot
            // overlap any existing Rust object; the result is checked before use.
            let base = unsafe {
                libc::mmap(
                    std::ptr::null_mut(),
                    len,
                    libc::PROT_NONE,
                    libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
                    -1,
                    0,
                )
            };
            if base == libc::MAP_FAILED {
                return Err(ArenaError::Reserve(errno()));
            }
            Ok(Reservation {
                base: base.cast(),
                len,
            })
        }

        pub fn base(&self) -> *mut u8 {
            self.base
        }

        /// Grants read/write access to `start..start + len` (inside the reservation, page
        /// aligned: the caller passes whole commit granules).
        pub fn commit(&mut self, start: u64, len: u64) -> Result<(), ArenaError> {
            debug_assert!(start + len <= self.len as u64);
            // SAFETY: the range lies inside our own reservation (granule aligned, below the
            // span) so changing its protection affects no other object.
            let status = unsafe {
                libc::mprotect(
                    self.base.add(start as usize).cast(),
                    len as usize,
                    libc::PROT_READ | libc::PROT_WRITE,
                )
            };
            if status != 0 {
                return Err(ArenaError::Commit(errno()));
            }
            Ok(())
        }
    }

    impl Drop for Reservation {
        fn drop(&mut self) {
            // SAFETY: unmaps exactly the region `new` mapped; no slice into it can outlive the
            // arena that owns this reservation. A failure here leaves only address space behind.
            unsafe {
                libc::munmap(self.base.cast(), self.len);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn backings() -> Vec<Backing> {
        if Backing::preferred() == Backing::Mapped {
            vec![Backing::Mapped, Backing::Owned]
        } else {
            vec![Backing::Owned]
        }
    }

    #[test]
    fn nothing_is_accessible_before_commit() {
        for backing in backings() {
            let arena = Arena::new(backing).unwrap();
            assert_eq!(arena.backing(), backing);
            assert_eq!(arena.committed_bytes(), 0);
            assert!(arena.get(0, 1).is_none());
            assert!(arena.get(0x1_0000, 4).is_none());
            assert!(arena.get(0, 0).is_some(), "an empty range is always valid");
        }
    }

    #[test]
    fn commit_rounds_to_granules_and_starts_zeroed() {
        for backing in backings() {
            let mut arena = Arena::new(backing).unwrap();
            arena.commit(COMMIT_GRANULE + 10, 1).unwrap();
            assert_eq!(arena.committed_bytes(), u64::from(COMMIT_GRANULE));
            assert!(arena.is_committed(COMMIT_GRANULE, COMMIT_GRANULE));
            assert!(
                !arena.is_committed(COMMIT_GRANULE - 1, 2),
                "chunk 0 is not committed"
            );
            assert!(
                !arena.is_committed(2 * COMMIT_GRANULE - 2, 4),
                "chunk 2 is not committed"
            );
            assert!(arena
                .bytes(COMMIT_GRANULE, COMMIT_GRANULE)
                .iter()
                .all(|&b| b == 0));
            // Committing again changes nothing.
            arena.commit(COMMIT_GRANULE, COMMIT_GRANULE).unwrap();
            assert_eq!(arena.committed_bytes(), u64::from(COMMIT_GRANULE));
        }
    }

    #[test]
    fn loads_and_stores_are_little_endian() {
        for backing in backings() {
            let mut arena = Arena::new(backing).unwrap();
            arena.commit(0, 64).unwrap();
            arena.store_u32(4, 0x1122_3344);
            assert_eq!(arena.bytes(4, 4), &[0x44, 0x33, 0x22, 0x11]);
            assert_eq!(arena.load_u16(4), 0x3344);
            assert_eq!(arena.load_u16(6), 0x1122);
            assert_eq!(arena.load_u8(7), 0x11);
            arena.store_u16(9, 0xBEEF);
            assert_eq!(
                arena.load_u32(8),
                0x00BE_EF00,
                "unaligned stores are allowed"
            );
            arena.store_u8(8, 0x7F);
            assert_eq!(arena.load_u32(8), 0x00BE_EF7F);
        }
    }

    #[test]
    fn accesses_straddling_two_committed_chunks_work() {
        for backing in backings() {
            let mut arena = Arena::new(backing).unwrap();
            arena.commit(0, 2 * COMMIT_GRANULE).unwrap();
            arena.store_u32(COMMIT_GRANULE - 2, 0xA1B2_C3D4);
            assert_eq!(arena.load_u32(COMMIT_GRANULE - 2), 0xA1B2_C3D4);
            assert_eq!(arena.load_u16(COMMIT_GRANULE), 0xA1B2);
        }
    }

    #[test]
    fn the_top_of_the_address_space_can_be_committed() {
        // Only the mapped backend: the owned one would need a 4 GiB vector.
        if Backing::preferred() != Backing::Mapped {
            return;
        }
        let mut arena = Arena::new(Backing::Mapped).unwrap();
        let last_chunk = u32::MAX - (COMMIT_GRANULE - 1);
        arena.commit(last_chunk, COMMIT_GRANULE).unwrap();
        arena.store_u32(u32::MAX - 3, 0xCAFE_F00D);
        assert_eq!(arena.load_u32(u32::MAX - 3), 0xCAFE_F00D);
        assert!(
            arena.get(u32::MAX - 2, 4).is_none(),
            "past 2^32 is never valid"
        );
        assert_eq!(arena.commit(u32::MAX, 2), Err(ArenaError::OutOfRange));
    }

    #[test]
    fn copy_within_handles_overlap() {
        for backing in backings() {
            let mut arena = Arena::new(backing).unwrap();
            arena.commit(0, 32).unwrap();
            arena
                .bytes_mut(0, 8)
                .copy_from_slice(&[1, 2, 3, 4, 5, 6, 7, 8]);
            arena.copy_within(0, 2, 8);
            assert_eq!(arena.bytes(0, 10), &[1, 2, 1, 2, 3, 4, 5, 6, 7, 8]);
            arena.copy_within(2, 0, 8);
            assert_eq!(arena.bytes(0, 8), &[1, 2, 3, 4, 5, 6, 7, 8]);
            arena.fill(1, 3, 0xEE);
            assert_eq!(arena.bytes(0, 5), &[1, 0xEE, 0xEE, 0xEE, 5]);
        }
    }

    #[test]
    #[should_panic(expected = "uncommitted")]
    fn trusted_access_to_uncommitted_memory_panics_instead_of_faulting() {
        let arena = Arena::new(Backing::preferred()).unwrap();
        arena.load_u32(0x100);
    }

    #[test]
    fn owned_backing_regrows_and_keeps_contents() {
        let mut arena = Arena::new(Backing::Owned).unwrap();
        arena.commit(0, 16).unwrap();
        arena.store_u32(12, 0xDEAD_BEEF);
        arena.commit(3 * COMMIT_GRANULE, 4).unwrap();
        assert_eq!(arena.load_u32(12), 0xDEAD_BEEF);
        assert!(
            !arena.is_committed(COMMIT_GRANULE, 4),
            "the hole stays uncommitted"
        );
        arena.store_u32(3 * COMMIT_GRANULE, 7);
        assert_eq!(arena.load_u32(3 * COMMIT_GRANULE), 7);
    }
}
