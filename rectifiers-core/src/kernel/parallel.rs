//! When and how the kernels split work across threads.

use rayon::prelude::*;

/// Slices shorter than this run on the calling thread; longer ones are split into
/// 16Ki-element pieces on rayon's pool. This is the default of
/// [`Rectifier::PARALLEL_MIN_LEN`](crate::Rectifier::PARALLEL_MIN_LEN), for functions that cost
/// a `sqrt`, a division or an `exp` per element; [`CHEAP_PARALLEL_MIN_LEN`] is for the
/// compare-and-select ones.
///
/// Measured with `cargo run --release -p rectifiers-benches --bin threshold` (2 cores, f32,
/// one thread against the same work split in two with `rayon::join`, side by side): squareplus
/// 0.97x at 8Ki, 1.31x at 16Ki, 1.56x at 32Ki; silu 1.27x at 8Ki, 1.55x at 16Ki.
pub const PARALLEL_MIN_LEN: usize = 1 << 14;

/// The threshold for ReLU, leaky ReLU, SReLU and PReLU, which are memory-bound: splitting
/// ReLU measured 0.19x at 32Ki, 0.71x at 128Ki, 1.01x at 256Ki and 1.54x at 1Mi.
pub const CHEAP_PARALLEL_MIN_LEN: usize = 1 << 18;

/// Elements per task above the threshold: large enough to amortise scheduling, small
/// enough (64 KiB of f32) to stay in L2 and balance across threads.
pub(crate) const CHUNK: usize = 1 << 14;

/// Runs `f` over matching chunks of `a` and `out`, in parallel for long slices.
#[inline]
pub(crate) fn zip_chunks<A: Sync, O: Send>(
    min_len: usize,
    a: &[A],
    out: &mut [O],
    f: impl Fn(&[A], &mut [O]) + Sync + Send,
) {
    debug_assert_eq!(a.len(), out.len());
    if out.len() < min_len {
        f(a, out);
    } else {
        a.par_chunks(CHUNK)
            .zip(out.par_chunks_mut(CHUNK))
            .for_each(|(a, o)| f(a, o));
    }
}

/// Runs `f` over matching chunks of `a`, `b` and `out`, in parallel for long slices.
#[inline]
pub(crate) fn zip3_chunks<A: Sync, B: Sync, O: Send>(
    min_len: usize,
    a: &[A],
    b: &[B],
    out: &mut [O],
    f: impl Fn(&[A], &[B], &mut [O]) + Sync + Send,
) {
    debug_assert_eq!(a.len(), out.len());
    debug_assert_eq!(b.len(), out.len());
    if out.len() < min_len {
        f(a, b, out);
    } else {
        a.par_chunks(CHUNK)
            .zip(b.par_chunks(CHUNK))
            .zip(out.par_chunks_mut(CHUNK))
            .for_each(|((a, b), o)| f(a, b, o));
    }
}

/// Runs `f` over chunks of `out`, in parallel for long slices.
#[inline]
pub(crate) fn chunks_mut<O: Send>(
    min_len: usize,
    out: &mut [O],
    f: impl Fn(&mut [O]) + Sync + Send,
) {
    if out.len() < min_len {
        f(out);
    } else {
        out.par_chunks_mut(CHUNK).for_each(f);
    }
}
