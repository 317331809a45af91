//! LSE0+ on `CubeBackend`: `ln(1 + Σ_i e^{x_i})` over one dim, one unit per row.
//!
//! The forward reads each row once, keeping a running shift `m = max(0, max x)` and the sum
//! `r` of the other terms scaled by `e^-m` (the zero logit is the first term), so that
//! `y = m + log1p(r)`, as the core's [`rectifiers_core::lse0_plus`] writes it. The backward
//! recomputes `(m, r)` from `x` in the same pass, then writes `dx_i = dy e^{x_i - m} / (1 + r)`
//! in a second pass over the row: from `x`, not from the rounded output (`e^{x_i - y}` would
//! carry `y`'s rounding, about 500 ULP at `y = 1000` in f32), and saving only `x` under
//! Autodiff. `e^d` is the formulas' reduced exponential, `log1p(r)` their series for `r <= 1`.

use burn::backend::TensorMetadata;
use burn::tensor::Shape;
use burn_cubecl::{ops::numeric::empty_device_dtype, tensor::CubeTensor};
use cubecl::{
    calculate_cube_count_elemwise,
    prelude::*,
    std::{FastDivmod, tensor::index_offset_contiguous_fastdivmod},
};

use super::formulas::{down, exp_scaled, log1p_ratio, max_v, splat};
use super::kernel::types;

type One<C> = Vector<C, Const<1>>;

/// The running state of one row: the shift `m`, the scaled sum `r` of every term but one
/// largest, the count of `+inf`, and a NaN of the row (0 if it has none; WGSL has no NaN or
/// infinity literals, so both come from the input).
#[derive(CubeType, Clone, Copy)]
struct Row<C: Float> {
    m: One<C>,
    r: One<C>,
    infs: One<C>,
    nan: One<C>,
}

/// `v == +inf`.
#[cube]
fn is_pos_inf<C: Float>(v: One<C>) -> Vector<bool, Const<1>> {
    v.greater_than(&splat::<C, Const<1>>(f32::MAX))
}

/// `e^d` for `d <= 0` (clamped where it is 0, so `-inf` gives 0).
#[cube]
fn exp_le0<C: Float>(d: One<C>, l_hi: C, l_lo: C) -> One<C> {
    let (e_r, pow) = exp_scaled::<C, Const<1>>(
        max_v::<C, Const<1>>(d, splat::<C, Const<1>>(-104.0)),
        C::new(1.0),
        l_hi,
        l_lo,
    );
    down::<C, Const<1>>(e_r, pow)
}

/// One pass over the row at `x[offset + i step]`, `i < len`.
#[cube]
fn scan<F: Float, C: Float>(
    x: &Tensor<F>,
    offset: usize,
    step: usize,
    len: usize,
    l_hi: C,
    l_lo: C,
) -> Row<C> {
    let zero = splat::<C, Const<1>>(0.0);
    let one = splat::<C, Const<1>>(1.0);
    let mut m = zero;
    let mut r = zero;
    // The rounding errors of the sum so far (Neumaier): r + comp is the sum.
    let mut comp = zero;
    let mut infs = zero;
    let mut nan = zero;
    for i in 0..len {
        let v = One::<C>::new(C::cast_from(x[offset + i * step]));
        let above = v.greater_than(&m);
        // e^-|v - m|: the new term, or the scale of the sum to a new shift v (which adds the
        // old largest term, 1, before scaling).
        let e = exp_le0::<C>(select_many(above, m - v, v - m), l_hi, l_lo);
        let term = select_many(above, one, e);
        let scale = select_many(above, e, one);
        let sum = r + term;
        comp = (comp + sum_error::<C>(r, term, sum)) * scale;
        r = sum * scale;
        m = select_many(above, v, m);
        infs += select_many(is_pos_inf::<C>(v), one, zero);
        nan = select_many(v.equal(&v), nan, v);
    }
    Row::<C> {
        m,
        r: r + comp,
        infs,
        nan,
    }
}

/// The rounding error of `s = a + b` (Knuth's TwoSum). The select hides that `s = a + b`
/// from the compiler, which would otherwise fold the error to 0 (shader compilers
/// reassociate: lavapipe did).
#[cube]
fn sum_error<C: Float>(a: One<C>, b: One<C>, s: One<C>) -> One<C> {
    let s = select_many(s.equal(&s), s, a);
    let bb = s - a;
    (a - (s - bb)) + (b - bb)
}

