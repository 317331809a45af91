//! The in-place variants (`squareplus_` ...) against the out-of-place ops, which
//! `tests/ops.rs` checks against the core: bit for bit on every dtype and on NaN, infinities,
//! signed zeros, subnormals and a sweep over [-40, 40]; shared storage, layouts, empty
//! tensors, parameter errors and the refusal of tensors that track gradients. Written once,
//! run per device.

mod common;

use candle_core::{DType, Device, Result, Tensor, Var};
use candle_rectifiers as cr;
use common::*;

/// One function: the in-place variant and the out-of-place op it must reproduce.
struct Case {
    name: &'static str,
    in_place: fn(&Tensor) -> Result<()>,
    op: fn(&Tensor) -> Result<Tensor>,
}

fn cases() -> [Case; 11] {
    // Every elementwise function of the core: checked by `every_function_has_a_case`.
    [
        Case {
            name: "relu",
            in_place: cr::relu_,
            op: cr::relu,
        },
        Case {
            name: "leaky_relu",
            in_place: |x| cr::leaky_relu_(x, 0.2),
            op: |x| cr::leaky_relu(x, 0.2),
        },
        Case {
            name: "gelu",
            in_place: cr::gelu_,
            op: cr::gelu,
        },
        Case {
            name: "gelu_tanh",
            in_place: cr::gelu_tanh_,
            op: cr::gelu_tanh,
        },
        Case {
            name: "silu",
            in_place: cr::silu_,
            op: cr::silu,
        },
        Case {
            name: "softplus",
            in_place: |x| cr::softplus_(x, 3.0),
            op: |x| cr::softplus(x, 3.0),
        },
        Case {
            name: "softplus_approx",
            in_place: cr::softplus_approx_,
            op: cr::softplus_approx,
        },
        Case {
            name: "elu",
            in_place: |x| cr::elu_(x, 0.5),
            op: |x| cr::elu(x, 0.5),
        },
        Case {
            name: "srelu",
            in_place: |x| cr::srelu_(x, 1.0),
            op: |x| cr::srelu(x, 1.0),
        },
        Case {
            name: "mish",
            in_place: cr::mish_,
            op: cr::mish,
        },
        Case {
            name: "squareplus",
            in_place: |x| cr::squareplus_(x, 4.0),
            op: |x| cr::squareplus(x, 4.0),
        },
    ]
}

/// The edge cases of `inputs`, subnormals of every dtype (f64, f32/bf16, f16), a sweep over
/// [-40, 40] in steps of 1/64, then `inputs`' pseudo-random values up to `len` in all.
fn in_place_inputs(len: usize) -> Vec<f64> {
    let mut v = inputs(17);
    v.extend([
        5e-324, -5e-324, 1e-310, -2e-308, 1.4e-45, -1e-40, 1e-39, 6e-8, -3e-6, 1e-5, -6e-5,
    ]);
    v.extend((-40 * 64..=40 * 64).map(|i| f64::from(i) / 64.0));
    let rest = len.saturating_sub(v.len());
    v.extend(&inputs(rest + 17)[17..]);
    v
}

/// Bit-for-bit equality, the sign of zero and NaN payloads included (widening to f64 is exact
/// and deterministic).
fn assert_bits(got: &Tensor, want: &Tensor, what: &str) -> Result<()> {
    assert_eq!(got.dims(), want.dims(), "{what}: shape");
    assert_eq!(got.dtype(), want.dtype(), "{what}: dtype");
    let (g, w) = (
        values(&got.to_device(&Device::Cpu)?)?,
        values(&want.to_device(&Device::Cpu)?)?,
    );
    for (i, (a, b)) in g.iter().zip(&w).enumerate() {
        assert!(
            a.to_bits() == b.to_bits(),
            "{what} [{i}]: {a:e} ({:#018x}) vs {b:e} ({:#018x})",
            a.to_bits(),
            b.to_bits()
        );
    }
    Ok(())
}

/// A copy with its own storage.
fn fresh(t: &Tensor) -> Result<Tensor> {
    t.copy()
}

fn matches_out_of_place(dev: &Device) -> Result<()> {
    for c in cases() {
        for dtype in FLOAT_DTYPES {
            // 300_000 elements: above the core's parallel thresholds (16Ki and 256Ki).
            for len in [1, 300_000] {
                let x = tensor(&in_place_inputs(len), dtype, dev)?;
                let want = (c.op)(&x)?;
                (c.in_place)(&x)?;
                assert_bits(&x, &want, &format!("{} {dtype:?} len {len}", c.name))?;
            }
        }
    }
    Ok(())
}
test_device!(matches_out_of_place, matches_cpu, matches_cuda);

