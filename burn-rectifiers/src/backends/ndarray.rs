//! Fused kernels for burn-ndarray (f32 and f64): the core's slice kernels, run in place when the
//! tensor's buffer is uniquely owned.

#![allow(deprecated)] // burn-ndarray is deprecated in favour of Flex, but still a Burn backend.

use burn::backend::{NdArray, ndarray::NdArrayTensor, tensor::FloatTensor};
use ndarray::{ArcArray, ArrayViewD, IxDyn};
use rectifiers_core::{Elementwise, Float, kernel, prelu::inner_len};

use crate::RectifierBackend;

/// Runs `$body` with `$a` bound to the storage of a float tensor and `$T` to its element type;
/// the body returns an `ArcArray<$T, IxDyn>`.
macro_rules! per_ndarray_float {
    ($what:expr, $t:expr, |$a:ident: $T:ident| $body:expr) => {
        match $t {
            NdArrayTensor::F32($a) => {
                type $T = f32;
                NdArrayTensor::from($body)
            }
            NdArrayTensor::F64($a) => {
                type $T = f64;
                NdArrayTensor::from($body)
            }
            other => panic!(
                "{}: NdArray float tensors are f32 or f64, got {:?}",
                $what,
                other.dtype()
            ),
        }
    };
}

/// Two float tensors of one dtype.
macro_rules! per_ndarray_float2 {
    ($what:expr, $t:expr, $u:expr, |$a:ident, $b:ident: $T:ident| $body:expr) => {
        match ($t, $u) {
            (NdArrayTensor::F32($a), NdArrayTensor::F32($b)) => {
                type $T = f32;
                $body
            }
            (NdArrayTensor::F64($a), NdArrayTensor::F64($b)) => {
                type $T = f64;
                $body
            }
            (a, b) => panic!(
                "{}: dtypes {:?} and {:?} differ or are not f32/f64",
                $what,
                a.dtype(),
                b.dtype()
            ),
        }
    };
}

use burn::backend::TensorMetadata;

/// `f` from a view into a fresh standard-layout array of the same shape.
fn map_new<T: Float>(x: ArrayViewD<'_, T>, f: impl FnOnce(&[T], &mut [T])) -> ArcArray<T, IxDyn> {
    let x = x.as_standard_layout();
    let xs = x.as_slice().expect("standard layout is contiguous");
    let mut y = vec![T::ZERO; xs.len()];
    f(xs, &mut y);
    ArcArray::from_shape_vec(IxDyn(x.shape()), y).expect("shape matches")
}

fn forward(f: Elementwise, x: NdArrayTensor) -> NdArrayTensor {
    per_ndarray_float!(f.name(), x, |a: T| {
        if a.is_unique() {
            let mut a = a.into_shared();
            if let Some(xy) = a.as_slice_memory_order_mut() {
                kernel::forward_in_place::<_, T>(&f, xy);
                a
            } else {
                map_new(a.view(), |x, y| kernel::forward(&f, x, y))
            }
        } else {
            map_new(a.view(), |x, y| kernel::forward(&f, x, y))
        }
    })
}

fn backward(f: Elementwise, x: NdArrayTensor, grad: NdArrayTensor) -> NdArrayTensor {
    per_ndarray_float2!(f.name(), x, grad, |x, g: T| {
        let xv = x.view();
        let xs = xv.as_standard_layout();
        let xs = xs.as_slice().expect("standard layout is contiguous");
        let out: ArcArray<T, IxDyn> = if g.is_unique() {
            let mut g = g.into_shared();
            if g.is_standard_layout() {
                let gs = g.as_slice_mut().expect("standard layout is contiguous");
                kernel::backward_in_place::<_, T>(&f, xs, gs);
                g
            } else {
                map_new(g.view(), |dy, dx| kernel::backward(&f, xs, dy, dx))
            }
        } else {
            map_new(g.view(), |dy, dx| kernel::backward(&f, xs, dy, dx))
        };
        NdArrayTensor::from(out)
    })
}

fn gated(f: Elementwise, gate: NdArrayTensor, up: NdArrayTensor) -> NdArrayTensor {
    per_ndarray_float2!("gated", gate, up, |gate, up: T| {
        assert_eq!(
            gate.shape(),
            up.shape(),
            "gated: gate and up have different shapes"
        );
        let uv = up.view();
        let us = uv.as_standard_layout();
        let us = us.as_slice().expect("standard layout is contiguous");
        NdArrayTensor::from(map_new(gate.view(), |g, y| {
            kernel::gated_forward::<_, T>(&f, g, us, y)
        }))
    })
}

