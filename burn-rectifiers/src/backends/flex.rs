//! Fused kernels for burn-flex (f32, f64, f16, bf16): the core's slice kernels, run in place
//! when the tensor's buffer is uniquely owned and contiguous.

use burn::backend::{Flex, flex::FlexTensor, tensor::FloatTensor};
use burn::tensor::DType;
use rectifiers_core::{Elementwise, kernel, prelu::inner_len};
use std::ops::Range;

use crate::RectifierBackend;

/// Runs `$body` with `$T` bound to the element type of a float dtype.
macro_rules! per_flex_float {
    ($what:expr, $dtype:expr, $T:ident => $body:expr) => {
        match $dtype {
            DType::F32 | DType::Flex32 => {
                type $T = f32;
                $body
            }
            DType::F64 => {
                type $T = f64;
                $body
            }
            DType::F16 => {
                type $T = half::f16;
                $body
            }
            DType::BF16 => {
                type $T = half::bf16;
                $body
            }
            other => panic!("{}: expected a float tensor, got {:?}", $what, other),
        }
    };
}

/// A zeroed contiguous tensor of `$T`s (a concrete float type).
///
/// Not `FlexTensor::empty`: it allocates a `Vec<u8>`, whose alignment (1) `Bytes` then raises to
/// 16 with a full copy of the zeroed buffer (64 MiB at 16Mi f32: it made our Flex ops ~1.5x
/// slower than Flex's own ReLU). `vec![0; n]` of a float is a zeroed allocation, whose pages
/// the kernel's writes fault in.
macro_rules! zeros {
    ($T:ty, $shape:expr, $dtype:expr) => {{
        let shape: burn::tensor::Shape = $shape;
        let n = shape.num_elements();
        FlexTensor::new(
            burn::tensor::Bytes::from_elems(vec![<$T>::default(); n]),
            burn_flex::Layout::contiguous(shape),
            $dtype,
        )
    }};
}

/// A tensor whose elements are one contiguous row-major run, with where that run lies in its
/// buffer, found once (each layout query walks the dims; at small sizes these walks were a
/// third of our per-call overhead).
struct Contiguous {
    t: FlexTensor,
    run: Range<usize>,
}

/// `x` itself if its elements are one contiguous row-major run, else a contiguous copy.
fn contiguous(x: FlexTensor) -> Contiguous {
    if let Some((start, end)) = x.layout().contiguous_offsets() {
        return Contiguous {
            t: x,
            run: start..end,
        };
    }
    let t = x.to_contiguous();
    let (start, end) = t.layout().contiguous_offsets().expect("a contiguous copy");
    Contiguous { t, run: start..end }
}

/// The elements of a [`Contiguous`] as a slice of `$T` (its dtype's type).
macro_rules! elems {
    ($c:expr, $T:ty) => {
        &$c.t.storage::<$T>()[$c.run.clone()]
    };
}

#[track_caller]
fn same_dtype(what: &str, a: &FlexTensor, b: &FlexTensor) {
    assert_eq!(a.dtype(), b.dtype(), "{what}: tensors of different dtypes");
}

fn forward(f: Elementwise, x: FlexTensor) -> FlexTensor {
    let mut x = contiguous(x);
    per_flex_float!(f.name(), x.t.dtype(), T => {
        if let Some(xy) = x.t.try_storage_mut::<T>() {
            kernel::forward_in_place::<_, T>(&f, &mut xy[x.run]);
            return x.t;
        }
        let mut y = zeros!(T, x.t.layout().shape().clone(), x.t.dtype());
        kernel::forward::<_, T>(&f, elems!(x, T), y.storage_mut::<T>());
        y
    })
}

fn backward(f: Elementwise, x: FlexTensor, grad: FlexTensor) -> FlexTensor {
    same_dtype(f.name(), &x, &grad);
    let x = contiguous(x);
    let mut grad = contiguous(grad);
    per_flex_float!(f.name(), x.t.dtype(), T => {
        let xs = elems!(x, T);
        if let Some(g) = grad.t.try_storage_mut::<T>() {
            kernel::backward_in_place::<_, T>(&f, xs, &mut g[grad.run]);
            return grad.t;
        }
        let mut dx = zeros!(T, x.t.layout().shape().clone(), x.t.dtype());
        kernel::backward::<_, T>(&f, xs, elems!(grad, T), dx.storage_mut::<T>());
        dx
    })
}

#[track_caller]
fn same_shape(what: &str, a: &FlexTensor, b: &FlexTensor) {
    let (a, b) = (a.layout().shape(), b.layout().shape());
    assert_eq!(a, b, "{what}: tensors of different shapes");
}

fn gated(f: Elementwise, gate: FlexTensor, up: FlexTensor) -> FlexTensor {
    same_dtype("gated", &gate, &up);
    same_shape("gated", &gate, &up);
    let (gate, up) = (contiguous(gate), contiguous(up));
    per_flex_float!("gated", gate.t.dtype(), T => {
        let mut y = zeros!(T, gate.t.layout().shape().clone(), gate.t.dtype());
        kernel::gated_forward::<_, T>(&f, elems!(gate, T), elems!(up, T), y.storage_mut::<T>());
        y
    })
}

