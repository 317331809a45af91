//! PReLU and LSE0+ on the cubecl kernels, in ULP against the core: on plain `CubeBackend`
//! (the kernels themselves) and on `Fusion<CubeBackend>` through the public API with Autodiff
//! (where they run as custom operations). The rows cover the hard cases of LSE0+: a shift of
//! 1000, rows whose result underflows towards `e^x` (`lse0+([-80]) = e^-80`), sums on both sides
//! of `log1p`'s switch at 1, long rows, `+inf`, `-inf` and NaN. The core is correctly rounded in
//! f32 (it evaluates in f64; `rectifiers-core/ACCURACY.md`).
#![cfg(feature = "wgpu")]

mod common;

use burn::backend::{ops::FloatTensorOps, tensor::FloatTensor};
use burn::tensor::{Device, Tensor, TensorData, read_sync};
use burn_cubecl::{CubeBackend, CubeDevice};
use burn_rectifiers::{RectifierBackend, lse0_plus};
use rectifiers_core::kernel;

/// The budgets in ULP of a normal result: the forward's `m + log1p(r)`, `r` summed in f32
/// (one rounding per term, about 1 ULP per term from `e^d`); the gradient's `e^d / (1 + r)`.
const LSE0_FORWARD_ULP: f64 = 4.0;
const LSE0_GRADIENT_ULP: f64 = 4.0;

/// `|got - want|` in ULP of `want` where `want` is a normal number; `Ok(0)` where both are the
/// same special (NaN, the same infinity, 0 or subnormal: GPUs flush subnormals); `Err` for a
/// result of the wrong class.
fn ulps(got: f32, want: f32) -> Result<f64, String> {
    let tiny = |v: f32| v == 0.0 || v.is_subnormal();
    let same = if want.is_nan() {
        got.is_nan()
    } else if want.is_infinite() {
        got == want
    } else if tiny(want) {
        got.is_finite() && (tiny(got) || (got - want).abs() <= f32::MIN_POSITIVE)
    } else {
        return if got.is_finite() {
            let a = want.abs();
            Ok((got as f64 - want as f64).abs() / (a.next_up() - a) as f64)
        } else {
            Err(format!("{got:e} where the core gives {want:e}"))
        };
    };
    if same {
        Ok(0.0)
    } else {
        Err(format!("{got:e} where the core gives {want:e}"))
    }
}

/// The worst ULP of `got` against `want`, panicking on a result of the wrong class.
fn worst(what: &str, got: &[f32], want: &[f32]) -> f64 {
    assert_eq!(got.len(), want.len(), "{what}: lengths");
    got.iter()
        .zip(want)
        .enumerate()
        .map(|(i, (&g, &w))| ulps(g, w).unwrap_or_else(|e| panic!("{what}[{i}]: {e}")))
        .fold(0.0, f64::max)
}

/// The bits of `v`, every NaN as the one NaN (payloads may differ).
fn canon(v: &[f32]) -> Vec<u32> {
    v.iter()
        .map(|&f| if f.is_nan() { f32::NAN } else { f }.to_bits())
        .collect()
}

/// A deterministic spread of `n` values in `[lo, hi]`.
fn spread(n: usize, lo: f32, hi: f32) -> Vec<f32> {
    (0..n)
        .map(|i| lo + (hi - lo) * ((i * 7919 % 1009) as f32 / 1008.0))
        .collect()
}

/// Named batches of rows `[rows, len]`.
fn lse0_cases() -> Vec<(&'static str, usize, Vec<f32>)> {
    let mut specials = vec![0.5_f32; 4 * 6];
    specials[1] = f32::INFINITY;
    specials[6 + 2] = f32::NAN;
    specials[12 + 3] = f32::NEG_INFINITY;
    specials[18..24].fill(f32::NEG_INFINITY);
    vec![
        ("mixed", 16, spread(16 * 37, -6.0, 6.0)),
        ("shifted by 1000", 8, spread(8 * 5, 995.0, 1000.0)),
        ("underflowing", 8, spread(8 * 3, -86.0, -60.0)),
        ("near log1p's switch", 32, spread(32, -1.2, 0.2)),
        ("subnormal terms", 4, spread(4 * 3, -103.0, -90.0)),
        ("long rows", 2, spread(2 * 4096, -10.0, 10.0)),
        ("inf, nan, -inf", 4, specials),
    ]
}

