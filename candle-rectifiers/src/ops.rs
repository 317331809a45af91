//! The functional API: one function per activation, `-> Result<Tensor>`, scalar parameters
//! as `f64` (Candle's convention). Each runs one fused op forward and one fused op backward.

use candle_core::{D, Error, Result, Tensor, shape::Dim};
use rectifiers_core::{
    Elementwise, Elu, Gelu, GeluTanh, LeakyRelu, Mish, Relu, SRelu, Silu, Softplus, SoftplusApprox,
    Squareplus,
};

use crate::gated_split::GatedSplit;
use crate::storage::device_contiguous;
use crate::{elementwise::Forward, gated::Gated, lse0_plus::Lse0Plus, prelu::PRelu};

/// `f(xs)` for an elementwise function chosen at run time, fused.
///
/// ```
/// use candle_core::{Device, Tensor};
/// use candle_rectifiers::Elementwise;
/// let f: Elementwise = "squareplus(b=4)".parse().map_err(candle_core::Error::wrap)?;
/// let x = Tensor::new(&[-1.5f32, 0.0], &Device::Cpu)?;
/// assert_eq!(candle_rectifiers::apply(&x, f)?.to_vec1::<f32>()?, [0.5, 1.0]);
/// # Ok::<(), candle_core::Error>(())
/// ```
pub fn apply(xs: &Tensor, f: Elementwise) -> Result<Tensor> {
    // Without a graph to record, skip `apply_op1`'s boxed copy of the op (two allocations,
    // a measurable part of a small tensor's call).
    if xs.track_op() {
        xs.apply_op1(Forward(f))
    } else {
        xs.apply_op1_no_bwd(&Forward(f))
    }
}

/// The function, or the error naming its invalid parameter.
pub(crate) fn valid<R: Into<Elementwise>>(
    r: std::result::Result<R, rectifiers_core::ParamError>,
) -> Result<Elementwise> {
    r.map(Into::into).map_err(Error::wrap)
}

/// ReLU, `max(0, x)`; `f'(x) = 1` for `x > 0`, else 0.
///
/// ```
/// use candle_core::{Device, Tensor};
/// let x = Tensor::new(&[-1.0f32, 2.0], &Device::Cpu)?;
/// assert_eq!(candle_rectifiers::relu(&x)?.to_vec1::<f32>()?, [0.0, 2.0]);
/// # Ok::<(), candle_core::Error>(())
/// ```
pub fn relu(xs: &Tensor) -> Result<Tensor> {
    apply(xs, Elementwise::Relu(Relu))
}

/// Leaky ReLU, `x > 0 ? x : s x` with `s = negative_slope` (any finite value; PyTorch's
/// default is 0.01).
///
/// ```
/// use candle_core::{Device, Tensor};
/// let x = Tensor::new(&[-1.0f32, 2.0], &Device::Cpu)?;
/// assert_eq!(candle_rectifiers::leaky_relu(&x, 0.5)?.to_vec1::<f32>()?, [-0.5, 2.0]);
/// assert!(candle_rectifiers::leaky_relu(&x, f64::NAN).is_err());
/// # Ok::<(), candle_core::Error>(())
/// ```
pub fn leaky_relu(xs: &Tensor, negative_slope: f64) -> Result<Tensor> {
    apply(xs, valid(LeakyRelu::new(negative_slope))?)
}

/// PReLU, `x > 0 ? x : alpha[c] x` with the channel `c` on dim 1 (PyTorch's layout); `alpha`
/// has shape `[1]` or `[C]` (else `UnexpectedNumberOfDims` or `ShapeMismatchBinaryOp`) and
/// `x`'s dtype. Its backward gives `dx` and `dalpha` in one fused pass.
///
/// ```
/// use candle_core::{Device, Tensor};
/// let x = Tensor::new(&[[-1.0f32, -1.0]], &Device::Cpu)?; // [N = 1, C = 2]
/// let alpha = Tensor::new(&[0.25f32, 0.5], &Device::Cpu)?;
/// assert_eq!(candle_rectifiers::prelu(&x, &alpha)?.to_vec2::<f32>()?, [[-0.25, -0.5]]);
/// # Ok::<(), candle_core::Error>(())
/// ```
pub fn prelu(xs: &Tensor, alpha: &Tensor) -> Result<Tensor> {
    if alpha.rank() != 1 {
        return Err(Error::UnexpectedNumberOfDims {
            expected: 1,
            got: alpha.rank(),
            shape: alpha.shape().clone(),
        }
        .bt());
    }
    crate::prelu::inner_len(xs.shape(), alpha.elem_count())?;
    // The CPU op reads any layout; the CUDA kernels take contiguous buffers.
    device_contiguous(xs)?.apply_op2(&device_contiguous(alpha)?, PRelu)
}

/// GELU, `x Phi(x)` (the exact, erf form), evaluated as `x/2 erfc(-x/sqrt 2)`.
pub fn gelu(xs: &Tensor) -> Result<Tensor> {
    apply(xs, Elementwise::Gelu(Gelu))
}