fn clones_share_the_mutation(dev: &Device) -> Result<()> {
    for c in cases() {
        let x = tensor(&in_place_inputs(81 * 64), DType::F32, dev)?.reshape((81, 64))?;
        let want = (c.op)(&x)?;
        let alias = x.clone();
        let view = x.narrow(0, 10, 5)?;
        let own = fresh(&x)?;
        (c.in_place)(&x)?;
        assert_bits(&alias, &want, &format!("{} clone", c.name))?;
        assert_bits(&view, &want.narrow(0, 10, 5)?, &format!("{} view", c.name))?;
        // A copy has its own storage: still the input.
        let input = tensor(&in_place_inputs(81 * 64), DType::F32, dev)?.reshape((81, 64))?;
        assert_bits(&own, &input, &format!("{} copy", c.name))?;
    }
    Ok(())
}
test_device!(clones_share_the_mutation, clones_cpu, clones_cuda);

fn empty_tensors(dev: &Device) -> Result<()> {
    for c in cases() {
        for dtype in FLOAT_DTYPES {
            let empty = Tensor::zeros((0, 3), dtype, dev)?;
            (c.in_place)(&empty)?;
            assert_eq!(empty.dims(), [0, 3]);
            // An empty view of a non-empty tensor leaves the tensor alone.
            let x = tensor(&[-1.0, -2.0], dtype, dev)?;
            (c.in_place)(&x.narrow(0, 1, 0)?)?;
            assert_bits(&x, &tensor(&[-1.0, -2.0], dtype, dev)?, c.name)?;
        }
    }
    Ok(())
}
test_device!(empty_tensors, empty_cpu, empty_cuda);

/// Strided views: on the CPU exactly the addressed elements change, to the out-of-place
/// values of the view, and the rest of the storage is untouched; on CUDA they are refused.
fn strided_views(dev: &Device) -> Result<()> {
    for c in cases() {
        for dtype in FLOAT_DTYPES {
            let what = |view: &str| format!("{} {dtype:?} {view}", c.name);
            let base = || -> Result<Tensor> {
                tensor(&in_place_inputs(0)[..4 * 6 * 10], dtype, dev)?.reshape((4, 6, 10))
            };

            // A view of columns 2..7 of the last dim, with the first two dims swapped: blocks
            // of 5 elements, visited out of storage order. The complement is columns 0..2 and
            // 7..10.
            let x = base()?;
            let view = x.narrow(2, 2, 5)?.transpose(0, 1)?;
            let want = (c.op)(&view)?;
            let result = (c.in_place)(&view);
            if !dev.is_cpu() {
                let err = result.unwrap_err().to_string();
                assert!(
                    err.contains(&format!("{}_", c.name)) && err.contains("contiguous"),
                    "{err}"
                );
                assert_bits(&x, &base()?, &what("refused view: unchanged"))?;
                continue;
            }
            result?;
            assert_bits(&view, &want, &what("narrowed+transposed"))?;
            for (start, len) in [(0, 2), (7, 3)] {
                assert_bits(
                    &x.narrow(2, start, len)?,
                    &base()?.narrow(2, start, len)?,
                    &what("outside the view"),
                )?;
            }

            // A transposed matrix (blocks of one element) and an offset contiguous slice.
            let x = base()?.reshape((24, 10))?;
            let want = (c.op)(&x)?;
            (c.in_place)(&x.t()?)?;
            assert_bits(&x, &want, &what("transposed"))?;

            let x = base()?.reshape((24, 10))?;
            let view = x.narrow(0, 3, 7)?;
            let want = (c.op)(&view)?;
            (c.in_place)(&view)?;
            assert_bits(&view, &want, &what("offset"))?;
            assert_bits(
                &x.narrow(0, 10, 14)?,
                &base()?.reshape((24, 10))?.narrow(0, 10, 14)?,
                &what("after the offset view"),
            )?;
        }
    }
    Ok(())
}
test_device!(strided_views, strided_cpu, strided_cuda);

/// An offset contiguous view runs in place on CUDA too.
fn offset_views(dev: &Device) -> Result<()> {
    let x = tensor(&in_place_inputs(0), DType::F32, dev)?;
    let view = x.narrow(0, 100, 1000)?;
    let want = cr::squareplus(&view, 4.0)?;
    cr::squareplus_(&view, 4.0)?;
    assert_bits(&view, &want, "offset view")?;
    let input = tensor(&in_place_inputs(0), DType::F32, dev)?;
    assert_bits(&x.narrow(0, 0, 100)?, &input.narrow(0, 0, 100)?, "before")?;
    let n = x.dim(0)? - 1100;
    assert_bits(&x.narrow(0, 1100, n)?, &input.narrow(0, 1100, n)?, "after")?;
    Ok(())
}
test_device!(offset_views, offset_cpu, offset_cuda);

