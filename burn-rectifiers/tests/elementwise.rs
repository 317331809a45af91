//! The elementwise functions on every backend: forward and gradient against the core (bit for
//! bit on the CPU backends, within each function's ULP budget on wgpu: `common::gpu_budget`,
//! measured over more points by `tests/accuracy.rs`), against the textbook composition,
//! strided and empty inputs, f64 and the half types, parameter errors.

mod common;

use burn::tensor::{DType, Tensor};
use burn_rectifiers::{Elementwise, ElementwiseKind, apply, composed};
use common::{
    GpuPath, backends, cases, core_backward, core_forward, inputs, rel_err, same, tensor_f32,
    to_f32, within_gpu_budget,
};
use rectifiers_core::{Silu, Squareplus};

/// The upstream gradient used by the backward checks: varied, never 0.
fn weights(n: usize) -> Vec<f32> {
    (0..n).map(|i| 0.5 + (i % 7) as f32 * 0.25).collect()
}

/// On wgpu, inputs that are subnormal (GPUs flush them to 0) are skipped.
fn comparable(x: f32) -> bool {
    x == 0.0 || !x.is_subnormal()
}

#[test]
fn forward_matches_core() {
    let x = inputs();
    for b in backends() {
        for f in cases() {
            let want = core_forward(f, &x);
            let got = to_f32(apply(tensor_f32(&x, &b.device), f));
            for ((&x, &g), &w) in x.iter().zip(&got).zip(&want) {
                if b.exact {
                    assert!(same(g, w), "{} {}({x}) = {g}, core {w}", b.name, f);
                } else if comparable(x) {
                    assert!(
                        within_gpu_budget(GpuPath::Fused, &f, x, g, w, false, 0.0),
                        "{} {}({x}) = {g}, core {w}",
                        b.name,
                        f
                    );
                }
            }
        }
    }
}

#[test]
fn gradient_matches_core() {
    let x = inputs();
    let dy = weights(x.len());
    for b in backends() {
        let device = b.device.clone().autodiff();
        for f in cases() {
            let want = core_backward(f, &x, &dy);
            let xt = tensor_f32(&x, &device).require_grad();
            let y = apply(xt.clone(), f);
            let grads = (y * tensor_f32(&dy, &device)).sum().backward();
            let got = to_f32(xt.grad(&grads).expect("gradient of x"));
            for ((&x, &g), &w) in x.iter().zip(&got).zip(&want) {
                if b.exact {
                    assert!(same(g, w), "{} {}'({x}) = {g}, core {w}", b.name, f);
                } else if b.name.contains("fallback") && x.is_infinite() {
                    // The composed fallback's gradient at an infinite input is 0 (src/route.rs).
                    assert_eq!(g, 0.0, "{} {}'({x})", b.name, f);
                } else if comparable(x) {
                    assert!(
                        within_gpu_budget(GpuPath::Fused, &f, x, g, w, true, 1.0),
                        "{} {}'({x}) = {g}, core {w}",
                        b.name,
                        f
                    );
                }
            }
        }
    }
}

/// The fused ops and the composed fallback agree where the composed forms are accurate
/// (moderate inputs), forward and gradient.
#[test]
fn matches_composed() {
    let x: Vec<f32> = (-80..=80).map(|i| i as f32 * 0.1 + 0.013).collect();
    for b in backends() {
        let device = b.device.clone().autodiff();
        for f in cases() {
            let xf = tensor_f32(&x, &device).require_grad();
            let xc = tensor_f32(&x, &device).require_grad();
            let yf = apply(xf.clone(), f);
            let yc = composed::elementwise(xc.clone(), f);
            let (gf, gc) = (yf.clone().sum().backward(), yc.clone().sum().backward());
            let pairs = [
                ("forward", to_f32(yf.inner()), to_f32(yc.inner())),
                (
                    "gradient",
                    to_f32(xf.grad(&gf).unwrap()),
                    to_f32(xc.grad(&gc).unwrap()),
                ),
            ];
            for (what, fused, comp) in pairs {
                // The composed softplus approximation cancels near 0 (1 - e^-u): 3e-4 at 0.013.
                let tol = if f.kind() == ElementwiseKind::SoftplusApprox {
                    1.0e-3
                } else {
                    1.0e-4
                };
                for ((&x, &a), &c) in x.iter().zip(&fused).zip(&comp) {
                    let e = rel_err(a as f64, c as f64, 1.0);
                    assert!(
                        e <= tol,
                        "{} {} {what} at {x}: fused {a}, composed {c}",
                        b.name,
                        f
                    );
                }
            }
        }
    }
}

