//! The gated ops, `f(gate) * up`: forward and both gradients (the `GatedBackward` op and
//! `Var` backprop) against the core's gated kernels (the reference: bit for bit on the CPU),
//! and against `f(gate) * up` composed from our plain op and candle's `mul`, for every function
//! of `ElementwiseKind::ALL` (defaults and non-default parameters), every dtype; strided and
//! empty inputs, NaN and infinities; the split form against the two-tensor form and candle-nn's
//! `swiglu`; the typed errors; the `Activation` names. Each check runs per device.

mod common;

use candle_core::{D, DType, Device, Error, Module, Result, Tensor, Var};
use candle_rectifiers::{self as cr, Elementwise, ElementwiseKind, modules::Activation};
use common::*;

/// Every function with its default parameter, then non-default parameters.
fn functions() -> Vec<Elementwise> {
    let mut fs: Vec<Elementwise> = ElementwiseKind::ALL
        .iter()
        .map(|k| k.with_default())
        .collect();
    for f in [
        "squareplus(b=1)",
        "softplus(k=10)",
        "leaky_relu(negative_slope=0.2)",
        "elu(alpha=0.5)",
        "srelu(a=0.5)",
    ] {
        fs.push(f.parse().expect("a valid function"));
    }
    fs
}

/// `kernel::gated_forward` on the host: the reference.
fn core_gated(f: &Elementwise, gate: &Tensor, up: &Tensor) -> Result<Tensor> {
    let shape = gate.shape().clone();
    with_dtype!(gate.dtype(), T => {
        let g = gate.to_device(&Device::Cpu)?.flatten_all()?.to_vec1::<T>()?;
        let u = up.to_device(&Device::Cpu)?.flatten_all()?.to_vec1::<T>()?;
        let mut y = g.clone();
        rectifiers_core::kernel::gated_forward(f, &g, &u, &mut y);
        Tensor::from_vec(y, shape, &Device::Cpu)
    })
}

/// `kernel::gated_backward` on the host: `(d_gate, d_up)`.
fn core_gated_backward(
    f: &Elementwise,
    gate: &Tensor,
    up: &Tensor,
    dy: &Tensor,
) -> Result<(Tensor, Tensor)> {
    let shape = gate.shape().clone();
    with_dtype!(gate.dtype(), T => {
        let host = |t: &Tensor| t.to_device(&Device::Cpu)?.flatten_all()?.to_vec1::<T>();
        let (g, u, d) = (host(gate)?, host(up)?, host(dy)?);
        let (mut dg, mut du) = (d.clone(), d.clone());
        rectifiers_core::kernel::gated_backward(f, &g, &u, &d, &mut dg, &mut du);
        Ok((
            Tensor::from_vec(dg, shape.clone(), &Device::Cpu)?,
            Tensor::from_vec(du, shape, &Device::Cpu)?,
        ))
    })
}

/// `f(gate) * up` composed: our plain op, then candle's `mul` (so its backward is our plain
/// backward op and candle's `mul` backward).
fn composed(f: Elementwise, gate: &Tensor, up: &Tensor) -> Result<Tensor> {
    cr::apply(gate, f)? * up
}

/// Gate, up and upstream-gradient values of length `len`: the edge cases (NaN, infinities,
/// signed zeros, subnormals, huge values) in gate and up, at different positions.
fn operands(len: usize, dtype: DType, dev: &Device) -> Result<(Tensor, Tensor, Tensor)> {
    let mut up = inputs(len + 7);
    up.reverse();
    up.truncate(len);
    Ok((
        tensor(&inputs(len), dtype, dev)?,
        tensor(&up, dtype, dev)?,
        tensor(&moderate(len, 3.0), dtype, dev)?,
    ))
}

/// `d(sum(dy * gated(gate, up)))/d(gate, up)` through `Var` backprop.
fn var_grads(
    op: impl Fn(&Tensor, &Tensor) -> Result<Tensor>,
    gate: &Tensor,
    up: &Tensor,
    dy: &Tensor,
) -> Result<(Tensor, Tensor)> {
    let (gv, uv) = (Var::from_tensor(gate)?, Var::from_tensor(up)?);
    let grads = (op(gv.as_tensor(), uv.as_tensor())? * dy)?
        .sum_all()?
        .backward()?;
    let get = |v: &Var| grads.get(v).expect("a gradient").to_device(&Device::Cpu);
    Ok((get(&gv)?, get(&uv)?))
}

