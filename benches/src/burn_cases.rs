//! The measured calls on Burn's backends (NdArray, Flex, wgpu, CUDA).
//!
//! - `fused`: [`burn_rectifiers::apply`], [`burn_rectifiers::prelu`],
//!   [`burn_rectifiers::lse0_plus`] on a clone of `x` (a shared handle: the kernel writes a
//!   new output).
//! - `fused_inplace` (forward only): the same on a fresh, uniquely owned copy of `x` made
//!   before the clock starts, so the kernel may overwrite it.
//! - `composed`: [`burn_rectifiers::composed`], the functions written with Burn's tensor ops.
//! - `builtin`: `burn::tensor::activation::{relu, leaky_relu, gelu, gelu_approximate, silu,
//!   softplus, elu, mish, prelu}`; none for srelu, squareplus, the softplus approximation and
//!   LSE0+.
//! - `relu`: `burn::tensor::activation::relu`.
//!
//! Gated functions `f(gate) * up` (`gate` is `x`, `up` a second input of the same shape):
//! `fused` is [`burn_rectifiers::gated`]; `composed` our plain op then a multiply,
//! `burn_rectifiers::apply(gate, f) * up`; `builtin` Burn's activation then a multiply,
//! `activation::silu(gate) * up` as burn-nn's `SwiGlu` runs it (`gelu` for GeGLU; none for
//! Squareplus-GLU). Their `fwdbwd` reads both gradients, `d_gate` and `d_up`.
//!
//! `fwdbwd` runs on `device.autodiff()`: `x` gets `require_grad()` before the clock starts
//! (PReLU's `alpha` too: it is learned), then `y = f(x)`, `y.backward()` (Burn seeds a
//! non-scalar root with ones) and `x.grad(..)`. `layer` is one training step of
//! `f(x W + b) * 2 + 1` (`Layer::step`). Every call ends with `device.sync()` (a no-op on the
//! eager CPU backends; on wgpu/CUDA it waits for the queued kernels).

use burn::tensor::activation as act;
use burn::tensor::{DType, Device, Tensor, TensorData};
use burn_rectifiers::composed;
use rectifiers_core::ElementwiseKind as K;

use crate::timing::{Call, Meter};
use crate::{Backend, Case, Dtype, Function, Pass, ROW, Variant, inputs};

/// The device of a Burn backend, `None` for Candle's or one this build lacks.
pub fn device(backend: Backend) -> Option<Device> {
    match backend {
        #[cfg(feature = "ndarray")]
        Backend::NdArray => Some(Device::from(burn::backend::NdArrayDevice::Cpu)),
        #[cfg(feature = "flex")]
        Backend::Flex => Some(Device::flex()),
        #[cfg(feature = "wgpu")]
        Backend::Wgpu => Some(Device::wgpu(Default::default())),
        #[cfg(feature = "burn-cuda")]
        Backend::BurnCuda => Some(Device::cuda(0)),
        _ => None,
    }
}

/// Burn's dtype for ours.
pub fn dtype(d: Dtype) -> DType {
    match d {
        Dtype::F32 => DType::F32,
        Dtype::F16 => DType::F16,
        Dtype::Bf16 => DType::BF16,
    }
}

/// Applies `variant` of `f` to `(x, up, alpha)` (`up`: the gated functions' second input,
/// unused by the others); `None` when the variant does not exist for `f`.
fn apply(
    f: Function,
    variant: Variant,
    x: Tensor<2>,
    up: Tensor<2>,
    alpha: Tensor<1>,
) -> Option<Tensor<2>> {
    let p = f.param();
    Some(match (variant, f) {
        (Variant::Fused, Function::Gated(e)) => burn_rectifiers::gated(x, up, e),
        (Variant::Composed, Function::Gated(e)) => burn_rectifiers::apply(x, e) * up,
        (Variant::Builtin, Function::Gated(e)) => {
            apply(Function::Elementwise(e), variant, x, up.clone(), alpha)? * up
        }
        (_, Function::Gated(_)) => return None,
        (Variant::Relu, _) => act::relu(x),
        (Variant::Fused | Variant::FusedInplace, Function::Elementwise(e)) => {
            burn_rectifiers::apply(x, e)
        }
        (Variant::Fused | Variant::FusedInplace, Function::Prelu) => {
            burn_rectifiers::prelu(x, alpha)
        }
        (Variant::Fused | Variant::FusedInplace, Function::Lse0Plus) => {
            burn_rectifiers::lse0_plus(x, 1)
        }
        (Variant::Composed, Function::Elementwise(e)) => composed::elementwise(x, e),
        (Variant::Composed, Function::Prelu) => composed::prelu(x, alpha),
        (Variant::Composed, Function::Lse0Plus) => composed::lse0_plus(x, 1),
        (Variant::Builtin, Function::Prelu) => act::prelu(x, alpha),
        (Variant::Builtin, f) => match f.kind()? {
            K::Relu => act::relu(x),
            K::LeakyRelu => act::leaky_relu(x, p),
            K::Gelu => act::gelu(x),
            K::GeluTanh => act::gelu_approximate(x),
            K::Silu => act::silu(x),
            K::Softplus => act::softplus(x, p),
            K::Elu => act::elu(x, p),
            K::Mish => act::mish(x),
            K::SRelu | K::SoftplusApprox | K::Squareplus => return None,
        },
    })
}

