//! This machine's copy bandwidth: the reference for "% of copy BW".
//!
//! A copy of `n s` bytes (the size of one tensor) moves `2 n s` bytes (read and write), with
//! every rayon thread, as the fused kernels run. Two views, measured in the same run as the
//! ops:
//!
//! - `reused`: into a buffer allocated once, already touched: the memory system's limit;
//! - `fresh`: into a new allocation each time, as an out-of-place op's output is. Above the
//!   allocator's mmap threshold each new buffer is fresh pages, and the first write to each
//!   page faults (a 64 MiB output costs ~38 ms of faults on the 2-core development machine).
//!
//! Below [`SERIAL_BELOW`] bytes the copy runs on the calling thread: handing such a copy to
//! the pool costs more than it saves (the core's kernels make the same choice).

use rayon::prelude::*;

use crate::timing::Meter;

/// Copies smaller than this many bytes run on one thread.
pub const SERIAL_BELOW: usize = 256 * 1024;

/// The two copy views.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CopyKind {
    /// Into a fresh allocation each time.
    Fresh,
    /// Into one reused buffer.
    Reused,
}

impl CopyKind {
    /// Both, in table order.
    pub const ALL: [CopyKind; 2] = [CopyKind::Fresh, CopyKind::Reused];

    /// `fresh`, `reused`: the variant column of the copy rows.
    pub fn name(self) -> &'static str {
        match self {
            CopyKind::Fresh => "fresh",
            CopyKind::Reused => "reused",
        }
    }
}

/// `dst = src`, on every thread above [`SERIAL_BELOW`] bytes.
pub fn par_copy(src: &[u8], dst: &mut [u8]) {
    if src.len() < SERIAL_BELOW {
        dst.copy_from_slice(src);
        return;
    }
    let chunk = src
        .len()
        .div_ceil(4 * rayon::current_num_threads())
        .next_multiple_of(4096);
    dst.par_chunks_mut(chunk)
        .zip(src.par_chunks(chunk))
        .for_each(|(d, s)| d.copy_from_slice(s));
}

/// A measured call (see [`crate::timing`]) copying `bytes` bytes the `kind` way.
pub fn copy_call(kind: CopyKind, bytes: usize) -> impl FnMut(&mut Meter) {
    let src: Vec<u8> = (0..bytes).map(|i| i as u8).collect();
    let mut reused = vec![0_u8; bytes];
    move |meter: &mut Meter| match kind {
        CopyKind::Reused => {
            meter.start();
            par_copy(&src, &mut reused);
            meter.stop();
            std::hint::black_box(&reused);
        }
        CopyKind::Fresh => {
            meter.start();
            let mut dst = vec![0_u8; bytes];
            par_copy(&src, &mut dst);
            meter.stop();
            std::hint::black_box(&dst);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn par_copy_copies_every_byte() {
        for len in [0, 10, SERIAL_BELOW + 12_345] {
            let src: Vec<u8> = (0..len).map(|i| (i * 7) as u8).collect();
            let mut dst = vec![0; len];
            par_copy(&src, &mut dst);
            assert_eq!(src, dst);
        }
    }
}
