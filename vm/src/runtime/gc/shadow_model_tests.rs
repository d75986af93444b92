//! Randomised programs run against a shadow model of the heap: after every collection the
//! model's reachable objects must be allocated with their contents intact, and nothing else.

use std::collections::{HashMap, HashSet};

use super::super::arena::{Arena, Backing};
use super::super::obj::Obj;
use super::*;

fn heap(pool_blocks: u32) -> Heap {
    let arena = Arena::new(Backing::preferred()).unwrap();
    let config = HeapConfig {
        pool_start: DEFAULT_POOL_START,
        pool_size: pool_blocks * BYTES_PER_BLOCK,
    };
    Heap::new(arena, config).unwrap()
}

fn ptr(offset: u32) -> Obj {
    Obj::from_ptr(offset).unwrap()
}

/// A tiny deterministic generator so failures reproduce from the printed seed.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// The shadow model: each live allocation's words as the test wrote them. Words are either
/// model pointers or odd small ints, so conservative marking finds exactly the model's edges.
#[derive(Default)]
struct Model {
    objects: HashMap<u32, Vec<u32>>,
    roots: Vec<(RootId, u32)>,
    temps: Vec<u32>,
}

impl Model {
    fn reachable(&self) -> HashSet<u32> {
        let mut seen = HashSet::new();
        let roots = self.roots.iter().map(|&(_, offset)| offset);
        let mut stack: Vec<u32> = roots.chain(self.temps.iter().copied()).collect();
        while let Some(offset) = stack.pop() {
            if self.objects.contains_key(&offset) && seen.insert(offset) {
                stack.extend(self.objects[&offset].iter().copied());
            }
        }
        seen
    }

    /// Drops what a collection frees: everything unreachable from the roots.
    fn collect(&mut self) {
        let live = self.reachable();
        self.objects.retain(|offset, _| live.contains(offset));
    }

    fn check(&self, heap: &Heap, seed: u64) {
        let mut used = 0;
        for (&offset, words) in &self.objects {
            assert!(heap.is_allocated(offset), "seed {seed}: {offset:#x} lost");
            for (index, &word) in words.iter().enumerate() {
                assert_eq!(
                    heap.arena().load_u32(offset + 4 * index as u32),
                    word,
                    "seed {seed}"
                );
            }
            used += heap.allocation_size(offset).unwrap();
        }
        assert_eq!(
            heap.info().used,
            used,
            "seed {seed}: something unreachable survived"
        );
    }
}

fn run_random_program(seed: u64, stress: bool) {
    let mut rng = XorShift(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut heap = heap(256);
    heap.set_stress(stress);
    let mut model = Model::default();
    for _ in 0..400 {
        // Sorted: the model's map iterates in a per-process random order, and a seed must
        // name one program.
        let mut live: Vec<u32> = model.objects.keys().copied().collect();
        live.sort_unstable();
        match rng.below(10) {
            0..=3 => {
                let max_words = if rng.below(8) == 0 { 60 } else { 12 };
                let n_bytes = 4 + 4 * rng.below(max_words) as u32;
                let before = heap.collections();
                let result = heap.alloc(n_bytes);
                let collected = heap.collections() != before;
                if collected {
                    model.collect();
                }
                let Ok(offset) = result else {
                    model.check(&heap, seed);
                    assert!(
                        heap.info().max_free * BYTES_PER_BLOCK < n_bytes,
                        "seed {seed}"
                    );
                    continue;
                };
                assert!(
                    !model.objects.contains_key(&offset),
                    "seed {seed}: reused a live block"
                );
                model.objects.insert(offset, vec![0; n_bytes as usize / 4]);
                model.check(&heap, seed);
                let words = (0..n_bytes / 4)
                    .map(|_| rng.next() as u32 | 1)
                    .collect::<Vec<_>>();
                for (index, &word) in words.iter().enumerate() {
                    heap.arena_mut().store_u32(offset + 4 * index as u32, word);
                }
                model.objects.insert(offset, words);
                match rng.below(3) {
                    0 => model.roots.push((heap.add_root(ptr(offset)), offset)),
                    1 => {
                        heap.push_temp_root(ptr(offset));
                        model.temps.push(offset);
                    }
                    _ => {}
                }
            }
            4..=6 if live.len() >= 2 => {
                let from = live[rng.below(live.len())];
                let to = live[rng.below(live.len())];
                let words = model.objects.get_mut(&from).unwrap();
                let index = rng.below(words.len());
                words[index] = to;
                heap.arena_mut().store_u32(from + 4 * index as u32, to);
            }
            7 if !model.roots.is_empty() => {
                let (id, _) = model.roots.swap_remove(rng.below(model.roots.len()));
                heap.remove_root(id);
            }
            8 if !model.temps.is_empty() => {
                let count = 1 + rng.below(model.temps.len());
                heap.pop_temp_roots(count);
                model.temps.truncate(model.temps.len() - count);
            }
            9 if rng.below(2) == 0 => resize_random_root(&mut heap, &mut model, &mut rng, seed),
            _ => {
                heap.collect();
                model.collect();
                model.check(&heap, seed);
            }
        }
    }
    heap.collect();
    model.collect();
    model.check(&heap, seed);
}

/// Reallocates an object that only its root slot references (the contract of `realloc`:
/// the caller owns the one pointer to update), first clearing any words it drops.
fn resize_random_root(heap: &mut Heap, model: &mut Model, rng: &mut XorShift, seed: u64) {
    let referenced = |offset: u32| {
        model.objects.values().any(|words| words.contains(&offset))
            || model.temps.contains(&offset)
            || model.roots.iter().filter(|&&(_, o)| o == offset).count() > 1
    };
    let candidates: Vec<usize> = (0..model.roots.len())
        .filter(|&i| model.objects.contains_key(&model.roots[i].1) && !referenced(model.roots[i].1))
        .collect();
    if candidates.is_empty() {
        return;
    }
    let index = candidates[rng.below(candidates.len())];
    let (id, old) = model.roots[index];
    let new_len = 1 + rng.below(40);
    let mut words = model.objects[&old].clone();
    for (dropped, word) in words.iter_mut().enumerate().skip(new_len) {
        heap.arena_mut().store_u32(old + 4 * dropped as u32, 0);
        *word = 0;
    }
    // Until `realloc` succeeds the object keeps its size (a failed growth leaves it as it
    // was), with the dropped words cleared.
    model.objects.insert(old, words.clone());
    words.resize(new_len, 0);
    let before = heap.collections();
    let result = heap.realloc(old, 4 * new_len as u32);
    if heap.collections() != before {
        model.collect();
    }
    if let Ok(new) = result {
        model.objects.remove(&old);
        model.objects.insert(new, words);
        heap.set_root(id, ptr(new));
        model.roots[index].1 = new;
    }
    model.check(heap, seed);
}

#[test]
fn random_programs_agree_with_the_shadow_model() {
    for seed in 0..400 {
        run_random_program(seed, false);
    }
}

#[test]
fn random_programs_agree_with_the_shadow_model_under_stress() {
    for seed in 100..110 {
        run_random_program(seed, true);
    }
}