fn matches_core(dev: &Device) -> Result<()> {
    for f in functions() {
        for dtype in FLOAT_DTYPES {
            for len in [1, 257, 40_000] {
                let what = format!("{f} {dtype:?} len {len}");
                let (g, u, dy) = operands(len, dtype, dev)?;
                let y = cr::gated(&g, &u, f)?;
                assert_matches_core(dev, &y, &core_gated(&f, &g, &u)?, &format!("{what} fwd"))?;

                // The backward op: both gradients in one packed tensor.
                let (want_dg, want_du) = core_gated_backward(&f, &g, &u, &dy)?;
                let packed = g.apply_op3_no_bwd(&u, &dy, &cr::GatedBackward(f))?;
                assert_eq!(packed.dims(), [2, len]);
                assert_grad_matches_core(
                    dev,
                    &packed.get(0)?,
                    &want_dg,
                    &format!("{what} d_gate"),
                )?;
                assert_grad_matches_core(dev, &packed.get(1)?, &want_du, &format!("{what} d_up"))?;

                // Through Var: candle adds each gradient to +0 (flushing subnormals in bf16).
                let (dg, du) = var_grads(|g, u| cr::gated(g, u, f), &g, &u, &dy)?;
                let (rel, floor) = if dev.is_cpu() {
                    (0.0, min_normal(dtype))
                } else {
                    (device_tolerance(dtype), device_grad_floor(dtype))
                };
                assert_close(&dg, &want_dg, rel, floor, &format!("{what} Var d_gate"))?;
                assert_close(&du, &want_du, rel, floor, &format!("{what} Var d_up"))?;
            }
        }
    }
    Ok(())
}
test_device!(matches_core, matches_core_cpu, matches_core_cuda);

/// Against the composition. f32 and f64, edge operands (NaN, infinities, huge values):
/// forward and `d_up` are the plain function then one multiplication in both, and f64's
/// `d_gate` the same two multiplications in the same order, so they are equal, NaN and
/// infinities included. Every dtype, moderate operands: within the composition's own rounding
/// (it rounds `dy * up` in f32, and half types round `f(gate)` and `f'(gate)` to the type).
fn matches_composed(dev: &Device) -> Result<()> {
    for f in functions() {
        for dtype in [DType::F32, DType::F64] {
            let what = format!("{f} {dtype:?} vs composed");
            let (g, u, dy) = operands(257, dtype, dev)?;
            let cpu = |t: Tensor| t.to_device(&Device::Cpu);
            assert_same(
                &cpu(cr::gated(&g, &u, f)?)?,
                &cpu(composed(f, &g, &u)?)?,
                &format!("{what} fwd"),
            )?;
            let (dg, du) = var_grads(|g, u| cr::gated(g, u, f), &g, &u, &dy)?;
            let (want_dg, want_du) = var_grads(|g, u| composed(f, g, u), &g, &u, &dy)?;
            assert_same(&du, &want_du, &format!("{what} d_up"))?;
            if dtype == DType::F64 {
                assert_same(&dg, &want_dg, &format!("{what} d_gate"))?;
            }
        }
        for (dtype, rel) in [
            (DType::F64, 0.0),
            (DType::F32, 2.4e-7),
            (DType::F16, 2e-3),
            (DType::BF16, 1.6e-2),
        ] {
            let what = format!("{f} {dtype:?} vs composed, moderate");
            let len = 1000;
            let g = tensor(&moderate(len, 6.0), dtype, dev)?;
            let u = tensor(&moderate(len + 3, 4.0)[3..], dtype, dev)?;
            let dy = tensor(&moderate(len + 9, 3.0)[9..], dtype, dev)?;
            let floor = min_normal(dtype);
            let y = cr::gated(&g, &u, f)?;
            assert_close(
                &y,
                &composed(f, &g, &u)?,
                rel,
                floor,
                &format!("{what} fwd"),
            )?;
            let (dg, du) = var_grads(|g, u| cr::gated(g, u, f), &g, &u, &dy)?;
            let (want_dg, want_du) = var_grads(|g, u| composed(f, g, u), &g, &u, &dy)?;
            assert_close(&dg, &want_dg, rel, floor, &format!("{what} d_gate"))?;
            assert_close(&du, &want_du, rel, floor, &format!("{what} d_up"))?;
        }
    }
    Ok(())
}
test_device!(
    matches_composed,
    matches_composed_cpu,
    matches_composed_cuda
);

