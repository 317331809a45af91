//! Launch shapes of the reduction kernels (LSE0+ and PReLU's backward), from the tensor's shape
//! alone. Plain arithmetic, compiled with or without the `cuda` feature, so that its invariants
//! are tested on any machine; `cuda.rs` turns the plans into launches. The constants shared with
//! the kernels come from their headers (`build.rs`).
#![cfg_attr(not(feature = "cuda"), allow(dead_code))]

include!(concat!(env!("OUT_DIR"), "/kernel_constants.rs"));

/// Threads per block of the LSE0+ cached kernels when a block holds several rows (rows of up to
/// 32 threads).
pub(crate) const LSE_GROUP_BLOCK: usize = 256;

/// How the LSE0+ kernels cover a `[rows, n]` input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LsePlan {
    /// `tpr` threads per row (a power of two), each caching up to [`LSE_CACHE`] elements in
    /// registers: the row is read once. `block` threads per block, `block / tpr` rows each.
    Cached { tpr: usize, block: usize },
    /// Rows cut into `chunks` chunks of [`LSE_CHUNK`]: one block of [`LSE_SPLIT_THREADS`] per
    /// chunk writes a partial state, merged per row by another kernel.
    Split { chunks: usize },
}

impl LsePlan {
    /// The plan for rows of `n` elements.
    pub(crate) fn new(n: usize) -> LsePlan {
        if n <= LSE_CACHE * LSE_MAX_TPR {
            // The fewest threads that cache the row: each holds close to LSE_CACHE elements, so
            // its loads are in flight together, and the reductions are short (2 shuffle steps
            // for rows of 64).
            let tpr = n.div_ceil(LSE_CACHE).next_power_of_two();
            let block = if tpr <= 32 { LSE_GROUP_BLOCK } else { tpr };
            LsePlan::Cached { tpr, block }
        } else {
            LsePlan::Split {
                chunks: n.div_ceil(LSE_CHUNK),
            }
        }
    }
}

/// Threads per block of the PReLU backward kernels.
pub(crate) const PRELU_BLOCK: usize = 256;
/// Threads that the element mode aims for: about a full H200 (132 SMs x 2048), and a few
/// MiB of partial sums (16 bytes each).
const PRELU_TARGET_THREADS: usize = 1 << 18;
/// Blocks that the row mode aims for (of [`PRELU_BLOCK`] threads: the same thread count).
const PRELU_TARGET_BLOCKS: usize = PRELU_TARGET_THREADS / PRELU_BLOCK;

/// How PReLU's backward covers `[outer, channels, inner]` (see `kernels/prelu.cuh`): pass 1
/// writes `slots` compensated sums, slot `(q * channels + c) * w + j` holding only elements of
/// channel `c`; pass 2 sums, per channel, its `q * w` slots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PreluPlan {
    pub(crate) mode: PreluMode,
    /// The `inner` the kernels use (1 when there is one channel).
    pub(crate) inner: usize,
    pub(crate) slots: usize,
    pub(crate) w: usize,
    pub(crate) q: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PreluMode {
    /// One slot per thread: `slots` threads, a grid-stride loop with that stride.
    Elems,
    /// One slot per block: `slots` blocks; rows cut into `segs` (= `w`) segments of `seg_len`
    /// elements (the last one may be shorter, none is empty).
    Rows { seg_len: usize },
}

impl PreluPlan {
    /// The plan for `numel > 0` elements as `[outer, channels, inner]` (`channels >= 1`,
    /// `inner >= 1`, `numel` a multiple of `channels * inner`; with one channel `inner` is
    /// ignored). Depends on the shape only, so a shape always sums in the same order.
    pub(crate) fn new(numel: usize, channels: usize, inner: usize) -> PreluPlan {
        let inner = if channels == 1 { 1 } else { inner };
        let outer = numel / (channels * inner);
        if inner < PRELU_ROW_MIN_INNER {
            // A stride of q whole periods (channels * inner) keeps each thread on one channel.
            let period = channels * inner;
            let q = (PRELU_TARGET_THREADS / period).clamp(1, outer);
            PreluPlan {
                mode: PreluMode::Elems,
                inner,
                slots: q * period,
                w: inner,
                q,
            }
        } else {
            // Long rows: a block per row segment, rows cut only when there are too few rows to
            // fill the device, never below PRELU_ROW_MIN_INNER elements a segment.
            let rows = outer * channels;
            let want = PRELU_TARGET_BLOCKS.div_ceil(rows);
            let segs = want.clamp(1, inner / PRELU_ROW_MIN_INNER);
            let seg_len = inner.div_ceil(segs);
            let segs = inner.div_ceil(seg_len);
            let q = (PRELU_TARGET_BLOCKS / (channels * segs)).clamp(1, outer);
            PreluPlan {
                mode: PreluMode::Rows { seg_len },
                inner,
                slots: q * channels * segs,
                w: segs,
                q,
            }
        }
    }

    /// The slot of channel `c`'s `k`-th partial sum (`prelu_slot` in `kernels/prelu.cuh`).
    #[cfg(test)]
    fn slot(&self, k: usize, c: usize, channels: usize) -> usize {
        ((k / self.w) * channels + c) * self.w + k % self.w
    }

