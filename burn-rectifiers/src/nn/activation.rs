//! [`ActivationConfig`] and [`Activation`]: any function of the family, chosen by config, so
//! swapping a model's activation is one line.

use burn::config::Config;
use burn::module::Module;
use burn::tensor::{Device, Tensor};

use super::{
    Elu, EluConfig, Gelu, GeluConfig, LeakyRelu, LeakyReluConfig, Mish, PRelu, PReluConfig, Relu,
    SRelu, SReluConfig, Silu, Softplus, SoftplusApprox, SoftplusConfig, Squareplus,
    SquareplusConfig,
};
use crate::ParamError;

/// Any shape-preserving activation of the family, as configuration (serialisable like every
/// Burn config). LSE0+ reduces a dim, so it is not among them: use [`Lse0PlusConfig`](super::Lse0PlusConfig).
///
/// ```
/// use burn::tensor::Device;
/// use burn_rectifiers::nn::{ActivationConfig, SquareplusConfig};
///
/// let device = Device::default();
/// // One line swaps a model's activation.
/// let act = ActivationConfig::from(SquareplusConfig::new()).init(&device);
/// // Burn's own configs convert where we have the function.
/// let relu = ActivationConfig::try_from(&burn::nn::activation::ActivationConfig::Relu).unwrap();
/// assert!(matches!(relu, ActivationConfig::Relu));
/// ```
#[derive(Config, Debug)]
#[allow(missing_docs)]
pub enum ActivationConfig {
    Relu,
    LeakyRelu(LeakyReluConfig),
    PRelu(PReluConfig),
    Gelu(GeluConfig),
    Silu,
    Softplus(SoftplusConfig),
    SoftplusApprox,
    Elu(EluConfig),
    SRelu(SReluConfig),
    Mish,
    Squareplus(SquareplusConfig),
}

/// An initialised [`ActivationConfig`].
#[derive(Module, Debug)]
#[allow(missing_docs)]
pub enum Activation {
    Relu(Relu),
    LeakyRelu(LeakyRelu),
    PRelu(PRelu),
    Gelu(Gelu),
    Silu(Silu),
    Softplus(Softplus),
    SoftplusApprox(SoftplusApprox),
    Elu(Elu),
    SRelu(SRelu),
    Mish(Mish),
    Squareplus(Squareplus),
}

impl ActivationConfig {
    /// The layer on `device` (only PReLU has a tensor), or the error naming an invalid parameter.
    pub fn try_init(&self, device: &Device) -> Result<Activation, ParamError> {
        Ok(match self {
            Self::Relu => Activation::Relu(Relu),
            Self::LeakyRelu(c) => Activation::LeakyRelu(c.try_init()?),
            Self::PRelu(c) => Activation::PRelu(c.try_init(device)?),
            Self::Gelu(c) => Activation::Gelu(c.init()),
            Self::Silu => Activation::Silu(Silu),
            Self::Softplus(c) => Activation::Softplus(c.try_init()?),
            Self::SoftplusApprox => Activation::SoftplusApprox(SoftplusApprox),
            Self::Elu(c) => Activation::Elu(c.try_init()?),
            Self::SRelu(c) => Activation::SRelu(c.try_init_on(device)?),
            Self::Mish => Activation::Mish(Mish),
            Self::Squareplus(c) => Activation::Squareplus(c.try_init()?),
        })
    }

    /// The layer on `device`.
    ///
    /// # Panics
    ///
    /// If a parameter is invalid, with the message of [`try_init`](Self::try_init).
    #[track_caller]
    pub fn init(&self, device: &Device) -> Activation {
        self.try_init(device).unwrap_or_else(|e| panic!("{e}"))
    }
}

impl Activation {
    /// Applies the activation.
    pub fn forward<const D: usize>(&self, input: Tensor<D>) -> Tensor<D> {
        match self {
            Self::Relu(a) => a.forward(input),
            Self::LeakyRelu(a) => a.forward(input),
            Self::PRelu(a) => a.forward(input),
            Self::Gelu(a) => a.forward(input),
            Self::Silu(a) => a.forward(input),
            Self::Softplus(a) => a.forward(input),
            Self::SoftplusApprox(a) => a.forward(input),
            Self::Elu(a) => a.forward(input),
            Self::SRelu(a) => a.forward(input),
            Self::Mish(a) => a.forward(input),
            Self::Squareplus(a) => a.forward(input),
        }
    }
}

macro_rules! from_config {
    ($($config:ident => $variant:ident;)*) => {
        $(
            impl From<$config> for ActivationConfig {
                fn from(config: $config) -> Self {
                    Self::$variant(config)
                }
            }
        )*
    };
}

from_config! {
    LeakyReluConfig => LeakyRelu;
    PReluConfig => PRelu;
    GeluConfig => Gelu;
    SoftplusConfig => Softplus;
    EluConfig => Elu;
    SReluConfig => SRelu;
    SquareplusConfig => Squareplus;
}

/// Burn's activation configs that have a counterpart here (Relu, LeakyRelu, Gelu,
/// GeluApproximate, PRelu, Softplus with `beta` as the sharpness `k`, Elu); the error returns
/// the others' debug form.
impl TryFrom<&burn::nn::activation::ActivationConfig> for ActivationConfig {
    type Error = String;

    fn try_from(config: &burn::nn::activation::ActivationConfig) -> Result<Self, String> {
        use burn::nn::activation::ActivationConfig as B;
        Ok(match config {
            B::Relu => Self::Relu,
            B::LeakyRelu(c) => {
                Self::LeakyRelu(LeakyReluConfig::new().with_negative_slope(c.negative_slope))
            }
            B::Gelu => Self::Gelu(GeluConfig::new()),
            B::GeluApproximate => Self::Gelu(GeluConfig::new().with_approximate(true)),
            B::PRelu(c) => Self::PRelu(
                PReluConfig::new()
                    .with_num_parameters(c.num_parameters)
                    .with_alpha(c.alpha),
            ),
            B::Softplus(c) => Self::Softplus(SoftplusConfig::new().with_k(c.beta)),
            B::Elu(c) => Self::Elu(EluConfig::new().with_alpha(c.alpha)),
            other => return Err(format!("no rectifiers counterpart for {other:?}")),
        })
    }
}