/// f32 `d_gate`: `dy * up` is exact in f64, so where it overflows f32 the fused gradient is
/// still `dy up f'(gate)` rounded: 0 where `f'(gate) = 0`, where the composition (`dy * up`
/// rounded to inf, then `inf * 0`) gives NaN; inf where the true product overflows.
fn f32_d_gate_does_not_overflow_early(dev: &Device) -> Result<()> {
    let u = Tensor::new(&[3e38f32, 3e38], dev)?;
    let dy = Tensor::new(&[2.0f32, 2.0], dev)?;
    // ReLU: f'(-1) = 0, f'(1) = 1.
    let relu = ElementwiseKind::Relu.with_default();
    let g = Tensor::new(&[-1.0f32, 1.0], dev)?;
    let (dg, _) = var_grads(|g, u| cr::gated(g, u, relu), &g, &u, &dy)?;
    assert_eq!(dg.to_vec1::<f32>()?, [0.0, f32::INFINITY]);
    let (dg, _) = var_grads(|g, u| composed(relu, g, u), &g, &u, &dy)?;
    let dg = dg.to_vec1::<f32>()?;
    assert!(dg[0].is_nan() && dg[1] == f32::INFINITY, "{dg:?}");
    // Leaky ReLU with slope 1e-38: f'(-1) = 1e-38, and 2 * 3e38 * 1e-38 is about 6.
    let leaky = "leaky_relu(negative_slope=1e-38)"
        .parse::<Elementwise>()
        .unwrap();
    let g = Tensor::new(&[-1.0f32, -1.0], dev)?;
    let (dg, _) = var_grads(|g, u| cr::gated(g, u, leaky), &g, &u, &dy)?;
    let finite = (2.0 * f64::from(3e38f32) * f64::from(1e-38f32)) as f32;
    assert_eq!(dg.to_vec1::<f32>()?, [finite; 2]);
    let (dg, _) = var_grads(|g, u| composed(leaky, g, u), &g, &u, &dy)?;
    assert_eq!(dg.to_vec1::<f32>()?, [f32::INFINITY; 2]);
    Ok(())
}
test_device!(
    f32_d_gate_does_not_overflow_early,
    no_overflow_cpu,
    no_overflow_cuda
);

/// f16 and bf16: the fused op rounds once from f32, so it is within 1 ulp of the f64 value
/// `f(gate) * up` (the core's f64 function, the product rounded to the type), and differs from
/// it less often than the composed half evaluation, which rounds `f(gate)` first. Prints the
/// maxima and how many of the results differ.
fn halves_round_once(dev: &Device) -> Result<()> {
    for dtype in [DType::F16, DType::BF16] {
        let (mut fused_max, mut composed_max) = (0.0f64, 0.0f64);
        let (mut fused_off, mut composed_off, mut total) = (0, 0, 0);
        for f in functions() {
            let len = 4000;
            let g = tensor(&moderate(len, 6.0), dtype, dev)?;
            let u = tensor(&moderate(len + 5, 4.0)[5..], dtype, dev)?;
            let (g64, u64) = (g.to_dtype(DType::F64)?, u.to_dtype(DType::F64)?);
            let exact = values(&cr::gated(&g64, &u64, f)?.to_dtype(dtype)?)?;
            let ulps = |t: &Tensor| -> Result<Vec<f64>> {
                let got = values(t)?;
                Ok(got
                    .iter()
                    .zip(&exact)
                    .map(|(a, b)| half_ulps(*a, *b, dtype))
                    .collect())
            };
            let fused = ulps(&cr::gated(&g, &u, f)?)?;
            let comp = ulps(&composed(f, &g, &u)?)?;
            let max = |v: &[f64]| v.iter().copied().fold(0.0, f64::max);
            if dev.is_cpu() {
                assert!(
                    max(&fused) <= 1.0,
                    "{f} {dtype:?}: fused {} ulp",
                    max(&fused)
                );
            }
            fused_max = fused_max.max(max(&fused));
            composed_max = composed_max.max(max(&comp));
            fused_off += fused.iter().filter(|&&d| d > 0.0).count();
            composed_off += comp.iter().filter(|&&d| d > 0.0).count();
            total += len;
        }
        if dev.is_cpu() {
            assert!(
                fused_off < composed_off,
                "{dtype:?}: {fused_off} vs {composed_off}"
            );
        }
        println!(
            "{dtype:?} on {dev:?}, against the f64 value rounded to the type: fused max \
             {fused_max} ulp, {fused_off} of {total} off; composed max {composed_max} ulp, \
             {composed_off} off"
        );
    }
    Ok(())
}
test_device!(halves_round_once, halves_cpu, halves_cuda);

