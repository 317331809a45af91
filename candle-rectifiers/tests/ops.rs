//! Every elementwise op against the core (forward and gradient via `Var`), every dtype,
//! strided, offset, broadcast and empty inputs, NaN and infinities; and against the same
//! function composed from candle ops. Each check is written once and run per device.

mod common;

use candle_core::{DType, Device, Result, Tensor, Var};
use candle_rectifiers as cr;
use common::*;
use rectifiers_core as core;

/// One function: our op, the core function it must match, and a composed candle reference.
struct Case {
    name: &'static str,
    core: cr::Elementwise,
    op: fn(&Tensor) -> Result<Tensor>,
    composed: fn(&Tensor) -> Result<Tensor>,
}

fn check(c: &Case, dev: &Device) -> Result<()> {
    for dtype in FLOAT_DTYPES {
        for len in [1, 257, 70_001] {
            let x = tensor(&inputs(len), dtype, dev)?;
            let what = format!("{} {dtype:?} len {len}", c.name);

            // Forward.
            let y = (c.op)(&x)?;
            assert_matches_core(dev, &y, &core_forward(&c.core, &x)?, &format!("{what} fwd"))?;

            // The fused backward op: dx = dy f'(x).
            let w = tensor(&moderate(len, 3.0), dtype, dev)?;
            let want = core_backward(&c.core, &x, &w)?;
            let dx = x.apply_op2_no_bwd(&w, &cr::Backward(c.core))?;
            assert_grad_matches_core(dev, &dx, &want, &format!("{what} backward op"))?;

            // The same through Var: d/dx sum(w f(x)) = w f'(x).
            let xv = Var::from_tensor(&x)?;
            let loss = ((c.op)(xv.as_tensor())? * &w)?.sum_all()?;
            let grads = loss.backward()?;
            let dx = grads
                .get(&xv)
                .expect("a gradient for x")
                .to_device(&Device::Cpu)?;
            let (rel, floor) = if dev.is_cpu() {
                (0.0, min_normal(dtype))
            } else {
                (device_tolerance(dtype), device_grad_floor(dtype))
            };
            assert_close(&dx, &want, rel, floor, &format!("{what} grad"))?;
        }

        // Strided: a transposed view, an offset (narrowed) view, a broadcast view.
        let base = tensor(&inputs(6 * 40), dtype, dev)?.reshape((6, 40))?;
        for (view, name) in [
            (base.t()?, "transposed"),
            (base.narrow(1, 3, 20)?, "narrowed"),
            (base.narrow(0, 2, 1)?.broadcast_as((5, 40))?, "broadcast"),
        ] {
            let got = (c.op)(&view)?;
            let want = (c.op)(&view.contiguous()?)?;
            assert_same(
                &got.to_device(&Device::Cpu)?,
                &want.to_device(&Device::Cpu)?,
                &format!("{} {dtype:?} {name}", c.name),
            )?;
        }

        // Empty.
        let empty = Tensor::zeros((0, 3), dtype, dev)?;
        assert_eq!((c.op)(&empty)?.dims(), [0, 3]);
    }
    check_composed(c, dev)
}

/// Against the function composed from candle's own ops, where those are accurate (moderate
/// inputs, f32 and f64): forward and gradient.
fn check_composed(c: &Case, dev: &Device) -> Result<()> {
    for (dtype, rel) in [(DType::F64, 1e-12), (DType::F32, 2e-5)] {
        let x = tensor(&moderate(1000, 6.0), dtype, dev)?;
        let what = format!("{} {dtype:?} vs composed", c.name);
        assert_close(&(c.op)(&x)?, &(c.composed)(&x)?, rel, rel, &what)?;

        let xv = Var::from_tensor(&x)?;
        let ours = (c.op)(xv.as_tensor())?.sum_all()?.backward()?;
        let theirs = (c.composed)(xv.as_tensor())?.sum_all()?.backward()?;
        assert_close(
            ours.get(&xv).unwrap(),
            theirs.get(&xv).unwrap(),
            rel * 10.0,
            rel * 10.0,
            &format!("{what} grad"),
        )?;
    }
    Ok(())
}

fn sigmoid(x: &Tensor) -> Result<Tensor> {
    (x.neg()?.exp()? + 1.0)?.recip()
}

// Each composed reference is the textbook formula in candle ops: the naive forms that
// the fused ops exist to replace (the moderate inputs keep them accurate).
fn relu_ref(x: &Tensor) -> Result<Tensor> {
    x.relu()
}
fn leaky_ref(x: &Tensor) -> Result<Tensor> {
    candle_nn::ops::leaky_relu(x, 0.2)
}
fn gelu_ref(x: &Tensor) -> Result<Tensor> {
    // 0.5 x (1 + erf(x / sqrt 2))
    (x * 0.5)? * ((x * std::f64::consts::FRAC_1_SQRT_2)?.erf()? + 1.0)?
}
fn gelu_tanh_ref(x: &Tensor) -> Result<Tensor> {
    // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
    let inner = ((x + (x.powf(3.0)? * 0.044715)?)? * (2.0 / std::f64::consts::PI).sqrt())?;
    (x * 0.5)? * (inner.tanh()? + 1.0)?
}
fn silu_ref(x: &Tensor) -> Result<Tensor> {
    x * sigmoid(x)?
}
fn softplus_ref(x: &Tensor) -> Result<Tensor> {
    // ln(1 + e^(k x)) / k, k = 3
    ((x * 3.0)?.exp()? + 1.0)?.log()? / 3.0
}
fn softplus_approx_ref(x: &Tensor) -> Result<Tensor> {
    // x / (1 - e^(-x / ln 2)); the inputs avoid 0
    x / ((x * (-1.0 / std::f64::consts::LN_2))?.exp()?.neg()? + 1.0)?
}
fn elu_ref(x: &Tensor) -> Result<Tensor> {
    // x > 0 ? x : 0.5 (e^x - 1)
    x.gt(0.0)?.where_cond(x, &((x.exp()? - 1.0)? * 0.5)?)
}
fn srelu_ref(x: &Tensor) -> Result<Tensor> {
    // max(-a, x), a = 1
    x.maximum(-1.0)
}
fn mish_ref(x: &Tensor) -> Result<Tensor> {
    // x tanh(ln(1 + e^x))
    x * (x.exp()? + 1.0)?.log()?.tanh()?
}
fn squareplus_ref(x: &Tensor) -> Result<Tensor> {
    // (x + sqrt(x^2 + b)) / 2, b = 4
    (x + (x.sqr()? + 4.0)?.sqrt()?)? * 0.5
}