    /// The slot that element `i` is summed into, as the pass-1 kernels assign them.
    #[cfg(test)]
    fn slot_of_element(&self, i: usize) -> usize {
        match self.mode {
            PreluMode::Elems => i % self.slots,
            PreluMode::Rows { seg_len } => {
                let unit = (i / self.inner) * self.w + (i % self.inner) / seg_len;
                unit % self.slots
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lse_plans() {
        assert_eq!(LsePlan::new(0), LsePlan::Cached { tpr: 1, block: 256 });
        assert_eq!(LsePlan::new(64), LsePlan::Cached { tpr: 4, block: 256 });
        assert_eq!(
            LsePlan::new(4096),
            LsePlan::Cached {
                tpr: 256,
                block: 256
            }
        );
        assert_eq!(
            LsePlan::new(8192),
            LsePlan::Cached {
                tpr: 512,
                block: 512
            }
        );
        assert_eq!(LsePlan::new(8193), LsePlan::Split { chunks: 2 });
        for n in 0..=LSE_CACHE * LSE_MAX_TPR {
            let LsePlan::Cached { tpr, block } = LsePlan::new(n) else {
                panic!("n = {n}: not cached");
            };
            assert!(
                tpr * LSE_CACHE >= n,
                "n = {n}: tpr {tpr} cannot hold the row"
            );
            assert!(
                tpr == 1 || (tpr / 2) * LSE_CACHE < n,
                "n = {n}: tpr {tpr} is too many"
            );
            assert!(tpr.is_power_of_two() && tpr <= LSE_MAX_TPR);
            // The kernels' reductions: a group within a warp, or the whole block.
            assert!(block.is_multiple_of(32) && block.is_multiple_of(tpr));
            assert!(
                tpr <= 32 || tpr == block,
                "n = {n}: tpr {tpr}, block {block}"
            );
        }
    }

    /// Every element goes to exactly one slot, of its own channel; pass 2 visits every slot
    /// once, each under the right channel.
    #[test]
    fn prelu_plans_partition_by_channel() {
        let shapes = [
            (1, 1, 1),
            (7, 1, 1),
            (5000, 1, 1),
            (8, 8, 1),
            (64 * 3, 3, 1),
            (2 * 4 * 25, 4, 25),
            (300 * 7 * 40, 7, 40),
            (2 * 3 * 1024, 3, 1024),
            (3 * 5000, 3, 5000),
            (2 * 2 * 70_000, 2, 70_000),
            (1500 * 2 * 1024, 2, 1024),
        ];
        for (numel, channels, inner) in shapes {
            let plan = PreluPlan::new(numel, channels, inner);
            let what = format!("{numel} as [.., {channels}, {inner}]: {plan:?}");
            let channel = |i: usize| (i / plan.inner) % channels;
            assert!(plan.q >= 1 && plan.w >= 1, "{what}");
            assert_eq!(plan.slots, plan.q * channels * plan.w, "{what}");
            let mut slot_channel = vec![None; plan.slots];
            for i in 0..numel {
                let s = plan.slot_of_element(i);
                assert!(s < plan.slots, "{what}: element {i} -> slot {s}");
                let c = *slot_channel[s].get_or_insert(channel(i));
                assert_eq!(
                    c,
                    channel(i),
                    "{what}: slot {s} mixes channels {c} and {}",
                    channel(i)
                );
            }
            let mut seen = vec![false; plan.slots];
            for c in 0..channels {
                for k in 0..plan.q * plan.w {
                    let s = plan.slot(k, c, channels);
                    assert!(!seen[s], "{what}: slot {s} summed twice");
                    seen[s] = true;
                    if let Some(sc) = slot_channel[s] {
                        assert_eq!(sc, c, "{what}: slot {s} of channel {sc} summed into {c}");
                    }
                }
            }
            assert!(seen.iter().all(|&s| s), "{what}: a slot is never summed");
            match plan.mode {
                PreluMode::Elems => assert!(plan.slots <= numel, "{what}: idle threads"),
                PreluMode::Rows { seg_len } => {
                    assert!(seg_len * plan.w >= plan.inner && seg_len * (plan.w - 1) < plan.inner);
                    assert!(
                        plan.slots <= numel / plan.inner * plan.w,
                        "{what}: idle blocks"
                    );
                }
            }
        }
    }

    #[test]
    fn prelu_plans_fill_the_device() {
        // 256Mi f32, channels last and NCHW-like: about PRELU_TARGET_THREADS threads.
        let p = PreluPlan::new(1 << 28, 64, 1);
        assert_eq!((p.mode, p.slots), (PreluMode::Elems, PRELU_TARGET_THREADS));
        let p = PreluPlan::new(1 << 28, 64, 64 * 64);
        assert_eq!(p.slots, PRELU_TARGET_BLOCKS);
        // Few long rows are cut into segments.
        let p = PreluPlan::new(3 << 22, 3, 1 << 22);
        assert!(p.slots >= PRELU_TARGET_BLOCKS / 2, "{p:?}");
    }
}
