//! The textbook forms: what a user would write with Burn's tensor operations, kept free of
//! overflow where Burn's operations allow it (softplus and LSE0+ are shifted). Each costs several
//! passes over memory, and on an autodiff device their gradient is Burn's graph of those
//! operations.

use core::f64::consts::{LN_2, PI};

use burn::backend::{
    Backend, Scalar, TensorMetadata, get_or_init_device_settings,
    tensor::{BoolTensor, FloatTensor},
};

use rectifiers_core::Elementwise;

fn s(v: f64) -> Scalar {
    Scalar::Float(v)
}

fn lt<B: Backend>(x: FloatTensor<B>, v: f64) -> BoolTensor<B> {
    let dtype = get_or_init_device_settings::<B>(&x.device()).bool_dtype;
    B::float_lower_elem(x, s(v), dtype)
}

fn le<B: Backend>(x: FloatTensor<B>, v: f64) -> BoolTensor<B> {
    let dtype = get_or_init_device_settings::<B>(&x.device()).bool_dtype;
    B::float_lower_equal_elem(x, s(v), dtype)
}

fn eq<B: Backend>(x: FloatTensor<B>, v: f64) -> BoolTensor<B> {
    let dtype = get_or_init_device_settings::<B>(&x.device()).bool_dtype;
    B::float_equal_elem(x, s(v), dtype)
}

fn mul<B: Backend>(a: FloatTensor<B>, b: FloatTensor<B>) -> FloatTensor<B> {
    B::float_mul(a, b)
}

fn scale<B: Backend>(a: FloatTensor<B>, v: f64) -> FloatTensor<B> {
    B::float_mul_scalar(a, s(v))
}

/// `2 sqrt(2/pi)` and `2 * 0.044715 * sqrt(2/pi)`: `gelu_tanh(x) = x sigmoid(v)`,
/// `v = x (C1 + C2 x^2)`.
fn gelu_tanh_c() -> (f64, f64) {
    let c1 = 2.0 * (2.0 / PI).sqrt();
    (c1, 0.044715 * c1)
}

/// `ln(1 + e^z)` as `max(z, 0) + log1p(e^-|z|)`.
fn softplus1<B: Backend>(z: FloatTensor<B>) -> FloatTensor<B> {
    let tail = B::float_log1p(B::float_exp(B::float_neg(B::float_abs(z.clone()))));
    B::float_add(B::float_clamp_min(z, s(0.0)), tail)
}

/// `f(x)` for an elementwise function.
pub(crate) fn forward<B: Backend>(f: Elementwise, x: FloatTensor<B>) -> FloatTensor<B> {
    let p = f.param().unwrap_or(0.0);
    match f {
        Elementwise::Relu(_) => B::relu(x),
        Elementwise::LeakyRelu(_) => B::leaky_relu(x, s(p)),
        // x/2 (1 + erf(x / sqrt 2)), not Burn's `gelu` op: its autodiff backward differentiates
        // the tanh approximation.
        Elementwise::Gelu(_) => {
            let erf = B::float_erf(scale::<B>(x.clone(), core::f64::consts::FRAC_1_SQRT_2));
            scale::<B>(mul::<B>(x, B::float_add_scalar(erf, s(1.0))), 0.5)
        }
        Elementwise::GeluTanh(_) => {
            let (c1, c2) = gelu_tanh_c();
            let x2 = mul::<B>(x.clone(), x.clone());
            let v = mul::<B>(x.clone(), B::float_add_scalar(scale::<B>(x2, c2), s(c1)));
            mul::<B>(x, B::sigmoid(v))
        }
        Elementwise::Silu(_) => mul::<B>(x.clone(), B::sigmoid(x)),
        Elementwise::Softplus(_) => scale::<B>(softplus1::<B>(scale::<B>(x, p)), 1.0 / p),
        Elementwise::SoftplusApprox(_) => {
            // x / (1 - e^(-x / ln 2)), ln 2 where that is 0 / 0.
            let zero = eq::<B>(x.clone(), 0.0);
            let e = B::float_exp(scale::<B>(x.clone(), -1.0 / LN_2));
            let den = B::float_add_scalar(B::float_neg(e), s(1.0));
            B::float_mask_fill(B::float_div(x, den), zero, s(LN_2))
        }
        Elementwise::Elu(_) => {
            let neg = le::<B>(x.clone(), 0.0);
            let tail = scale::<B>(B::float_sub_scalar(B::float_exp(x.clone()), s(1.0)), p);
            B::float_mask_where(x, neg, tail)
        }
        Elementwise::SRelu(_) => {
            let below = lt::<B>(x.clone(), -p);
            B::float_mask_fill(x, below, s(-p))
        }
        Elementwise::Mish(_) => mul::<B>(x.clone(), B::float_tanh(softplus1::<B>(x))),
        Elementwise::Squareplus(_) => {
            let r = B::float_sqrt(B::float_add_scalar(mul::<B>(x.clone(), x.clone()), s(p)));
            scale::<B>(B::float_add(x, r), 0.5)
        }
    }
}

