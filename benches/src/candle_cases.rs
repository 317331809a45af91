//! The measured calls on Candle (CPU, and CUDA with the `cuda` feature).
//!
//! - `fused`: [`candle_rectifiers`]' ops (`squareplus(&x, b)`, `prelu(&x, &alpha)`,
//!   `lse0_plus_keepdim(&x, 1)`, ...).
//! - `fused_inplace` (forward, elementwise functions): the in-place ops (`squareplus_(&x, b)`)
//!   on a fresh copy of `x` made before the clock starts.
//! - `composed`: the textbook formula in Candle's tensor ops (as in candle-rectifiers'
//!   tests: `(x + sqrt(x^2 + b)) * 0.5`, `ln(1 + e^(k x)) / k`, ...; the inputs lie in
//!   `[-6, 6]`, where the naive forms do not overflow).
//! - `builtin`: `Tensor::{relu, gelu_erf, gelu, silu, elu}`, `candle_nn::ops::{leaky_relu,
//!   mish}`, `candle_nn::PReLU`; Candle has none for softplus, its approximation, srelu,
//!   squareplus and LSE0+.
//! - `relu`: `Tensor::relu`.
//!
//! Gated functions `f(gate) * up` (`gate` is `x`, `up` a second input of the same shape):
//! `fused` is [`candle_rectifiers::gated`] (one op, fused backward); `composed` our plain op
//! then a multiply, `apply(gate, f)? * up`; `builtin` Candle's activation then a multiply,
//! `gate.silu()? * up` as `candle_nn::ops::swiglu` runs it (`gelu_erf` for GeGLU; none for
//! Squareplus-GLU). Their `fwdbwd` reads both gradients, `d_gate` and `d_up`.
//!
//! `fwdbwd` uses a [`Var`] made once (and one for PReLU's `alpha`), then per call
//! `y = f(x)`, `y.backward()` (Candle seeds a non-scalar root with ones) and `grads.get(x)`.
//! Every call ends with `device.synchronize()` (a no-op on the CPU).

use std::f64::consts::{FRAC_1_SQRT_2, LN_2, PI};

use candle_core::{DType, Device, Module, Result, Tensor, Var, bail};
use candle_rectifiers as cr;
use rectifiers_core::ElementwiseKind as K;

use crate::timing::{Call, Meter};
use crate::{Backend, Case, Dtype, Function, Pass, ROW, Variant, inputs};

/// The device of a Candle backend, `None` for Burn's, or CUDA without a GPU.
pub fn device(backend: Backend) -> Option<Device> {
    match backend {
        Backend::Candle => Some(Device::Cpu),
        #[cfg(feature = "candle-cuda")]
        Backend::CandleCuda => Device::new_cuda(0).ok(),
        _ => None,
    }
}

/// Candle's dtype for ours.
pub fn dtype(d: Dtype) -> DType {
    match d {
        Dtype::F32 => DType::F32,
        Dtype::F16 => DType::F16,
        Dtype::Bf16 => DType::BF16,
    }
}

fn sigmoid(x: &Tensor) -> Result<Tensor> {
    (x.neg()?.exp()? + 1.0)?.recip()
}

/// `f(x)` written with Candle's tensor ops; `alpha` has shape `[1, ROW]`.
pub fn composed(f: Function, x: &Tensor, alpha: &Tensor) -> Result<Tensor> {
    let p = f.param();
    match f {
        Function::Prelu => x.gt(0.0)?.where_cond(x, &x.broadcast_mul(alpha)?),
        Function::Lse0Plus => {
            // m + ln(e^-m + sum e^(x - m)), m = max(0, max x)
            let m = x.max_keepdim(1)?.maximum(0.0)?;
            let sum = x.broadcast_sub(&m)?.exp()?.sum_keepdim(1)?;
            (sum + m.neg()?.exp()?)?.log()? + m
        }
        Function::Gated(_) => bail!("{f} takes two inputs (Inputs::apply)"),
        Function::Elementwise(e) => match e.kind() {
            K::Relu => x.maximum(0.0),
            K::LeakyRelu => x.maximum(0.0)? + (x.minimum(0.0)? * p)?,
            K::Gelu => (x * 0.5)? * ((x * FRAC_1_SQRT_2)?.erf()? + 1.0)?,
            K::GeluTanh => {
                let inner = ((x + (x.powf(3.0)? * 0.044715)?)? * (2.0 / PI).sqrt())?;
                (x * 0.5)? * (inner.tanh()? + 1.0)?
            }
            K::Silu => x * sigmoid(x)?,
            K::Softplus => ((x * p)?.exp()? + 1.0)?.log()? / p,
            K::SoftplusApprox => x / ((x * (-1.0 / LN_2))?.exp()?.neg()? + 1.0)?,
            K::Elu => x.gt(0.0)?.where_cond(x, &((x.exp()? - 1.0)? * p)?),
            K::SRelu => x.maximum(-p),
            K::Mish => x * (x.exp()? + 1.0)?.log()?.tanh()?,
            K::Squareplus => (x + (x.sqr()? + p)?.sqrt()?)? * 0.5,
        },
    }
}