/// `m + log1p(r)`, with the row's NaN and `+inf`.
#[cube]
fn value<C: Float>(row: Row<C>) -> One<C> {
    let zero = splat::<C, Const<1>>(0.0);
    let one = splat::<C, Const<1>>(1.0);
    let small = row.r.less_equal(&one);
    let lp = select_many(
        small,
        row.r * log1p_ratio::<C, Const<1>>(select_many(small, row.r, one)),
        One::<C>::ln(row.r + one),
    );
    let y = select_many(row.infs.greater_than(&zero), row.m, row.m + lp);
    select_many(row.nan.equal(&row.nan), y, row.nan)
}

#[cube(launch_unchecked, address_type = "dynamic")]
#[allow(clippy::too_many_arguments)]
fn forward_kernel<F: Float, C: Float>(
    x: &Tensor<F>,
    y: &mut Tensor<F>,
    rows: Sequence<FastDivmod<usize>>,
    x_strides: Sequence<usize>,
    step: usize,
    len: usize,
    l_hi: InputScalar,
    l_lo: InputScalar,
    #[define(F, C)] _dtypes: [ElemType; 2],
) {
    if ABSOLUTE_POS >= y.len() {
        terminate!();
    }
    let offset = index_offset_contiguous_fastdivmod(ABSOLUTE_POS, &rows, &x_strides, 1usize);
    let row = scan::<F, C>(x, offset, step, len, l_hi.get::<C>(), l_lo.get::<C>());
    y[ABSOLUTE_POS] = F::cast_from(value::<C>(row).extract(0usize));
}

#[cube(launch_unchecked, address_type = "dynamic")]
#[allow(clippy::too_many_arguments)]
fn backward_kernel<F: Float, C: Float>(
    x: &Tensor<F>,
    dy: &Tensor<F>,
    dx: &mut Tensor<F>,
    rows: Sequence<FastDivmod<usize>>,
    x_strides: Sequence<usize>,
    dy_strides: Sequence<usize>,
    dx_strides: Sequence<usize>,
    steps: Sequence<usize>,
    n_rows: usize,
    len: usize,
    l_hi: InputScalar,
    l_lo: InputScalar,
    #[define(F, C)] _dtypes: [ElemType; 2],
) {
    if ABSOLUTE_POS >= n_rows {
        terminate!();
    }
    let (l_hi, l_lo) = (l_hi.get::<C>(), l_lo.get::<C>());
    let x_at = index_offset_contiguous_fastdivmod(ABSOLUTE_POS, &rows, &x_strides, 1usize);
    let dy_at = index_offset_contiguous_fastdivmod(ABSOLUTE_POS, &rows, &dy_strides, 1usize);
    let dx_at = index_offset_contiguous_fastdivmod(ABSOLUTE_POS, &rows, &dx_strides, 1usize);
    let (x_step, dx_step) = (steps[0], steps[1]);
    let row = scan::<F, C>(x, x_at, x_step, len, l_hi, l_lo);
    let zero = splat::<C, Const<1>>(0.0);
    let one = splat::<C, Const<1>>(1.0);
    let g = One::<C>::new(C::cast_from(dy[dy_at]));
    let inf = row.infs.greater_than(&zero);
    let number = row.nan.equal(&row.nan);
    let scale = g / (row.r + one);
    let per_inf = g / select_many(inf, row.infs, one);
    for i in 0..len {
        let v = One::<C>::new(C::cast_from(x[x_at + i * x_step]));
        // e^(v - m) with the rounding of v - m carried, as the core does.
        let d = v - row.m;
        let d_lo = sum_error::<C>(v, -row.m, d);
        // NaN for v = -inf, whose weight is 0.
        let d_lo = select_many(d_lo.equal(&d_lo), d_lo, zero);
        let finite = exp_le0::<C>(d, l_hi, l_lo) * (d_lo + one) * scale;
        let at_inf = select_many(is_pos_inf::<C>(v), per_inf, zero);
        let d = select_many(inf, at_inf, finite);
        let d = select_many(number, d, row.nan);
        dx[dx_at + i * dx_step] = F::cast_from(d.extract(0usize));
    }
}

