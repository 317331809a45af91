//! PReLU on `CubeBackend`: the forward and `dx` elementwise with the channel's slope, `dalpha`
//! as one reduction (Burn's `sum_dims`, deterministic) over the per-element `x dy` the backward
//! kernel writes beside `dx`.
//!
//! Both are single roundings in the tensor's own dtype (`alpha x`, `alpha dy`, `x dy`), so the
//! forward and `dx` equal the core's bit for bit; `dalpha` differs from the core's (compensated,
//! in f64) by the order and precision of the sum.

use burn::backend::{TensorMetadata, cubecl::dtype_to_storage_type, ops::FloatTensorOps};
use burn_cubecl::{CubeBackend, ops::numeric::empty_device_dtype, tensor::CubeTensor};
use cubecl::{
    calculate_cube_count_elemwise,
    prelude::*,
    std::tensor::layout::linear::{LinearView, LinearViewMut},
};

use super::kernel::vector_size;

/// The channel of the vector at `pos`: rows of `inner` vectors cycle through `channels`.
#[cube]
fn channel(pos: usize, inner: usize, channels: usize) -> usize {
    (pos / inner) % channels
}

#[cube(launch_unchecked, address_type = "dynamic")]
fn forward_kernel<F: Float, N: Size>(
    x: LinearView<'_, Vector<F, N>>,
    alpha: &Tensor<F>,
    mut y: LinearViewMut<'_, Vector<F, N>>,
    inner: usize,
    channels: usize,
    #[define(F)] _dtype: ElemType,
) {
    if !y.is_in_bounds(ABSOLUTE_POS) {
        terminate!();
    }
    let a = Vector::<F, N>::new(alpha[channel(ABSOLUTE_POS, inner, channels) * alpha.stride(0)]);
    let x = x.read(ABSOLUTE_POS);
    let zero = Vector::<F, N>::new(F::new(0.0));
    y.write(ABSOLUTE_POS, select_many(x.greater_than(&zero), x, x * a));
}

/// `dx = dy` where `x > 0`, else `alpha dy` (NaN for NaN); `t = x dy` where `!(x > 0)`, else 0.
#[cube(launch_unchecked, address_type = "dynamic")]
#[allow(clippy::too_many_arguments)]
fn backward_kernel<F: Float, N: Size>(
    x: LinearView<'_, Vector<F, N>>,
    alpha: &Tensor<F>,
    dy: LinearView<'_, Vector<F, N>>,
    mut dx: LinearViewMut<'_, Vector<F, N>>,
    mut t: LinearViewMut<'_, Vector<F, N>>,
    inner: usize,
    channels: usize,
    #[define(F)] _dtype: ElemType,
) {
    if !dx.is_in_bounds(ABSOLUTE_POS) {
        terminate!();
    }
    let a = Vector::<F, N>::new(alpha[channel(ABSOLUTE_POS, inner, channels) * alpha.stride(0)]);
    let x = x.read(ABSOLUTE_POS);
    let dy = dy.read(ABSOLUTE_POS);
    let zero = Vector::<F, N>::new(F::new(0.0));
    let pos = x.greater_than(&zero);
    let slope = select_many(x.less_equal(&zero), dy * a, dy * x);
    dx.write(ABSOLUTE_POS, select_many(pos, dy, slope));
    t.write(ABSOLUTE_POS, select_many(pos, zero, x * dy));
}

/// The launch shape of PReLU over `x` (channel on dim 1, `c` slopes): the vector size, and the
/// vectors per channel row (the vector size divides the elements per channel).
fn layout(x: &CubeTensor, others: &[&CubeTensor], c: usize) -> (usize, usize) {
    let inner = if c == 1 {
        x.meta.num_elements().max(1)
    } else {
        rectifiers_core::prelu::inner_len(x.meta.shape())
    };
    let mut vs = others
        .iter()
        .fold(vector_size(x), |vs, t| vs.min(vector_size(t)));
    while inner % vs != 0 {
        vs /= 2;
    }
    (vs, inner / vs)
}

/// `prelu(x, alpha)`, `alpha` of `[1]` or `[C]` with the channel on dim 1.
pub(crate) fn launch_forward(x: CubeTensor, alpha: CubeTensor) -> CubeTensor {
    let n = x.meta.num_elements();
    let client = x.client.clone();
    let y = empty_device_dtype(client.clone(), x.device.clone(), x.shape(), x.dtype);
    if n == 0 {
        return y;
    }
    let c = alpha.meta.num_elements();
    let (vs, inner) = layout(&x, &[&y], c);
    let cube_dim = CubeDim::new(&client, n / vs);
    let cube_count = calculate_cube_count_elemwise(&client, n / vs, cube_dim);
    let address = x
        .required_address_type()
        .max(y.required_address_type())
        .max(alpha.required_address_type());
    let dtype = dtype_to_storage_type(x.dtype);
    // SAFETY: `y` is a fresh buffer of `x`'s shape, the grid covers `n / vs` vectors and the
    // kernel returns for positions past them; the channel index is `< c`, `alpha`'s length.
    unsafe {
        forward_kernel::launch_unchecked(
            &client,
            cube_count,
            cube_dim,
            address,
            vs,
            x.into_linear_view(),
            alpha.into_tensor_arg(),
            y.clone().into_linear_view(),
            inner,
            c,
            dtype,
        );
    }
    y
}

/// `(dx, dalpha)` of PReLU, `dalpha` of `alpha`'s shape.
pub(crate) fn launch_backward(
    x: CubeTensor,
    alpha: CubeTensor,
    dy: CubeTensor,
) -> (CubeTensor, CubeTensor) {
    assert_eq!(x.dtype, dy.dtype, "prelu: input and gradient dtypes differ");
    let n = x.meta.num_elements();
    let client = x.client.clone();
    let shape = x.shape();
    let dx = empty_device_dtype(client.clone(), x.device.clone(), shape.clone(), x.dtype);
    let t = empty_device_dtype(client.clone(), x.device.clone(), shape.clone(), x.dtype);
    let alpha_shape = alpha.shape();
    let c = alpha_shape.num_elements();
    if n > 0 {
        let (vs, inner) = layout(&x, &[&dy, &dx], c);
        let cube_dim = CubeDim::new(&client, n / vs);
        let cube_count = calculate_cube_count_elemwise(&client, n / vs, cube_dim);
        let address = x
            .required_address_type()
            .max(dy.required_address_type())
            .max(dx.required_address_type())
            .max(alpha.required_address_type());
        let dtype = dtype_to_storage_type(x.dtype);
        // SAFETY: `dx` and `t` are fresh buffers of `x`'s shape, the grid covers `n / vs`
        // vectors and the kernel returns for positions past them; the channel index is `< c`.
        unsafe {
            backward_kernel::launch_unchecked(
                &client,
                cube_count,
                cube_dim,
                address,
                vs,
                x.into_linear_view(),
                alpha.into_tensor_arg(),
                dy.into_linear_view(),
                dx.clone().into_linear_view(),
                t.clone().into_linear_view(),
                inner,
                c,
                dtype,
            );
        }
    }
    // The channel is dim 1 when there are several slopes; one slope takes every element.
    let rank = shape.num_dims();
    let dims: Vec<usize> = (0..rank).filter(|&d| c == 1 || d != 1).collect();
    let dalpha = if dims.is_empty() {
        t
    } else {
        CubeBackend::float_sum_dims(t, &dims)
    };
    (dx, CubeBackend::float_reshape(dalpha, alpha_shape))
}