macro_rules! case {
    ($test:ident, $cpu:ident, $cuda:ident, $name:literal, $core:expr, $op:expr, $reference:ident) => {
        fn $test(dev: &Device) -> Result<()> {
            check(
                &Case {
                    name: $name,
                    core: $core.into(),
                    op: $op,
                    composed: $reference,
                },
                dev,
            )
        }
        test_device!($test, $cpu, $cuda);
    };
}

case!(
    relu,
    relu_cpu,
    relu_cuda,
    "relu",
    core::Relu,
    cr::relu,
    relu_ref
);
case!(
    leaky,
    leaky_cpu,
    leaky_cuda,
    "leaky_relu",
    core::LeakyRelu::new(0.2).unwrap(),
    |x| cr::leaky_relu(x, 0.2),
    leaky_ref
);
case!(
    gelu,
    gelu_cpu,
    gelu_cuda,
    "gelu",
    core::Gelu,
    cr::gelu,
    gelu_ref
);
case!(
    gelu_tanh,
    gelu_tanh_cpu,
    gelu_tanh_cuda,
    "gelu_tanh",
    core::GeluTanh,
    cr::gelu_tanh,
    gelu_tanh_ref
);
case!(
    silu,
    silu_cpu,
    silu_cuda,
    "silu",
    core::Silu,
    cr::silu,
    silu_ref
);
case!(
    softplus,
    softplus_cpu,
    softplus_cuda,
    "softplus",
    core::Softplus::new(3.0).unwrap(),
    |x| cr::softplus(x, 3.0),
    softplus_ref
);
case!(
    softplus_approx,
    softplus_approx_cpu,
    softplus_approx_cuda,
    "softplus_approx",
    core::SoftplusApprox,
    cr::softplus_approx,
    softplus_approx_ref
);
case!(
    elu,
    elu_cpu,
    elu_cuda,
    "elu",
    core::Elu::new(0.5).unwrap(),
    |x| cr::elu(x, 0.5),
    elu_ref
);
case!(
    srelu,
    srelu_cpu,
    srelu_cuda,
    "srelu",
    core::SRelu::new(1.0).unwrap(),
    |x| cr::srelu(x, 1.0),
    srelu_ref
);
case!(
    mish,
    mish_cpu,
    mish_cuda,
    "mish",
    core::Mish,
    cr::mish,
    mish_ref
);
case!(
    squareplus,
    squareplus_cpu,
    squareplus_cuda,
    "squareplus",
    core::Squareplus::new(4.0).unwrap(),
    |x| cr::squareplus(x, 4.0),
    squareplus_ref
);

/// The cases above, by name: every elementwise function of the core has one.
#[test]
fn every_function_has_a_case() {
    let tested = [
        "relu",
        "leaky_relu",
        "gelu",
        "gelu_tanh",
        "silu",
        "softplus",
        "softplus_approx",
        "elu",
        "srelu",
        "mish",
        "squareplus",
    ];
    for kind in cr::ElementwiseKind::ALL {
        assert!(tested.contains(&kind.name()), "no case for {kind}");
    }
}

fn invalid_parameters_name_themselves(dev: &Device) -> Result<()> {
    let x = Tensor::new(&[1.0f32], dev)?;
    let msg = |r: Result<Tensor>| r.unwrap_err().to_string();
    assert!(msg(cr::squareplus(&x, -1.0)).contains("squareplus: invalid parameter b = -1"));
    assert!(msg(cr::softplus(&x, 0.0)).contains("parameter k = 0"));
    assert!(msg(cr::elu(&x, f64::NAN)).contains("parameter alpha = NaN"));
    assert!(msg(cr::srelu(&x, -2.0)).contains("parameter a = -2"));
    assert!(msg(cr::leaky_relu(&x, f64::INFINITY)).contains("parameter negative_slope = inf"));
    Ok(())
}
test_device!(invalid_parameters_name_themselves, params_cpu, params_cuda);

fn integer_tensors_are_an_error(dev: &Device) -> Result<()> {
    let x = Tensor::new(&[1u32, 2], dev)?;
    let err = cr::relu(&x).unwrap_err().to_string();
    assert!(err.contains("relu") && err.contains("U32"), "{err}");
    Ok(())
}
test_device!(integer_tensors_are_an_error, dtype_cpu, dtype_cuda);
