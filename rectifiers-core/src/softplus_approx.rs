//! The softplus approximation `x / (1 - e^(-x / ln 2))`.

use crate::{
    Rectifier,
    support::{
        dd,
        math::{self, TWO_M600, exp_up},
        vmath,
    },
};

/// `1/ln 2` as a double-double (mpmath, 200 bits).
const LOG2_E_HI: f64 = core::f64::consts::LOG2_E; // 0x1.71547652b82fep+0
const LOG2_E_LO: f64 = 2.0355273740931033e-17; // 0x1.777d0ffda0d24p-56
/// `1 / (12 ln 2)` and `1 / (6 ln 2)`, for the series at 0.
const C12: f64 = 0.12022458674074694;
const C6: f64 = 0.2404491734814939;
/// The coefficients of `u^3, u^5, ..., u^17` in `f'(u) = 1/2 + u/6 + ...` (`B_n / (n-1)!`,
/// mpmath), highest first, for Horner in `u^2`.
const DERIVATIVE_SERIES: [f64; 8] = [
    1.545491170130012e-13,
    -5.423488474116132e-12,
    1.873555114295855e-10,
    -6.3410281664249915e-09,
    2.08767569878681e-07,
    -6.613756613756614e-06,
    0.0001984126984126984,
    -0.005555555555555556,
];
/// Below this |x| the series `ln 2 + x/2 + x^2 / (12 ln 2)` (next term `x^4/(720 ln^3 2)`) is
/// exact to f64 rounding, and it also covers 0 and subnormals, where `x / ln 2` would round.
const SERIES: f64 = 1e-6;

/// The softplus approximation `f(x) = x / (1 - e^(-x/ln 2))`, with `f(0) = ln 2`.
///
/// It agrees with `ln(1 + e^x)` at 0 and at both ends. With `u = x / ln 2`:
/// `f'(x) = e^u (e^u - 1 - u) / (e^u - 1)^2`, `f'(0) = 1/2`.
/// Evaluated as `x / -expm1(-u)` (no `1 - e` cancellation), `e^u - 1 - u` by a series where
/// it cancels, and a two-term series for `|x| < 1e-6`, so it is finite and exact at 0.
/// The f64 path carries the rounding of `x / ln 2` to first order.
/// In the tails: above `x = 30` `f' = 1 - (u - 1) e^-u` rounds to 1; below `x = -600` both `f`
/// and `f'` are below the smallest subnormal.
///
/// ```
/// use rectifiers_core::{Rectifier, SoftplusApprox};
/// assert_eq!(SoftplusApprox.forward(0.0_f64), std::f64::consts::LN_2);
/// assert_eq!(SoftplusApprox.derivative(0.0_f32), 0.5);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct SoftplusApprox;

impl SoftplusApprox {
    /// The function's name, as in the functional APIs.
    pub const NAME: &'static str = "softplus_approx";
}

impl Rectifier for SoftplusApprox {
    fn name(&self) -> &'static str {
        Self::NAME
    }

    #[inline(always)]
    fn forward_f64(&self, x: f64) -> f64 {
        if x.abs() < SERIES {
            return (x * C12 + 0.5) * x + core::f64::consts::LN_2;
        }
        // e^(-x/ln 2) is 0 or overflows in the tails; this covers the infinities too.
        if x > 1100.0 {
            return x;
        }
        if x < -600.0 {
            return 0.0;
        }
        if x < -480.0 {
            // 1 - e^u = 1 for u = x / ln 2 < -692: f = -x e^u, scaled so it stays exact.
            let (u, u_lo) = dd::mul_const(x, LOG2_E_HI, LOG2_E_LO);
            return (-x * exp_up(u, u_lo)) * TWO_M600;
        }
        let (q, q_lo) = dd::mul_const(-x, LOG2_E_HI, LOG2_E_LO);
        let m = q.exp_m1();
        // expm1(q + q_lo) = expm1(q) + e^q q_lo (q <= 692 here: no overflow).
        let m = m + (1.0 + m) * q_lo;
        x / -m
    }
    #[inline(always)]
    fn derivative_f64(&self, x: f64) -> f64 {
        if x.abs() < SERIES {
            return 0.5 + x * C6;
        }
        if x > 30.0 {
            return 1.0;
        }
        if x < -600.0 {
            return 0.0;
        }
        let (u, u_lo) = dd::mul_const(x, LOG2_E_HI, LOG2_E_LO);
        if u.abs() < 0.5 {
            // The Bernoulli series of d/du u / (1 - e^-u); the u^17 term is below 2^-58 here.
            let u2 = u * u;
            let mut p = 0.0;
            for c in DERIVATIVE_SERIES {
                p = (p + c) * u2;
            }
            return 0.5 + (u * (p + 1.0 / 6.0) + u_lo / 6.0);
        }
        if u > 2.0 {
            // f' = (1 + 1/m)(1 - u/m) = 1 - ((u - 1) + u/m)/m, m = e^u - 1: the correction is
            // small, so its own rounding hardly shows in the sum.
            let m = u.exp_m1();
            return 1.0 - ((u - 1.0) + u / m) / m;
        }
        if x < -480.0 {
            // f' = e^u (-1 - u) to f64 precision here.
            return (exp_up(u, u_lo) * (-1.0 - u)) * TWO_M600;
        }
        let e = u.exp();
        let m = u.exp_m1();
        let r = math::expm1mx(u);
        // First-order corrections for u_lo: d/du e^u = e^u, d/du expm1 = e^u, d/du (e^u-1-u) = m.
        let e = e * (1.0 + u_lo);
        let r = r + m * u_lo;
        let m = m + e * u_lo;
        (e / m) * (r / m)
    }
    #[inline(always)]
    fn forward_f32(&self, x: f32) -> f32 {
        // The f64 formula with `vmath`, every branch computed and selected, so the kernels
        // vectorise.
        let x = x as f64;
        let series = (x * C12 + 0.5) * x + core::f64::consts::LN_2;
        let y = x / -vmath::expm1(-x * LOG2_E_HI);
        (if x.abs() < SERIES {
            series
        } else if x < -600.0 {
            0.0
        } else {
            y
        }) as f32
    }
    #[inline(always)]
    fn derivative_f32(&self, x: f32) -> f32 {
        let x = x as f64;
        let series = 0.5 + x * C6;
        let u = x * LOG2_E_HI;
        let m = vmath::expm1(u);
        let d = (vmath::exp(u) / m) * (vmath::expm1mx(u) / m);
        (if x.abs() < SERIES {
            series
        } else if x > 30.0 {
            1.0
        } else if x < -600.0 {
            0.0
        } else {
            d
        }) as f32
    }
}