/// Whether `variant` exists for `f` in `pass` on Burn.
pub fn has_variant(f: Function, variant: Variant, pass: Pass) -> bool {
    if let Function::Gated(e) = f {
        // Ours, ours then a multiply, and the framework's activation then a multiply (burn-nn's
        // `SwiGlu`); the gated rows are not measured in place or in the layer step.
        return pass != Pass::Layer
            && match variant {
                Variant::Fused | Variant::Composed => true,
                Variant::Builtin => has_variant(Function::Elementwise(e), variant, pass),
                Variant::FusedInplace | Variant::Relu => false,
            };
    }
    match variant {
        Variant::FusedInplace => pass == Pass::Fwd && f.is_shape_preserving(),
        // LSE0+ reduces the layer's output to a column: not a layer activation.
        _ if pass == Pass::Layer && !f.is_shape_preserving() => false,
        // ReLU's builtin is the relu variant itself.
        Variant::Builtin => {
            f != Function::Lse0Plus
                && !matches!(
                    f.kind(),
                    Some(K::Relu | K::SRelu | K::SoftplusApprox | K::Squareplus)
                )
        }
        _ => true,
    }
}

/// The input `[size / ROW, ROW]` on `device` in `dtype`, and PReLU's `[ROW]` slopes.
fn input(case: &Case, device: &Device) -> (TensorData, Tensor<2>, Tensor<1>) {
    let data = TensorData::new(inputs::values(case.size), [case.size / ROW, ROW]);
    let x = Tensor::<2>::from_data(data.clone(), (device, dtype(case.dtype)));
    let alpha = Tensor::<1>::from_data(
        TensorData::new(vec![crate::PRELU_ALPHA as f32; ROW], [ROW]),
        (device, dtype(case.dtype)),
    );
    (data, x, alpha)
}

/// The gated functions' `up` ([`inputs::up_values`]); for the others a handle on `x` (unused,
/// no memory of its own).
fn up_input(case: &Case, x: &Tensor<2>, device: &Device) -> Tensor<2> {
    if case.function.gate().is_none() {
        return x.clone();
    }
    let data = TensorData::new(inputs::up_values(case.size), [case.size / ROW, ROW]);
    Tensor::<2>::from_data(data, (device, dtype(case.dtype)))
}

/// The measured calls of `case` on a Burn backend, one per variant that exists, in
/// [`Variant::ALL`] order; empty when this build lacks the backend or it lacks the dtype.
pub fn calls(case: Case, variants: &[Variant]) -> Vec<(Variant, Call<'static>)> {
    let Some(plain) = device(case.backend) else {
        return Vec::new();
    };
    if !case.backend.supports(case.dtype) {
        return Vec::new();
    }
    let f = case.function;
    let device = match case.pass {
        Pass::Fwd => plain,
        Pass::FwdBwd | Pass::Layer => plain.autodiff(),
    };
    let (data, x, alpha) = input(&case, &device);
    let up = up_input(&case, &x, &device);
    let gated = f.gate().is_some();
    let burn_dtype = dtype(case.dtype);
    let mut calls: Vec<(Variant, Call<'static>)> = Vec::new();
    for &v in Variant::ALL.iter().filter(|v| variants.contains(v)) {
        if !has_variant(f, v, case.pass) {
            continue;
        }
        let (x, up, alpha) = (x.clone(), up.clone(), alpha.clone());
        let (device, data) = (device.clone(), data.clone());
        let call: Call<'static> = match (case.pass, v) {
            (Pass::Fwd, Variant::FusedInplace) => Box::new(move |m: &mut Meter| {
                let owned = Tensor::<2>::from_data(data.clone(), (&device, burn_dtype));
                sync(&device);
                m.start();
                let y = apply(f, v, owned, up.clone(), alpha.clone()).expect("variant exists");
                sync(&device);
                m.stop();
                drop(y);
            }),
            (Pass::Fwd, _) => Box::new(move |m: &mut Meter| {
                m.start();
                let y = apply(f, v, x.clone(), up.clone(), alpha.clone()).expect("variant exists");
                sync(&device);
                m.stop();
                drop(y);
            }),
            (Pass::Layer, _) => {
                let layer = Layer::new(x, alpha, &device);
                Box::new(move |m: &mut Meter| {
                    sync(&device);
                    m.start();
                    let grads = layer.step(f, v);
                    sync(&device);
                    m.stop();
                    drop(grads);
                })
            }
            (Pass::FwdBwd, _) => Box::new(move |m: &mut Meter| {
                let xg = x.clone().require_grad();
                let ag = alpha.clone().require_grad();
                // A gated step learns both projections: `up` needs its gradient too.
                let ug = if gated {
                    up.clone().require_grad()
                } else {
                    up.clone()
                };
                sync(&device);
                m.start();
                let y = apply(f, v, xg.clone(), ug.clone(), ag.clone()).expect("variant exists");
                let grads = y.backward();
                let dx = xg.grad(&grads).expect("x has a gradient");
                let dup = gated.then(|| ug.grad(&grads).expect("up has a gradient"));
                sync(&device);
                m.stop();
                drop((y, grads, dx, dup));
            }),
        };
        calls.push((v, call));
    }
    calls
}