/// The shape of LSE0+'s output: `shape` with `dim` of size 1.
fn reduced(shape: Shape, dim: usize) -> Shape {
    let mut shape = shape;
    shape[dim] = 1;
    shape
}

/// `shape` as the fast divisors of the offset computation.
fn divisors(shape: &Shape) -> SequenceArg<FastDivmod<usize>> {
    let mut arg = SequenceArg::new();
    for &d in shape.iter() {
        arg.push(d);
    }
    arg
}

fn strides(t: &CubeTensor) -> SequenceArg<usize> {
    t.meta.strides().iter().copied().collect()
}

/// The split of `ln 2` for the exponentials, as [`InputScalar`]s of the compute type.
fn ln2_split(compute: ElemType) -> [InputScalar; 2] {
    let (hi, lo) = super::kernel::ln2_split(1.0);
    [hi, lo].map(|v| InputScalar::new(v, compute))
}

/// `ln(1 + Σ e^{x_i})` over `dim`, kept with size 1.
pub(crate) fn launch_forward(x: CubeTensor, dim: usize) -> CubeTensor {
    let [store, compute] = types("lse0_plus", &x);
    let len = x.meta.shape()[dim];
    let shape = reduced(x.shape(), dim);
    let client = x.client.clone();
    let y = empty_device_dtype(client.clone(), x.device.clone(), shape.clone(), x.dtype);
    let n_rows = shape.num_elements();
    if n_rows == 0 {
        return y;
    }
    let step = x.meta.strides()[dim];
    let cube_dim = CubeDim::new(&client, n_rows);
    let cube_count = calculate_cube_count_elemwise(&client, n_rows, cube_dim);
    let address = x.required_address_type().max(y.required_address_type());
    let [l_hi, l_lo] = ln2_split(compute);
    let x_strides = strides(&x);
    // SAFETY: `y` is a fresh buffer of `n_rows` elements and the kernel returns for positions
    // past it; every row offset of `x` comes from its own shape and strides, `i < len`.
    unsafe {
        forward_kernel::launch_unchecked(
            &client,
            cube_count,
            cube_dim,
            address,
            x.into_tensor_arg(),
            y.clone().into_tensor_arg(),
            divisors(&shape),
            x_strides,
            step,
            len,
            l_hi,
            l_lo,
            [store, compute],
        );
    }
    y
}

/// `dy e^{x_i} / (1 + Σ_j e^{x_j})` over `dim`, `dy` of the output's shape.
pub(crate) fn launch_backward(x: CubeTensor, dy: CubeTensor, dim: usize) -> CubeTensor {
    assert_eq!(
        x.dtype, dy.dtype,
        "lse0_plus: input and gradient dtypes differ"
    );
    let [store, compute] = types("lse0_plus", &x);
    let len = x.meta.shape()[dim];
    let shape = reduced(x.shape(), dim);
    let client = x.client.clone();
    let dx = empty_device_dtype(client.clone(), x.device.clone(), x.shape(), x.dtype);
    let n_rows = shape.num_elements();
    if n_rows == 0 || len == 0 {
        return dx;
    }
    let steps: SequenceArg<usize> = [x.meta.strides()[dim], dx.meta.strides()[dim]]
        .into_iter()
        .collect();
    let cube_dim = CubeDim::new(&client, n_rows);
    let cube_count = calculate_cube_count_elemwise(&client, n_rows, cube_dim);
    let address = x
        .required_address_type()
        .max(dy.required_address_type())
        .max(dx.required_address_type());
    let [l_hi, l_lo] = ln2_split(compute);
    let (x_strides, dy_strides, dx_strides) = (strides(&x), strides(&dy), strides(&dx));
    // SAFETY: `dx` is a fresh buffer of `x`'s shape; the kernel returns for rows past
    // `n_rows`, and every offset of `x`, `dy` and `dx` comes from its own shape and strides.
    unsafe {
        backward_kernel::launch_unchecked(
            &client,
            cube_count,
            cube_dim,
            address,
            x.into_tensor_arg(),
            dy.into_tensor_arg(),
            dx.clone().into_tensor_arg(),
            divisors(&shape),
            x_strides,
            dy_strides,
            dx_strides,
            steps,
            n_rows,
            len,
            l_hi,
            l_lo,
            [store, compute],
        );
    }
    dx
}
