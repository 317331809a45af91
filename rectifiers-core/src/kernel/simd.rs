//! Runs a kernel loop compiled for the widest vector unit the CPU has.
//!
//! The loops are plain Rust over `f64` formulas without branches, which LLVM vectorises; what
//! limits them is the vector width of the target and whether it has fused multiply-add. A
//! default `x86_64` build may assume SSE2 only (2 `f64` lanes, no FMA), so each loop is
//! compiled three times, for AVX-512F (8 lanes), AVX2 with FMA (4 lanes) and the build's
//! baseline, and the widest one the CPU reports runs.
//!
//! The three give the same bits. The `f32` paths' polynomials use `mul_add`, which is one
//! rounding by definition: the FMA instruction at the AVX2 and AVX-512 levels, the C
//! library's `fma` (correctly rounded, but a call per operation, which stops vectorisation)
//! at an `x86_64` baseline without FMA; every other operation is a plain IEEE operation, and
//! Rust never fuses or reorders them on its own. So every version, and the scalar functions
//! ([`Rectifier::forward`](crate::Rectifier::forward)), agree bit for bit.

use std::sync::atomic::{AtomicU8, Ordering};

/// The vector units a kernel loop can be compiled for, narrowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SimdLevel {
    /// The build's target features (SSE2 for a default `x86_64` build).
    Baseline,
    /// AVX2 with FMA: 4 `f64` lanes.
    Avx2,
    /// AVX-512F with FMA: 8 `f64` lanes.
    Avx512,
}

/// 0: not read yet; else `1 + SimdLevel as u8`.
static LEVEL: AtomicU8 = AtomicU8::new(0);

/// The level the kernels run at: the widest this CPU has, or narrower if the environment
/// variable `RECTIFIERS_SIMD` says so (`baseline`, `avx2`; for tests and benchmarks, which
/// check that every level gives the same bits). Read once per process.
///
/// ```
/// let level = rectifiers_core::kernel::simd_level();
/// println!("the kernels run with {level:?}");
/// ```
pub fn simd_level() -> SimdLevel {
    match LEVEL.load(Ordering::Relaxed) {
        1 => SimdLevel::Baseline,
        2 => SimdLevel::Avx2,
        3 => SimdLevel::Avx512,
        _ => {
            let level = detect().min(requested());
            LEVEL.store(1 + level as u8, Ordering::Relaxed);
            level
        }
    }
}

fn detect() -> SimdLevel {
    #[cfg(target_arch = "x86_64")]
    {
        let fma = std::arch::is_x86_feature_detected!("fma");
        if std::arch::is_x86_feature_detected!("avx512f") && fma {
            return SimdLevel::Avx512;
        }
        if std::arch::is_x86_feature_detected!("avx2") && fma {
            return SimdLevel::Avx2;
        }
    }
    SimdLevel::Baseline
}

fn requested() -> SimdLevel {
    match std::env::var("RECTIFIERS_SIMD").as_deref() {
        Ok("baseline") => SimdLevel::Baseline,
        Ok("avx2") => SimdLevel::Avx2,
        _ => SimdLevel::Avx512,
    }
}

/// Defines `$name(args)`, which runs `$body` compiled for AVX-512F, AVX2 or the baseline.
macro_rules! multiversion {
    (
        $(#[$meta:meta])*
        fn $name:ident<$($g:ident: $bound:path),*>($($arg:ident: $ty:ty),*) $body:block
    ) => {
        $(#[$meta])*
        #[inline]
        fn $name<$($g: $bound),*>($($arg: $ty),*) {
            #[inline(always)]
            fn body<$($g: $bound),*>($($arg: $ty),*) $body

            #[cfg(target_arch = "x86_64")]
            {
                #[target_feature(enable = "avx512f,fma")]
                fn avx512<$($g: $bound),*>($($arg: $ty),*) {
                    body($($arg),*)
                }
                #[target_feature(enable = "avx2,fma")]
                fn avx2<$($g: $bound),*>($($arg: $ty),*) {
                    body($($arg),*)
                }
                match $crate::kernel::simd_level() {
                    // SAFETY: `avx512` needs AVX-512F and FMA; `simd_level` returns `Avx512`
                    // only when `is_x86_feature_detected!` reported both (`detect`).
                    $crate::kernel::SimdLevel::Avx512 => return unsafe { avx512($($arg),*) },
                    // SAFETY: `avx2` needs AVX2 and FMA; `simd_level` returns `Avx2` only when
                    // `is_x86_feature_detected!` reported both.
                    $crate::kernel::SimdLevel::Avx2 => return unsafe { avx2($($arg),*) },
                    $crate::kernel::SimdLevel::Baseline => {}
                }
            }
            body($($arg),*)
        }
    };
}

pub(crate) use multiversion;
