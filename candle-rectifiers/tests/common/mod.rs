//! Shared test support: the per-device macro, inputs, and comparisons.
#![allow(dead_code)]

pub mod host_cxx;

use candle_core::{DType, Device, Result, Tensor};

/// Instantiates a test body `fn(&Device) -> Result<()>` per device, like candle's own
/// `test_device!`: on the CPU always, on CUDA with the `cuda` feature (needs a GPU).
#[macro_export]
macro_rules! test_device {
    ($fn:ident, $cpu:ident, $cuda:ident) => {
        #[test]
        fn $cpu() -> candle_core::Result<()> {
            $fn(&candle_core::Device::Cpu)
        }

        #[cfg(feature = "cuda")]
        #[test]
        fn $cuda() -> candle_core::Result<()> {
            $fn(&candle_core::Device::new_cuda(0)?)
        }
    };
}

/// Deterministic inputs: edge cases (signed zeros, subnormals, infinities, NaN, the largest
/// finite values), then values spread over [-40, 40] and tiny ones.
pub fn inputs(len: usize) -> Vec<f64> {
    let mut v = vec![
        0.0,
        -0.0,
        1e-310,
        -1e-310,
        1e-40,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        3.0e38,
        -3.0e38,
        1e19,
        -1e19,
        -7.06,
        -100.0,
        100.0,
        1.0,
        -1.0,
    ];
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    while v.len() < len {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let u = (state >> 11) as f64 / (1u64 << 53) as f64;
        v.push(if v.len().is_multiple_of(4) {
            (u - 0.5) * 1e-3
        } else {
            (u - 0.5) * 80.0
        });
    }
    v.truncate(len);
    v
}

/// Inputs without NaN/inf, in [-lim, lim] and at least 0.05 away from 0 (where the naive
/// composed forms cancel), for comparisons with composed candle ops.
pub fn moderate(len: usize, lim: f64) -> Vec<f64> {
    inputs(len + 17)[17..]
        .iter()
        .map(|&v| {
            let v = (v / 40.0 * lim).clamp(-lim, lim);
            if v < 0.0 { v.min(-0.05) } else { v.max(0.05) }
        })
        .collect()
}

/// The values of a tensor of any float dtype, widened to f64 (exact).
pub fn values(t: &Tensor) -> Result<Vec<f64>> {
    t.to_dtype(DType::F64)?.flatten_all()?.to_vec1::<f64>()
}

/// Equality of two tensors' values, bit for bit except the sign of zero (candle accumulates
/// gradients onto +0, so a -0 from an op comes back as +0), NaN equal to NaN.
pub fn assert_same(got: &Tensor, want: &Tensor, what: &str) -> Result<()> {
    assert_eq!(got.dims(), want.dims(), "{what}: shape");
    assert_eq!(got.dtype(), want.dtype(), "{what}: dtype");
    let (g, w) = (values(got)?, values(want)?);
    for (i, (a, b)) in g.iter().zip(&w).enumerate() {
        assert!(
            a == b || a.is_nan() && b.is_nan(),
            "{what} [{i}]: {a:e} vs {b:e}"
        );
    }
    Ok(())
}

/// `|got - want| <= abs + rel |want|` elementwise, NaN where the other is NaN.
pub fn assert_close(got: &Tensor, want: &Tensor, rel: f64, abs: f64, what: &str) -> Result<()> {
    assert_eq!(got.dims(), want.dims(), "{what}: shape");
    let (g, w) = (values(got)?, values(want)?);
    for (i, (a, b)) in g.iter().zip(&w).enumerate() {
        let ok = a == b || a.is_nan() && b.is_nan() || (a - b).abs() <= abs + rel * b.abs();
        assert!(ok, "{what} [{i}]: {a:e} vs {b:e}");
    }
    Ok(())
}

/// Relative tolerance of a device's kernels against the core, per dtype: the CPU runs the
/// core's kernels (bit for bit, checked with `assert_same`); other devices their own.
pub fn device_tolerance(dtype: DType) -> f64 {
    match dtype {
        DType::F64 => 1e-14,
        DType::F32 => 2e-6, // the CUDA f32 kernels: up to 10 ULP (tests/kernel_formulas.rs)
        // A backward rounds f'(x) to the dtype, then dy f'(x) once: where the device's float
        // f'(x) and the core's lie on either side of a rounding boundary, the results differ by
        // one ulp of f' plus the product's rounding, up to 1.5 * 2^-9 (f16) and 1.5 * 2^-6 (bf16)
        // relative (seen on an H200: squareplus' f16 backward, 1.2e-3).
        DType::F16 => 2e-3,
        _ => 1.6e-2,
    }
}