/// The ulps of `dtype` between two of its values (both finite, of the same sign here; zero
/// counts as the smallest step).
fn half_ulps(a: f64, b: f64, dtype: DType) -> f64 {
    if a == b {
        return 0.0;
    }
    let (bits, min_exp) = match dtype {
        DType::F16 => (11, -14),
        _ => (8, -126),
    };
    let exp = a.abs().max(b.abs()).log2().floor().max(min_exp as f64);
    (a - b).abs() / 2f64.powf(exp - (bits - 1) as f64)
}

/// Transposed, narrowed and broadcast views give what their contiguous copies give, forward
/// and both gradients (the backward op on strided `dy` too).
fn strided(dev: &Device) -> Result<()> {
    for dtype in FLOAT_DTYPES {
        let base = tensor(&inputs(6 * 40), dtype, dev)?.reshape((6, 40))?;
        let other = tensor(&moderate(6 * 40, 4.0), dtype, dev)?.reshape((6, 40))?;
        let dys = tensor(&moderate(6 * 40 + 1, 3.0)[1..], dtype, dev)?.reshape((6, 40))?;
        for f in functions() {
            for (g, u, dy, name) in [
                (base.t()?, other.t()?, dys.t()?, "transposed"),
                (
                    base.t()?,
                    other.t()?.contiguous()?,
                    dys.t()?,
                    "gate transposed",
                ),
                (
                    base.narrow(1, 3, 20)?,
                    other.narrow(1, 11, 20)?,
                    dys.narrow(0, 0, 6)?.narrow(1, 0, 20)?,
                    "narrowed",
                ),
                (
                    base.narrow(0, 2, 1)?.broadcast_as((5, 40))?,
                    other.narrow(0, 0, 5)?,
                    dys.narrow(0, 1, 5)?,
                    "broadcast",
                ),
            ] {
                let what = format!("{f} {dtype:?} {name}");
                let (gc, uc, dyc) = (g.contiguous()?, u.contiguous()?, dy.contiguous()?);
                let cpu = |t: Tensor| t.to_device(&Device::Cpu);
                assert_same(
                    &cpu(cr::gated(&g, &u, f)?)?,
                    &cpu(cr::gated(&gc, &uc, f)?)?,
                    &format!("{what} fwd"),
                )?;
                let op = cr::GatedBackward(f);
                assert_same(
                    &cpu(g.apply_op3_no_bwd(&u, &dy, &op)?)?,
                    &cpu(gc.apply_op3_no_bwd(&uc, &dyc, &op)?)?,
                    &format!("{what} backward op"),
                )?;
            }
        }
    }
    Ok(())
}
test_device!(strided, strided_cpu, strided_cuda);