fn gated_backward(
    f: Elementwise,
    gate: NdArrayTensor,
    up: NdArrayTensor,
    grad: NdArrayTensor,
) -> (NdArrayTensor, NdArrayTensor) {
    fn run<T: Float>(
        f: Elementwise,
        gate: ArrayViewD<'_, T>,
        up: ArrayViewD<'_, T>,
        grad: ArrayViewD<'_, T>,
    ) -> (ArcArray<T, IxDyn>, ArcArray<T, IxDyn>) {
        let (us, gs) = (up.as_standard_layout(), grad.as_standard_layout());
        let us = us.as_slice().expect("standard layout is contiguous");
        let dy = gs.as_slice().expect("standard layout is contiguous");
        let mut d_up = vec![T::ZERO; us.len()];
        let d_gate = map_new(gate.view(), |g, d_gate| {
            kernel::gated_backward::<_, T>(&f, g, us, dy, d_gate, &mut d_up)
        });
        let d_up = ArcArray::from_shape_vec(IxDyn(up.shape()), d_up).expect("shape matches");
        (d_gate, d_up)
    }
    match (gate, up, grad) {
        (NdArrayTensor::F32(g), NdArrayTensor::F32(u), NdArrayTensor::F32(dy)) => {
            let (dg, du) = run(f, g.view(), u.view(), dy.view());
            (dg.into(), du.into())
        }
        (NdArrayTensor::F64(g), NdArrayTensor::F64(u), NdArrayTensor::F64(dy)) => {
            let (dg, du) = run(f, g.view(), u.view(), dy.view());
            (dg.into(), du.into())
        }
        (g, u, dy) => panic!(
            "gated: dtypes {:?}, {:?}, {:?} differ or are not f32/f64",
            g.dtype(),
            u.dtype(),
            dy.dtype()
        ),
    }
}

fn prelu(x: NdArrayTensor, alpha: NdArrayTensor) -> NdArrayTensor {
    per_ndarray_float2!("prelu", x, alpha, |x, alpha: T| {
        let av = alpha.view();
        let a = av.as_standard_layout();
        let inner = inner_len(x.shape());
        let a = a.as_slice().expect("standard layout is contiguous");
        NdArrayTensor::from(map_new(x.view(), |x, y| {
            kernel::prelu_forward::<T>(x, a, inner, y)
        }))
    })
}

fn prelu_backward(
    x: NdArrayTensor,
    alpha: NdArrayTensor,
    grad: NdArrayTensor,
) -> (NdArrayTensor, NdArrayTensor) {
    fn run<T: Float>(
        x: ArrayViewD<'_, T>,
        alpha: ArrayViewD<'_, T>,
        grad: ArrayViewD<'_, T>,
    ) -> (ArcArray<T, IxDyn>, ArcArray<T, IxDyn>) {
        let a = alpha.as_standard_layout();
        let a = a.as_slice().expect("standard layout is contiguous");
        let inner = inner_len(x.shape());
        let xs = x.as_standard_layout();
        let xs = xs.as_slice().expect("standard layout is contiguous");
        let mut da = vec![T::ZERO; a.len()];
        let dx = map_new(grad, |dy, dx| {
            kernel::prelu_backward::<T>(xs, a, dy, inner, dx, &mut da)
        });
        let da = ArcArray::from_shape_vec(IxDyn(alpha.shape()), da).expect("shape matches");
        (dx, da)
    }
    match (x, alpha, grad) {
        (NdArrayTensor::F32(x), NdArrayTensor::F32(a), NdArrayTensor::F32(g)) => {
            let (dx, da) = run(x.view(), a.view(), g.view());
            (dx.into(), da.into())
        }
        (NdArrayTensor::F64(x), NdArrayTensor::F64(a), NdArrayTensor::F64(g)) => {
            let (dx, da) = run(x.view(), a.view(), g.view());
            (dx.into(), da.into())
        }
        (x, a, g) => panic!(
            "prelu: dtypes {:?}, {:?}, {:?} differ or are not f32/f64",
            x.dtype(),
            a.dtype(),
            g.dtype()
        ),
    }
}

fn lse0_plus(x: NdArrayTensor, dim: usize) -> NdArrayTensor {
    per_ndarray_float!("lse0_plus", x, |x: T| {
        let rank = x.ndim();
        let mut v = x.view();
        v.swap_axes(dim, rank - 1);
        let n = v.shape()[rank - 1];
        let xs = v.as_standard_layout();
        let xs = xs.as_slice().expect("standard layout is contiguous");
        let mut shape = v.shape().to_vec();
        shape[rank - 1] = 1;
        let mut y = vec![T::ZERO; shape.iter().product()];
        kernel::lse0_plus_forward::<T>(xs, n, &mut y);
        let mut y = ArcArray::from_shape_vec(IxDyn(&shape), y).expect("shape matches");
        y.swap_axes(dim, rank - 1);
        y
    })
}

fn lse0_plus_backward(x: NdArrayTensor, grad: NdArrayTensor, dim: usize) -> NdArrayTensor {
    per_ndarray_float2!("lse0_plus", x, grad, |x, g: T| {
        let rank = x.ndim();
        let mut v = x.view();
        v.swap_axes(dim, rank - 1);
        let n = v.shape()[rank - 1];
        let mut gv = g.view();
        gv.swap_axes(dim, rank - 1);
        let gs = gv.as_standard_layout();
        let gs = gs.as_slice().expect("standard layout is contiguous");
        let mut dx = map_new(v, |xs, dx| kernel::lse0_plus_backward::<T>(xs, gs, n, dx));
        dx.swap_axes(dim, rank - 1);
        NdArrayTensor::from(dx)
    })
}

impl RectifierBackend for NdArray {
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
