//! Shape, dtype and device errors are Candle's typed variants, so callers can match on them.

use candle_core::{DType, Device, Error, Tensor};
use candle_rectifiers as cr;

/// The error under Candle's backtrace, context and path wrappers.
fn root(mut e: &Error) -> &Error {
    loop {
        e = match e {
            Error::WithBacktrace { inner, .. }
            | Error::Context { inner, .. }
            | Error::WithPath { inner, .. } => inner,
            e => return e,
        };
    }
}

#[test]
fn unsupported_dtype() -> candle_core::Result<()> {
    let x = Tensor::new(&[1u32, 2], &Device::Cpu)?;
    let err = cr::relu(&x).unwrap_err();
    assert!(
        matches!(root(&err), Error::UnsupportedDTypeForOp(DType::U32, "relu")),
        "{err}"
    );
    let err = cr::squareplus_(&x, 4.0).unwrap_err();
    assert!(
        matches!(
            root(&err),
            Error::UnsupportedDTypeForOp(DType::U32, "squareplus")
        ),
        "{err}"
    );
    let x = x.reshape((1, 2))?;
    let err = cr::lse0_plus(&x, 1).unwrap_err();
    assert!(
        matches!(
            root(&err),
            Error::UnsupportedDTypeForOp(DType::U32, "lse0_plus")
        ),
        "{err}"
    );
    let err = cr::prelu(&x, &Tensor::new(&[1u32], &Device::Cpu)?).unwrap_err();
    assert!(
        matches!(
            root(&err),
            Error::UnsupportedDTypeForOp(DType::U32, "prelu")
        ),
        "{err}"
    );
    Ok(())
}

#[test]
fn dtype_mismatch() -> candle_core::Result<()> {
    let x = Tensor::new(&[[-1.0f32, 2.0]], &Device::Cpu)?;
    let alpha = Tensor::new(&[0.25f64], &Device::Cpu)?;
    let err = cr::prelu(&x, &alpha).unwrap_err();
    assert!(
        matches!(
            root(&err),
            Error::DTypeMismatchBinaryOp {
                lhs: DType::F32,
                rhs: DType::F64,
                op: "prelu"
            }
        ),
        "{err}"
    );
    // The backward ops too, applied directly.
    let dy = Tensor::new(&[[1.0f64, 1.0]], &Device::Cpu)?;
    let f = cr::Elementwise::Relu(Default::default());
    let err = x.apply_op2(&dy, cr::Backward(f)).unwrap_err();
    assert!(
        matches!(
            root(&err),
            Error::DTypeMismatchBinaryOp {
                lhs: DType::F32,
                rhs: DType::F64,
                op: "relu"
            }
        ),
        "{err}"
    );
    Ok(())
}

#[test]
fn shape_mismatch() -> candle_core::Result<()> {
    let x = Tensor::zeros((2, 3), DType::F32, &Device::Cpu)?;
    let err = cr::prelu(&x, &Tensor::zeros(4, DType::F32, &Device::Cpu)?).unwrap_err();
    match root(&err) {
        Error::ShapeMismatchBinaryOp { lhs, rhs, op } => {
            assert_eq!(
                (lhs.dims(), rhs.dims(), *op),
                (&[2, 3][..], &[4][..], "prelu")
            );
        }
        other => panic!("{other}"),
    }
    let err = cr::prelu(&x, &Tensor::zeros((1, 3), DType::F32, &Device::Cpu)?).unwrap_err();
    assert!(
        matches!(
            root(&err),
            Error::UnexpectedNumberOfDims {
                expected: 1,
                got: 2,
                ..
            }
        ),
        "{err}"
    );
    let dy = Tensor::zeros((3, 2), DType::F32, &Device::Cpu)?;
    let f = cr::Elementwise::Relu(Default::default());
    let err = x.apply_op2(&dy, cr::Backward(f)).unwrap_err();
    match root(&err) {
        Error::ShapeMismatchBinaryOp { lhs, rhs, op } => {
            assert_eq!(
                (lhs.dims(), rhs.dims(), *op),
                (&[2, 3][..], &[3, 2][..], "relu")
            );
        }
        other => panic!("{other}"),
    }
    Ok(())
}