/// Empty tensors: empty results and gradients, no kernel launch.
fn empty(dev: &Device) -> Result<()> {
    for dtype in FLOAT_DTYPES {
        for f in functions() {
            let e = Tensor::zeros((0, 3), dtype, dev)?;
            assert_eq!(cr::gated(&e, &e, f)?.dims(), [0, 3]);
            let (dg, du) = var_grads(|g, u| cr::gated(g, u, f), &e, &e, &e)?;
            assert_eq!(
                (dg.dims(), du.dims()),
                ([0, 3].as_slice(), [0, 3].as_slice())
            );
            let e = Tensor::zeros((2, 0), dtype, dev)?;
            assert_eq!(cr::gated_split(&e, f)?.dims(), [2, 0]);
        }
    }
    Ok(())
}
test_device!(empty, empty_cpu, empty_cuda);

/// `gated_split(xs)` is `gated` on the halves of the last dim, forward and the gradient of
/// `xs` (the two halves' gradients side by side); `swiglu`, `geglu`, `reglu` are it with SiLU,
/// GELU, ReLU; `swiglu` is candle-nn's `ops::swiglu` within its rounding.
fn split_form(dev: &Device) -> Result<()> {
    for dtype in FLOAT_DTYPES {
        let xs = tensor(&inputs(3 * 2 * 100), dtype, dev)?.reshape((3, 2, 100))?;
        let dy = tensor(&moderate(3 * 2 * 50, 3.0), dtype, dev)?.reshape((3, 2, 50))?;
        let (gate, up) = (xs.narrow(D::Minus1, 0, 50)?, xs.narrow(D::Minus1, 50, 50)?);
        for f in functions() {
            let what = format!("{f} {dtype:?} split");
            let cpu = |t: Tensor| t.to_device(&Device::Cpu);
            let y = cr::gated_split(&xs, f)?;
            assert_eq!(y.dims(), [3, 2, 50]);
            assert_same(&cpu(y)?, &cpu(cr::gated(&gate, &up, f)?)?, &what)?;

            let xv = Var::from_tensor(&xs)?;
            let grads = (cr::gated_split(xv.as_tensor(), f)? * &dy)?
                .sum_all()?
                .backward()?;
            let dxs = cpu(grads.get(&xv).expect("d_xs").clone())?;
            let (dg, du) = var_grads(|g, u| cr::gated(g, u, f), &gate, &up, &dy)?;
            let want = Tensor::cat(&[&dg, &du], D::Minus1)?;
            assert_close(&dxs, &want, 0.0, min_normal(dtype), &format!("{what} d_xs"))?;
        }
        for (conv, kind) in [
            (
                cr::swiglu as fn(&Tensor) -> Result<Tensor>,
                ElementwiseKind::Silu,
            ),
            (cr::geglu, ElementwiseKind::Gelu),
            (cr::reglu, ElementwiseKind::Relu),
        ] {
            let cpu = |t: Tensor| t.to_device(&Device::Cpu);
            assert_same(
                &cpu(conv(&xs)?)?,
                &cpu(cr::gated_split(&xs, kind.with_default())?)?,
                &format!("{kind} {dtype:?} convenience"),
            )?;
        }
    }
    // Strided xs (a transposed view), one row, and rows long enough for several parallel tasks:
    // the same as `gated` on the halves, forward and the gradient of xs.
    let wide = tensor(&inputs(2 * 40 * 3), DType::F32, dev)?.reshape((80, 3))?;
    let long = tensor(&inputs(2 * 3000 * 7), DType::F32, dev)?.reshape((3000, 14))?;
    let row = tensor(&inputs(2 * 40000), DType::F32, dev)?.reshape((1, 80000))?;
    for (xs, what) in [
        (wide.t()?, "transposed"),
        (long, "3000 rows"),
        (row, "one long row"),
    ] {
        let h = xs.dim(D::Minus1)? / 2;
        let (gate, up) = (xs.narrow(D::Minus1, 0, h)?, xs.narrow(D::Minus1, h, h)?);
        let dy =
            tensor(&moderate(gate.elem_count(), 3.0), DType::F32, dev)?.reshape(gate.shape())?;
        for f in functions() {
            let what = format!("{f} split, {what}");
            assert_same(&cr::gated_split(&xs, f)?, &cr::gated(&gate, &up, f)?, &what)?;
            let xv = Var::from_tensor(&xs)?;
            let grads = (cr::gated_split(xv.as_tensor(), f)? * &dy)?
                .sum_all()?
                .backward()?;
            let (dg, du) = var_grads(|g, u| cr::gated(g, u, f), &gate, &up, &dy)?;
            let want = Tensor::cat(&[&dg, &du], D::Minus1)?;
            let dxs = grads.get(&xv).expect("d_xs");
            assert_close(
                dxs,
                &want,
                0.0,
                min_normal(DType::F32),
                &format!("{what} d_xs"),
            )?;
        }
    }
    // candle-nn's swiglu: silu(first half) * second half, its silu x / (1 + e^-x).
    let xs = tensor(&moderate(2 * 64, 6.0), DType::F32, dev)?.reshape((2, 64))?;
    assert_close(
        &cr::swiglu(&xs)?,
        &candle_nn::ops::swiglu(&xs)?,
        1e-6,
        1e-30,
        "swiglu vs candle-nn",
    )?;
    Ok(())
}
test_device!(split_form, split_cpu, split_cuda);