/// One layer of a model around the activation: `x` `[n / ROW, ROW]`, `W` `[ROW, ROW]`, `b`
/// `[ROW]`, PReLU's slopes, the learned ones requiring gradients.
struct Layer {
    x: Tensor<2>,
    w: Tensor<2>,
    b: Tensor<1>,
    alpha: Tensor<1>,
}

impl Layer {
    fn new(x: Tensor<2>, alpha: Tensor<1>, device: &Device) -> Self {
        let dtype = x.dtype();
        let w: Vec<f32> = (0..ROW * ROW)
            .map(|i| ((i * 7919 % 201) as f32 - 100.0) / 800.0)
            .collect();
        let b: Vec<f32> = (0..ROW).map(|i| (i as f32 - 32.0) / 64.0).collect();
        Layer {
            x,
            w: Tensor::<2>::from_data(TensorData::new(w, [ROW, ROW]), (device, dtype))
                .require_grad(),
            b: Tensor::<1>::from_data(TensorData::new(b, [ROW]), (device, dtype)).require_grad(),
            alpha: alpha.require_grad(),
        }
    }

    /// `f(x W + b) * 2 + 1`, summed and differentiated; the gradients of `W` and `b`.
    fn step(&self, f: Function, v: Variant) -> (Tensor<2>, Tensor<1>) {
        let h = self.x.clone().matmul(self.w.clone()) + self.b.clone().unsqueeze::<2>();
        let y = apply(f, v, h.clone(), h, self.alpha.clone()).expect("variant exists") * 2.0 + 1.0;
        let grads = y.sum().backward();
        (
            self.w.grad(&grads).expect("W has a gradient"),
            self.b.grad(&grads).expect("b has a gradient"),
        )
    }
}

/// The fused blocks one layer step of `f` runs on a Fusion backend (wgpu, CUDA), counted by
/// burn-fusion's observer: fused kernels, or single operations run unfused; blocks of only
/// `Drop`s launch nothing and are not counted. `None` where the backend does not fuse or this
/// build lacks it. The step runs once before it is observed, so the fusion server's plans are
/// cached as in training.
pub fn layer_blocks(backend: Backend, f: Function, v: Variant, size: usize) -> Option<usize> {
    #[cfg(feature = "wgpu")]
    {
        use burn::backend::fusion::observer::{BlockOperations, FusionObservation, FusionObserver};
        use burn::backend::ir::OperationIr;
        use std::sync::{Arc, Mutex};

        #[derive(Default)]
        struct Count(Mutex<usize>);
        impl FusionObserver for Count {
            fn registered(&self, _: &OperationIr) {}
            fn block_starts(&self, block: BlockOperations<'_>) {
                if block.iter().any(|op| !matches!(op, OperationIr::Drop(_))) {
                    *self.0.lock().unwrap() += 1;
                }
            }
            fn block_ran(&self) {}
        }

        if backend != Backend::Wgpu || !has_variant(f, v, Pass::Layer) {
            return None;
        }
        let device = device(backend)?.autodiff();
        let case = Case {
            backend,
            function: f,
            dtype: Dtype::F32,
            size,
            pass: Pass::Layer,
        };
        let (_, x, alpha) = input(&case, &device);
        let layer = Layer::new(x, alpha, &device);
        drop(layer.step(f, v));
        sync(&device);
        let count = Arc::new(Count::default());
        let guard = FusionObservation::new(count.clone());
        drop(layer.step(f, v));
        sync(&device);
        drop(guard);
        let n = *count.0.lock().unwrap();
        Some(n)
    }
    #[cfg(not(feature = "wgpu"))]
    {
        let _ = (backend, f, v, size);
        None
    }
}

/// Waits for the device's queued work.
fn sync(device: &Device) {
    device.sync().expect("device sync");
}

/// The copy that GPU rows are compared with (see [`crate::copy`]): `x * 1`, Burn's own
/// elementwise kernel, which reads and writes every element once (Burn has no copy op).
/// `None` for the CPU backends, whose reference is the host copy, and for one this build lacks.
pub fn device_copy_call(backend: Backend, size: usize, d: Dtype) -> Option<Call<'static>> {
    if !backend.is_gpu() || !backend.supports(d) {
        return None;
    }
    let device = device(backend)?;
    let data = TensorData::new(inputs::values(size), [size]);
    let x = Tensor::<1>::from_data(data, (&device, dtype(d)));
    Some(Box::new(move |m: &mut Meter| {
        m.start();
        let y = x.clone().mul_scalar(1.0);
        sync(&device);
        m.stop();
        drop(y);
    }))
}
