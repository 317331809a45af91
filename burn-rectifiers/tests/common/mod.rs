//! Shared by the integration tests: the devices to run on, inputs, and the core as reference.
#![allow(dead_code)]
#![allow(deprecated)] // burn-ndarray is deprecated upstream; it is still a backend we test.

use burn::tensor::{DType, Device, Tensor, TensorData};
use burn_rectifiers::{Elementwise, ElementwiseKind};
use rectifiers_core::{Float, kernel};

/// A backend the checks run on: its name, its device, and whether results must equal the core
/// bit for bit (the CPU backends call the core's kernels) or within a tolerance (cubecl).
pub struct Backend {
    pub name: &'static str,
    pub device: Device,
    pub exact: bool,
}

/// Whether the public functions run this crate's kernels on Flex (the `flex` feature on and
/// `RECTIFIERS_FLEX_FALLBACK` not `1`), else the composed fallback.
pub fn flex_has_kernels() -> bool {
    let probe = Tensor::<1>::zeros([1], &Device::from(burn::backend::FlexDevice));
    burn_rectifiers::runs_kernels(&probe)
}

/// NdArray when its feature is on, Flex always, wgpu and CUDA when their features are on. Without a wgpu adapter (a
/// CUDA GPU) those checks are skipped with a printed reason, unless `RECTIFIERS_REQUIRE_WGPU=1`
/// (set in CI) or `RECTIFIERS_REQUIRE_CUDA=1`.
#[allow(clippy::vec_init_then_push)] // which pushes exist depends on the features
pub fn backends() -> Vec<Backend> {
    let mut all = Vec::new();
    #[cfg(feature = "ndarray")]
    all.push(Backend {
        name: "ndarray",
        device: Device::from(burn::backend::NdArrayDevice::Cpu),
        exact: true,
    });
    // Burn's Flex is always on in the tests (a dev-dependency feature): with this crate's
    // `flex` feature it runs the core's kernels, without it (or with
    // `RECTIFIERS_FLEX_FALLBACK=1`) the composed fallback (`.ci/run` runs both).
    let kernels = flex_has_kernels();
    all.push(Backend {
        name: if kernels { "flex" } else { "flex (fallback)" },
        device: Device::from(burn::backend::FlexDevice),
        exact: kernels,
    });
    #[cfg(feature = "wgpu")]
    {
        use std::sync::OnceLock;
        static PROBE: OnceLock<Result<(), String>> = OnceLock::new();
        let wgpu = || Device::from(burn::backend::WgpuDevice::default());
        if let Some(device) = probed("wgpu", "RECTIFIERS_REQUIRE_WGPU", &PROBE, wgpu) {
            all.push(Backend {
                name: "wgpu",
                device,
                exact: false,
            });
        }
    }
    #[cfg(feature = "cuda")]
    {
        use std::sync::OnceLock;
        static PROBE: OnceLock<Result<(), String>> = OnceLock::new();
        let cuda = || Device::from(burn::backend::CudaDevice::default());
        if let Some(device) = probed("cuda", "RECTIFIERS_REQUIRE_CUDA", &PROBE, cuda) {
            all.push(Backend {
                name: "cuda",
                device,
                exact: false,
            });
        }
    }
    all
}

/// The device `make` gives, if a tensor round trip works on it (probed once: the cubecl
/// runtimes panic when no adapter or GPU exists); else `None` with the reason printed, or a
/// panic if the environment variable `require` is `1`.
#[cfg(any(feature = "wgpu", feature = "cuda"))]
fn probed(
    name: &str,
    require: &str,
    probe: &'static std::sync::OnceLock<Result<(), String>>,
    make: impl Fn() -> Device + std::panic::RefUnwindSafe,
) -> Option<Device> {
    let probe = probe.get_or_init(|| {
        std::panic::catch_unwind(|| {
            let x = Tensor::<1>::from_floats([1.0], &make());
            x.into_data();
        })
        .map_err(|e| {
            e.downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default()
        })
    });
    match probe {
        Ok(()) => Some(make()),
        Err(why) => {
            assert!(
                std::env::var(require).as_deref() != Ok("1"),
                "{require}=1 but no {name} device: {why}"
            );
            eprintln!("skipping {name}: no device ({why})");
            None
        }
    }
}