/// Proof that the fused kernel ran and not the composed fallback: the naive squareplus cancels
/// to 0 at x = -1e4 (b = 4), the fused one gives b / (2 (sqrt(x^2 + b) - x)) = 1e-4.
#[test]
fn fused_path_runs_on_every_backend() {
    for b in backends() {
        let x = tensor_f32(&[-1.0e4], &b.device);
        let sp = Elementwise::Squareplus(Squareplus::new(4.0).unwrap());
        let composed = to_f32(composed::elementwise(x.clone(), sp));
        let fused = to_f32(burn_rectifiers::squareplus(x, 4.0));
        assert_eq!(
            composed,
            [0.0],
            "{}: the composed form is expected to cancel",
            b.name
        );
        // 1e-4 (1 - 1e-8): mpmath, 50 digits.
        assert!(
            (fused[0] as f64 - 1.0e-4).abs() < 1.0e-10,
            "{}: fused gave {}",
            b.name,
            fused[0]
        );
    }
}

#[test]
fn strided_inputs() {
    let v: Vec<f32> = (0..24).map(|i| i as f32 * 0.7 - 8.0).collect();
    for b in backends() {
        let device = b.device.clone().autodiff();
        for f in cases() {
            let x = Tensor::<1>::from_floats(v.as_slice(), &device).reshape([4, 6]);
            let xt = x.clone().swap_dims(0, 1).require_grad(); // [6, 4], not contiguous
            let y = apply(xt.clone(), f);
            let dy = Tensor::<1>::from_floats(weights(24).as_slice(), &device).reshape([6, 4]);
            let grads = (y.clone() * dy.clone()).sum().backward();
            let got_y = y.inner().into_data().try_to_vec::<f32>().unwrap();
            let got_dx = xt
                .grad(&grads)
                .unwrap()
                .into_data()
                .try_to_vec::<f32>()
                .unwrap();
            // The same values, contiguous, through the core.
            let xs = x
                .inner()
                .swap_dims(0, 1)
                .into_data()
                .try_to_vec::<f32>()
                .unwrap();
            let dys = dy.inner().into_data().try_to_vec::<f32>().unwrap();
            let want_y = core_forward(f, &xs);
            let want_dx = core_backward(f, &xs, &dys);
            for i in 0..24 {
                let ok = if b.exact {
                    same(got_y[i], want_y[i]) && same(got_dx[i], want_dx[i])
                } else {
                    within_gpu_budget(GpuPath::Fused, &f, xs[i], got_y[i], want_y[i], false, 0.0)
                        && within_gpu_budget(
                            GpuPath::Fused,
                            &f,
                            xs[i],
                            got_dx[i],
                            want_dx[i],
                            true,
                            1.0,
                        )
                };
                assert!(ok, "{} {} strided at {}", b.name, f, xs[i]);
            }
        }
    }
}

#[test]
fn empty_tensors() {
    for b in backends() {
        let device = b.device.clone().autodiff();
        for f in cases() {
            let x = Tensor::<2>::zeros([0, 3], &device).require_grad();
            let y = apply(x.clone(), f);
            assert_eq!(y.dims(), [0, 3], "{} {}", b.name, f);
            let grads = y.sum().backward();
            assert_eq!(x.grad(&grads).unwrap().dims(), [0, 3], "{} {}", b.name, f);
        }
    }
}

/// f64 on the backends that have it (NdArray, Flex): bit for bit the core's f64 paths.
#[test]
fn f64_matches_core() {
    let x: Vec<f64> = inputs()
        .iter()
        .map(|&v| v as f64)
        .chain([1.0e300, -1.0e300, 1.0e-310])
        .collect();
    let dy: Vec<f64> = weights(x.len()).iter().map(|&v| v as f64).collect();
    for b in backends().into_iter().filter(|b| b.exact) {
        let device = b.device.clone().autodiff();
        for f in cases() {
            let xt = common::tensor_of(&x, DType::F64, &device).require_grad();
            let y = apply(xt.clone(), f);
            assert_eq!(y.dtype(), DType::F64);
            let grads = (y.clone() * common::tensor_of(&dy, DType::F64, &device))
                .sum()
                .backward();
            let got_y = common::to_f64(y.inner());
            let got_dx = common::to_f64(xt.grad(&grads).unwrap());
            let (want_y, want_dx) = (core_forward(f, &x), core_backward(f, &x, &dy));
            for i in 0..x.len() {
                assert!(same(got_y[i], want_y[i]), "{} f64 {}({})", b.name, f, x[i]);
                assert!(
                    same(got_dx[i], want_dx[i]),
                    "{} f64 {}'({})",
                    b.name,
                    f,
                    x[i]
                );
            }
        }
    }
}