fn gated_backward(
    f: Elementwise,
    gate: FlexTensor,
    up: FlexTensor,
    grad: FlexTensor,
) -> (FlexTensor, FlexTensor) {
    same_dtype("gated", &gate, &up);
    same_dtype("gated", &gate, &grad);
    same_shape("gated", &gate, &up);
    same_shape("gated", &gate, &grad);
    let (gate, up, grad) = (contiguous(gate), contiguous(up), contiguous(grad));
    per_flex_float!("gated", gate.t.dtype(), T => {
        let shape = gate.t.layout().shape().clone();
        let mut d_gate = zeros!(T, shape.clone(), gate.t.dtype());
        let mut d_up = zeros!(T, shape, gate.t.dtype());
        kernel::gated_backward::<_, T>(
            &f,
            elems!(gate, T),
            elems!(up, T),
            elems!(grad, T),
            d_gate.storage_mut::<T>(),
            d_up.storage_mut::<T>(),
        );
        (d_gate, d_up)
    })
}

fn prelu(x: FlexTensor, alpha: FlexTensor) -> FlexTensor {
    same_dtype("prelu", &x, &alpha);
    let (x, alpha) = (contiguous(x), contiguous(alpha));
    let inner = inner_len(x.t.layout().shape());
    per_flex_float!("prelu", x.t.dtype(), T => {
        let mut y = zeros!(T, x.t.layout().shape().clone(), x.t.dtype());
        kernel::prelu_forward::<T>(elems!(x, T), elems!(alpha, T), inner, y.storage_mut::<T>());
        y
    })
}

fn prelu_backward(x: FlexTensor, alpha: FlexTensor, grad: FlexTensor) -> (FlexTensor, FlexTensor) {
    same_dtype("prelu", &x, &alpha);
    same_dtype("prelu", &x, &grad);
    let (x, alpha, grad) = (contiguous(x), contiguous(alpha), contiguous(grad));
    let inner = inner_len(x.t.layout().shape());
    per_flex_float!("prelu", x.t.dtype(), T => {
        let mut dx = zeros!(T, x.t.layout().shape().clone(), x.t.dtype());
        let mut da = zeros!(T, alpha.t.layout().shape().clone(), x.t.dtype());
        kernel::prelu_backward::<T>(
            elems!(x, T),
            elems!(alpha, T),
            elems!(grad, T),
            inner,
            dx.storage_mut::<T>(),
            da.storage_mut::<T>(),
        );
        (dx, da)
    })
}

/// The axis order that moves `dim` last (a swap, so it is its own inverse).
fn dim_last(rank: usize, dim: usize) -> Vec<usize> {
    let mut axes: Vec<usize> = (0..rank).collect();
    axes.swap(dim, rank - 1);
    axes
}

fn lse0_plus(x: FlexTensor, dim: usize) -> FlexTensor {
    let axes = dim_last(x.layout().shape().num_dims(), dim);
    let x = x.permute(&axes).to_contiguous();
    let mut shape = x.layout().shape().clone();
    let last = axes.len() - 1;
    let n = shape[last];
    shape[last] = 1;
    per_flex_float!("lse0_plus", x.dtype(), T => {
        let mut y = zeros!(T, shape, x.dtype());
        let xs = x.as_slice::<T>().unwrap();
        kernel::lse0_plus_forward::<T>(xs, n, y.storage_mut::<T>());
        y.permute(&axes)
    })
}

fn lse0_plus_backward(x: FlexTensor, grad: FlexTensor, dim: usize) -> FlexTensor {
    same_dtype("lse0_plus", &x, &grad);
    let axes = dim_last(x.layout().shape().num_dims(), dim);
    let x = x.permute(&axes).to_contiguous();
    let grad = grad.permute(&axes).to_contiguous();
    let n = x.layout().shape()[axes.len() - 1];
    per_flex_float!("lse0_plus", x.dtype(), T => {
        let mut dx = zeros!(T, x.layout().shape().clone(), x.dtype());
        let (xs, dy) = (x.as_slice::<T>().unwrap(), grad.as_slice::<T>().unwrap());
        kernel::lse0_plus_backward::<T>(xs, dy, n, dx.storage_mut::<T>());
        dx.permute(&axes)
    })
}

impl RectifierBackend for Flex {
    fn fused_elementwise(x: FloatTensor<Self>, f: Elementwise) -> FloatTensor<Self> {
        forward(f, x)
    }

    fn fused_gated(
        gate: FloatTensor<Self>,
        up: FloatTensor<Self>,
        f: Elementwise,
    ) -> FloatTensor<Self> {
        gated(f, gate, up)
    }

    fn fused_gated_backward(
        gate: FloatTensor<Self>,
        up: FloatTensor<Self>,
        grad: FloatTensor<Self>,
        f: Elementwise,
    ) -> (FloatTensor<Self>, FloatTensor<Self>) {
        gated_backward(f, gate, up, grad)
    }

    fn fused_elementwise_backward(
        x: FloatTensor<Self>,
        grad: FloatTensor<Self>,
        f: Elementwise,
    ) -> FloatTensor<Self> {
        backward(f, x, grad)
    }

    fn fused_prelu(x: FloatTensor<Self>, alpha: FloatTensor<Self>) -> FloatTensor<Self> {
        prelu(x, alpha)
    }

    fn fused_prelu_backward(
        x: FloatTensor<Self>,
        alpha: FloatTensor<Self>,
        grad: FloatTensor<Self>,
    ) -> (FloatTensor<Self>, FloatTensor<Self>) {
        prelu_backward(x, alpha, grad)
    }

    fn fused_lse0_plus(x: FloatTensor<Self>, dim: usize) -> FloatTensor<Self> {
        lse0_plus(x, dim)
    }

    fn fused_lse0_plus_backward(
        x: FloatTensor<Self>,
        grad: FloatTensor<Self>,
        dim: usize,
    ) -> FloatTensor<Self> {
        lse0_plus_backward(x, grad, dim)
    }
}
