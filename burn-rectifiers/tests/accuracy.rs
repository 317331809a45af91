//! Accuracy in ULP of every path that does not run the core's own kernels, against the core
//! (correctly rounded in f32, see `rectifiers-core/ACCURACY.md`), forward and derivative, over
//! the hard points: the extremes, the tails where the result underflows, tiny and subnormal
//! inputs, the zeros of f', the infinities and NaN. Each path has a budget per function; the
//! measured table is printed (`-- --nocapture`) and kept in the crate docs.
//!
//! - `stable/flex`: the stable composition (`composed::stable`) on Flex, whose `exp` and `sqrt`
//!   are the CPU's: the formulas' own error.
//! - `fusion/wgpu`: the same composition on `Fusion<CubeBackend>` (lavapipe in CI), forward
//!   and the gradient through `Autodiff`: what a wgpu user gets.
//! - `kernel/wgpu`: the hand-written cubecl kernels on plain `CubeBackend`.
//!
//! Where the result is a normal f32 the error is counted in ULP of the result; near the zeros of
//! f' (where f' cancels) it is counted in ULP of 1 (absolute, as the core's f64 contract does
//! there); results the core gives as 0, subnormal, infinite or NaN must be the same class (GPUs
//! flush subnormals, so a subnormal may come back as a signed zero).

mod common;

use common::{GpuError, GpuPath, derivative_root, gpu_budget, gpu_error};

use burn::tensor::{Device, Tensor, TensorData};
use burn_rectifiers::{Elementwise, apply, composed};
use rectifiers_core::Rectifier;

/// The hard points: specials, extremes, a dense sweep over [-110, 110] (every tail), tiny and
/// subnormal magnitudes, and the neighbourhoods of 0 and of the zeros of f'.
fn hard_points() -> Vec<f32> {
    let mut v = vec![
        f32::NAN,
        f32::INFINITY,
        f32::NEG_INFINITY,
        0.0,
        -0.0,
        f32::MAX,
        -f32::MAX,
        1e38,
        -1e38,
        1e30,
        -1e30,
        1.9e19,
        -1.9e19,
        1e10,
        -1e10,
        1e4,
        -1e4,
        f32::MIN_POSITIVE,
        -f32::MIN_POSITIVE,
        1e-40,
        -1e-40,
    ];
    let mut x = -110.0_f32;
    while x <= 110.0 {
        v.push(x);
        x += 0.0731;
    }
    for e in -37..0 {
        let m = 10f32.powi(e);
        v.extend([m, -m, 3.7 * m, -3.7 * m]);
    }
    for c in [
        0.0_f32, -0.7518, -0.7522, -1.2785, -1.1924, 1.0, -1.0, 0.5, -0.5,
    ] {
        for i in -40..=40 {
            v.push(c + i as f32 * 0.00123);
        }
    }
    v
}

#[derive(Clone, Copy, Default)]
struct Worst {
    ulps: f64,
    x: f32,
    got: f32,
    want: f32,
    /// Near the zeros of f': error in ULP of 1.
    root_abs: f64,
    /// Class mismatches (NaN, infinity, zero/subnormal versus normal).
    mismatches: usize,
    first_mismatch: Option<(f32, f32, f32)>,
}

fn measure(f: &Elementwise, xs: &[f32], got: &[f32], want: &[f32], derivative: bool) -> Worst {
    let mut w = Worst::default();
    for ((&x, &g), &e) in xs.iter().zip(got).zip(want) {
        match gpu_error(f, x, g, e, derivative) {
            GpuError::Ulps(u) if u > w.ulps => (w.ulps, w.x, w.got, w.want) = (u, x, g, e),
            GpuError::Ulps(_) | GpuError::SameSpecial => {}
            GpuError::NearRoot(u) => w.root_abs = w.root_abs.max(u),
            GpuError::WrongClass => {
                w.mismatches += 1;
                w.first_mismatch.get_or_insert((x, g, e));
            }
        }
    }
    w
}

fn tensor(v: &[f32], device: &Device) -> Tensor<1> {
    Tensor::from_data(TensorData::new(v.to_vec(), [v.len()]), device)
}

fn values(t: Tensor<1>) -> Vec<f32> {
    t.into_data().convert::<f32>().try_to_vec::<f32>().unwrap()
}

/// A path: forward values and derivative values (with an upstream gradient of 1).
type Path = fn(&Elementwise, &[f32]) -> (Vec<f32>, Vec<f32>);

fn stable_on_flex(f: &Elementwise, xs: &[f32]) -> (Vec<f32>, Vec<f32>) {
    let device = Device::from(burn::backend::FlexDevice);
    let x = tensor(xs, &device);
    let y = values(composed::stable(x.clone(), *f));
    let ones = Tensor::ones_like(&x);
    let d = values(composed::stable_backward(x, ones, *f));
    (y, d)
}

#[cfg(feature = "wgpu")]
fn wgpu_device() -> Device {
    common::backends()
        .into_iter()
        .find(|b| b.name == "wgpu")
        .map(|b| b.device)
        .expect("a wgpu adapter")
}

