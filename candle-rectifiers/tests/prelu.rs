//! PReLU: forward and both gradients against the core, layouts, errors, training with SGD and
//! AdamW, and a safetensors round trip.

mod common;

use candle_core::{DType, Device, Module, Result, Tensor, Var};
use candle_nn::{AdamW, Optimizer, ParamsAdamW, SGD, VarBuilder, VarMap};
use candle_rectifiers as cr;
use common::*;
use rectifiers_core::Float;

/// `(dx, dalpha)` from the core's kernel on the host.
fn core_grads(
    x: &Tensor,
    alpha: &Tensor,
    dy: &Tensor,
    inner: usize,
) -> Result<(Vec<f64>, Vec<f64>)> {
    with_dtype!(x.dtype(), T => {
        let xs = x.to_device(&Device::Cpu)?.flatten_all()?.to_vec1::<T>()?;
        let a = alpha.to_device(&Device::Cpu)?.to_vec1::<T>()?;
        let g = dy.to_device(&Device::Cpu)?.flatten_all()?.to_vec1::<T>()?;
        let mut dx = xs.clone();
        let mut da = a.clone();
        rectifiers_core::kernel::prelu_backward(&xs, &a, &g, inner, &mut dx, &mut da);
        let wide = |v: Vec<T>| v.into_iter().map(|v| v.to_f64()).collect::<Vec<f64>>();
        Ok::<_, candle_core::Error>((wide(dx), wide(da)))
    })
}

fn forward_and_gradients(dev: &Device) -> Result<()> {
    for dtype in FLOAT_DTYPES {
        for (shape, channels, inner) in [
            (vec![8, 3], 3, 1),
            (vec![2, 4, 5, 5], 4, 25),
            (vec![2, 4, 5, 5], 1, 200),
            (vec![300, 7, 40], 7, 40),
        ] {
            let n: usize = shape.iter().product();
            let x = tensor(&inputs(n), dtype, dev)?.reshape(shape.as_slice())?;
            let alpha_vals: Vec<f64> = (0..channels).map(|c| 0.25 - 0.15 * c as f64).collect();
            let alpha = tensor(&alpha_vals, dtype, dev)?;
            let what = format!("prelu {dtype:?} {shape:?} C={channels}");

            // Forward, against the core per channel.
            let y = cr::prelu(&x, &alpha)?;
            let want = with_dtype!(dtype, T => {
                let xs = x.to_device(&Device::Cpu)?.flatten_all()?.to_vec1::<T>()?;
                let a = alpha.to_device(&Device::Cpu)?.to_vec1::<T>()?;
                let mut out = xs.clone();
                rectifiers_core::kernel::prelu_forward(&xs, &a, inner, &mut out);
                Tensor::from_vec(out, shape.as_slice(), &Device::Cpu)?
            });
            assert_matches_core(dev, &y, &want, &format!("{what} fwd"))?;

            // Both gradients through Var.
            let w = tensor(&moderate(n, 2.0), dtype, dev)?.reshape(shape.as_slice())?;
            let (xv, av) = (Var::from_tensor(&x)?, Var::from_tensor(&alpha)?);
            let grads = (cr::prelu(xv.as_tensor(), av.as_tensor())? * &w)?
                .sum_all()?
                .backward()?;
            let (dx, da) = core_grads(&x, &alpha, &w, inner)?;
            let rel = if dev.is_cpu() {
                0.0
            } else {
                device_tolerance(dtype)
            };
            let floor = min_normal(dtype);
            let dx_want = Tensor::new(dx.as_slice(), &Device::Cpu)?
                .to_dtype(dtype)?
                .reshape(shape.as_slice())?;
            let dx_got = grads.get(&xv).unwrap().to_device(&Device::Cpu)?;
            assert_close(&dx_got, &dx_want, rel, floor, &format!("{what} dx"))?;
            // dalpha: a reduction, so on other devices the summation order differs.
            let da_want = Tensor::new(da.as_slice(), &Device::Cpu)?.to_dtype(dtype)?;
            let da_got = grads.get(&av).unwrap().to_device(&Device::Cpu)?;
            let rel = if dev.is_cpu() {
                0.0
            } else {
                device_tolerance(dtype) * 10.0
            };
            assert_close(&da_got, &da_want, rel, floor, &format!("{what} dalpha"))?;
        }
    }
    Ok(())
}
test_device!(
    forward_and_gradients,
    forward_and_gradients_cpu,
    forward_and_gradients_cuda
);

/// The backward gives the same bits on every run: on CUDA, dalpha is a two-pass reduction in
/// an order fixed by the shape (no atomics). The shapes take each kind of launch: channels last
/// (element slots), long rows (row slots), one alpha. They stay below the core's parallel
/// threshold (2^18 elements), where the CPU sums sequentially: above it, the CPU merges rayon's
/// per-task sums in an order that work stealing decides.
fn backward_is_deterministic(dev: &Device) -> Result<()> {
    for dtype in FLOAT_DTYPES {
        for (shape, channels) in [
            (vec![4000, 64], 64),
            (vec![4, 16, 4000], 16),
            (vec![250_000], 1),
        ] {
            let n: usize = shape.iter().product();
            let x = tensor(&inputs(n), dtype, dev)?.reshape(shape.as_slice())?;
            let alpha_vals: Vec<f64> = (0..channels).map(|c| 0.25 - 0.01 * c as f64).collect();
            let alpha = tensor(&alpha_vals, dtype, dev)?;
            let w = tensor(&moderate(n, 2.0), dtype, dev)?.reshape(shape.as_slice())?;
            let run = || -> Result<(Vec<u64>, Vec<u64>)> {
                let (xv, av) = (Var::from_tensor(&x)?, Var::from_tensor(&alpha)?);
                let grads = (cr::prelu(xv.as_tensor(), av.as_tensor())? * &w)?
                    .sum_all()?
                    .backward()?;
                // Widening to f64 is exact, so equal bits there are equal bits in the dtype.
                let bits = |t: &Tensor| -> Result<Vec<u64>> {
                    Ok(values(t)?.into_iter().map(f64::to_bits).collect())
                };
                Ok((
                    bits(grads.get(&xv).unwrap())?,
                    bits(grads.get(&av).unwrap())?,
                ))
            };
            let (dx1, da1) = run()?;
            let (dx2, da2) = run()?;
            let what = format!("prelu backward {dtype:?} {shape:?}");
            assert!(dx1 == dx2, "{what}: dx differs between two runs");
            assert_eq!(da1, da2, "{what}: dalpha differs between two runs");
        }
    }
    Ok(())
}
test_device!(
    backward_is_deterministic,
    backward_is_deterministic_cpu,
    backward_is_deterministic_cuda
);