/// `(y, dx)` of LSE0+ over the last dim of `[rows, len]` from the core, with `dy = 1 + row`.
fn lse0_core(rows: usize, x: &[f32]) -> (Vec<f32>, Vec<f32>) {
    let len = x.len() / rows;
    let mut y = vec![0.0; rows];
    kernel::lse0_plus_forward(x, len, &mut y);
    let dy = lse0_dy(rows);
    let mut dx = vec![0.0; x.len()];
    kernel::lse0_plus_backward(x, &dy, len, &mut dx);
    (y, dx)
}

fn lse0_dy(rows: usize) -> Vec<f32> {
    (0..rows).map(|r| 1.0 + r as f32).collect()
}

fn cube_device() -> CubeDevice {
    CubeDevice::Wgpu(Default::default())
}

fn read(t: FloatTensor<CubeBackend>) -> Vec<f32> {
    read_sync(CubeBackend::float_into_data(t))
        .unwrap()
        .try_to_vec::<f32>()
        .unwrap()
}

fn cube_tensor(v: &[f32], shape: &[usize]) -> FloatTensor<CubeBackend> {
    CubeBackend::float_from_data(TensorData::new(v.to_vec(), shape.to_vec()), &cube_device())
}

fn wgpu() -> Option<Device> {
    common::backends()
        .into_iter()
        .find(|b| b.name == "wgpu")
        .map(|b| b.device)
}

#[test]
fn lse0_plus_on_cube_within_budget() {
    let Some(device) = wgpu() else { return };
    let device = device.autodiff();
    println!("| rows | path | y max ULP | dx max ULP |\n|---|---|---|---|");
    for (name, rows, x) in lse0_cases() {
        let len = x.len() / rows;
        let (want_y, want_dx) = lse0_core(rows, &x);
        let dy = lse0_dy(rows);

        // Plain CubeBackend, rows along the last dim and, transposed (strided), along dim 0.
        let y = read(CubeBackend::fused_lse0_plus(
            cube_tensor(&x, &[rows, len]),
            1,
        ));
        let dx = read(CubeBackend::fused_lse0_plus_backward(
            cube_tensor(&x, &[rows, len]),
            cube_tensor(&dy, &[rows, 1]),
            1,
        ));
        let xt = CubeBackend::float_swap_dims(cube_tensor(&x, &[rows, len]), 0, 1);
        let yt = read(CubeBackend::fused_lse0_plus(xt.clone(), 0));
        let dxt = CubeBackend::fused_lse0_plus_backward(xt, cube_tensor(&dy, &[1, rows]), 0);
        let dxt = read(CubeBackend::float_swap_dims(dxt, 0, 1));
        assert_eq!(
            (canon(&y), canon(&dx)),
            (canon(&yt), canon(&dxt)),
            "{name}: the strided rows differ"
        );
        let (uy, udx) = (
            worst(&format!("kernel {name} y"), &y, &want_y),
            worst(&format!("kernel {name} dx"), &dx, &want_dx),
        );
        println!("| {name} | kernel | {uy:.1} | {udx:.1} |");
        assert!(uy <= LSE0_FORWARD_ULP, "kernel {name}: y {uy:.1} ULP");
        assert!(udx <= LSE0_GRADIENT_ULP, "kernel {name}: dx {udx:.1} ULP");

        // Fusion<CubeBackend> with Autodiff, through the public function.
        let xs =
            Tensor::<2>::from_data(TensorData::new(x.clone(), [rows, len]), &device).require_grad();
        let y = lse0_plus(xs.clone(), 1);
        let dyt = Tensor::<2>::from_data(TensorData::new(dy.clone(), [rows, 1]), &device);
        let grads = (y.clone() * dyt).sum().backward();
        let y = y.inner().into_data().try_to_vec::<f32>().unwrap();
        let dx = xs.grad(&grads).unwrap().into_data();
        let dx = dx.try_to_vec::<f32>().unwrap();
        let (uy, udx) = (
            worst(&format!("fusion {name} y"), &y, &want_y),
            worst(&format!("fusion {name} dx"), &dx, &want_dx),
        );
        println!("| {name} | fusion | {uy:.1} | {udx:.1} |");
        assert!(uy <= LSE0_FORWARD_ULP, "fusion {name}: y {uy:.1} ULP");
        assert!(udx <= LSE0_GRADIENT_ULP, "fusion {name}: dx {udx:.1} ULP");
    }
}

