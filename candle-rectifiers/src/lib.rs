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
//! [`relu`], [`leaky_relu`], [`prelu`], [`gelu`], [`gelu_tanh`], [`silu`], [`softplus`],
//! [`softplus_approx`], [`lse0_plus`], [`lse0_plus_keepdim`], [`elu`], [`srelu`], [`mish`],
//! [`squareplus`]; scalar parameters are `f64` and are validated: an invalid one is an `Err`
//! naming it.
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
//!     // was: act: candle_nn::Activation::Relu.into(),
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
mod lse0_plus;
pub mod modules;
mod ops;
mod prelu;
mod storage;

pub use elementwise::{Backward, Elementwise, Forward};
pub use ops::{
    elu, gelu, gelu_tanh, leaky_relu, lse0_plus, lse0_plus_keepdim, mish, prelu, relu, silu,
    softplus, softplus_approx, squareplus, srelu,
};
