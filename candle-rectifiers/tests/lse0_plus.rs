//! LSE0+: values and gradients against the core, any dim, keepdim, empty rows, NaN/inf.

mod common;

use candle_core::{DType, Device, Result, Tensor, Var};
use candle_rectifiers as cr;
use common::*;
use rectifiers_core::Float;

/// LSE0+ of each row of `[rows, n]` values, from the core (f64, then rounded to the dtype).
fn core_rows(x: &[f64], n: usize) -> Vec<f64> {
    x.chunks(n.max(1))
        .map(rectifiers_core::lse0_plus::lse0_plus)
        .collect()
}

fn values_and_gradients(dev: &Device) -> Result<()> {
    for dtype in FLOAT_DTYPES {
        let (rows, n) = (37, 19);
        let x = tensor(&inputs(rows * n), dtype, dev)?.reshape((rows, n))?;
        let xs = values(&x)?;

        // Last dim, keepdim and not.
        let y = cr::lse0_plus_keepdim(&x, 1)?;
        assert_eq!(y.dims(), [rows, 1]);
        let want = Tensor::new(core_rows(&xs, n).as_slice(), &Device::Cpu)?
            .to_dtype(dtype)?
            .reshape((rows, 1))?;
        assert_matches_core(dev, &y, &want, &format!("lse0+ {dtype:?}"))?;
        assert_eq!(cr::lse0_plus(&x, 1)?.dims(), [rows]);

        // Another dim equals the last dim of the transposed input.
        let yt = cr::lse0_plus_keepdim(&x, 0)?;
        assert_eq!(yt.dims(), [1, n]);
        let want_t = cr::lse0_plus_keepdim(&x.t()?.contiguous()?, 1)?.t()?;
        assert_same(
            &yt.to_device(&Device::Cpu)?,
            &want_t.to_device(&Device::Cpu)?,
            "dim 0",
        )?;

        // Gradient: the softmax with a zero logit, times the upstream gradient.
        let w = tensor(&moderate(rows, 2.0), dtype, dev)?.reshape((rows, 1))?;
        let xv = Var::from_tensor(&x)?;
        let grads = (cr::lse0_plus_keepdim(xv.as_tensor(), 1)? * &w)?
            .sum_all()?
            .backward()?;
        let ws = values(&w)?;
        let mut g = vec![0.0; n];
        let mut want = Vec::with_capacity(rows * n);
        with_dtype!(dtype, T => {
            for r in 0..rows {
                // The core's f64 gradient of the row (as the kernel computes it for this dtype).
                let row: Vec<f64> = xs[r * n..(r + 1) * n].to_vec();
                rectifiers_core::lse0_plus::lse0_plus_gradient(&row, &mut g);
                let dy = T::from_f64(ws[r]).to_f64();
                want.extend(g.iter().map(|&g| T::from_f64(dy * g).to_f64()));
            }
        });
        let want = Tensor::new(want.as_slice(), &Device::Cpu)?
            .to_dtype(dtype)?
            .reshape((rows, n))?;
        let got = grads.get(&xv).unwrap().to_device(&Device::Cpu)?;
        let rel = if dev.is_cpu() {
            0.0
        } else {
            device_tolerance(dtype)
        };
        assert_close(
            &got,
            &want,
            rel,
            min_normal(dtype),
            &format!("lse0+ {dtype:?} grad"),
        )?;
    }
    Ok(())
}
test_device!(
    values_and_gradients,
    values_and_gradients_cpu,
    values_and_gradients_cuda
);

fn special_rows(dev: &Device) -> Result<()> {
    // mpmath: log(1 + e^0 + e^0) = log 3; all -1000: log1p(2 e^-1000) = 0 in f32;
    // a NaN row is NaN; a +inf row is +inf; [1000, 0, -1000] is 1000.
    let x = Tensor::new(
        &[
            [0.0f32, 0.0, f32::NEG_INFINITY],
            [-1000.0, -1000.0, -1000.0],
            [f32::NAN, 0.0, 1.0],
            [f32::INFINITY, 0.0, 1.0],
            [1000.0, 0.0, -1000.0],
        ],
        dev,
    )?;
    let y = cr::lse0_plus(&x, 1)?.to_vec1::<f32>()?;
    assert_eq!(y[0], 3.0f32.ln());
    assert_eq!(y[1], 0.0);
    assert!(y[2].is_nan());
    assert_eq!(y[3], f32::INFINITY);
    assert_eq!(y[4], 1000.0);

    // An empty dim: ln(1 + 0) = 0 for every row.
    let empty = Tensor::zeros((4, 0), DType::F32, dev)?;
    assert_eq!(cr::lse0_plus(&empty, 1)?.to_vec1::<f32>()?, [0.0; 4]);
    Ok(())
}
test_device!(special_rows, special_rows_cpu, special_rows_cuda);