#[cfg(feature = "wgpu")]
fn fusion_on_wgpu(f: &Elementwise, xs: &[f32]) -> (Vec<f32>, Vec<f32>) {
    let device = wgpu_device().autodiff();
    let x = tensor(xs, &device).require_grad();
    let y = apply(x.clone(), *f);
    let grads = y.clone().sum().backward();
    (values(y.inner()), values(x.grad(&grads).unwrap()))
}

#[cfg(feature = "wgpu")]
fn kernel_on_wgpu(f: &Elementwise, xs: &[f32]) -> (Vec<f32>, Vec<f32>) {
    use burn::backend::ops::FloatTensorOps;
    use burn::tensor::read_sync;
    use burn_cubecl::{CubeBackend, CubeDevice};
    use burn_rectifiers::RectifierBackend;

    let device = CubeDevice::Wgpu(Default::default());
    let data = || TensorData::new(xs.to_vec(), [xs.len()]);
    let read = |t| {
        read_sync(CubeBackend::float_into_data(t))
            .unwrap()
            .try_to_vec::<f32>()
            .unwrap()
    };
    let y = CubeBackend::fused_elementwise(CubeBackend::float_from_data(data(), &device), *f);
    let x = CubeBackend::float_from_data(data(), &device);
    let ones =
        CubeBackend::float_from_data(TensorData::new(vec![1.0f32; xs.len()], [xs.len()]), &device);
    let d = CubeBackend::fused_elementwise_backward(x, ones, *f);
    (read(y), read(d))
}

fn check_path(name: &str, gpu: GpuPath, path: Path) {
    let xs = hard_points();
    println!("| {name} | f max ULP (at x) | f' max ULP (at x) | f' near its zero (ULP of 1) |");
    println!("|---|---|---|---|");
    let mut failures = Vec::new();
    for f in common::cases() {
        let want_y: Vec<f32> = xs.iter().map(|&x| f.forward_f32(x)).collect();
        let want_d: Vec<f32> = xs.iter().map(|&x| f.derivative_f32(x)).collect();
        let (got_y, got_d) = path(&f, &xs);
        let (wy, wd) = (
            measure(&f, &xs, &got_y, &want_y, false),
            measure(&f, &xs, &got_d, &want_d, true),
        );
        println!(
            "| {f} | {:.1} ({:e}) | {:.1} ({:e}) | {} |",
            wy.ulps,
            wy.x,
            wd.ulps,
            wd.x,
            if derivative_root(&f).is_some() {
                format!("{:.1}", wd.root_abs)
            } else {
                "-".into()
            }
        );
        let (by, bd, br) = gpu_budget(gpu, &f);
        for (what, w, b) in [("f", wy, by), ("f'", wd, bd)] {
            if w.mismatches > 0 {
                let (x, g, e) = w.first_mismatch.unwrap();
                failures.push(format!(
                    "{name} {f} {what}: {} results of the wrong class, e.g. at {x:e}: {g:e}, core {e:e}",
                    w.mismatches
                ));
            }
            if w.ulps > b {
                failures.push(format!(
                    "{name} {f} {what}: {:.1} ULP at {:e} ({:e}, core {:e}), budget {b}",
                    w.ulps, w.x, w.got, w.want
                ));
            }
        }
        if wd.root_abs > br {
            failures.push(format!(
                "{name} {f} f' near its zero: {:.1} ULP of 1, budget {br}",
                wd.root_abs
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn stable_composition_on_flex() {
    check_path("stable/flex", GpuPath::Fused, stable_on_flex);
}

/// The public functions on Flex through `Autodiff`: the core's kernels with the `flex` feature,
/// the composed fallback without it or with `RECTIFIERS_FLEX_FALLBACK=1` (CI runs both, see
/// `.ci/run`).
fn public_api_on_flex(f: &Elementwise, xs: &[f32]) -> (Vec<f32>, Vec<f32>) {
    let device = Device::from(burn::backend::FlexDevice).autodiff();
    let x = tensor(xs, &device).require_grad();
    let kernels = burn_rectifiers::runs_kernels(&x);
    assert_eq!(kernels, common::flex_has_kernels());
    let y = apply(x.clone(), *f);
    let grads = y.clone().sum().backward();
    let mut d = values(x.grad(&grads).unwrap());
    if !kernels {
        // The fallback's gradient at an infinite input is 0 (documented in its `route.rs`);
        // it is checked here and the core's value put in its place for the measurement.
        for (d, &x) in d.iter_mut().zip(xs) {
            if x.is_infinite() {
                assert_eq!(*d, 0.0, "{f} fallback gradient at {x}");
                *d = f.derivative_f32(x);
            }
        }
    }
    (values(y.inner()), d)
}

#[test]
fn public_api_on_flex_with_or_without_its_kernels() {
    let name = if common::flex_has_kernels() {
        "kernels/flex"
    } else {
        "fallback/flex"
    };
    check_path(name, GpuPath::Fused, public_api_on_flex);
}

#[cfg(feature = "wgpu")]
#[test]
fn fusion_on_lavapipe() {
    if common::backends().iter().any(|b| b.name == "wgpu") {
        check_path("fusion/wgpu", GpuPath::Fused, fusion_on_wgpu);
    }
}

#[cfg(feature = "wgpu")]
#[test]
fn kernel_on_lavapipe() {
    if common::backends().iter().any(|b| b.name == "wgpu") {
        check_path("kernel/wgpu", GpuPath::Kernel, kernel_on_wgpu);
    }
}
