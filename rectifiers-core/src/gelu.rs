//! GELU with the exact (erf) form: `x Phi(x)`.

use crate::{
    Rectifier, gelu_f32,
    support::{
        dd,
        math::{FRAC_1_SQRT_2PI, TWO_M600, exp_up},
    },
};

/// `1/sqrt 2` as a double-double (mpmath, 200 bits).
const FRAC_1_SQRT_2_HI: f64 = core::f64::consts::FRAC_1_SQRT_2; // 0x1.6a09e667f3bcdp-1
const FRAC_1_SQRT_2_LO: f64 = -4.833646656726457e-17; // -0x1.bdd3413b26456p-55
/// `ln sqrt(2 pi)` as a double-double (mpmath, 200 bits).
const LN_SQRT_2PI_HI: f64 = 0.9189385332046728; // 0x1.d67f1c864beb5p-1
const LN_SQRT_2PI_LO: f64 = -3.8782941580672414e-17;
/// Below this, `Phi(x) = phi(x) S(x) / |x|` with the asymptotic series `S`.
const TAIL: f64 = -30.0;
/// `2/sqrt(pi)`.
const FRAC_2_SQRT_PI: f64 = core::f64::consts::FRAC_2_SQRT_PI;

/// The Gaussian error linear unit, `f(x) = x Phi(x) = x/2 erfc(-x/sqrt 2)`;
/// `f'(x) = Phi(x) + x phi(x)`.
///
/// Written with `erfc`, not `1 + erf`, so there is no cancellation for `x << 0`
/// (`f(-10) = -7.6e-23`, where `1 + erf` gives 0). In the f64 path the rounding of
/// `x / sqrt 2` is carried to first order (the condition number of `erfc(t)` is about
/// `2 t^2`), and `x^2` in `phi` is split exactly.
///
/// The derivative has a zero near `x = -0.7518`; around it the f64 derivative is accurate
/// to 1e-16 absolute rather than 2 ULP relative (the f32 one stays within 1 ULP).
///
/// ```
/// use rectifiers_core::{Gelu, Rectifier};
/// // mpmath: x*ncdf(x) at x = -10: -7.6198530241605260e-23; f32 is correctly rounded here.
/// assert_eq!(Gelu.forward(-10.0_f32), -7.619853024160526e-23_f64 as f32);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Gelu;

/// `erfc(-x / sqrt 2)` for `x < 0`, with the product's rounding error carried.
#[inline(always)]
fn erfc_neg(x: f64) -> f64 {
    let (t, t_lo) = dd::mul_const(-x, FRAC_1_SQRT_2_HI, FRAC_1_SQRT_2_LO);
    let e = libm::erfc(t);
    // erfc(t + t_lo) = erfc(t) - 2/sqrt(pi) e^(-t^2) t_lo + O(t_lo^2)
    e - FRAC_2_SQRT_PI * (-t * t).exp() * t_lo
}

/// `phi(x) 2^600` for the far left tail, from one `exp` of a double-double argument.
#[inline(always)]
fn phi_up(x: f64) -> f64 {
    let (s, s_lo) = dd::two_prod(x, x);
    let (a, a_lo) = dd::two_sum(-0.5 * s, -LN_SQRT_2PI_HI);
    exp_up(a, a_lo - 0.5 * s_lo - LN_SQRT_2PI_LO)
}

/// `S(x) = sum_n (-1)^n (2n-1)!! / x^(2n)`, the asymptotic series of `|x| Phi(x) / phi(x)`:
/// for `x <= -30` the ninth term is below 2^-57.
#[inline(always)]
fn tail_series(x: f64) -> f64 {
    let z = 1.0 / (x * x);
    let mut s = 0.0;
    for c in [
        2027025.0, -135135.0, 10395.0, -945.0, 105.0, -15.0, 3.0, -1.0,
    ] {
        s = (s + c) * z;
    }
    1.0 + s
}

/// `e^(-x^2 / 2)` with `x^2` split exactly.
#[inline(always)]
fn gauss(x: f64) -> f64 {
    let (s, s_lo) = dd::two_prod(x, x);
    (-0.5 * s).exp() * (1.0 - 0.5 * s_lo)
}

impl Gelu {
    /// The function's name, as in the functional APIs.
    pub const NAME: &'static str = "gelu";
}

impl Rectifier for Gelu {
    fn name(&self) -> &'static str {
        Self::NAME
    }

    #[inline(always)]
    fn forward_f64(&self, x: f64) -> f64 {
        if x >= 0.0 {
            // erfc(-t) is in [1, 2]: the argument's rounding costs nothing here.
            if x > 40.0 {
                x
            } else {
                0.5 * x * libm::erfc(-x * FRAC_1_SQRT_2_HI)
            }
        } else if x >= TAIL {
            0.5 * x * erfc_neg(x)
        } else if x >= -40.0 {
            // x Phi(x) = -phi(x) S(x): erfc would be subnormal before f is.
            -(phi_up(x) * tail_series(x)) * TWO_M600
        } else if x.is_nan() {
            x
        } else {
            -0.0
        }
    }
    #[inline(always)]
    fn derivative_f64(&self, x: f64) -> f64 {
        if x >= 0.0 {
            if x > 40.0 {
                1.0
            } else {
                0.5 * libm::erfc(-x * FRAC_1_SQRT_2_HI) + x * FRAC_1_SQRT_2PI * gauss(x)
            }
        } else if x >= TAIL {
            0.5 * erfc_neg(x) + x * FRAC_1_SQRT_2PI * gauss(x)
        } else if x >= -40.0 {
            // Phi + x phi = phi (x - S / x): no cancellation this far left.
            (phi_up(x) * (x - tail_series(x) / x)) * TWO_M600
        } else if x.is_nan() {
            x
        } else {
            -0.0
        }
    }
    #[inline(always)]
    fn forward_f32(&self, x: f32) -> f32 {
        // Phi without erfc, branch-free (see `gelu_f32`), so the kernels vectorise. Beyond
        // |x| = 16, Phi is 1 or below 1e-57: f is x or -0.
        let x = x as f64;
        let y = x * gelu_f32::phi_fast(x);
        (if x > 16.0 {
            x
        } else if x < -16.0 {
            -0.0
        } else {
            y
        }) as f32
    }
    #[inline(always)]
    fn derivative_f32(&self, x: f32) -> f32 {
        let x = x as f64;
        let (p, phi) = gelu_f32::phi_pair(x);
        let d = p + x * phi;
        (if x > 16.0 {
            1.0
        } else if x < -16.0 {
            -0.0
        } else {
            d
        }) as f32
    }
}
