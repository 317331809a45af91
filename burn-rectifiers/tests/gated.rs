//! The gated activations `f(gate) * up` on every backend: forward and both gradients against the
//! core's gated kernels (bit for bit on the CPU backends, which call them; within the function's
//! ULP budget plus one rounding on wgpu and the composed fallback), the split form, strided and
//! empty inputs, f64, and the `Glu` module against burn-nn's `SwiGlu`.

mod common;

use burn::module::Module;
use burn::nn::SwiGluConfig;
use burn::store::ModuleRecord;
use burn::tensor::{DType, Device, Tensor};
use burn_rectifiers::nn::{GluConfig, SquareplusConfig};
use burn_rectifiers::{Elementwise, ElementwiseKind, gated, gated_split, swiglu};
use common::{GpuPath, backends, cases, inputs, same, tensor_f32, tensor_of, to_f32, to_f64};
use rectifiers_core::{Rectifier, kernel};

/// `up` and `dy`: varied values, with zeros, infinities and NaN among them.
fn partner(n: usize, seed: usize) -> Vec<f32> {
    (0..n)
        .map(|i| match (i + seed) % 41 {
            0 => 0.0,
            1 => f32::INFINITY,
            2 => f32::NAN,
            k => (k as f32 - 20.0) * 0.37,
        })
        .collect()
}

/// Within the function's budget for `f(gate)` plus the product's rounding (1 ULP), or the
/// same special value; compared where `f(gate)` in f32 is normal or exact.
fn close(
    b: &common::Backend,
    f: &Elementwise,
    gate: f32,
    got: f32,
    want: f32,
    derivative: bool,
) -> bool {
    if b.exact {
        return same(got, want);
    }
    if gate.is_subnormal() {
        return true; // GPUs flush subnormal inputs
    }
    // The fused piecewise-linear backwards mask the upstream gradient where f' is 0, like
    // Burn's own ReLU: a NaN in `dy up` is masked to 0 there (the core gives NaN).
    let piecewise = matches!(
        f.kind(),
        ElementwiseKind::Relu | ElementwiseKind::LeakyRelu | ElementwiseKind::SRelu
    ) || (f.kind() == ElementwiseKind::Squareplus && f.param() == Some(0.0));
    if derivative && piecewise && want.is_nan() && got == 0.0 {
        return true;
    }
    common::within_gpu_budget(GpuPath::Fused, f, gate, got, want, derivative, 1.0)
        || (got.is_nan() && want.is_nan())
}

#[test]
fn forward_and_both_gradients_match_the_core() {
    let gate = inputs();
    let n = gate.len();
    let (up, dy) = (partner(n, 0), partner(n, 17));
    for b in backends() {
        let device = b.device.clone().autodiff();
        for f in cases() {
            let mut want_y = vec![0.0f32; n];
            kernel::gated_forward(&f, &gate, &up, &mut want_y);
            let (mut want_dg, mut want_du) = (vec![0.0f32; n], vec![0.0f32; n]);
            kernel::gated_backward(&f, &gate, &up, &dy, &mut want_dg, &mut want_du);

            let g = tensor_f32(&gate, &device).require_grad();
            let u = tensor_f32(&up, &device).require_grad();
            let y = gated(g.clone(), u.clone(), f);
            let grads = (y.clone() * tensor_f32(&dy, &device)).sum().backward();
            let got_y = to_f32(y.inner());
            let got_dg = to_f32(g.grad(&grads).expect("gradient of gate"));
            let got_du = to_f32(u.grad(&grads).expect("gradient of up"));
            for i in 0..n {
                // The fallback's gradient at an infinite input is 0 (src/route.rs).
                let fallback_inf = b.name.contains("fallback") && gate[i].is_infinite();
                // Where f(gate) or f'(gate) is not normal in f32 the GPU paths may differ in
                // class (flushed subnormals); the products' specials then follow.
                // Also where it is 0 by underflow and multiplies an infinity (NaN in the core,
                // an infinity where the device's tail is not yet 0).
                let tiny = |v: f32| v != 0.0 && !v.is_normal() && v.is_finite();
                let (a, a1) = (f.forward_f32(gate[i]), f.derivative_f32(gate[i]));
                let infinite = !up[i].is_finite() || !dy[i].is_finite();
                let skip =
                    !b.exact && (tiny(a) || tiny(a1) || (infinite && (a == 0.0 || a1 == 0.0)));
                if skip {
                    continue;
                }
                assert!(
                    close(&b, &f, gate[i], got_y[i], want_y[i], false),
                    "{} {f}-gated y at gate {:e}, up {:e}: {:e}, core {:e}",
                    b.name,
                    gate[i],
                    up[i],
                    got_y[i],
                    want_y[i]
                );
                // Near a zero of f' the budget is in ULP of 1 of f': compare d_gate / (dy up).
                let s = dy[i] * up[i];
                let s = if s.is_finite() && s != 0.0 { s } else { 1.0 };
                if !fallback_inf {
                    assert!(
                        close(&b, &f, gate[i], got_dg[i] / s, want_dg[i] / s, true),
                        "{} {f}-gated d_gate at gate {:e}, up {:e}, dy {:e}: {:e}, core {:e}",
                        b.name,
                        gate[i],
                        up[i],
                        dy[i],
                        got_dg[i],
                        want_dg[i]
                    );
                }
                assert!(
                    close(&b, &f, gate[i], got_du[i], want_du[i], false),
                    "{} {f}-gated d_up at gate {:e}, dy {:e}: {:e}, core {:e}",
                    b.name,
                    gate[i],
                    dy[i],
                    got_du[i],
                    want_du[i]
                );
            }
        }
    }
}

