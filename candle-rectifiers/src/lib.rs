//! The rectifier activation family as fused [Candle](https://github.com/huggingface/candle)
//! custom ops: Squareplus, sharp Softplus, SReLU, PReLU, LSE0+, GELU (erf and tanh), SiLU,
//! Mish, ELU, Leaky ReLU, ReLU and the softplus approximation.
//!
//! Each forward is one fused op (`CustomOp1`, PReLU a `CustomOp2` on `(x, alpha)`), and its
//! backward one more fused op from the saved input, kept in the graph so `Var` backprop gives
//! the exact derivative in one pass. CPU (`f16`, `bf16`, `f32`, `f64`, any layout) runs the
//! kernels of [`rectifiers_core`], whose accuracy is measured there (f32 within 2 ULP on
//! every input); the `cuda` feature adds CUDA kernels. Metal has no kernels yet: ops on a
//! Metal device return Candle's "no metal implementation" error.
//!
//! # Functions
//! [`apply`] (any [`Elementwise`] function chosen at run time), [`relu`], [`leaky_relu`], [`prelu`], [`gelu`], [`gelu_tanh`], [`silu`], [`softplus`],
//! [`softplus_approx`], [`lse0_plus`], [`lse0_plus_keepdim`], [`elu`], [`srelu`], [`mish`],
//! [`squareplus`]; the gated forms [`gated`], [`gated_split`], [`swiglu`], [`geglu`],
//! [`reglu`] (below); scalar parameters are `f64` and are validated: an invalid one is an `Err`
//! naming it. Other errors are Candle's typed variants where one fits: an integer tensor is
//! `UnsupportedDTypeForOp`, operands of different dtypes `DTypeMismatchBinaryOp`, of
//! incompatible shapes `ShapeMismatchBinaryOp` (inside `Error::WithBacktrace` when backtraces
//! are on).
//!
//! # Gated activations
//!
//! [`gated`]`(&gate, &up, f)` is `f(gate) * up` for any [`Elementwise`] `f` (SwiGLU, GeGLU,
//! ReGLU, `squareplus(b=4)`-GLU, ...), one fused op ([`Gated`]); its backward is one fused pass
//! from the saved `gate` and `up` writing both gradients ([`GatedBackward`]):
//! `d_gate = dy up f'(gate)`, `d_up = dy f(gate)`. [`gated_split`]`(&xs, f)` takes both from one
//! tensor, the first half of the last dim as the gate (candle-nn's `ops::swiglu` convention;
//! PyTorch's `F.glu` gates with the second half), and [`swiglu`], [`geglu`] (erf GELU) and
//! [`reglu`] are it with SiLU, GELU and ReLU.
//!
//! Precision: `f(gate)` is the plain function's value (as [`apply`] gives it), then one
//! multiplication. `f16` and `bf16` are computed in `f32` and rounded once at the end, where a
//! composed half evaluation (`(f(gate) * up)` in candle ops) rounds `f(gate)` to the half type
//! first. In f32, `d_gate`'s `dy * up` is exact (in f64) before the multiplication by
//! `f'(gate)`.
//!
//! ```
//! use candle_core::{D, Device, Tensor, Var};
//! use candle_rectifiers::{Elementwise, gated, swiglu};
//!
//! let dev = Device::Cpu;
//! let gate = Var::new(&[[-2.0f32, 0.0, 3.0]], &dev)?;
//! let up = Var::new(&[[1.0f32, 2.0, 4.0]], &dev)?;
//! let sp: Elementwise = "squareplus(b=4)".parse().map_err(candle_core::Error::wrap)?;
//! let y = gated(gate.as_tensor(), up.as_tensor(), sp)?; // squareplus(gate) * up
//! assert_eq!(y.to_vec2::<f32>()?[0][1], 2.0); // squareplus(0) = 1
//!
//! // Both gradients from one backward op.
//! let grads = y.sum_all()?.backward()?;
//! let d_up = grads.get(&up).expect("d_up").to_vec2::<f32>()?;
//! assert_eq!(d_up[0][1], 1.0); // squareplus(0)
//! let d_gate = grads.get(&gate).expect("d_gate").to_vec2::<f32>()?;
//! assert_eq!(d_gate[0][1], 1.0); // up * squareplus'(0) = 2 * 1/2
//!
//! // The split form: [gate | up] along the last dim.
//! let xs = Tensor::cat(&[gate.as_tensor(), up.as_tensor()], D::Minus1)?;
//! let y = swiglu(&xs)?; // silu(gate) * up, candle_nn::ops::swiglu's convention
//! assert_eq!(y.dims(), [1, 3]);
//! # Ok::<(), candle_core::Error>(())
//! ```
//!
//! # In place
//!
//! [`apply_`], [`relu_`], [`leaky_relu_`], [`gelu_`], [`gelu_tanh_`], [`silu_`], [`softplus_`],
//! [`softplus_approx_`], [`elu_`], [`srelu_`], [`mish_`] and [`squareplus_`] overwrite their
//! argument with the function's value and return `Result<()>`: no output is allocated (candle's
//! [`Tensor::inplace_op1`](candle_core::Tensor::inplace_op1) with the [`InPlace`] op). On the
//! CPU the values are bit for bit those of the out-of-place function. What that means for a
//! candle tensor:
//!
//! - **Shared storage.** A candle tensor is a view of a reference-counted storage, and
//!   `clone()`, `detach()`, `narrow`, `t()`, `reshape` of a contiguous tensor and the like
//!   return views of the same storage. The op changes the elements `xs` addresses for **every** tensor that shares them,
//!   including any the caller kept as "the input".
//! - **No gradient.** The op records nothing for backprop. A tensor that tracks gradients (a
//!   `Var`, or computed from one while gradients are recorded: `xs.track_op()`) is refused with
//!   an error naming the op; use the out-of-place function there. The check sees `xs` only: a
//!   `detach()`ed view of a tracked tensor, or a tensor that an op of the graph saved for its
//!   backward (say the input of a `matmul`), passes it, and overwriting those makes the
//!   gradients wrong.
//! - **Layouts.** On the CPU any layout candle lets an in-place op write works: exactly the
//!   addressed elements change (a strided view is gathered, computed and written back; the
//!   rest of the storage is untouched). Candle itself refuses layouts that repeat an element,
//!   such as a `broadcast_as` view ("dst has repeated elements"). On CUDA the tensor must be
//!   contiguous (an offset is fine); any other layout is an error naming the op.
//! - **Devices and dtypes** as the out-of-place ops: f16, bf16, f32, f64; CPU, and CUDA with the
//!   `cuda` feature; Metal returns candle's "no metal implementation" error.
//! - Invalid parameters are the same error as out of place, and leave `xs` unchanged.
//!
//! ```
//! use candle_core::{Device, Tensor, Var};
//! use candle_rectifiers::{relu_, squareplus, squareplus_};
//!
//! let x = Tensor::new(&[[-3.0f32, 0.0], [3.0, 6.0]], &Device::Cpu)?;
//! let want = squareplus(&x, 4.0)?;
//! let alias = x.clone(); // shares x's storage
//! squareplus_(&x, 4.0)?;
//! assert_eq!(x.to_vec2::<f32>()?, want.to_vec2::<f32>()?);
//! assert_eq!(alias.to_vec2::<f32>()?, want.to_vec2::<f32>()?); // changed too
//!
//! // A strided view: only its elements change.
//! let y = Tensor::new(&[[-1.0f32, -2.0], [-3.0, -4.0]], &Device::Cpu)?;
//! relu_(&y.narrow(1, 0, 1)?)?;
//! assert_eq!(y.to_vec2::<f32>()?, [[0.0, -2.0], [0.0, -4.0]]);
//!
//! // Tensors that track gradients are refused.
//! let v = Var::new(&[1.0f32], &Device::Cpu)?;
//! assert!(squareplus_(v.as_tensor(), 4.0).unwrap_err().to_string().contains("tracks gradients"));
//! # Ok::<(), candle_core::Error>(())
//! ```
//!
//! # Swapping an activation in a model
//!
//! ```
//! use candle_core::{DType, Device, Module, Tensor};
//! use candle_nn::{Linear, VarBuilder, VarMap, linear};
//! use candle_rectifiers::modules::Activation;
//!
//! struct Mlp {
//!     fc1: Linear,
//!     act: Activation,
//!     fc2: Linear,
//! }
//!
//! impl Module for Mlp {
//!     fn forward(&self, xs: &Tensor) -> candle_core::Result<Tensor> {
//!         self.fc2.forward(&self.act.forward(&self.fc1.forward(xs)?)?)
//!     }
//! }
//!
//! let varmap = VarMap::new();
//! let vb = VarBuilder::from_varmap(&varmap, DType::F32, &Device::Cpu);
//! let mlp = Mlp {
//!     fc1: linear(4, 8, vb.pp("fc1"))?,
//!     // was: act: candle_nn::Activation::Relu (or: Activation::try_from(that)?),
//!     act: Activation::Squareplus(4.0),
//!     fc2: linear(8, 2, vb.pp("fc2"))?,
//! };
//! let y = mlp.forward(&Tensor::ones((3, 4), DType::F32, &Device::Cpu)?)?;
//! assert_eq!(y.dims(), [3, 2]);
//! # Ok::<(), candle_core::Error>(())
//! ```
#![warn(missing_docs)]

#[cfg(feature = "cuda")]
mod cuda;
pub mod diagnostics;
mod elementwise;
mod gated;
mod gated_split;
mod in_place;
mod launch;
mod lse0_plus;
pub mod modules;
mod ops;
mod prelu;
mod storage;

pub use elementwise::{Backward, Forward, InPlace};
pub use gated::{Gated, GatedBackward};
pub use in_place::{
    apply_, elu_, gelu_, gelu_tanh_, leaky_relu_, mish_, relu_, silu_, softplus_, softplus_approx_,
    squareplus_, srelu_,
};
pub use ops::{
    apply, elu, gated, gated_split, geglu, gelu, gelu_tanh, leaky_relu, lse0_plus,
    lse0_plus_keepdim, mish, prelu, reglu, relu, silu, softplus, softplus_approx, squareplus,
    srelu, swiglu,
};
pub use rectifiers_core::{Elementwise, ElementwiseKind, ParamError};

/// The README's examples, run as doctests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
