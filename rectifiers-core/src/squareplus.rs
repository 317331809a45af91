//! Squareplus: `(x + sqrt(x^2 + b)) / 2`.

use crate::{ParamError, Rectifier, error::non_negative, support::dd};

/// Squareplus, `f(x) = (x + sqrt(x^2 + b)) / 2`, `b >= 0` (default 4; `b = 0` is ReLU);
/// `f'(x) = (1 + x / sqrt(x^2 + b)) / 2`.
///
/// Algebraic, so it vectorises: no `exp`, no `log`. For `x < 0` the sum cancels, so it is
/// evaluated as `b / (2 (sqrt(x^2 + b) - x))` and the derivative as
/// `b / (2 s (s - x))`, `s = sqrt(x^2 + b)`; halves are taken before sums so nothing overflows
/// near the largest finite value. The f32 path squares in f64 (exact, no overflow up to
/// 3.4e38); the f64 path switches to `|x| sqrt(1 + b/x^2)` above `|x| = 1e150`.
///
/// ```
/// use rectifiers_core::{Rectifier, Squareplus};
/// let sp = Squareplus::default(); // b = 4
/// assert_eq!(sp.forward(0.0_f32), 1.0);
/// // mpmath: (x + sqrt(x*x + 4))/2 at x = -1e4: 9.9999999000000020e-05
/// assert_eq!(sp.forward(-1e4_f64), 9.999999900000002e-05);
/// assert_eq!(Squareplus::new(-1.0).unwrap_err().param(), "b");
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Squareplus {
    b: f64,
}

impl Squareplus {
    /// The function's name, as in the functional APIs.
    pub const NAME: &'static str = "squareplus";

    /// The default `b`.
    pub const DEFAULT_B: f64 = 4.0;

    /// Squareplus with curvature `b`, which must be finite and `>= 0`.
    pub fn new(b: f64) -> Result<Self, ParamError> {
        non_negative(Self::NAME, "b", b, "a finite b >= 0").map(|b| Self { b })
    }

    /// The curvature parameter `b`.
    pub fn b(&self) -> f64 {
        self.b
    }
}

impl Default for Squareplus {
    fn default() -> Self {
        Self { b: Self::DEFAULT_B }
    }
}

impl Squareplus {
    /// `sqrt(x^2 + b)` without overflow of `x^2`.
    #[inline(always)]
    fn hypot_f64(&self, x: f64) -> f64 {
        let ax = x.abs();
        if ax < 1e-150 && self.b == 0.0 {
            // x^2 would underflow.
            ax
        } else if ax < 1e150 {
            (x * x + self.b).sqrt()
        } else {
            ax * (1.0 + self.b / ax / ax).sqrt()
        }
    }

    /// `(s - x) / 2`, for `x < 0` a sum of positives: halved after the sum so subnormal `x`
    /// stays exact, before it where the sum would overflow (`x` near `-MAX`).
    #[inline(always)]
    fn half_gap(&self, x: f64, s: f64) -> f64 {
        let d = s - x;
        if d.is_finite() {
            0.5 * d
        } else {
            0.5 * s - 0.5 * x
        }
    }

    /// `f` from `x` and `s = sqrt(x^2 + b)`, branch-free so the f32 loop vectorises.
    #[inline(always)]
    fn value(&self, x: f64, s: f64) -> f64 {
        // (x + s) / 2 keeps subnormal x exact; halving first avoids overflow near MAX.
        let sum = x + s;
        let right = if sum.is_finite() {
            0.5 * sum
        } else {
            0.5 * x + 0.5 * s
        };
        let left = (0.25 * self.b) / self.half_gap(x, s);
        if x >= 0.0 || x.is_nan() { right } else { left }
    }

    /// `f'` from `x` and `s`.
    #[inline(always)]
    fn slope(&self, x: f64, s: f64) -> f64 {
        let right = 0.5 + 0.5 * (x / s);
        let left = (0.25 * (self.b / s)) / self.half_gap(x, s);
        let d = if x > 0.0 || x.is_nan() { right } else { left };
        // x = +inf gives inf/inf; b = 0 and x = 0 give 0/0 (ReLU's left value is 0).
        if x == f64::INFINITY {
            1.0
        } else if s == 0.0 {
            0.0
        } else {
            d
        }
    }
}

impl Rectifier for Squareplus {
    fn name(&self) -> &'static str {
        Self::NAME
    }

    #[inline(always)]
    fn forward_f64(&self, x: f64) -> f64 {
        self.value(x, self.hypot_f64(x))
    }
    #[inline(always)]
    fn derivative_f64(&self, x: f64) -> f64 {
        let ax = x.abs();
        if !(1e-150..1e150).contains(&ax) || self.b == 0.0 {
            return self.slope(x, self.hypot_f64(x));
        }
        // s = sqrt(x^2 + b) as a double-double, so the few roundings left stay under 2 ULP.
        let (h, l) = dd::two_prod(x, x);
        let (h, e) = dd::two_sum(h, self.b);
        let l = l + e;
        let s = h.sqrt();
        let s_lo = ((-s).mul_add(s, h) + l) / (2.0 * s);
        if x > -0.5 * s {
            // 1 + x/s does not cancel here.
            let q = x / s;
            0.5 + 0.5 * (q - q * (s_lo / s))
        } else {
            // b / (2 s (s - x)), the product in double-double, one division.
            let (d, d_lo) = dd::two_sum(s, -x);
            let (p, p_lo) = dd::mul_dd((s, s_lo), (d, d_lo + s_lo));
            let r = self.b / (2.0 * p);
            r - r * (p_lo / p)
        }
    }
    #[inline(always)]
    fn forward_f32(&self, x: f32) -> f32 {
        let x = x as f64;
        self.value(x, (x * x + self.b).sqrt()) as f32
    }
    #[inline(always)]
    fn derivative_f32(&self, x: f32) -> f32 {
        let x = x as f64;
        self.slope(x, (x * x + self.b).sqrt()) as f32
    }
}
