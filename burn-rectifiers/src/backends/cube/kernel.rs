//! The cubecl kernels and their launch: one forward and one backward kernel for every
//! elementwise function (the function is a comptime argument), over vectorised linear views.

use burn::backend::{DType, TensorMetadata, cubecl::dtype_to_storage_type};
use burn_cubecl::{CubeDevice, ops::numeric::empty_device_dtype, tensor::CubeTensor};
use cubecl::{
    calculate_cube_count_elemwise,
    prelude::*,
    std::tensor::layout::linear::{LinearView, LinearViewMut},
    tensor_vector_size_parallel,
};

use super::formulas::{Scalars, derivative, forward};
use rectifiers_core::{Elementwise, ElementwiseKind};

/// `y = f(x)`, evaluated in `C`.
#[cube(launch_unchecked, address_type = "dynamic")]
#[allow(clippy::too_many_arguments)]
fn forward_kernel<F: Float, C: Float, N: Size>(
    x: LinearView<'_, Vector<F, N>>,
    mut y: LinearViewMut<'_, Vector<F, N>>,
    p: InputScalar,
    k: InputScalar,
    l_hi: InputScalar,
    l_lo: InputScalar,
    #[comptime] kind: ElementwiseKind,
    #[comptime] wide: bool,
    #[define(F, C)] _dtypes: [ElemType; 2],
) {
    if !y.is_in_bounds(ABSOLUTE_POS) {
        terminate!();
    }
    let x = Vector::<C, N>::cast_from(x.read(ABSOLUTE_POS));
    let s = scalars_in::<C>(p, k, l_hi, l_lo);
    let r = forward::<C, N>(x, s, kind, wide);
    y.write(ABSOLUTE_POS, Vector::cast_from(r));
}

/// `dx = f'(x) dy`, evaluated in `C`.
#[cube(launch_unchecked, address_type = "dynamic")]
#[allow(clippy::too_many_arguments)]
fn backward_kernel<F: Float, C: Float, N: Size>(
    x: LinearView<'_, Vector<F, N>>,
    dy: LinearView<'_, Vector<F, N>>,
    mut dx: LinearViewMut<'_, Vector<F, N>>,
    p: InputScalar,
    k: InputScalar,
    l_hi: InputScalar,
    l_lo: InputScalar,
    #[comptime] kind: ElementwiseKind,
    #[comptime] wide: bool,
    #[define(F, C)] _dtypes: [ElemType; 2],
) {
    if !dx.is_in_bounds(ABSOLUTE_POS) {
        terminate!();
    }
    let x = Vector::<C, N>::cast_from(x.read(ABSOLUTE_POS));
    let dy = Vector::<C, N>::cast_from(dy.read(ABSOLUTE_POS));
    let s = scalars_in::<C>(p, k, l_hi, l_lo);
    let d = derivative::<C, N>(x, s, kind, wide);
    dx.write(ABSOLUTE_POS, Vector::cast_from(d * dy));
}

/// The [`Scalars`] of a launch (see [`scalars`]) in the compute type.
#[cube]
pub(crate) fn scalars_in<C: Float>(
    p: InputScalar,
    k: InputScalar,
    l_hi: InputScalar,
    l_lo: InputScalar,
) -> Scalars<C> {
    Scalars::<C> {
        p: p.get::<C>(),
        k: k.get::<C>(),
        l_hi: l_hi.get::<C>(),
        l_lo: l_lo.get::<C>(),
    }
}

/// The run-time scalars of a launch for `f`: its parameter, the scale `k` of its exponent and
/// the split of `ln 2 / k` (16 significant bits, so `n l_hi` is exact for the `n` of any finite
/// `e^x` in f32), as [`InputScalar`]s of the compute type.
pub(crate) fn scalars(f: Elementwise, compute: ElemType) -> [InputScalar; 4] {
    let p = f.param().unwrap_or(0.0);
    let k = match f.kind() {
        ElementwiseKind::Softplus => p,
        ElementwiseKind::SoftplusApprox => core::f64::consts::LOG2_E,
        _ => 1.0,
    };
    let (l_hi, l_lo) = ln2_split(k);
    [p, k, l_hi, l_lo].map(|v| InputScalar::new(v, compute))
}

/// `ln 2 / k = l_hi + l_lo`, `l_hi` of 16 significant bits (so `n l_hi` is exact for the `n`
/// of any finite `e^x` in f32).
pub(crate) fn ln2_split(k: f64) -> (f64, f64) {
    let l = core::f64::consts::LN_2 / k;
    let l_hi = f32::from_bits((l as f32).to_bits() & !0xff) as f64;
    (l_hi, l - l_hi)
}

