//! The gated activation `f(gate) * up` on `CubeBackend`: one launch forward, one launch for
//! both gradients, with `f` from the elementwise kernels' formulas (`formulas.rs`) as a comptime
//! argument.
//!
//! Inputs of any layout are read through their linear views, as the elementwise kernels read
//! theirs. An output takes over the buffer of an input that nothing else holds (element for
//! element: each position reads its inputs before it writes), else it is a fresh buffer.

use burn::backend::{DType, TensorMetadata, cubecl::dtype_to_storage_type};
use burn_cubecl::{ops::numeric::empty_device_dtype, tensor::CubeTensor};
use cubecl::{
    calculate_cube_count_elemwise,
    prelude::*,
    std::tensor::layout::linear::{LinearView, LinearViewLaunch, LinearViewMut},
};

use super::formulas::{derivative, forward};
use super::kernel::{scalars, scalars_in, types, vector_size};
use rectifiers_core::{Elementwise, ElementwiseKind};

/// `y = f(gate) up`, evaluated in `C`.
#[cube(launch_unchecked, address_type = "dynamic")]
#[allow(clippy::too_many_arguments)]
fn gated_fwd<F: Float, C: Float, N: Size>(
    gate: LinearView<'_, Vector<F, N>>,
    up: LinearView<'_, Vector<F, N>>,
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
    let g = Vector::<C, N>::cast_from(gate.read(ABSOLUTE_POS));
    let u = Vector::<C, N>::cast_from(up.read(ABSOLUTE_POS));
    let s = scalars_in::<C>(p, k, l_hi, l_lo);
    let a = forward::<C, N>(g, s, kind, wide);
    y.write(ABSOLUTE_POS, Vector::cast_from(a * u));
}

/// `d_gate = dy up f'(gate)` and `d_up = dy f(gate)`, evaluated in `C`.
#[cube(launch_unchecked, address_type = "dynamic")]
#[allow(clippy::too_many_arguments, clippy::clone_on_copy)]
fn gated_bwd<F: Float, C: Float, N: Size>(
    gate: LinearView<'_, Vector<F, N>>,
    up: LinearView<'_, Vector<F, N>>,
    dy: LinearView<'_, Vector<F, N>>,
    mut d_gate: LinearViewMut<'_, Vector<F, N>>,
    mut d_up: LinearViewMut<'_, Vector<F, N>>,
    p: InputScalar,
    k: InputScalar,
    l_hi: InputScalar,
    l_lo: InputScalar,
    #[comptime] kind: ElementwiseKind,
    #[comptime] wide: bool,
    #[define(F, C)] _dtypes: [ElemType; 2],
) {
    if !d_gate.is_in_bounds(ABSOLUTE_POS) {
        terminate!();
    }
    let g = Vector::<C, N>::cast_from(gate.read(ABSOLUTE_POS));
    let u = Vector::<C, N>::cast_from(up.read(ABSOLUTE_POS));
    let dy = Vector::<C, N>::cast_from(dy.read(ABSOLUTE_POS));
    let s = scalars_in::<C>(p, k, l_hi, l_lo);
    // `clone`: in the expanded kernel `s` is a `ScalarsExpand`, which is not `Copy`.
    let a = forward::<C, N>(g, s.clone(), kind, wide);
    let d = derivative::<C, N>(g, s, kind, wide);
    // In the core's order, `(dy up) f'`, so the special values (an infinite `up` where f' is
    // 0) come out as the core's.
    d_gate.write(ABSOLUTE_POS, Vector::cast_from(dy * u * d));
    d_up.write(ABSOLUTE_POS, Vector::cast_from(dy * a));
}

/// What the launches share: the inputs (one shape, one float dtype), the storage and compute
/// types, and the inputs whose buffers the outputs may take.
struct Launch<'a> {
    inputs: &'a [&'a CubeTensor],
    types: [ElemType; 2],
    taken: Vec<usize>,
}