#[test]
fn f64_matches_the_core_on_the_cpu_backends() {
    let gate: Vec<f64> = inputs().into_iter().map(f64::from).collect();
    let up: Vec<f64> = partner(gate.len(), 3).into_iter().map(f64::from).collect();
    for b in backends().into_iter().filter(|b| b.exact) {
        for f in cases() {
            let mut want = vec![0.0f64; gate.len()];
            kernel::gated_forward(&f, &gate, &up, &mut want);
            let got = to_f64(gated(
                tensor_of(&gate, DType::F64, &b.device),
                tensor_of(&up, DType::F64, &b.device),
                f,
            ));
            for i in 0..gate.len() {
                assert!(same(got[i], want[i]), "{} {f} f64 at {}", b.name, gate[i]);
            }
        }
    }
}

/// The split form equals the two-tensor form on the halves, and its halves are strided views.
#[test]
fn split_form_is_the_two_halves() {
    for b in backends() {
        let x = Tensor::<2>::from_floats(
            [
                [-2.0, 0.5, 3.0, 1.5, -1.0, 4.0],
                [1.0, -0.25, 2.0, 0.0, 7.0, -3.0],
            ],
            &b.device,
        );
        let f = Elementwise::Silu(rectifiers_core::Silu);
        let a = x.clone().narrow(1, 0, 3);
        let c = x.clone().narrow(1, 3, 3);
        let want = to_f32(gated(a, c, f).flatten(0, 1));
        assert_eq!(to_f32(swiglu(x.clone()).flatten(0, 1)), want, "{}", b.name);
        assert_eq!(to_f32(gated_split(x, f).flatten(0, 1)), want, "{}", b.name);
    }
}

/// Transposed (strided) inputs give the values of their contiguous copies.
#[test]
fn strided_inputs() {
    for b in backends() {
        let g = Tensor::<2>::from_floats([[-1.0, 2.0, 0.5], [3.0, -4.0, 1.0]], &b.device);
        let u = Tensor::<2>::from_floats([[2.0, -1.0], [0.5, 3.0], [1.5, 2.5]], &b.device);
        let f = Elementwise::Gelu(rectifiers_core::Gelu);
        let strided = gated(g.clone().transpose(), u.clone(), f);
        let copied = gated(
            Tensor::<2>::from_data(g.transpose().into_data(), &b.device),
            u,
            f,
        );
        assert_eq!(
            to_f32(strided.flatten(0, 1)),
            to_f32(copied.flatten(0, 1)),
            "{}",
            b.name
        );
    }
}

#[test]
fn empty_tensors() {
    for b in backends() {
        let device = b.device.clone().autodiff();
        let g = Tensor::<2>::zeros([0, 4], &device).require_grad();
        let u = Tensor::<2>::zeros([0, 4], &device).require_grad();
        let y = gated(
            g.clone(),
            u.clone(),
            Elementwise::Relu(rectifiers_core::Relu),
        );
        assert_eq!(y.dims(), [0, 4], "{}", b.name);
        let grads = y.sum().backward();
        assert_eq!(g.grad(&grads).map(|t| t.dims()), Some([0, 4]), "{}", b.name);
    }
}

#[test]
#[should_panic(expected = "must be even")]
fn odd_split_panics() {
    let x = Tensor::<1>::zeros([3], &Device::default());
    let _ = swiglu(x);
}

/// `Glu` with SiLU is burn-nn's `SwiGlu`: a `SwiGlu` record loads into it, and the outputs
/// agree within f32 rounding (burn-nn's SiLU is `x sigmoid(x)` in f32; ours is correctly
/// rounded: the difference is that of the two SiLUs, a few ULP of each output).
#[test]
fn glu_with_silu_replaces_burn_nn_swiglu() {
    let device = Device::default();
    let swiglu = SwiGluConfig::new(6, 4).with_bias(true).init(&device);
    let bytes = swiglu.clone().into_record().into_bytes().unwrap();
    let glu = GluConfig::new(6, 4).with_bias(true).init(&device);
    let glu = glu.load_record(ModuleRecord::from_bytes(bytes).unwrap());
    let x = Tensor::<2>::from_floats(
        [
            [0.5, -1.0, 2.0, 0.0, 1.5, -0.25],
            [3.0, 1.0, -2.0, 0.75, -1.5, 0.1],
        ],
        &device,
    );
    let want = to_f32(swiglu.forward(x.clone()).flatten(0, 1));
    let got = to_f32(glu.forward(x).flatten(0, 1));
    for (g, w) in got.iter().zip(&want) {
        assert!(
            (g - w).abs() <= 4.0 * f32::EPSILON * w.abs().max(1e-3),
            "{g} vs {w}"
        );
    }
}

#[test]
fn glu_takes_any_elementwise_function_and_rejects_others() {
    let device = Device::default();
    let glu = GluConfig::new(3, 2)
        .with_activation(SquareplusConfig::new().with_b(0.0).into())
        .init(&device);
    assert_eq!(glu.activation.to_string(), "squareplus(b=0)");
    let err = GluConfig::new(3, 2)
        .with_activation(SquareplusConfig::new().with_b(-1.0).into())
        .try_init(&device)
        .unwrap_err();
    assert_eq!(err.param(), "b");
    let prelu = std::panic::catch_unwind(|| {
        GluConfig::new(3, 2)
            .with_activation(burn_rectifiers::nn::PReluConfig::new().into())
            .init(&Device::default())
    });
    assert!(prelu.is_err());
}
