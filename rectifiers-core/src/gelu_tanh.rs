//! GELU with the tanh approximation.

use crate::{
    Rectifier,
    support::{
        dd,
        math::{TWO_M600, exp_up, sigmoid_pair},
        vmath,
    },
};

// v(x) = 2 sqrt(2/pi) (x + 0.044715 x^3) = x (C1 + C2 x^2); double-double constants from
// mpmath at 200 bits.
const C1_HI: f64 = 1.5957691216057308; // 2 sqrt(2/pi) = 0x1.9884533d43651p+0
const C1_LO: f64 = -9.96930880911092e-17;
const C2_HI: f64 = 0.07135481627260025; // 2 * 0.044715 * sqrt(2/pi) = 0x1.2444f2a4d8b4bp-4
const C2_LO: f64 = -6.175149918155315e-19;
const C3: f64 = 0.21406444881780073; // 3 * C2, for v'(x) = C1 + C3 x^2

/// GELU's tanh form, `f(x) = x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))`, PyTorch's
/// `gelu(x, approximate="tanh")`.
///
/// Since `(1 + tanh(u))/2 = sigmoid(2u)`, it is evaluated as `x sigmoid(v)` with
/// `v = x (C1 + C2 x^2)`, which has no cancellation for `x << 0`;
/// `f'(x) = s (1 + x (1 - s) v'(x))`, `s = sigmoid(v)`, `1 - s = sigmoid(-v)` computed directly.
/// The f64 path evaluates `v` in double-double: `sigmoid(v)` for `v` near -700 would
/// otherwise turn its argument's rounding into hundreds of ULP. The derivative's zero near
/// `x = -0.7522` is accurate to 1e-16 absolute in f64.
///
/// ```
/// use rectifiers_core::{GeluTanh, Rectifier};
/// // mpmath: 0.5*x*(1+tanh(sqrt(2/pi)*(x+0.044715*x**3))) at x = 1: 0.84119199060827670
/// assert_eq!(GeluTanh.forward(1.0_f32), 0.8411919906082767_f64 as f32);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct GeluTanh;

impl GeluTanh {
    /// The function's name, as in the functional APIs.
    pub const NAME: &'static str = "gelu_tanh";
}

impl Rectifier for GeluTanh {
    fn name(&self) -> &'static str {
        Self::NAME
    }

    #[inline(always)]
    fn forward_f64(&self, x: f64) -> f64 {
        if x.abs() <= 30.0 {
            let (v, v_lo) = v_dd(x);
            if v < -700.0 {
                // sigmoid(v) = e^v: scaled so a result near the underflow threshold stays exact.
                return (x * exp_up(v, v_lo)) * TWO_M600;
            }
            let (s, sm) = sigmoid_pair(v);
            // sigmoid(v + v_lo) = s (1 + (1 - s) v_lo)
            x * (s * (1.0 + sm * v_lo))
        } else {
            tail(x, x)
        }
    }
    #[inline(always)]
    fn derivative_f64(&self, x: f64) -> f64 {
        if x.abs() <= 30.0 {
            let (v, v_lo) = v_dd(x);
            let dv = C3 * x * x + C1_HI;
            if v < -700.0 {
                return (exp_up(v, v_lo) * (1.0 + x * dv)) * TWO_M600;
            }
            let (s, sm) = sigmoid_pair(v);
            let s_c = s * (1.0 + sm * v_lo);
            let sm_c = sm * (1.0 - s * v_lo);
            s_c * (1.0 + x * sm_c * dv)
        } else {
            tail(x, 1.0)
        }
    }
    #[inline(always)]
    fn forward_f32(&self, x: f32) -> f32 {
        // Branch-free with `vmath`, so the kernels vectorise; x^2 is exact in f64.
        let x = x as f64;
        let v = x * (C2_HI * x * x + C1_HI);
        let (s, _) = vmath::sigmoid_pair(v);
        let y = x * s;
        (if x.abs() <= 30.0 { y } else { tail(x, x) }) as f32
    }
    #[inline(always)]
    fn derivative_f32(&self, x: f32) -> f32 {
        let x = x as f64;
        let v = x * (C2_HI * x * x + C1_HI);
        let (s, sm) = vmath::sigmoid_pair(v);
        let dv = C3 * x * x + C1_HI;
        let y = s * (1.0 + x * sm * dv);
        (if x.abs() <= 30.0 { y } else { tail(x, 1.0) }) as f32
    }
}

/// `v(x) = x (C1 + C2 x^2)` as a double-double.
#[inline(always)]
fn v_dd(x: f64) -> (f64, f64) {
    let x2 = dd::two_prod(x, x);
    let w = dd::add_dd(dd::mul_dd((C2_HI, C2_LO), x2), (C1_HI, C1_LO));
    dd::mul_dd(w, (x, 0.0))
}

/// Beyond |x| = 30, `sigmoid(v)` is 0 or 1 in f64: `f` is `x` or `-0`, `f'` is `1` or `-0`.
#[inline(always)]
fn tail(x: f64, right: f64) -> f64 {
    if x > 0.0 {
        right
    } else if x.is_nan() {
        x
    } else {
        -0.0
    }
}