/// A broadcast view repeats elements: candle refuses to write it in place.
fn broadcast_views_are_refused(dev: &Device) -> Result<()> {
    for c in cases() {
        let x = tensor(&[-1.0, 2.0], DType::F32, dev)?;
        let err = (c.in_place)(&x.broadcast_as((3, 2))?)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains(c.name) && err.contains("repeated elements"),
            "{err}"
        );
        assert_bits(&x, &tensor(&[-1.0, 2.0], DType::F32, dev)?, c.name)?;
    }
    Ok(())
}
test_device!(broadcast_views_are_refused, broadcast_cpu, broadcast_cuda);

fn invalid_parameters_name_themselves(dev: &Device) -> Result<()> {
    let x = Tensor::new(&[1.0f32, -1.0], dev)?;
    let same = |in_place: Result<()>, op: Result<Tensor>, part: &str| {
        // The first line: with RUST_BACKTRACE set, candle appends a backtrace that names the
        // calling function.
        let first = |e: candle_core::Error| e.to_string().lines().next().unwrap().to_owned();
        let (a, b) = (first(in_place.unwrap_err()), first(op.unwrap_err()));
        assert_eq!(a, b, "the out-of-place op's error");
        assert!(a.contains(part), "{a} should contain {part:?}");
    };
    same(
        cr::squareplus_(&x, -1.0),
        cr::squareplus(&x, -1.0),
        "squareplus: invalid parameter b = -1",
    );
    same(
        cr::softplus_(&x, 0.0),
        cr::softplus(&x, 0.0),
        "parameter k = 0",
    );
    same(
        cr::elu_(&x, f64::NAN),
        cr::elu(&x, f64::NAN),
        "parameter alpha = NaN",
    );
    same(
        cr::srelu_(&x, -2.0),
        cr::srelu(&x, -2.0),
        "parameter a = -2",
    );
    same(
        cr::leaky_relu_(&x, f64::INFINITY),
        cr::leaky_relu(&x, f64::INFINITY),
        "parameter negative_slope = inf",
    );
    // The failed calls left x alone.
    assert_eq!(x.to_vec1::<f32>()?, [1.0, -1.0]);
    Ok(())
}
test_device!(invalid_parameters_name_themselves, params_cpu, params_cuda);

fn tensors_tracking_gradients_are_refused(dev: &Device) -> Result<()> {
    for c in cases() {
        let v = Var::new(&[-1.0f32, 2.0], dev)?;
        let derived = (v.as_tensor() * 2.0)?;
        for (t, what) in [(v.as_tensor(), "a Var"), (&derived, "computed from a Var")] {
            let err = (c.in_place)(t).unwrap_err().to_string();
            assert!(
                err.starts_with(&format!("{}_: ", c.name)) && err.contains("tracks gradients"),
                "{what}: {err}"
            );
        }
        assert_eq!(v.as_tensor().to_vec1::<f32>()?, [-1.0, 2.0]);
        assert_eq!(derived.to_vec1::<f32>()?, [-2.0, 4.0]);

        // Detached, the same storage is no longer tracked: the caller's explicit choice.
        let detached = derived.detach();
        (c.in_place)(&detached)?;
        let want = (c.op)(&tensor(&[-2.0, 4.0], DType::F32, dev)?)?;
        assert_bits(&derived, &want, &format!("{} detached", c.name))?;
    }
    Ok(())
}
test_device!(
    tensors_tracking_gradients_are_refused,
    tracked_cpu,
    tracked_cuda
);

fn integer_tensors_are_an_error(dev: &Device) -> Result<()> {
    let x = Tensor::new(&[1u32, 2], dev)?;
    let err = cr::relu_(&x).unwrap_err().to_string();
    assert!(err.contains("relu") && err.contains("U32"), "{err}");
    Ok(())
}
test_device!(integer_tensors_are_an_error, dtype_cpu, dtype_cuda);

#[test]
fn every_function_has_a_case() {
    let names = cases().map(|c| c.name);
    for kind in cr::ElementwiseKind::ALL {
        assert!(names.contains(&kind.name()), "no in-place case for {kind}");
    }
}