/// `alpha` of shape `[C]` reshaped to broadcast against `x` on dim 1: `[1, C, 1, ...]`.
pub(crate) fn alpha_broadcast<B: Backend>(x_rank: usize, alpha: FloatTensor<B>) -> FloatTensor<B> {
    let c = alpha.shape().num_elements();
    let mut dims = vec![1; x_rank.max(1)];
    if c > 1 {
        dims[1] = c;
    }
    B::float_reshape(alpha, dims.into())
}

pub(crate) fn prelu_dispatch<B: Backend>(
    x: FloatTensor<B>,
    alpha: FloatTensor<B>,
) -> FloatTensor<B> {
    let alpha = alpha_broadcast::<B>(x.shape().num_dims(), alpha);
    let neg = le::<B>(x.clone(), 0.0);
    let scaled = mul::<B>(x.clone(), alpha);
    B::float_mask_where(x, neg, scaled)
}

pub(crate) fn prelu_backward<B: Backend>(
    x: FloatTensor<B>,
    alpha: FloatTensor<B>,
    grad: FloatTensor<B>,
) -> (FloatTensor<B>, FloatTensor<B>) {
    let alpha_shape = alpha.shape();
    let rank = x.shape().num_dims();
    let alpha = alpha_broadcast::<B>(rank, alpha);
    let neg = le::<B>(x.clone(), 0.0);
    let dx = B::float_mask_where(grad.clone(), neg.clone(), mul::<B>(grad.clone(), alpha));
    let zeros = B::float_zeros(x.shape(), &x.device(), x.dtype().into());
    let t = B::float_mask_where(zeros, neg, mul::<B>(x, grad));
    let dims: Vec<usize> = if alpha_shape.num_elements() > 1 {
        (0..rank).filter(|&d| d != 1).collect()
    } else {
        (0..rank).collect()
    };
    let da = if dims.is_empty() {
        t
    } else {
        B::float_sum_dims(t, &dims)
    };
    (dx, B::float_reshape(da, alpha_shape))
}

/// `m = max(0, max x)`, the shift that keeps every exponent <= 0.
fn lse0_shift<B: Backend>(x: FloatTensor<B>, dim: usize) -> FloatTensor<B> {
    B::float_clamp_min(B::float_max_dim(x, dim), s(0.0))
}

pub(crate) fn lse0_plus_dispatch<B: Backend>(x: FloatTensor<B>, dim: usize) -> FloatTensor<B> {
    // m + ln(e^-m + sum e^(x - m))
    let m = lse0_shift::<B>(x.clone(), dim);
    let sum = B::float_sum_dim(B::float_exp(B::float_sub(x, m.clone())), dim);
    let total = B::float_add(B::float_exp(B::float_neg(m.clone())), sum);
    B::float_add(m, B::float_log(total))
}

pub(crate) fn lse0_plus_backward<B: Backend>(
    x: FloatTensor<B>,
    grad: FloatTensor<B>,
    dim: usize,
) -> FloatTensor<B> {
    // grad e^(x_i - m) / (e^-m + sum_j e^(x_j - m))
    let m = lse0_shift::<B>(x.clone(), dim);
    let e = B::float_exp(B::float_sub(x, m.clone()));
    let total = B::float_add(
        B::float_exp(B::float_neg(m)),
        B::float_sum_dim(e.clone(), dim),
    );
    mul::<B>(e, B::float_div(grad, total))
}