/// Our fused op for `f`; `alpha` has shape `[ROW]`.
pub fn fused(f: Function, x: &Tensor, alpha: &Tensor) -> Result<Tensor> {
    match f {
        Function::Prelu => cr::prelu(x, alpha),
        Function::Lse0Plus => cr::lse0_plus_keepdim(x, 1),
        Function::Elementwise(e) => cr::apply(x, e),
        Function::Gated(_) => bail!("{f} takes two inputs (Inputs::apply)"),
    }
}

/// Our in-place op for an elementwise `f` (`None` for PReLU and LSE0+).
pub fn fused_inplace(f: Function, x: &Tensor) -> Option<Result<()>> {
    let Function::Elementwise(e) = f else {
        return None;
    };
    Some(cr::apply_(x, e))
}

/// Candle's own op for `f`, where it has one; `prelu` is `candle_nn::PReLU` over `[ROW]`
/// slopes.
pub fn builtin(f: Function, x: &Tensor, prelu: &candle_nn::PReLU) -> Option<Result<Tensor>> {
    let p = f.param();
    Some(match f {
        Function::Prelu => prelu.forward(x),
        Function::Elementwise(e) => match e.kind() {
            K::Relu => x.relu(),
            K::LeakyRelu => candle_nn::ops::leaky_relu(x, p),
            K::Gelu => x.gelu_erf(),
            K::GeluTanh => x.gelu(),
            K::Silu => x.silu(),
            K::Elu => x.elu(p),
            K::Mish => candle_nn::ops::mish(x),
            K::Softplus | K::SoftplusApprox | K::SRelu | K::Squareplus => return None,
        },
        Function::Lse0Plus | Function::Gated(_) => return None,
    })
}

/// Whether `variant` exists for `f` in `pass` on Candle.
pub fn has_variant(f: Function, variant: Variant, pass: Pass) -> bool {
    if pass == Pass::Layer {
        // The layer step is measured on Burn's backends.
        return false;
    }
    if let Function::Gated(e) = f {
        // Ours, ours then a multiply, and Candle's activation then a multiply
        // (`candle_nn::ops::swiglu`); not in place, no ReLU baseline.
        return match variant {
            Variant::Fused | Variant::Composed => true,
            Variant::Builtin => has_variant(Function::Elementwise(e), variant, pass),
            Variant::FusedInplace | Variant::Relu => false,
        };
    }
    match variant {
        Variant::FusedInplace => pass == Pass::Fwd && matches!(f, Function::Elementwise(_)),
        // ReLU's builtin is the relu variant itself.
        Variant::Builtin => {
            f == Function::Prelu
                || matches!(
                    f.kind(),
                    Some(K::LeakyRelu | K::Gelu | K::GeluTanh | K::Silu | K::Elu | K::Mish)
                )
        }
        _ => true,
    }
}

/// The inputs of one case: `x` `[size / ROW, ROW]`, the gated functions' `up` (same shape;
/// for the others a handle on `x`), PReLU's slopes `[ROW]`, and the module.
struct Inputs {
    x: Tensor,
    up: Tensor,
    alpha: Tensor,
    alpha_row: Tensor,
    prelu: candle_nn::PReLU,
}

impl Inputs {
    fn new(case: &Case, device: &Device, alpha: Tensor) -> Result<Self> {
        let x = Tensor::from_vec(
            inputs::values(case.size),
            (case.size / ROW, ROW),
            &Device::Cpu,
        )?
        .to_dtype(dtype(case.dtype))?
        .to_device(device)?;
        let up = if case.function.gate().is_some() {
            Tensor::from_vec(
                inputs::up_values(case.size),
                (case.size / ROW, ROW),
                &Device::Cpu,
            )?
            .to_dtype(dtype(case.dtype))?
            .to_device(device)?
        } else {
            x.clone()
        };
        Ok(Self {
            x,
            up,
            alpha_row: alpha.reshape((1, ROW))?,
            prelu: candle_nn::PReLU::new(alpha.clone(), false),
            alpha,
        })
    }