/// The storage type of `x` and the type the formulas run in: f64 for f64, else f32.
///
/// # Panics
///
/// For bf16 on wgpu: WGSL has no bf16, and Burn 0.22.1 does not reject it (its own ops return
/// wrong values there), so this does.
pub(crate) fn types(what: &str, x: &CubeTensor) -> [ElemType; 2] {
    let dtype = x.dtype;
    assert!(
        !(dtype == DType::BF16 && matches!(x.device, CubeDevice::Wgpu(_))),
        "{what}: bf16 is not supported on wgpu (WGSL has no bf16); cast to f16 or f32"
    );
    let compute = match dtype {
        DType::F64 => DType::F64,
        DType::F32 | DType::Flex32 | DType::F16 | DType::BF16 => DType::F32,
        other => panic!("{what}: expected a float tensor, got {other:?}"),
    };
    [dtype_to_storage_type(dtype), dtype_to_storage_type(compute)]
}

/// The widest vector the layout of `t` allows along its last dim.
pub(crate) fn vector_size(t: &CubeTensor) -> usize {
    tensor_vector_size_parallel(
        t.client.io_optimized_vector_sizes(t.dtype.size()),
        t.meta.shape(),
        t.meta.strides(),
        t.meta.num_dims() - 1,
    ) as usize
}

/// `f(x)`, written over `x` when its buffer can be reused.
pub(crate) fn launch_forward(f: Elementwise, x: CubeTensor) -> CubeTensor {
    let kind = f.kind();
    let n = x.meta.num_elements();
    if n == 0 {
        return x;
    }
    let [store, compute] = types(kind.name(), &x);
    let client = x.client.clone();
    let vs = vector_size(&x);
    let cube_dim = CubeDim::new(&client, n / vs);
    let cube_count = calculate_cube_count_elemwise(&client, n / vs, cube_dim);
    let [p, k, l_hi, l_lo] = scalars(f, compute);
    let wide = compute == dtype_to_storage_type(DType::F64);
    if x.can_mut() && x.is_nonoverlapping() {
        // SAFETY: the output aliases input 0 element for element (same view, same position), the
        // grid covers `n / vs` vectors and the kernel returns for positions out of bounds.
        unsafe {
            forward_kernel::launch_unchecked(
                &client,
                cube_count,
                cube_dim,
                x.required_address_type(),
                vs,
                x.clone().into_linear_view(),
                x.as_linear_view_alias(0),
                p,
                k,
                l_hi,
                l_lo,
                kind,
                wide,
                [store, compute],
            );
        }
        x
    } else {
        let y = empty_device_dtype(client.clone(), x.device.clone(), x.shape(), x.dtype);
        let address = x.required_address_type().max(y.required_address_type());
        // SAFETY: `y` is a fresh buffer of `x`'s shape; the kernel bounds-checks every position.
        unsafe {
            forward_kernel::launch_unchecked(
                &client,
                cube_count,
                cube_dim,
                address,
                vs,
                x.into_linear_view(),
                y.clone().into_linear_view(),
                p,
                k,
                l_hi,
                l_lo,
                kind,
                wide,
                [store, compute],
            );
        }
        y
    }
}

/// `f'(x) grad`, written over `grad` when its buffer can be reused.
pub(crate) fn launch_backward(f: Elementwise, x: CubeTensor, grad: CubeTensor) -> CubeTensor {
    let kind = f.kind();
    assert_eq!(
        x.dtype,
        grad.dtype,
        "{}: input and gradient dtypes differ",
        kind.name()
    );
    let n = x.meta.num_elements();
    if n == 0 {
        return grad;
    }
    let [store, compute] = types(kind.name(), &x);
    let client = x.client.clone();
    let vs = vector_size(&x).min(vector_size(&grad));
    let cube_dim = CubeDim::new(&client, n / vs);
    let cube_count = calculate_cube_count_elemwise(&client, n / vs, cube_dim);
    let [p, k, l_hi, l_lo] = scalars(f, compute);
    let wide = compute == dtype_to_storage_type(DType::F64);
    if grad.can_mut() && grad.is_nonoverlapping() {
        let address = x.required_address_type().max(grad.required_address_type());
        // SAFETY: the output aliases input 1 (`grad`) element for element; the kernel
        // bounds-checks every position.
        unsafe {
            backward_kernel::launch_unchecked(
                &client,
                cube_count,
                cube_dim,
                address,
                vs,
                x.into_linear_view(),
                grad.clone().into_linear_view(),
                grad.as_linear_view_alias(1),
                p,
                k,
                l_hi,
                l_lo,
                kind,
                wide,
                [store, compute],
            );
        }
        grad
    } else {
        let dx = empty_device_dtype(client.clone(), x.device.clone(), x.shape(), x.dtype);
        let address = x
            .required_address_type()
            .max(grad.required_address_type())
            .max(dx.required_address_type());
        // SAFETY: `dx` is a fresh buffer of `x`'s shape; the kernel bounds-checks every position.
        unsafe {
            backward_kernel::launch_unchecked(
                &client,
                cube_count,
                cube_dim,
                address,
                vs,
                x.into_linear_view(),
                grad.into_linear_view(),
                dx.clone().into_linear_view(),
                p,
                k,
                l_hi,
                l_lo,
                kind,
                wide,
                [store, compute],
            );
        }
        dx
    }
}
