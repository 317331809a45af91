//! Modules and configs, one per function, in the style of `burn::nn`'s activations.
//!
//! Parameters are checked when a config is initialised: `try_init` returns the
//! [`ParamError`](crate::ParamError), `init` panics with the same message (Burn's convention).
//!
//! ```
//! use burn::tensor::{Device, Tensor};
//! use burn_rectifiers::nn::SquareplusConfig;
//!
//! let sp = SquareplusConfig::new().with_b(0.5).init();
//! let y = sp.forward(Tensor::<2>::zeros([2, 3], &Device::default()));
//! assert_eq!(y.into_data().try_to_vec::<f32>().unwrap(), [0.5_f32.sqrt() / 2.0; 6]);
//! assert!(SquareplusConfig::new().with_b(-1.0).try_init().is_err());
//! ```

mod activation;
mod gelu;
mod glu;
mod lse0_plus;
mod prelu;
mod scalar;
mod srelu;
mod unit;

pub use activation::{Activation, ActivationConfig};
pub use gelu::Gelu;
pub use glu::{Glu, GluConfig};
pub use lse0_plus::{Lse0Plus, Lse0PlusConfig};
pub use prelu::{PRelu, PReluConfig};
pub use scalar::*;
pub use srelu::{SRelu, SReluConfig};
pub use unit::*;