/// Absolute tolerance of a device's gradients against the core: `dy f'(x)` with `|dy| <= 3`
/// (the `moderate` inputs). Near the zeros of f' (SiLU, GELU, Mish) a relative bound means
/// nothing: the terms of f' cancel, and the core itself holds f64 derivatives there to 4.5e-16
/// absolute (ACCURACY.md); the CUDA f64 kernels (libdevice `exp`/`erfc`) were 2.8e-17 off there
/// on an H200. Other dtypes: the forward's floor, [`device_floor`].
pub fn device_grad_floor(dtype: DType) -> f64 {
    match dtype {
        DType::F64 => 3.0 * 4.5e-16,
        _ => device_floor(dtype),
    }
}

/// Absolute tolerance of a device's results against the core: covers subnormal results.
pub fn device_floor(dtype: DType) -> f64 {
    match dtype {
        DType::F64 => 1e-300,
        DType::F16 => 1e-7,
        _ => 1e-37,
    }
}

pub const FLOAT_DTYPES: [DType; 4] = [DType::F32, DType::F64, DType::F16, DType::BF16];

pub fn tensor(v: &[f64], dtype: DType, dev: &Device) -> Result<Tensor> {
    Tensor::new(v, dev)?.to_dtype(dtype)
}

/// Runs `$body` with `$t` bound to the Rust element type of `$dtype`.
#[macro_export]
macro_rules! with_dtype {
    ($dtype:expr, $t:ident => $body:expr) => {
        match $dtype {
            candle_core::DType::F32 => {
                type $t = f32;
                $body
            }
            candle_core::DType::F64 => {
                type $t = f64;
                $body
            }
            candle_core::DType::F16 => {
                type $t = half::f16;
                $body
            }
            candle_core::DType::BF16 => {
                type $t = half::bf16;
                $body
            }
            other => panic!("not a float dtype: {other:?}"),
        }
    };
}

/// The core's forward kernel applied on the host to `x`'s values: the reference every
/// device is checked against.
pub fn core_forward<R: rectifiers_core::Rectifier>(r: &R, x: &Tensor) -> Result<Tensor> {
    let shape = x.shape().clone();
    with_dtype!(x.dtype(), T => {
        let xs = x.to_device(&Device::Cpu)?.flatten_all()?.to_vec1::<T>()?;
        let mut y = xs.clone();
        rectifiers_core::kernel::forward_in_place(r, &mut y);
        Tensor::from_vec(y, shape, &Device::Cpu)
    })
}

/// The core's backward kernel, `dy * f'(x)`, on the host.
pub fn core_backward<R: rectifiers_core::Rectifier>(
    r: &R,
    x: &Tensor,
    dy: &Tensor,
) -> Result<Tensor> {
    let shape = x.shape().clone();
    with_dtype!(x.dtype(), T => {
        let xs = x.to_device(&Device::Cpu)?.flatten_all()?.to_vec1::<T>()?;
        let mut g = dy.to_device(&Device::Cpu)?.flatten_all()?.to_vec1::<T>()?;
        rectifiers_core::kernel::backward_in_place(r, &xs, &mut g);
        Tensor::from_vec(g, shape, &Device::Cpu)
    })
}

/// The smallest normal value of a float dtype: gradients below it may be flushed by candle's
/// own accumulation (`0 + dx` in bf16), so `Var` gradients are compared with this floor.
pub fn min_normal(dtype: DType) -> f64 {
    match dtype {
        DType::F64 => f64::MIN_POSITIVE,
        DType::F16 => 6.103_515_625e-5,
        _ => f32::MIN_POSITIVE as f64,
    }
}

/// Bit-for-bit when the op ran on the CPU (it runs the core's kernels); within the device's
/// tolerance per dtype elsewhere (an absolute floor covers subnormal results).
pub fn assert_matches_core(dev: &Device, got: &Tensor, want: &Tensor, what: &str) -> Result<()> {
    assert_matches_core_within(dev, got, want, device_floor(got.dtype()), what)
}

/// [`assert_matches_core`] for gradients: the absolute floor is [`device_grad_floor`].
pub fn assert_grad_matches_core(
    dev: &Device,
    got: &Tensor,
    want: &Tensor,
    what: &str,
) -> Result<()> {
    assert_matches_core_within(dev, got, want, device_grad_floor(got.dtype()), what)
}

fn assert_matches_core_within(
    dev: &Device,
    got: &Tensor,
    want: &Tensor,
    floor: f64,
    what: &str,
) -> Result<()> {
    let got = got.to_device(&Device::Cpu)?;
    if dev.is_cpu() {
        return assert_same(&got, want, what);
    }
    assert_close(&got, want, device_tolerance(got.dtype()), floor, what)
}