/// f16 and bf16 where the backend has them: Flex bit for bit (the core computes in f32 and
/// rounds once); wgpu within one unit of the type's precision when the adapter has f16.
#[cfg(feature = "flex")]
#[test]
fn half_types_on_flex() {
    use rectifiers_core::{bf16, f16};
    if !common::flex_has_kernels() {
        println!("half_types_on_flex: Flex runs the composed fallback here (half precision)");
        return;
    }
    let device = burn::tensor::Device::from(burn::backend::FlexDevice);
    let x: Vec<f64> = (-60..=60).map(|i| i as f64 * 0.25).collect();
    for f in cases() {
        let got = common::to_f64(apply(common::tensor_of(&x, DType::F16, &device), f));
        let xh: Vec<f16> = x.iter().map(|&v| f16::from_f64(v)).collect();
        let want = core_forward(f, &xh);
        for i in 0..x.len() {
            assert_eq!(
                got[i].to_bits(),
                want[i].to_f64().to_bits(),
                "f16 {}({})",
                f,
                x[i]
            );
        }
        let got = common::to_f64(apply(common::tensor_of(&x, DType::BF16, &device), f));
        let xb: Vec<bf16> = x.iter().map(|&v| bf16::from_f64(v)).collect();
        let want = core_forward(f, &xb);
        for i in 0..x.len() {
            assert_eq!(
                got[i].to_bits(),
                want[i].to_f64().to_bits(),
                "bf16 {}({})",
                f,
                x[i]
            );
        }
    }
}

#[test]
#[should_panic(expected = "squareplus: invalid parameter b = -1.0")]
fn negative_b_is_rejected() {
    let x = Tensor::<1>::from_floats([1.0], &Default::default());
    burn_rectifiers::squareplus(x, -1.0);
}

#[test]
#[should_panic(expected = "softplus: invalid parameter beta = 0.0")]
fn zero_sharpness_is_rejected() {
    let x = Tensor::<1>::from_floats([1.0], &Default::default());
    burn_rectifiers::softplus(x, 0.0);
}

#[test]
#[should_panic(expected = "invalid parameter a = NaN")]
fn nan_shift_is_rejected() {
    let x = Tensor::<1>::from_floats([1.0], &Default::default());
    burn_rectifiers::srelu(x, f64::NAN);
}

#[test]
fn parameter_errors_name_the_parameter() {
    for (f, bad, param) in [
        (ElementwiseKind::LeakyRelu, f64::INFINITY, "negative_slope"),
        (ElementwiseKind::Softplus, -1.0, "k"),
        (ElementwiseKind::Elu, -1.0, "alpha"),
        (ElementwiseKind::SRelu, -0.5, "a"),
        (ElementwiseKind::Squareplus, f64::NAN, "b"),
    ] {
        let e = f.with_param(bad).unwrap_err();
        assert!(e.to_string().contains(param), "{f}: {e}");
    }
}

/// bf16 on wgpu is refused with a clear message: WGSL has no bf16, and Burn 0.22.1's own ops
/// silently return wrong values there (`exp(-15)` came out 4194304 on lavapipe).
#[test]
fn bf16_is_refused_on_wgpu() {
    for b in backends().into_iter().filter(|b| b.name == "wgpu") {
        let x = common::tensor_of(&[-1.0, 2.0], DType::BF16, &b.device);
        let err = std::panic::catch_unwind(|| common::to_f64(apply(x, Elementwise::Silu(Silu))))
            .expect_err("bf16 on wgpu must be refused");
        let msg = err.downcast_ref::<String>().cloned().unwrap_or_default();
        assert!(
            msg.contains("silu: bf16 is not supported on this device"),
            "{msg}"
        );
    }
}

/// f16 on wgpu: within f16's precision of the core's f32 values (the kernels compute in f32
/// and round once; f16's half-ULP is 2^-11 = 4.9e-4 relative).
#[test]
fn f16_on_wgpu_matches_core() {
    let x: Vec<f64> = (-60..=60).map(|i| i as f64 * 0.25).collect();
    let xs: Vec<f32> = x.iter().map(|&v| v as f32).collect();
    for b in backends().into_iter().filter(|b| b.name == "wgpu") {
        for f in cases() {
            let got = common::to_f64(apply(common::tensor_of(&x, DType::F16, &b.device), f));
            let want = core_forward(f, &xs);
            let mut worst = 0.0_f64;
            for i in 0..x.len() {
                let e = rel_err(got[i], want[i] as f64, 1.0e-3);
                worst = worst.max(e);
                // f16 results below 6e-5 are subnormal in f16; the floor makes them absolute.
                assert!(
                    e <= 1.0e-3,
                    "wgpu f16 {}({}) = {}, core f32 {}",
                    f,
                    x[i],
                    got[i],
                    want[i]
                );
            }
            println!("wgpu f16 {}: max rel. error {worst:.2e}", f);
        }
    }
}
