//! Sharp softplus: `ln(1 + e^(k x)) / k`.

use crate::{
    ParamError, Rectifier,
    support::{
        dd,
        math::{TWO_M600, exp_up, sigmoid_pair},
        vmath,
    },
};

/// Softplus with sharpness `k > 0` (default 1): `f(x) = ln(1 + e^(k x)) / k`;
/// `f'(x) = sigmoid(k x)`. As `k` grows it approaches ReLU.
///
/// Evaluated as `x + log1p(e^(-kx))/k` for `kx > 0` and `log1p(e^(kx))/k` otherwise: no
/// threshold switch to `x` (PyTorch's `threshold = 20` is off by up to 2e-9 relative), no
/// overflow, and the far-left tail `e^(kx)/k` keeps full precision. The f64 path carries the
/// rounding error of `k x` to first order: PyTorch and JAX lose about 60 ULP to it at `k = 10`,
/// `x = -7.06`.
///
/// ```
/// use rectifiers_core::{Rectifier, Softplus};
/// let sp = Softplus::new(10.0)?;
/// // mpmath: log1p(exp(10*x))/10 at x = f32(-7.06) = -7.059999942779541: 2.1817743e-32 in f32
/// let y: f32 = sp.forward(-7.06_f32);
/// assert_eq!(y, 2.1817744e-32);
/// assert!(Softplus::new(0.0).is_err());
/// # Ok::<(), rectifiers_core::ParamError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Softplus {
    k: f64,
}

impl Softplus {
    /// The function's name, as in the functional APIs.
    pub const NAME: &'static str = "softplus";

    /// The default sharpness, PyTorch's `beta = 1`.
    pub const DEFAULT_K: f64 = 1.0;

    /// Softplus with sharpness `k`, which must be finite and `> 0`.
    pub fn new(k: f64) -> Result<Self, ParamError> {
        if k.is_finite() && k > 0.0 {
            Ok(Self { k })
        } else {
            Err(ParamError::new(Self::NAME, "k", k, "a finite k > 0"))
        }
    }

    /// The sharpness `k`.
    pub fn k(&self) -> f64 {
        self.k
    }
}

impl Default for Softplus {
    fn default() -> Self {
        Self { k: Self::DEFAULT_K }
    }
}

impl Rectifier for Softplus {
    fn name(&self) -> &'static str {
        Self::NAME
    }

    #[inline(always)]
    fn forward_f64(&self, x: f64) -> f64 {
        let k = self.k;
        let (p, p_lo) = dd::two_prod(k, x);
        if p > 0.0 {
            if p > 745.0 {
                // e^-p underflows; also covers p = inf, where p_lo is NaN.
                return x;
            }
            let e = (-p).exp();
            // log1p(e^-(p + p_lo)) = log1p(e^-p) - sigmoid(-p) p_lo
            let l = e.ln_1p() - e / (1.0 + e) * p_lo;
            x + l / k
        } else if p >= -700.0 {
            let e = p.exp();
            // log1p(e^(p + p_lo)) = log1p(e^p) + sigmoid(p) p_lo
            let l = e.ln_1p() + e / (1.0 + e) * p_lo;
            l / k
        } else if p >= -1300.0 {
            // log1p(e^p) = e^p: scaled so a normal result (small k) keeps every bit.
            (exp_up(p, p_lo) / k) * TWO_M600
        } else if p.is_nan() {
            p
        } else {
            0.0
        }
    }
    #[inline(always)]
    fn derivative_f64(&self, x: f64) -> f64 {
        let (p, p_lo) = dd::two_prod(self.k, x);
        if p.abs() <= 700.0 {
            let (s, sm) = sigmoid_pair(p);
            // sigmoid(p + p_lo) = s (1 + (1 - s) p_lo)
            s * (1.0 + sm * p_lo)
        } else if p > 700.0 {
            1.0
        } else if p >= -1300.0 {
            exp_up(p, p_lo) * TWO_M600
        } else if p < -1300.0 {
            0.0
        } else {
            p
        }
    }
    #[inline(always)]
    fn forward_f32(&self, x: f32) -> f32 {
        // k x rounded in f64 is off by at most |kx| 2^-53, harmless at f32 precision.
        // Branch-free, with `vmath`, so the kernels vectorise: e^-|kx| is in (0, 1].
        let x = x as f64;
        let p = self.k * x;
        let l = vmath::log1p_unit(vmath::exp(-p.abs())) / self.k;
        (if p > 0.0 { x + l } else { l }) as f32
    }
    #[inline(always)]
    fn derivative_f32(&self, x: f32) -> f32 {
        let (s, _) = vmath::sigmoid_pair(self.k * x as f64);
        s as f32
    }
}