impl<'a> Launch<'a> {
    /// # Panics
    ///
    /// If the inputs differ in shape or dtype, or the dtype is not a float the device has.
    fn new(what: &str, inputs: &'a [&'a CubeTensor]) -> Self {
        let first = inputs[0];
        for t in &inputs[1..] {
            assert_eq!(first.dtype, t.dtype, "{what}: the inputs' dtypes differ");
            assert_eq!(
                first.meta.shape(),
                t.meta.shape(),
                "{what}: the inputs' shapes differ"
            );
        }
        Self {
            inputs,
            types: types(what, first),
            taken: Vec::new(),
        }
    }

    /// An output of the inputs' shape: the first input of `prefer` that nothing else holds,
    /// whose elements do not overlap and which no other output took; else a fresh buffer.
    /// Returns the output and its kernel argument.
    fn output(&mut self, prefer: &[usize]) -> (CubeTensor, LinearViewLaunch) {
        let reusable = prefer.iter().copied().find(|&i| {
            let t = self.inputs[i];
            !self.taken.contains(&i) && t.can_mut() && t.is_nonoverlapping()
        });
        match reusable {
            Some(i) => {
                self.taken.push(i);
                let t = self.inputs[i];
                (t.clone(), t.as_linear_view_alias(i))
            }
            None => {
                let like = self.inputs[0];
                let fresh = empty_device_dtype(
                    like.client.clone(),
                    like.device.clone(),
                    like.shape(),
                    like.dtype,
                );
                let arg = fresh.clone().into_linear_view();
                (fresh, arg)
            }
        }
    }
}

/// The vector size every tensor of a launch allows, and the address type each needs.
fn layout(tensors: &[&CubeTensor]) -> (usize, AddressType) {
    let vs = tensors.iter().map(|t| vector_size(t)).min().unwrap_or(1);
    let address = tensors
        .iter()
        .map(|t| t.required_address_type())
        .max()
        .unwrap_or_default();
    (vs, address)
}

/// `f(gate) up`, written over `gate` or `up` when one of their buffers can be reused.
///
/// # Panics
///
/// If `gate` and `up` differ in shape or dtype.
pub(crate) fn launch_forward(f: Elementwise, gate: CubeTensor, up: CubeTensor) -> CubeTensor {
    let kind = f.kind();
    let what = kind.gated_name();
    let n = gate.meta.num_elements();
    let inputs = [&gate, &up];
    let mut launch = Launch::new(what, &inputs);
    if n == 0 {
        return gate;
    }
    let [store, compute] = launch.types;
    let (y, y_arg) = launch.output(&[0, 1]);
    let client = gate.client.clone();
    let (vs, address) = layout(&[&gate, &up, &y]);
    let cube_dim = CubeDim::new(&client, n / vs);
    let cube_count = calculate_cube_count_elemwise(&client, n / vs, cube_dim);
    let [p, k, l_hi, l_lo] = scalars(f, compute);
    let wide = compute == dtype_to_storage_type(DType::F64);
    // SAFETY: `y` is a fresh buffer of the inputs' shape or aliases one input element for
    // element (same view, same position); the grid covers `n / vs` vectors and the kernel
    // returns for positions out of bounds.
    unsafe {
        gated_fwd::launch_unchecked(
            &client,
            cube_count,
            cube_dim,
            address,
            vs,
            gate.clone().into_linear_view(),
            up.clone().into_linear_view(),
            y_arg,
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

/// `(dy up f'(gate), dy f(gate))`, written over the buffers of `dy`, `gate` or `up` when they
/// can be reused.
///
/// # Panics
///
/// If `gate`, `up` and `dy` differ in shape or dtype.
pub(crate) fn launch_backward(
    f: Elementwise,
    gate: CubeTensor,
    up: CubeTensor,
    dy: CubeTensor,
) -> (CubeTensor, CubeTensor) {
    let kind = f.kind();
    let what = kind.gated_name();
    let n = gate.meta.num_elements();
    let inputs = [&gate, &up, &dy];
    let mut launch = Launch::new(what, &inputs);
    if n == 0 {
        return (gate, up);
    }
    let [store, compute] = launch.types;
    let (d_gate, d_gate_arg) = launch.output(&[2, 0, 1]);
    let (d_up, d_up_arg) = launch.output(&[1, 0, 2]);
    let client = gate.client.clone();
    let (vs, address) = layout(&[&gate, &up, &dy, &d_gate, &d_up]);
    let cube_dim = CubeDim::new(&client, n / vs);
    let cube_count = calculate_cube_count_elemwise(&client, n / vs, cube_dim);
    let [p, k, l_hi, l_lo] = scalars(f, compute);
    let wide = compute == dtype_to_storage_type(DType::F64);
    // SAFETY: each output is a fresh buffer of the inputs' shape or aliases a different input
    // element for element; the grid covers `n / vs` vectors and the kernel returns for
    // positions out of bounds.
    unsafe {
        gated_bwd::launch_unchecked(
            &client,
            cube_count,
            cube_dim,
            address,
            vs,
            gate.clone().into_linear_view(),
            up.clone().into_linear_view(),
            dy.clone().into_linear_view(),
            d_gate_arg,
            d_up_arg,
            p,
            k,
            l_hi,
            l_lo,
            kind,
            wide,
            [store, compute],
        );
    }
    (d_gate, d_up)
}
