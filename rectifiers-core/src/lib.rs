//! The numerics core of `rectifiers`: every rectifier activation of the family, its
//! derivative, and fused CPU slice kernels, with a stated and tested accuracy.
//!
//! Knows nothing of Burn or Candle: `burn-rectifiers` and `candle-rectifiers` call these
//! kernels on CPU, and their GPU kernels mirror these formulas.
//!
//! | type | f(x) | parameter (default) |
//! |---|---|---|
//! | [`Relu`] | `max(0, x)` | - |
//! | [`LeakyRelu`] | `x > 0 ? x : s x` | `s` finite (0.01) |
//! | [`prelu`] | `x > 0 ? x : a_c x` | learned `a_c` (0.25) |
//! | [`Gelu`] | `x Phi(x)` | - |
//! | [`GeluTanh`] | `x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))` | - |
//! | [`Silu`] | `x sigmoid(x)` | - |
//! | [`Softplus`] | `ln(1 + e^(k x)) / k` | `k > 0` (1) |
//! | [`SoftplusApprox`] | `x / (1 - e^(-x / ln 2))` | - |
//! | [`lse0_plus`] | `ln(1 + sum_i e^(x_i))` | the dim |
//! | [`Elu`] | `x > 0 ? x : a (e^x - 1)` | `a >= 0` (1) |
//! | [`SRelu`] | `max(-a, x)` | `a >= 0` (1) |
//! | [`Mish`] | `x tanh(softplus(x))` | - |
//! | [`Squareplus`] | `(x + sqrt(x^2 + b)) / 2` | `b >= 0` (4) |
//!
//! ```
//! use rectifiers_core::{kernel, Rectifier, Squareplus};
//!
//! let sp = Squareplus::new(4.0)?;
//! assert_eq!(sp.forward(0.0_f32), 1.0);
//! assert_eq!(sp.derivative(0.0_f64), 0.5);
//!
//! // The fused kernels: forward, and backward from the saved input.
//! let x = vec![-3.0_f32, 0.0, 3.0];
//! let mut y = vec![0.0; 3];
//! kernel::forward(&sp, &x, &mut y);
//! let mut dx = vec![0.0; 3];
//! kernel::backward(&sp, &x, &[1.0; 3], &mut dx);
//! assert_eq!(y[1], 1.0);
//! assert_eq!(dx[1], 0.5);
//! # Ok::<(), rectifiers_core::ParamError>(())
//! ```
//!
//! # One list
//!
//! [`ElementwiseKind`] lists the elementwise functions, and [`Elementwise`] is one of them with
//! its validated parameter: the value the framework crates, their tests and the benchmarks pass
//! around. It parses from and prints as text (`squareplus(b=4)`), and with the `serde` feature
//! (de)serialises as `"relu"` or `{"squareplus": 4.0}`. The slice kernels take it like any
//! [`Rectifier`] and run the concrete function's loop ([`Rectifier::dispatch`]).
//!
//! ```
//! use rectifiers_core::{Elementwise, ElementwiseKind, kernel};
//!
//! let f: Elementwise = "softplus(k=10)".parse()?;
//! assert_eq!(f.kind(), ElementwiseKind::Softplus);
//! let mut y = [0.0_f32; 2];
//! kernel::forward(&f, &[0.0, 1.0], &mut y);
//! // mpmath: log1p(exp(10))/10 = 1.00000453988992...; the nearest f32 is 1.00000453 (1.0000045).
//! assert_eq!(y[1], 1.0000045);
//! # Ok::<(), rectifiers_core::ParseElementwiseError>(())
//! ```
//!
//! # Adding a function
//!
//! Its file here (the type, its parameter check, the `Rectifier` impl, the formula and why it
//! is evaluated that way), two lines in `lib.rs`, a variant and one arm per `match` in
//! `src/family.rs`, its mpmath expression in `tests/reference/generate.py` and its limits in
//! `tests/edge_cases.rs`; every test of this crate then covers it. In each framework crate: its
//! public function, its GPU formula, its module and config entry; the compiler points at every
//! `match` that must learn it (neither enum is `#[non_exhaustive]`). The repository's
//! `ARCHITECTURE.md` lists the files.
//!
//! # Accuracy
#![doc = include_str!("../ACCURACY.md")]
#![warn(missing_docs)]

mod error;
mod family;
mod rectifier;
mod support;

pub mod diagnostics;
pub mod kernel;
pub mod lse0_plus;
pub mod prelu;

mod elu;
mod gelu;
mod gelu_f32;
mod gelu_tanh;
mod leaky_relu;
mod mish;
mod relu;
mod silu;
mod softplus;
mod softplus_approx;
mod squareplus;
mod srelu;

pub use elu::Elu;
pub use error::ParamError;
pub use family::{Elementwise, ElementwiseKind, ParamSpec, ParseElementwiseError};
pub use gelu::Gelu;
pub use gelu_tanh::GeluTanh;
pub use leaky_relu::LeakyRelu;
pub use mish::Mish;
pub use rectifier::{Rectifier, Visitor};
pub use relu::Relu;
pub use silu::Silu;
pub use softplus::Softplus;
pub use softplus_approx::SoftplusApprox;
pub use squareplus::Squareplus;
pub use srelu::SRelu;
pub use support::float::Float;

pub use half::{bf16, f16};

/// The README's examples, run as doctests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
