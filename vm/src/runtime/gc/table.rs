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

    /// Blocks in the allocation whose head is `head`.
    pub(super) fn run_len(&self, head: u32) -> u32 {
        let mut len = 1;
        while head + len < self.n_blocks && self.kind(head + len) == BlockKind::Tail {
            len += 1;
        }
        len
    }
}