/// Edge cases and a sweep: NaN, the infinities, signed zeros, subnormals, the extremes, and
/// every 0.37 from -40 to 40, plus large magnitudes.
pub fn inputs() -> Vec<f32> {
    let mut v = vec![
        f32::NAN,
        f32::INFINITY,
        f32::NEG_INFINITY,
        0.0,
        -0.0,
        1.0e-40,
        -1.0e-40,
        f32::MIN_POSITIVE,
        f32::MAX,
        -f32::MAX,
        1.0e4,
        -1.0e4,
        1.0e10,
        -1.0e10,
        1.0e30,
        -1.0e30,
        -0.75,
        -1.28,
        -1.19,
    ];
    let mut x = -40.0_f32;
    while x <= 40.0 {
        v.push(x);
        x += 0.37;
    }
    v
}

/// Every elementwise function with the parameters checked: the default, and another value.
pub fn cases() -> Vec<Elementwise> {
    let mut all: Vec<Elementwise> = ElementwiseKind::ALL
        .iter()
        .map(|k| k.with_default())
        .collect();
    all.extend(
        [
            (ElementwiseKind::LeakyRelu, 0.2),
            (ElementwiseKind::Softplus, 10.0),
            (ElementwiseKind::Softplus, 0.5),
            (ElementwiseKind::Elu, 0.5),
            (ElementwiseKind::SRelu, 0.5),
            (ElementwiseKind::Squareplus, 0.0),
            (ElementwiseKind::Squareplus, 0.5),
        ]
        .map(|(k, p)| k.with_param(p).unwrap()),
    );
    all
}

/// The core's `f(x)` (the slice kernel both CPU backends call).
pub fn core_forward<T: Float>(f: Elementwise, x: &[T]) -> Vec<T> {
    let mut y = vec![T::ZERO; x.len()];
    kernel::forward(&f, x, &mut y);
    y
}

/// The core's `f'(x) dy`.
pub fn core_backward<T: Float>(f: Elementwise, x: &[T], dy: &[T]) -> Vec<T> {
    let mut dx = vec![T::ZERO; x.len()];
    kernel::backward(&f, x, dy, &mut dx);
    dx
}

pub fn tensor_f32(v: &[f32], device: &Device) -> Tensor<1> {
    Tensor::from_data(TensorData::new(v.to_vec(), [v.len()]), device)
}

pub fn tensor_of(v: &[f64], dtype: DType, device: &Device) -> Tensor<1> {
    Tensor::<1>::from_data(TensorData::new(v.to_vec(), [v.len()]), (device, dtype))
}

pub fn to_f32(t: Tensor<1>) -> Vec<f32> {
    t.into_data().convert::<f32>().try_to_vec::<f32>().unwrap()
}

pub fn to_f64(t: Tensor<1>) -> Vec<f64> {
    t.into_data().convert::<f64>().try_to_vec::<f64>().unwrap()
}

/// Equal as the same bits, NaN equal to NaN.
pub fn same<T: Float + PartialEq>(a: T, b: T) -> bool {
    (a.to_f64().is_nan() && b.to_f64().is_nan()) || a.to_f64().to_bits() == b.to_f64().to_bits()
}

/// The error of `got` against `want` as `|got - want| / max(|want|, floor)`; 0 when both are
/// the same infinity or both NaN (and infinite when only one is).
pub fn rel_err(got: f64, want: f64, floor: f64) -> f64 {
    if got.is_nan() || want.is_nan() {
        return if got.is_nan() && want.is_nan() {
            0.0
        } else {
            f64::INFINITY
        };
    }
    if got.is_infinite() || want.is_infinite() {
        return if got == want { 0.0 } else { f64::INFINITY };
    }
    (got - want).abs() / want.abs().max(floor)
}

/// Within this of a zero of f', the derivative cancels (`Phi + x phi`, `s (1 + x (1 - s))`, ...)
/// on every path that does not run the core's kernels: its error is measured in ULP of 1 there,
/// as the core's f64 contract does.
pub const NEAR_ROOT: f32 = 0.5;

/// The zeros of f' (SiLU, GELU, GELU-tanh, Mish).
pub fn derivative_root(f: &Elementwise) -> Option<f32> {
    match f.kind() {
        ElementwiseKind::Silu => Some(-1.278_464_5),
        ElementwiseKind::Gelu => Some(-0.751_791_5),
        ElementwiseKind::GeluTanh => Some(-0.752_237_7),
        ElementwiseKind::Mish => Some(-1.192_4),
        _ => None,
    }
}

/// The error of a GPU result (the cubecl kernel or the fused composition, f32) against the
/// core's.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum GpuError {
    /// In ULP of the core's result, which is a normal number.
    Ulps(f64),
    /// Near a zero of f': in ULP of 1.
    NearRoot(f64),
    /// Both 0 or subnormal (GPUs flush subnormals), both the same infinity or both NaN.
    SameSpecial,
    /// Not of the core's class: NaN for a number, a number for an infinity, ...
    WrongClass,
}

