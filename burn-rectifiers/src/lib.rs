//! The rectifier family for [Burn](https://burn.dev) 0.22: fused forward and backward kernels
//! on NdArray, Flex and the cubecl backends (wgpu, vulkan, cuda), as functions and modules.
//!
//! - Functions on [`Tensor`](burn::tensor::Tensor): [`squareplus`], [`srelu`], [`softplus`]
//!   (sharpness `k`), [`prelu`], [`lse0_plus`], [`relu`], [`leaky_relu`], [`gelu`],
//!   [`gelu_tanh`], [`silu`], [`softplus_approx`], [`elu`], [`mish`]; parameters are `f64`.
//! - Modules and configs in [`nn`], and [`nn::ActivationConfig`] to choose one by config.
//! - [`RectifierBackend`], the backend extension trait behind them, and [`composed`], the same
//!   functions built from Burn's own operations (the fallback and the reference).
//!
//! Where each runs fused: every function on NdArray (f32, f64) and Flex (f32, f64, f16, bf16),
//! bit for bit the values of [`rectifiers_core`] (within 1 ULP in f32, measured at most 0.63).
//! On the cubecl backends, plain `CubeBackend` launches this crate's kernels: one per elementwise
//! function, one per gated activation ([`gated`]: forward, and both gradients in one), PReLU
//! elementwise with `dalpha` as one reduction, LSE0+ one unit per row. Burn's wgpu, vulkan and
//! cuda devices are `Fusion<CubeBackend>`: there the elementwise and gated functions are
//! recorded as their stable composition ([`composed::stable`]), which Burn fuses with the
//! operations around them (a training step of a layer runs as many kernels as with Burn's own
//! activation), and PReLU and LSE0+ run the kernels as custom operations. The GPU paths compute
//! in f32 (f64 for f64 tensors) within a ULP budget per function: [`accuracy`]. Under
//! `Autodiff` the backward is one fused pass from the saved input.
//!
//! # Swapping an activation
//!
//! A model keeps an [`nn::Activation`]; swapping `burn::nn::Relu` for Squareplus is a config
//! change:
//!
//! ```
//! use burn::module::Module;
//! use burn::nn::{Linear, LinearConfig};
//! use burn::tensor::{Device, Tensor};
//! use burn_rectifiers::nn::{Activation, ActivationConfig, SquareplusConfig};
//!
//! #[derive(Module, Debug)]
//! struct Mlp {
//!     hidden: Linear,
//!     act: Activation,
//!     out: Linear,
//! }
//!
//! impl Mlp {
//!     fn new(act: ActivationConfig, device: &Device) -> Self {
//!         Self {
//!             hidden: LinearConfig::new(64, 32).init(device),
//!             act: act.init(device),
//!             out: LinearConfig::new(32, 10).init(device),
//!         }
//!     }
//!
//!     fn forward(&self, x: Tensor<2>) -> Tensor<2> {
//!         self.out.forward(self.act.forward(self.hidden.forward(x)))
//!     }
//! }
//!
//! let device = Device::default();
//! // Was: `ActivationConfig::Relu` (or Burn's own `burn::nn::Relu`).
//! let model = Mlp::new(SquareplusConfig::new().with_b(4.0).into(), &device);
//! let logits = model.forward(Tensor::zeros([8, 64], &device));
//! assert_eq!(logits.dims(), [8, 10]);
//! ```
//!
//! # Features
//!
//! `flex` and `autodiff` (default), `ndarray`, and the cubecl runtimes `wgpu`, `vulkan`, `cuda`,
//! `rocm`, `metal`, `cpu`. No GPU dependency by default. On a backend whose feature is off (or
//! that this crate never serves: LibTorch, Remote) the functions run the composed fallback
//! instead of panicking; [`runs_kernels`] tells which path a tensor takes.
#![warn(missing_docs)]
// burn-ndarray is deprecated in favour of Flex, but it is still a Burn backend we serve.
#![allow(deprecated)]

mod backend;
mod backends;
pub mod composed;
#[doc = include_str!("../ACCURACY.md")]
pub mod accuracy {}
pub mod diagnostics;
mod functional;
mod gated;
pub mod nn;
mod route;

pub use backend::RectifierBackend;
pub use functional::*;
pub use gated::{gated, gated_split, geglu, geglu_tanh, reglu, swiglu};
pub use rectifiers_core::{Elementwise, ElementwiseKind, ParamError};
pub use route::runs_kernels;

/// The README's examples, run as doctests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
