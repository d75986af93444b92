//! The allocation table: two bits of state per block, as `gc.c`'s ATB.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum BlockKind {
    Free = 0,
    Head = 1,
    Tail = 2,
    Mark = 3,
}

/// Two bits per block, four blocks per byte, block 0 in the low bits (as `gc.c`'s ATB).
pub(super) struct AllocTable {
    bits: Vec<u8>,
    pub(super) n_blocks: u32,
}

impl AllocTable {
    pub(super) fn new(n_blocks: u32) -> AllocTable {
        AllocTable {
            bits: vec![0; n_blocks.div_ceil(4) as usize],
            n_blocks,
        }
    }

    pub(super) fn kind(&self, block: u32) -> BlockKind {
        match (self.bits[(block / 4) as usize] >> ((block % 4) * 2)) & 3 {
            0 => BlockKind::Free,
            1 => BlockKind::Head,
            2 => BlockKind::Tail,
            _ => BlockKind::Mark,
        }
    }

    pub(super) fn set(&mut self, block: u32, kind: BlockKind) {
        let byte = &mut self.bits[(block / 4) as usize];
        let shift = (block % 4) * 2;
        *byte = (*byte & !(3 << shift)) | ((kind as u8) << shift);
    }

    /// The first free block at or after `from`, looking 32 blocks at a time.
    pub(super) fn next_free(&self, from: u32) -> Option<u32> {
        self.next_matching(from, self.n_blocks, true)
    }

    /// The first block in `from..limit` that is not free, or `limit` (at most `n_blocks`).
    pub(super) fn next_used(&self, from: u32, limit: u32) -> u32 {
        let limit = limit.min(self.n_blocks);
        self.next_matching(from, limit, false).unwrap_or(limit)
    }

    /// The first block in `from..limit` that is free (`want_free`) or not.
    fn next_matching(&self, from: u32, limit: u32, want_free: bool) -> Option<u32> {
        let mut block = from;
        while block < limit {
            // Blocks `block..block + 32` (or to the end) as one word, 2 bits each. A block's
            // low result bit is set when either of its bits is: that is, when it is in use.
            let fields = self.word_at(block);
            let used = (fields | fields >> 1) & 0x5555_5555_5555_5555;
            let wanted = if want_free {
                !used & 0x5555_5555_5555_5555
            } else {
                used
            };
            // Fields shifted in from beyond the word are zero (they read as free), so only
            // the blocks that really lie in this word may answer.
            let in_word = 32 - block % 4;
            let hit = wanted.trailing_zeros() / 2;
            if hit < in_word {
                let found = block + hit;
                return (found < limit).then_some(found);
            }
            block += in_word;
        }
        None
    }

    /// The table bits of blocks `block..`, block `block` in the low bits, zero past the end.
    fn word_at(&self, block: u32) -> u64 {
        let byte = (block / 4) as usize;
        let word = match self.bits.get(byte..byte + 8) {
            Some(eight) => u64::from_le_bytes(eight.try_into().unwrap_or_default()),
            None => {
                let mut word = [0u8; 8];
                let tail = &self.bits[byte.min(self.bits.len())..];
                word[..tail.len()].copy_from_slice(tail);
                u64::from_le_bytes(word)
            }
        };
        word >> ((block % 4) * 2)
    }

    /// Blocks in the allocation whose head is `head`, looking 32 blocks at a time (a long
    /// string's buffer is asked for its size at every append).
    pub(super) fn run_len(&self, head: u32) -> u32 {
        let mut block = head + 1;
        while block < self.n_blocks {
            // A tail's field is 0b10; fields past the table's end read as free.
            let fields = self.word_at(block);
            let tails = (fields >> 1) & !fields & 0x5555_5555_5555_5555;
            let others = !tails & 0x5555_5555_5555_5555;
            let in_word = 32 - block % 4;
            let hit = others.trailing_zeros() / 2;
            if hit < in_word {
                return (block + hit).min(self.n_blocks) - head;
            }
            block += in_word;
        }
        self.n_blocks.max(head + 1) - head
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `next_free`/`next_used` against a block-by-block scan, over patterns crossing words.
    #[test]
    fn word_scans_agree_with_block_scans() {
        let mut table = AllocTable::new(203);
        let mut seed = 12345u32;
        for block in 0..table.n_blocks {
            seed = seed.wrapping_mul(1103515245).wrapping_add(12345);
            // Long used stretches with occasional free blocks, and some free stretches.
            let kind = match (seed >> 16) % 8 {
                0 => BlockKind::Free,
                1..=4 => BlockKind::Tail,
                5 => BlockKind::Mark,
                _ if block > 150 => BlockKind::Free,
                _ => BlockKind::Head,
            };
            table.set(block, kind);
        }
        for from in 0..=table.n_blocks + 2 {
            let free = (from..table.n_blocks).find(|&b| table.kind(b) == BlockKind::Free);
            let used = (from..table.n_blocks)
                .find(|&b| table.kind(b) != BlockKind::Free)
                .unwrap_or(table.n_blocks);
            assert_eq!(table.next_free(from), free, "next_free({from})");
            assert_eq!(table.next_used(from, u32::MAX), used, "next_used({from})");
            let limit = from + 5;
            assert_eq!(
                table.next_used(from, limit),
                used.min(limit).min(table.n_blocks)
            );
            if from < table.n_blocks {
                let tails = (from + 1..table.n_blocks)
                    .take_while(|&b| table.kind(b) == BlockKind::Tail)
                    .count() as u32;
                assert_eq!(table.run_len(from), 1 + tails, "run_len({from})");
            }
        }
    }
}
