//! The rectifier family for [Burn](https://burn.dev) 0.22: fused forward and backward kernels
//! on NdArray, Flex and the cubecl backends (wgpu, vulkan, cuda), as functions and modules.
#![warn(missing_docs)]
// burn-ndarray is deprecated in favour of Flex, but it is still a Burn backend we serve.
#![allow(deprecated)]

mod backend;
pub mod composed;
mod elementwise;
mod functional;
pub mod nn;

#[cfg(feature = "autodiff")]
mod autodiff;
#[cfg(any(feature = "ndarray", feature = "flex"))]
mod cpu;
#[cfg(feature = "ndarray")]
mod ndarray;

pub use backend::RectifierBackend;
pub use elementwise::Elementwise;
pub use functional::*;
pub use rectifiers_core::ParamError;
#[cfg(feature = "cube")]
mod cube;
#[cfg(feature = "flex")]
mod flex;