/// GELU's tanh approximation, `x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))` (candle's
/// `Tensor::gelu`, PyTorch's `approximate="tanh"`).
pub fn gelu_tanh(xs: &Tensor) -> Result<Tensor> {
    apply(xs, Elementwise::GeluTanh(GeluTanh))
}

/// SiLU (swish), `x sigmoid(x)`.
pub fn silu(xs: &Tensor) -> Result<Tensor> {
    apply(xs, Elementwise::Silu(Silu))
}

/// Sharp softplus, `ln(1 + e^(k x)) / k`, sharpness `k > 0` (PyTorch's `beta`; 1 is the
/// classic softplus).
///
/// ```
/// use candle_core::{Device, Tensor};
/// let x = Tensor::new(&[0.0f64], &Device::Cpu)?;
/// assert_eq!(candle_rectifiers::softplus(&x, 1.0)?.to_vec1::<f64>()?, [std::f64::consts::LN_2]);
/// let err = candle_rectifiers::softplus(&x, 0.0).unwrap_err();
/// assert!(err.to_string().contains("k = 0"));
/// # Ok::<(), candle_core::Error>(())
/// ```
pub fn softplus(xs: &Tensor, k: f64) -> Result<Tensor> {
    apply(xs, valid(Softplus::new(k))?)
}

/// The softplus approximation `x / (1 - e^(-x / ln 2))`, `ln 2` at 0.
pub fn softplus_approx(xs: &Tensor) -> Result<Tensor> {
    apply(xs, Elementwise::SoftplusApprox(SoftplusApprox))
}

/// ELU, `x > 0 ? x : alpha (e^x - 1)`, `alpha >= 0`.
pub fn elu(xs: &Tensor, alpha: f64) -> Result<Tensor> {
    apply(xs, valid(Elu::new(alpha))?)
}

/// SReLU, the shifted ReLU `max(-a, x)`, `a >= 0`.
pub fn srelu(xs: &Tensor, a: f64) -> Result<Tensor> {
    apply(xs, valid(SRelu::new(a))?)
}

/// Mish, `x tanh(ln(1 + e^x))`.
pub fn mish(xs: &Tensor) -> Result<Tensor> {
    apply(xs, Elementwise::Mish(Mish))
}

/// Squareplus, `(x + sqrt(x^2 + b)) / 2`, `b >= 0` (4 is the usual choice; 0 is ReLU).
///
/// ```
/// use candle_core::{Device, Tensor};
/// let x = Tensor::new(&[0.0f32, -1e4], &Device::Cpu)?;
/// let y = candle_rectifiers::squareplus(&x, 4.0)?.to_vec1::<f32>()?;
/// assert_eq!(y[0], 1.0);
/// assert!(y[1] > 0.0); // b / (2 (sqrt(x^2 + b) - x)): no cancellation
/// assert!(candle_rectifiers::squareplus(&x, -1.0).is_err());
/// # Ok::<(), candle_core::Error>(())
/// ```
pub fn squareplus(xs: &Tensor, b: f64) -> Result<Tensor> {
    apply(xs, valid(Squareplus::new(b))?)
}

/// The gated activation `f(gate) * up` (SwiGLU with SiLU, GeGLU with GELU, ReGLU with ReLU,
/// and so for every [`Elementwise`] function), fused: one pass forward, and one backward pass
/// from the saved `gate` and `up` giving both gradients, `d_gate = dy up f'(gate)` and
/// `d_up = dy f(gate)`.
///
/// `gate` and `up` have the same shape (no broadcasting, as candle's `mul`), dtype and device:
/// else `ShapeMismatchBinaryOp`, `DTypeMismatchBinaryOp` or `DeviceMismatchBinaryOp`. Any
/// layouts. Precision: `f(gate)` as [`apply`] gives it, then one multiplication; `f16`/`bf16`
/// are computed in `f32` and rounded once (a composed half evaluation rounds `f(gate)` first).
///
/// ```
/// use candle_core::{Device, Tensor};
/// use candle_rectifiers::{Elementwise, gated};
/// let gate = Tensor::new(&[-1.0f32, 2.0], &Device::Cpu)?;
/// let up = Tensor::new(&[5.0f32, 3.0], &Device::Cpu)?;
/// let relu: Elementwise = "relu".parse().map_err(candle_core::Error::wrap)?;
/// assert_eq!(gated(&gate, &up, relu)?.to_vec1::<f32>()?, [0.0, 6.0]); // ReGLU
/// # Ok::<(), candle_core::Error>(())
/// ```
pub fn gated(gate: &Tensor, up: &Tensor, f: Elementwise) -> Result<Tensor> {
    if gate.track_op() || up.track_op() {
        gate.apply_op2(up, Gated(f))
    } else {
        gate.apply_op2_no_bwd(up, &Gated(f))
    }
}

