//! PReLU and LSE0+ on every backend: forward and both gradients against the core's kernels
//! (which are checked against mpmath in rectifiers-core) and against the composed fallback.

mod common;

use burn::tensor::Tensor;
use burn_rectifiers::{composed, lse0_plus, prelu};
use common::{backends, rel_err};

fn values(n: usize) -> Vec<f32> {
    (0..n)
        .map(|i| ((i * 37 % 23) as f32 - 11.0) * 0.45)
        .collect()
}

fn assert_close(what: &str, got: &[f32], want: &[f32], exact: bool) {
    assert_eq!(got.len(), want.len(), "{what}: lengths");
    for (i, (&g, &w)) in got.iter().zip(want).enumerate() {
        let tol = if exact { 1.0e-6 } else { 1.0e-5 };
        assert!(
            rel_err(g as f64, w as f64, 1.0e-3) <= tol,
            "{what}[{i}]: {g} vs {w}"
        );
    }
}

#[test]
fn prelu_matches_core_and_composed() {
    let (n, c, inner) = (2, 3, 4);
    let x = values(n * c * inner);
    let dy: Vec<f32> = (0..x.len()).map(|i| 0.5 + (i % 5) as f32 * 0.3).collect();
    for alpha in [vec![0.25_f32], vec![0.1, -0.2, 0.7]] {
        let inner_k = if alpha.len() == 1 { x.len() } else { inner };
        let mut want_y = vec![0.0; x.len()];
        rectifiers_core::kernel::prelu_forward(&x, &alpha, inner_k, &mut want_y);
        let (mut want_dx, mut want_da) = (vec![0.0; x.len()], vec![0.0; alpha.len()]);
        rectifiers_core::kernel::prelu_backward(
            &x,
            &alpha,
            &dy,
            inner_k,
            &mut want_dx,
            &mut want_da,
        );
        for b in backends() {
            let device = b.device.clone().autodiff();
            let run = |fused: bool| {
                let xt = Tensor::<1>::from_floats(x.as_slice(), &device)
                    .reshape([n, c, inner])
                    .require_grad();
                let at = Tensor::<1>::from_floats(alpha.as_slice(), &device).require_grad();
                let y = if fused {
                    prelu(xt.clone(), at.clone())
                } else {
                    composed::prelu(xt.clone(), at.clone())
                };
                let dyt = Tensor::<1>::from_floats(dy.as_slice(), &device).reshape([n, c, inner]);
                let grads = (y.clone() * dyt).sum().backward();
                let flat = |t: Tensor<3>| {
                    t.reshape([x.len()])
                        .into_data()
                        .try_to_vec::<f32>()
                        .unwrap()
                };
                (
                    flat(y.inner()),
                    xt.grad(&grads)
                        .unwrap()
                        .reshape([x.len()])
                        .into_data()
                        .try_to_vec::<f32>()
                        .unwrap(),
                    at.grad(&grads)
                        .unwrap()
                        .into_data()
                        .try_to_vec::<f32>()
                        .unwrap(),
                )
            };
            for fused in [true, false] {
                let (y, dx, da) = run(fused);
                let what = format!("{} prelu (alpha {:?}, fused {fused})", b.name, alpha);
                assert_close(&format!("{what} y"), &y, &want_y, b.exact && fused);
                assert_close(&format!("{what} dx"), &dx, &want_dx, b.exact && fused);
                assert_close(&format!("{what} dalpha"), &da, &want_da, false);
            }
        }
    }
}

#[test]
fn lse0_plus_matches_core_and_composed() {
    let (rows, n) = (3, 5);
    let mut x = values(rows * n);
    x[0] = 1000.0; // the shift keeps this finite
    x[7] = -1000.0;
    for b in backends() {
        let device = b.device.clone().autodiff();
        for dim in [0, 1] {
            // The core works on [rows, n] with the reduced dim last: transpose for dim 0.
            let xt = Tensor::<1>::from_floats(x.as_slice(), &device).reshape([rows, n]);
            let rows_last = if dim == 1 {
                xt.clone()
            } else {
                xt.clone().swap_dims(0, 1)
            };
            let (r, k) = (rows_last.dims()[0], rows_last.dims()[1]);
            let xs = rows_last.inner().into_data().try_to_vec::<f32>().unwrap();
            let dy: Vec<f32> = (0..r).map(|i| 0.5 + i as f32).collect();
            let mut want_y = vec![0.0; r];
            rectifiers_core::kernel::lse0_plus_forward(&xs, k, &mut want_y);
            let mut want_dx = vec![0.0; xs.len()];
            rectifiers_core::kernel::lse0_plus_backward(&xs, &dy, k, &mut want_dx);
            for fused in [true, false] {
                let xg = xt.clone().require_grad();
                let y = if fused {
                    lse0_plus(xg.clone(), dim)
                } else {
                    composed::lse0_plus(xg.clone(), dim)
                };
                let mut kept = [rows, n];
                kept[dim] = 1;
                assert_eq!(y.dims(), kept);
                let dyt = Tensor::<1>::from_floats(dy.as_slice(), &device).reshape(kept);
                let grads = (y.clone() * dyt).sum().backward();
                let got_y = y.inner().into_data().try_to_vec::<f32>().unwrap();
                let dx = xg.grad(&grads).unwrap();
                let dx = if dim == 1 { dx } else { dx.swap_dims(0, 1) };
                let got_dx = dx.into_data().try_to_vec::<f32>().unwrap();
                let what = format!("{} lse0_plus dim {dim} fused {fused}", b.name);
                assert_close(&format!("{what} y"), &got_y, &want_y, b.exact && fused);
                assert_close(&format!("{what} dx"), &got_dx, &want_dx, b.exact && fused);
            }
        }
    }
}

#[test]
#[should_panic(expected = "prelu: alpha has 2 elements, expected 1 or the channel count")]
fn prelu_alpha_of_wrong_length_is_rejected() {
    let device = Default::default();
    let x = Tensor::<2>::zeros([2, 3], &device);
    prelu(x, Tensor::<1>::zeros([2], &device));
}
