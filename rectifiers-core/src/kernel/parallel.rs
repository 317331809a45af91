//! When and how the kernels split work across threads.

use rayon::prelude::*;

/// Slices shorter than this run on the calling thread; longer ones are split into
/// 16Ki-element pieces on rayon's pool.
///
/// Measured with `cargo bench -p rectifiers-core --bench threshold` on 2 cores: below about
/// 32Ki f32 elements of an algebraic function, handing work to a second thread costs more
/// than it saves (see that bench's docs for the numbers).
pub const PARALLEL_MIN_LEN: usize = 1 << 15;

/// Elements per task above the threshold: large enough to amortise scheduling, small
/// enough (64 KiB of f32) to stay in L2 and balance across threads.
pub(crate) const CHUNK: usize = 1 << 14;

/// Runs `f` over matching chunks of `a` and `out`, in parallel for long slices.
#[inline]
pub(crate) fn zip_chunks<A: Sync, O: Send>(
    a: &[A],
    out: &mut [O],
    f: impl Fn(&[A], &mut [O]) + Sync + Send,
) {
    debug_assert_eq!(a.len(), out.len());
    if out.len() < PARALLEL_MIN_LEN {
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
    a: &[A],
    b: &[B],
    out: &mut [O],
    f: impl Fn(&[A], &[B], &mut [O]) + Sync + Send,
) {
    debug_assert_eq!(a.len(), out.len());
    debug_assert_eq!(b.len(), out.len());
    if out.len() < PARALLEL_MIN_LEN {
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
pub(crate) fn chunks_mut<O: Send>(out: &mut [O], f: impl Fn(&mut [O]) + Sync + Send) {
    if out.len() < PARALLEL_MIN_LEN {
        f(out);
    } else {
        out.par_chunks_mut(CHUNK).for_each(f);
    }
}