/// The gated activation on one tensor whose last dim `2h` holds `[gate | up]`:
/// `f(xs[.., :h]) * xs[.., h:]`, of last dim `h`. The first half is activated, as in candle-nn's
/// `ops::swiglu`; an odd last dim is `ShapeMismatchSplit` naming it. See [`gated`].
///
/// On the CPU it is one op on `xs`: each row's halves are read where they lie, and the backward
/// writes the gradient of `xs`, `[d_gate | d_up]` per row, in one pass, saving only `xs`. On
/// CUDA the two halves' views go to [`gated`], whose kernels index them in place.
///
/// PyTorch's `F.glu(x)` is `x[.., :h] * sigmoid(x[.., h:])`: its gate is the **second** half.
/// For weights laid out that way, swap the halves:
/// `gated(&xs.narrow(D::Minus1, h, h)?, &xs.narrow(D::Minus1, 0, h)?, f)`.
///
/// ```
/// use candle_core::{Device, Tensor};
/// use candle_rectifiers::{Elementwise, gated_split};
/// let xs = Tensor::new(&[[-1.0f32, 2.0, 5.0, 3.0]], &Device::Cpu)?; // gate [-1, 2], up [5, 3]
/// let relu: Elementwise = "relu".parse().map_err(candle_core::Error::wrap)?;
/// assert_eq!(gated_split(&xs, relu)?.to_vec2::<f32>()?, [[0.0, 6.0]]);
/// assert!(gated_split(&xs.narrow(1, 0, 3)?, relu).is_err()); // last dim 3
/// # Ok::<(), candle_core::Error>(())
/// ```
pub fn gated_split(xs: &Tensor, f: Elementwise) -> Result<Tensor> {
    let last = D::Minus1.to_index(xs.shape(), "gated_split")?;
    let n = xs.dim(last)?;
    if n % 2 != 0 {
        return Err(Error::ShapeMismatchSplit {
            shape: xs.shape().clone(),
            dim: last,
            n_parts: 2,
        }
        .bt());
    }
    if xs.device().is_cpu() {
        // One op on xs: each row's halves read in place, the gradient of xs written whole.
        let op = GatedSplit(f);
        return if xs.track_op() {
            xs.apply_op1(op)
        } else {
            xs.apply_op1_no_bwd(&op)
        };
    }
    // Views of the halves, which the CUDA kernels index in place.
    gated(
        &xs.narrow(last, 0, n / 2)?,
        &xs.narrow(last, n / 2, n / 2)?,
        f,
    )
}

/// SwiGLU, `silu(xs[.., :h]) * xs[.., h:]`: [`gated_split`] with SiLU, candle-nn's
/// `ops::swiglu` fused.
pub fn swiglu(xs: &Tensor) -> Result<Tensor> {
    gated_split(xs, Elementwise::Silu(Silu))
}

/// GeGLU, `gelu(xs[.., :h]) * xs[.., h:]` with the exact (erf) GELU: [`gated_split`] with
/// GELU. The tanh form is `gated_split(xs, Elementwise::GeluTanh(GeluTanh))`.
pub fn geglu(xs: &Tensor) -> Result<Tensor> {
    gated_split(xs, Elementwise::Gelu(Gelu))
}

/// ReGLU, `relu(xs[.., :h]) * xs[.., h:]`: [`gated_split`] with ReLU.
pub fn reglu(xs: &Tensor) -> Result<Tensor> {
    gated_split(xs, Elementwise::Relu(Relu))
}

/// LSE0+ over `dim`, keeping it with size 1: `ln(1 + sum_i e^(x_i))`, the log-sum-exp with an
/// extra zero logit. Its gradient is the softmax with that zero logit.
///
/// ```
/// use candle_core::{Device, Tensor};
/// let x = Tensor::new(&[[0.0f32, 0.0], [-1000.0, -1000.0]], &Device::Cpu)?;
/// let y = candle_rectifiers::lse0_plus_keepdim(&x, 1)?;
/// assert_eq!(y.dims(), [2, 1]);
/// assert_eq!(y.to_vec2::<f32>()?, [[3.0f32.ln()], [0.0]]);
/// # Ok::<(), candle_core::Error>(())
/// ```
pub fn lse0_plus_keepdim<I: Dim>(xs: &Tensor, dim: I) -> Result<Tensor> {
    let dim = dim.to_index(xs.shape(), "lse0_plus")?;
    let last = xs.rank() - 1;
    if dim == last {
        device_contiguous(xs)?.apply_op1(Lse0Plus)
    } else {
        // The op reduces the last dim; others are moved there (one copy).
        xs.transpose(dim, last)?
            .contiguous()?
            .apply_op1(Lse0Plus)?
            .transpose(dim, last)
    }
}

/// LSE0+ over `dim`, removing it; see [`lse0_plus_keepdim`].
pub fn lse0_plus<I: Dim>(xs: &Tensor, dim: I) -> Result<Tensor> {
    let dim = dim.to_index(xs.shape(), "lse0_plus")?;
    lse0_plus_keepdim(xs, dim)?.squeeze(dim)
}

/// LSE0+ over the last dim, keeping it.
pub(crate) fn lse0_plus_last(xs: &Tensor) -> Result<Tensor> {
    lse0_plus_keepdim(xs, D::Minus1)
}