#[test]
fn lse0_plus_on_cube_of_empty_tensors() {
    if wgpu().is_none() {
        return;
    }
    let y = CubeBackend::fused_lse0_plus(cube_tensor(&[], &[0, 3]), 1);
    assert_eq!(read(y).len(), 0);
    // Rows of length 0: ln(1 + 0) = 0, gradient of shape [2, 0].
    let y = read(CubeBackend::fused_lse0_plus(cube_tensor(&[], &[2, 0]), 1));
    assert_eq!(y, [0.0, 0.0]);
    let dx = CubeBackend::fused_lse0_plus_backward(
        cube_tensor(&[], &[2, 0]),
        cube_tensor(&[1.0, 1.0], &[2, 1]),
        1,
    );
    assert_eq!(read(dx).len(), 0);
}

/// PReLU's forward and `dx` are one rounding each, as the core's: equal bit for bit; `dalpha`
/// is a sum in another order and precision (the core's is compensated, in f64).
#[test]
fn prelu_on_cube_matches_core() {
    if wgpu().is_none() {
        return;
    }
    let (n, c, inner) = (3, 4, 10);
    let mut x = spread(n * c * inner, -3.0, 3.0);
    x[3] = f32::NAN;
    x[17] = f32::INFINITY;
    x[29] = f32::NEG_INFINITY;
    x[41] = -0.0;
    x[42] = 1.0e-40;
    let dy = spread(x.len(), -1.0, 2.0);
    let shape = [n, c, inner];
    for alpha in [vec![0.25_f32], vec![0.1, -0.2, 0.7, 3.0]] {
        let inner_k = if alpha.len() == 1 { x.len() } else { inner };
        let mut want_y = vec![0.0; x.len()];
        kernel::prelu_forward(&x, &alpha, inner_k, &mut want_y);
        let (mut want_dx, mut want_da) = (vec![0.0; x.len()], vec![0.0; alpha.len()]);
        kernel::prelu_backward(&x, &alpha, &dy, inner_k, &mut want_dx, &mut want_da);
        let a = || cube_tensor(&alpha, &[alpha.len()]);

        let y = read(CubeBackend::fused_prelu(cube_tensor(&x, &shape), a()));
        let (dx, da) = CubeBackend::fused_prelu_backward(
            cube_tensor(&x, &shape),
            a(),
            cube_tensor(&dy, &shape),
        );
        let (dx, da) = (read(dx), read(da));
        assert_eq!(canon(&y), canon(&want_y), "prelu y, alpha {alpha:?}");
        assert_eq!(canon(&dx), canon(&want_dx), "prelu dx, alpha {alpha:?}");
        // dalpha sums the infinities and the NaN too: compare the class, then the value.
        for (i, (&g, &w)) in da.iter().zip(&want_da).enumerate() {
            assert!(
                common::rel_err(g as f64, w as f64, 1.0) <= 1.0e-5,
                "prelu dalpha[{i}], alpha {alpha:?}: {g} vs {w}"
            );
        }

        // Strided: the same tensor stored channels-last, seen through a permutation.
        let stored: Vec<f32> = (0..x.len())
            .map(|k| {
                let (b, rest) = (k / (inner * c), k % (inner * c));
                let (i, ch) = (rest / c, rest % c);
                x[(b * c + ch) * inner + i]
            })
            .collect();
        let xs = CubeBackend::float_permute(cube_tensor(&stored, &[n, inner, c]), &[0, 2, 1]);
        let y = read(CubeBackend::fused_prelu(xs, a()));
        assert_eq!(
            canon(&y),
            canon(&want_y),
            "strided prelu y, alpha {alpha:?}"
        );
    }
    // Empty.
    let y = CubeBackend::fused_prelu(
        cube_tensor(&[], &[0, 3]),
        cube_tensor(&[0.1, 0.2, 0.3], &[3]),
    );
    assert_eq!(read(y).len(), 0);
    let (dx, da) = CubeBackend::fused_prelu_backward(
        cube_tensor(&[], &[0, 3]),
        cube_tensor(&[0.1, 0.2, 0.3], &[3]),
        cube_tensor(&[], &[0, 3]),
    );
    assert_eq!((read(dx).len(), read(da)), (0, vec![0.0; 3]));
}
