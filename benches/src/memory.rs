//! Peak memory of one call, from Linux's per-process counters.
//!
//! Writing `5` to `/proc/self/clear_refs` resets the peak resident set (`VmHWM` in
//! `/proc/self/status`) to the current one (`VmRSS`); after the call, `VmHWM - VmRSS(before)`
//! is how far the call pushed the resident set up: its outputs, the tensors autodiff saved,
//! and every temporary alive at the worst moment.
//!
//! It sees what the allocator took from the kernel. Large buffers (above glibc's mmap
//! threshold, at most 32 MiB; 16Mi f32 tensors are 64 MiB) are mapped and unmapped each time,
//! so at large sizes the number is the tensors' own; small buffers are recycled inside the
//! heap and may not show at all. Read it at 16Mi.

use std::fs;

/// Resets the peak resident set to the current one; returns the current one in KiB (`None`
/// off Linux or where `/proc/self/clear_refs` is not writable).
pub fn reset_peak() -> Option<u64> {
    fs::write("/proc/self/clear_refs", "5").ok()?;
    status_kib("VmRSS:")
}

/// The peak resident set since the last reset, in KiB.
pub fn peak_kib() -> Option<u64> {
    status_kib("VmHWM:")
}

/// A `kB` field of `/proc/self/status`.
fn status_kib(field: &str) -> Option<u64> {
    let status = fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))?
        .trim()
        .strip_suffix("kB")?
        .trim()
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_peak_is_at_least_the_current_set() {
        if let (Some(now), Some(peak)) = (reset_peak(), peak_kib()) {
            assert!(peak + 1024 >= now, "peak {peak} KiB, now {now} KiB");
        }
    }
}