/// The error under Candle's backtrace, context and path wrappers.
fn root(mut e: &Error) -> &Error {
    loop {
        e = match e {
            Error::WithBacktrace { inner, .. }
            | Error::Context { inner, .. }
            | Error::WithPath { inner, .. } => inner,
            e => return e,
        };
    }
}

fn typed_errors(dev: &Device) -> Result<()> {
    let silu = ElementwiseKind::Silu.with_default();
    let a = Tensor::zeros((2, 3), DType::F32, dev)?;

    // Shapes must match exactly: no broadcasting, as candle's `mul`.
    for b in [
        Tensor::zeros((3, 2), DType::F32, dev)?,
        Tensor::zeros((1, 3), DType::F32, dev)?,
        Tensor::zeros(3, DType::F32, dev)?,
    ] {
        let err = cr::gated(&a, &b, silu).unwrap_err();
        assert!(
            matches!(
                root(&err),
                Error::ShapeMismatchBinaryOp { op: "swiglu", .. }
            ),
            "{err}"
        );
        assert!(a.mul(&b).is_err(), "candle's mul does not broadcast either");
    }
    // The backward op too.
    let b = Tensor::zeros((3, 2), DType::F32, dev)?;
    let err = a
        .apply_op3_no_bwd(&a, &b, &cr::GatedBackward(silu))
        .unwrap_err();
    assert!(
        matches!(root(&err), Error::ShapeMismatchBinaryOp { .. }),
        "{err}"
    );

    let err = cr::gated(&a, &a.to_dtype(DType::F64)?, silu).unwrap_err();
    assert!(
        matches!(
            root(&err),
            Error::DTypeMismatchBinaryOp {
                lhs: DType::F32,
                rhs: DType::F64,
                op: "swiglu"
            }
        ),
        "{err}"
    );
    let ints = Tensor::zeros((2, 3), DType::U32, dev)?;
    let err = cr::gated(&ints, &ints, silu).unwrap_err();
    assert!(
        matches!(
            root(&err),
            Error::UnsupportedDTypeForOp(DType::U32, "swiglu")
        ),
        "{err}"
    );
    // The op's name is the gated form's.
    let sp = "squareplus(b=1)".parse::<Elementwise>().unwrap();
    let err = cr::gated(&a, &b, sp).unwrap_err();
    assert!(err.to_string().contains("squareplus_glu"), "{err}");

    // The split form: an odd last dim names it; a scalar has no last dim.
    let odd = Tensor::zeros((4, 5), DType::F32, dev)?;
    let err = cr::swiglu(&odd).unwrap_err();
    assert!(
        matches!(
            root(&err),
            Error::ShapeMismatchSplit {
                dim: 1,
                n_parts: 2,
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("along dim 1"), "{err}");
    assert!(cr::swiglu(&Tensor::new(1.0f32, dev)?).is_err());
    Ok(())
}
test_device!(typed_errors, errors_cpu, errors_cuda);

/// Operands on two devices: Candle's `DeviceMismatchBinaryOp`.
#[cfg(feature = "cuda")]
#[test]
fn device_mismatch() -> Result<()> {
    let cpu = Tensor::zeros(4, DType::F32, &Device::Cpu)?;
    let gpu = Tensor::zeros(4, DType::F32, &Device::new_cuda(0)?)?;
    let err = cr::gated(&cpu, &gpu, ElementwiseKind::Silu.with_default()).unwrap_err();
    assert!(
        matches!(root(&err), Error::DeviceMismatchBinaryOp { .. }),
        "{err}"
    );
    Ok(())
}

/// Every function's gated form by name: `Activation::gated(f)` writes the conventional name
/// (`swiglu`, `geglu`, `geglu_tanh`, `reglu`) or `<name>_glu`, with the parameter where there is
/// one, reads back, and runs `gated_split`.
fn activation_names(dev: &Device) -> Result<()> {
    let xs = tensor(&moderate(4 * 16, 5.0), DType::F32, dev)?.reshape((4, 16))?;
    let conventional = [
        (ElementwiseKind::Silu, "swiglu"),
        (ElementwiseKind::Gelu, "geglu"),
        (ElementwiseKind::GeluTanh, "geglu_tanh"),
        (ElementwiseKind::Relu, "reglu"),
    ];
    for f in functions() {
        let act = Activation::gated(f);
        let json = serde_json::to_string(&act).unwrap();
        let name = conventional
            .iter()
            .find(|(k, _)| *k == f.kind())
            .map_or_else(|| format!("{}_glu", f.name()), |(_, n)| n.to_string());
        let want = match f.param() {
            None => format!("\"{name}\""),
            Some(p) => format!("{{\"{name}\":{}}}", serde_json::to_string(&p).unwrap()),
        };
        assert_eq!(json, want, "{f}");
        assert_eq!(serde_json::from_str::<Activation>(&json).unwrap(), act);
        // `<name>_glu` reads for every function, the parameter defaulting.
        let generic: Activation = serde_json::from_str(&format!("\"{}_glu\"", f.name())).unwrap();
        assert_eq!(generic, Activation::gated(f.kind().with_default()), "{f}");
        let cpu = |t: Tensor| t.to_device(&Device::Cpu);
        assert_same(
            &cpu(act.forward(&xs)?)?,
            &cpu(cr::gated_split(&xs, f)?)?,
            &format!("{act:?} forward"),
        )?;
    }
    let read = |s: &str| serde_json::from_str::<Activation>(s);
    assert_eq!(
        read(r#"{"squareplus_glu": 4.0}"#).unwrap(),
        Activation::SquareplusGlu(4.0)
    );
    assert_eq!(
        read(r#""squareplus_glu""#).unwrap(),
        Activation::SquareplusGlu(4.0)
    );
    assert_eq!(read(r#""silu_glu""#).unwrap(), Activation::Swiglu);
    assert_eq!(read(r#""gelu_new_glu""#).unwrap(), Activation::GegluTanh);
    assert_eq!(
        read(r#"{"leakyrelu_glu": 0.2}"#).unwrap(),
        Activation::LeakyReluGlu(0.2)
    );
    let err = read(r#"{"squareplus_glu": -1.0}"#).unwrap_err().to_string();
    assert!(err.contains("invalid parameter b = -1"), "{err}");
    for unknown in [r#""sigmoid_glu""#, r#""lse0_plus_glu""#, r#""swiglu_glu""#] {
        assert!(read(unknown).is_err(), "{unknown}");
    }
    assert!(read(r#"{"mish_glu": 1.0}"#).is_err(), "no parameter");

    // candle-nn's "swiglu": the same name, the same halves, our fused op.
    let ours: Activation = read(r#""swiglu""#).unwrap();
    let theirs: candle_nn::Activation = serde_json::from_str(r#""swiglu""#).unwrap();
    assert_eq!(Activation::try_from(theirs)?, ours);
    assert_close(
        &ours.forward(&xs)?,
        &theirs.forward(&xs)?,
        1e-6,
        1e-30,
        "swiglu",
    )?;
    Ok(())
}
test_device!(activation_names, activation_cpu, activation_cuda);