    fn apply(&self, f: Function, v: Variant, x: &Tensor) -> Result<Tensor> {
        if let Function::Gated(e) = f {
            let plain = Function::Elementwise(e);
            return match v {
                Variant::Fused => cr::gated(x, &self.up, e),
                Variant::Composed => cr::apply(x, e)? * &self.up,
                Variant::Builtin => {
                    builtin(plain, x, &self.prelu).expect("variant exists")? * &self.up
                }
                Variant::FusedInplace | Variant::Relu => unreachable!("no gated {v} variant"),
            };
        }
        match v {
            Variant::Fused => fused(f, x, &self.alpha),
            Variant::Composed => composed(f, x, &self.alpha_row),
            Variant::Builtin => builtin(f, x, &self.prelu).expect("variant exists"),
            Variant::Relu => x.relu(),
            Variant::FusedInplace => unreachable!("in place runs through fused_inplace"),
        }
    }
}

/// The measured calls of `case` on a Candle backend, one per variant that exists among
/// `variants`, in [`Variant::ALL`] order; empty when this build or machine lacks the backend.
pub fn calls(case: Case, variants: &[Variant]) -> Result<Vec<(Variant, Call<'static>)>> {
    let Some(device) = device(case.backend) else {
        return Ok(Vec::new());
    };
    let f = case.function;
    if case.pass == Pass::Layer {
        return Ok(Vec::new());
    }
    let alpha = Tensor::full(crate::PRELU_ALPHA as f32, ROW, &Device::Cpu)?
        .to_dtype(dtype(case.dtype))?
        .to_device(&device)?;
    let inputs = match case.pass {
        Pass::Fwd => Inputs::new(&case, &device, alpha)?,
        Pass::FwdBwd => {
            // Variables: the backward reaches x (and alpha, a learned parameter).
            let alpha = Var::from_tensor(&alpha)?.as_tensor().clone();
            let mut inputs = Inputs::new(&case, &device, alpha)?;
            inputs.x = Var::from_tensor(&inputs.x)?.as_tensor().clone();
            if f.gate().is_some() {
                // A gated step learns both projections: `up` needs its gradient too.
                inputs.up = Var::from_tensor(&inputs.up)?.as_tensor().clone();
            }
            inputs
        }
        Pass::Layer => unreachable!("returned above"),
    };
    let inputs = std::rc::Rc::new(inputs);
    let mut calls: Vec<(Variant, Call<'static>)> = Vec::new();
    for &v in Variant::ALL.iter().filter(|v| variants.contains(v)) {
        if !has_variant(f, v, case.pass) {
            continue;
        }
        let (inputs, device) = (inputs.clone(), device.clone());
        let call: Call<'static> = match (case.pass, v) {
            (Pass::Fwd, Variant::FusedInplace) => Box::new(move |m: &mut Meter| {
                let owned = inputs.x.copy().expect("copy of x");
                device.synchronize().expect("sync");
                m.start();
                fused_inplace(f, &owned)
                    .expect("variant exists")
                    .expect("in-place op");
                device.synchronize().expect("sync");
                m.stop();
                drop(owned);
            }),
            (Pass::Fwd, _) => Box::new(move |m: &mut Meter| {
                m.start();
                let y = inputs.apply(f, v, &inputs.x).expect("forward");
                device.synchronize().expect("sync");
                m.stop();
                drop(y);
            }),
            (Pass::Layer, _) => unreachable!("returned above"),
            (Pass::FwdBwd, _) => Box::new(move |m: &mut Meter| {
                m.start();
                let y = inputs.apply(f, v, &inputs.x).expect("forward");
                let grads = y.backward().expect("backward");
                let dx = grads.get(&inputs.x).expect("x has a gradient").clone();
                let dup = f
                    .gate()
                    .map(|_| grads.get(&inputs.up).expect("up has a gradient").clone());
                device.synchronize().expect("sync");
                m.stop();
                drop((y, grads, dx, dup));
            }),
        };
        calls.push((v, call));
    }
    Ok(calls)
}

/// The copy that GPU rows are compared with (see [`crate::copy`]): [`Tensor::copy`], a
/// device-to-device copy into a new allocation. `None` for the CPU, whose reference is the host
/// copy, and without a GPU.
pub fn device_copy_call(backend: Backend, size: usize, d: Dtype) -> Result<Option<Call<'static>>> {
    if !backend.is_gpu() {
        return Ok(None);
    }
    let Some(device) = device(backend) else {
        return Ok(None);
    };
    let x = Tensor::from_vec(inputs::values(size), size, &Device::Cpu)?
        .to_dtype(dtype(d))?
        .to_device(&device)?;
    Ok(Some(Box::new(move |m: &mut Meter| {
        m.start();
        let y = x.copy().expect("copy of x");
        device.synchronize().expect("sync");
        m.stop();
        drop(y);
    })))
}