/// How far `got` is from the core's `want` at `x` (`derivative`: f' rather than f).
///
/// At a NaN input the gradient of the piecewise-linear functions is NaN in the core and the
/// kernels, and the masked upstream gradient on the fused path, as Burn's own ReLU backward
/// (which costs no extra operation there): both are accepted.
pub fn gpu_error(f: &Elementwise, x: f32, got: f32, want: f32, derivative: bool) -> GpuError {
    let piecewise = matches!(
        f.kind(),
        ElementwiseKind::Relu | ElementwiseKind::LeakyRelu | ElementwiseKind::SRelu
    ) || (f.kind() == ElementwiseKind::Squareplus && f.param() == Some(0.0));
    if derivative && piecewise && x.is_nan() {
        return GpuError::SameSpecial;
    }
    let tiny = |v: f32| v == 0.0 || v.is_subnormal();
    if want.is_nan() || want.is_infinite() || tiny(want) {
        let same = if want.is_nan() {
            got.is_nan()
        } else if want.is_infinite() {
            got == want
        } else {
            got.is_finite() && (tiny(got) || (got - want).abs() <= f32::MIN_POSITIVE)
        };
        return if same {
            GpuError::SameSpecial
        } else {
            GpuError::WrongClass
        };
    }
    if !got.is_finite() {
        return GpuError::WrongClass;
    }
    let err = (got as f64 - want as f64).abs();
    let near_root = derivative && derivative_root(f).is_some_and(|r| (x - r).abs() < NEAR_ROOT);
    if near_root {
        return GpuError::NearRoot(err / f32::EPSILON as f64);
    }
    let a = want.abs();
    GpuError::Ulps(err / (a.next_up() - a) as f64)
}

/// A GPU path.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum GpuPath {
    /// The cubecl kernels of plain `CubeBackend`: `e^r` by its series, about 1 ULP.
    Kernel,
    /// The fused compositions of `Fusion<CubeBackend>`: `e^r` by the device's `exp` (3 ULP on
    /// lavapipe for |r| < 0.35), to stay within the fuser's 64 operations per kernel.
    Fused,
}

/// The ULP budgets of the GPU paths, per function: forward ULP, derivative ULP, derivative near
/// its zero in ULP of 1. The goal is 4 ULP; the exceptions and their causes:
/// - the fused path: the device's `exp` of the reduced argument (3 ULP on lavapipe), 6 ULP (the
///   softplus approximation's derivative magnifies it 1.6 times near |u| = 2: 8);
/// - GELU: Numerical Recipes' `erfc` fit (relative error up to 1.2e-7, 1 to 2 ULP), on the fused
///   path also the device's `exp` of the fit's exponent (up to 1.4), and for the derivative the
///   cancellation of `Phi + x phi` on the way to its zero at -0.75;
/// - GELU-tanh: the rounding of `v = x (C1 + C2 x^2)` (three roundings of a number near 90 in
///   the far left tail, where `e^v` magnifies them: up to 140 ULP for x in [-10, -8.8]);
/// - Mish: the cancellation in its derivative on the way to its zero at -1.19.
pub fn gpu_budget(path: GpuPath, f: &Elementwise) -> (f64, f64, f64) {
    match (path, f.kind()) {
        (_, ElementwiseKind::GeluTanh) => (140.0, 140.0, 1.0),
        (GpuPath::Kernel, ElementwiseKind::Gelu) => (5.0, 7.0, 1.0),
        (GpuPath::Kernel, ElementwiseKind::Mish) => (4.0, 5.0, 1.0),
        (GpuPath::Kernel, _) => (4.0, 4.0, 1.0),
        (GpuPath::Fused, ElementwiseKind::Gelu) => (10.0, 10.0, 1.0),
        (GpuPath::Fused, ElementwiseKind::SoftplusApprox) => (6.0, 8.0, 1.0),
        (GpuPath::Fused, _) => (6.0, 6.0, 1.0),
    }
}

/// Whether a GPU result is within its budget (see [`gpu_budget`]), plus `slack` ULP (a gradient
/// `dy f'(x)` with `dy != 1` rounds once more).
pub fn within_gpu_budget(
    path: GpuPath,
    f: &Elementwise,
    x: f32,
    got: f32,
    want: f32,
    derivative: bool,
    slack: f64,
) -> bool {
    let (by, bd, br) = gpu_budget(path, f);
    match gpu_error(f, x, got, want, derivative) {
        GpuError::Ulps(u) => u <= slack + if derivative { bd } else { by },
        GpuError::NearRoot(u) => u <= slack + br,
        GpuError::SameSpecial => true,
        GpuError::WrongClass => false,
    }
}