fn strided_and_empty(dev: &Device) -> Result<()> {
    let x = tensor(&inputs(3 * 4 * 6), DType::F32, dev)?.reshape((3, 4, 6))?;
    let alpha = Tensor::new(&[0.1f32, 0.2, 0.3, 0.4], dev)?;
    let view = x.transpose(0, 2)?.transpose(0, 2)?.narrow(2, 1, 4)?; // offset + strides
    let got = cr::prelu(&view, &alpha)?;
    let want = cr::prelu(&view.contiguous()?, &alpha)?;
    assert_same(
        &got.to_device(&Device::Cpu)?,
        &want.to_device(&Device::Cpu)?,
        "prelu strided",
    )?;
    let empty = Tensor::zeros((0, 4), DType::F32, dev)?;
    assert_eq!(cr::prelu(&empty, &alpha)?.dims(), [0, 4]);
    Ok(())
}
test_device!(
    strided_and_empty,
    strided_and_empty_cpu,
    strided_and_empty_cuda
);

fn shape_and_dtype_errors(dev: &Device) -> Result<()> {
    let x = Tensor::zeros((2, 3), DType::F32, dev)?;
    let err = cr::prelu(&x, &Tensor::zeros(4, DType::F32, dev)?)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("shape mismatch in prelu") && err.contains("rhs: [4]"),
        "{err}"
    );
    let err = cr::prelu(&x, &Tensor::zeros((1, 3), DType::F32, dev)?)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("unexpected rank, expected: 1, got: 2"),
        "{err}"
    );
    let err = cr::prelu(&x, &Tensor::zeros(3, DType::F64, dev)?)
        .unwrap_err()
        .to_string();
    assert!(err.contains("dtype mismatch"), "{err}");
    Ok(())
}
test_device!(shape_and_dtype_errors, errors_cpu, errors_cuda);

/// Fits `alpha` to data made by a PReLU with known slopes; both optimisers get there.
fn training_converges(dev: &Device) -> Result<()> {
    let target = Tensor::new(&[0.1f32, -0.3, 0.6], dev)?;
    let x = tensor(&moderate(64 * 3, 2.0), DType::F32, dev)?.reshape((64, 3))?;
    let y = cr::prelu(&x, &target)?;
    for use_adam in [false, true] {
        let varmap = VarMap::new();
        let vb = VarBuilder::from_varmap(&varmap, DType::F32, dev);
        let act = cr::modules::prelu(Some(3), vb.pp("act"))?;
        let loss = |act: &cr::modules::PRelu| -> Result<Tensor> {
            (act.forward(&x)? - &y)?.sqr()?.mean_all()
        };
        if use_adam {
            let params = ParamsAdamW {
                lr: 0.05,
                weight_decay: 0.0,
                ..Default::default()
            };
            let mut opt = AdamW::new(varmap.all_vars(), params)?;
            for _ in 0..300 {
                opt.backward_step(&loss(&act)?)?;
            }
        } else {
            let mut opt = SGD::new(varmap.all_vars(), 1.0)?;
            for _ in 0..300 {
                opt.backward_step(&loss(&act)?)?;
            }
        }
        let got = act.weight().to_vec1::<f32>()?;
        for (g, t) in got.iter().zip([0.1f32, -0.3, 0.6]) {
            assert!(
                (g - t).abs() < 1e-3,
                "adam={use_adam}: alpha {got:?}, target {t}"
            );
        }
    }
    Ok(())
}
test_device!(training_converges, training_cpu, training_cuda);

#[test]
fn safetensors_round_trip() -> Result<()> {
    let dev = Device::Cpu;
    let dir = std::env::temp_dir().join(format!("candle-rectifiers-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("prelu.safetensors");

    let mut varmap = VarMap::new();
    let vb = VarBuilder::from_varmap(&varmap, DType::F32, &dev);
    let act = cr::modules::prelu(Some(3), vb.pp("act"))?;
    varmap.set_one("act.weight", Tensor::new(&[0.5f32, -0.125, 2.0], &dev)?)?;
    assert_eq!(act.weight().to_vec1::<f32>()?, [0.5, -0.125, 2.0]);
    varmap.save(&path)?;

    // As PyTorch's nn.PReLU saves it: one tensor named `<prefix>.weight`.
    let tensors = candle_core::safetensors::load(&path, &dev)?;
    assert_eq!(tensors["act.weight"].to_vec1::<f32>()?, [0.5, -0.125, 2.0]);

    // SAFETY: the file was written above and is not modified while mapped.
    let vb = unsafe { VarBuilder::from_mmaped_safetensors(&[&path], DType::F32, &dev)? };
    let loaded = cr::modules::prelu(Some(3), vb.pp("act"))?;
    assert_eq!(loaded.weight().to_vec1::<f32>()?, [0.5, -0.125, 2.0]);
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
