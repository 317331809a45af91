//! [`ActivationConfig`] and [`Activation`]: `burn::nn`'s activation wrapper with the whole
//! family added, so swapping a model's activation is one type.

use burn::config::Config;
use burn::module::Module;
use burn::nn as bnn;
use burn::tensor::{Device, Tensor};

use super::{
    Elu, EluConfig, Gelu, LeakyRelu, LeakyReluConfig, Mish, PRelu, PReluConfig, Relu, SRelu,
    SReluConfig, Silu, Softplus, SoftplusApprox, SoftplusConfig, Squareplus, SquareplusConfig,
};
use crate::ParamError;

/// Any shape-preserving activation, as configuration: every variant of
/// `burn::nn::activation::ActivationConfig` under the same name, plus the rest of the family.
///
/// A config written by burn-nn loads unchanged (`"Gelu"`, `{"LeakyRelu":{"negative_slope":0.01}}`,
/// `{"Softplus":{"beta":1.0,"threshold":20.0}}`, ...), so a model swaps its activation by
/// changing the type of its config field. The family's functions run our fused kernels (Relu,
/// LeakyRelu, PRelu, Gelu, GeluApproximate, Softplus, Elu and the added Silu, SoftplusApprox,
/// SRelu, Mish, Squareplus); the others (Identity, SwiGlu, Selu, Sigmoid, Tanh, HardSigmoid,
/// HardSwish, Softsign, Celu, ThresholdedRelu and the shrinks) are Burn's own modules. LSE0+
/// reduces a dim, so it is not here: use [`Lse0PlusConfig`](super::Lse0PlusConfig).
///
/// ```
/// use burn::tensor::{Device, Tensor};
/// use burn_rectifiers::nn::{ActivationConfig, SquareplusConfig};
///
/// let device = Device::default();
/// // A config saved by burn-nn.
/// let gelu: ActivationConfig = serde_json::from_str(r#""Gelu""#).unwrap();
/// let y = gelu.init(&device).forward(Tensor::<1>::from_floats([0.0, 1.0], &device));
/// assert_eq!(y.dims(), [2]);
/// // Or one of the family that Burn lacks.
/// let act = ActivationConfig::from(SquareplusConfig::new().with_b(4.0)).init(&device);
/// let y = act.forward(Tensor::<1>::from_floats([0.0], &device));
/// assert_eq!(y.into_data().to_vec::<f32>().unwrap(), [1.0]);
/// ```
#[derive(Config, Debug)]
#[non_exhaustive]
pub enum ActivationConfig {
    /// `burn::nn::Identity`.
    Identity,
    /// [`Gelu`], the exact (erf) form, fused.
    Gelu,
    /// [`Gelu`] with the tanh approximation, fused.
    GeluApproximate,
    /// [`PRelu`], fused.
    PRelu(PReluConfig),
    /// [`Relu`], fused.
    Relu,
    /// [`LeakyRelu`], fused.
    LeakyRelu(LeakyReluConfig),
    /// `burn::nn::SwiGlu` (its own projections; Burn's module).
    SwiGlu(bnn::SwiGluConfig),
    /// `burn::nn::Selu`.
    Selu,
    /// `burn::nn::Sigmoid`.
    Sigmoid,
    /// `burn::nn::Tanh`.
    Tanh,
    /// `burn::nn::HardSigmoid`.
    HardSigmoid(bnn::HardSigmoidConfig),
    /// `burn::nn::HardSwish`.
    HardSwish,
    /// [`Softplus`] (sharpness `beta`), fused.
    Softplus(SoftplusConfig),
    /// `burn::nn::Softsign`.
    Softsign,
    /// [`Elu`], fused.
    Elu(EluConfig),
    /// `burn::nn::Celu`.
    Celu(bnn::CeluConfig),
    /// `burn::nn::ThresholdedRelu`.
    ThresholdedRelu(bnn::ThresholdedReluConfig),
    /// `burn::nn::HardShrink`.
    HardShrink(bnn::HardShrinkConfig),
    /// `burn::nn::SoftShrink`.
    SoftShrink(bnn::SoftShrinkConfig),
    /// `burn::nn::Shrink`.
    Shrink(bnn::ShrinkConfig),
    /// [`Silu`], fused.
    Silu,
    /// [`SoftplusApprox`], fused.
    SoftplusApprox,
    /// [`SRelu`], fused (a learnable shift runs as Burn operations).
    SRelu(SReluConfig),
    /// [`Mish`], fused.
    Mish,
    /// [`Squareplus`], fused.
    Squareplus(SquareplusConfig),
}

/// An initialised [`ActivationConfig`]: the variants of `burn::nn::activation::Activation` under
/// the same names (a record of Burn's loads into this one), plus the family's.
#[derive(Module, Debug)]
#[non_exhaustive]
#[allow(clippy::large_enum_variant)] // SwiGlu holds two Linear layers, as in Burn's enum
#[allow(missing_docs)]
pub enum Activation {
    Identity(bnn::Identity),
    Gelu(Gelu),
    PRelu(PRelu),
    Relu(Relu),
    LeakyRelu(LeakyRelu),
    SwiGlu(bnn::SwiGlu),
    Selu(bnn::Selu),
    Sigmoid(bnn::Sigmoid),
    Tanh(bnn::Tanh),
    HardSigmoid(bnn::HardSigmoid),
    HardSwish(bnn::activation::HardSwish),
    Softplus(Softplus),
    Softsign(bnn::Softsign),
    Elu(Elu),
    Celu(bnn::Celu),
    ThresholdedRelu(bnn::ThresholdedRelu),
    HardShrink(bnn::HardShrink),
    SoftShrink(bnn::SoftShrink),
    Shrink(bnn::Shrink),
    Silu(Silu),
    SoftplusApprox(SoftplusApprox),
    SRelu(SRelu),
    Mish(Mish),
    Squareplus(Squareplus),
}

impl ActivationConfig {
    /// The layer on `device` (where it has tensors), or the error naming an invalid parameter
    /// of the family's functions (Burn's own configs are not checked, as in Burn).
    pub fn try_init(&self, device: &Device) -> Result<Activation, ParamError> {
        Ok(match self {
            Self::Identity => Activation::Identity(bnn::Identity::new()),
            Self::Gelu => Activation::Gelu(Gelu::new()),
            Self::GeluApproximate => Activation::Gelu(Gelu::new_approximate()),
            Self::PRelu(c) => Activation::PRelu(c.try_init(device)?),
            Self::Relu => Activation::Relu(Relu),
            Self::LeakyRelu(c) => Activation::LeakyRelu(c.try_init()?),
            Self::SwiGlu(c) => Activation::SwiGlu(c.init(device)),
            Self::Selu => Activation::Selu(bnn::Selu),
            Self::Sigmoid => Activation::Sigmoid(bnn::Sigmoid),
            Self::Tanh => Activation::Tanh(bnn::Tanh),
            Self::HardSigmoid(c) => Activation::HardSigmoid(c.init()),
            Self::HardSwish => Activation::HardSwish(bnn::activation::HardSwish),
            Self::Softplus(c) => Activation::Softplus(c.try_init()?),
            Self::Softsign => Activation::Softsign(bnn::Softsign),
            Self::Elu(c) => Activation::Elu(c.try_init()?),
            Self::Celu(c) => Activation::Celu(c.init()),
            Self::ThresholdedRelu(c) => Activation::ThresholdedRelu(c.init()),
            Self::HardShrink(c) => Activation::HardShrink(c.init()),
            Self::SoftShrink(c) => Activation::SoftShrink(c.init()),
            Self::Shrink(c) => Activation::Shrink(c.init()),
            Self::Silu => Activation::Silu(Silu),
            Self::SoftplusApprox => Activation::SoftplusApprox(SoftplusApprox),
            Self::SRelu(c) => Activation::SRelu(c.try_init(device)?),
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
            Self::Identity(a) => a.forward(input),
            Self::Gelu(a) => a.forward(input),
            Self::PRelu(a) => a.forward(input),
            Self::Relu(a) => a.forward(input),
            Self::LeakyRelu(a) => a.forward(input),
            Self::SwiGlu(a) => a.forward(input),
            Self::Selu(a) => a.forward(input),
            Self::Sigmoid(a) => a.forward(input),
            Self::Tanh(a) => a.forward(input),
            Self::HardSigmoid(a) => a.forward(input),
            Self::HardSwish(a) => a.forward(input),
            Self::Softplus(a) => a.forward(input),
            Self::Softsign(a) => a.forward(input),
            Self::Elu(a) => a.forward(input),
            Self::Celu(a) => a.forward(input),
            Self::ThresholdedRelu(a) => a.forward(input),
            Self::HardShrink(a) => a.forward(input),
            Self::SoftShrink(a) => a.forward(input),
            Self::Shrink(a) => a.forward(input),
            Self::Silu(a) => a.forward(input),
            Self::SoftplusApprox(a) => a.forward(input),
            Self::SRelu(a) => a.forward(input),
            Self::Mish(a) => a.forward(input),
            Self::Squareplus(a) => a.forward(input),
        }
    }
}

/// `From` each variant's config (as burn-nn has them).
macro_rules! from_config {
    ($($config:ty => $variant:ident;)*) => {
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
    PReluConfig => PRelu;
    LeakyReluConfig => LeakyRelu;
    bnn::SwiGluConfig => SwiGlu;
    bnn::HardSigmoidConfig => HardSigmoid;
    SoftplusConfig => Softplus;
    EluConfig => Elu;
    bnn::CeluConfig => Celu;
    bnn::ThresholdedReluConfig => ThresholdedRelu;
    bnn::HardShrinkConfig => HardShrink;
    bnn::SoftShrinkConfig => SoftShrink;
    bnn::ShrinkConfig => Shrink;
    SReluConfig => SRelu;
    SquareplusConfig => Squareplus;
}

/// `From` each layer, as burn-nn has them.
macro_rules! from_layer {
    ($($layer:ty => $variant:ident;)*) => {
        $(
            impl From<$layer> for Activation {
                fn from(layer: $layer) -> Self {
                    Self::$variant(layer)
                }
            }
        )*
    };
}

from_layer! {
    bnn::Identity => Identity;
    Gelu => Gelu;
    PRelu => PRelu;
    Relu => Relu;
    LeakyRelu => LeakyRelu;
    bnn::SwiGlu => SwiGlu;
    bnn::Selu => Selu;
    bnn::Sigmoid => Sigmoid;
    bnn::Tanh => Tanh;
    bnn::HardSigmoid => HardSigmoid;
    bnn::activation::HardSwish => HardSwish;
    Softplus => Softplus;
    bnn::Softsign => Softsign;
    Elu => Elu;
    bnn::Celu => Celu;
    bnn::ThresholdedRelu => ThresholdedRelu;
    bnn::HardShrink => HardShrink;
    bnn::SoftShrink => SoftShrink;
    bnn::Shrink => Shrink;
    Silu => Silu;
    SoftplusApprox => SoftplusApprox;
    SRelu => SRelu;
    Mish => Mish;
    Squareplus => Squareplus;
}

/// Every variant of Burn's `ActivationConfig` maps to the variant of the same name (Softplus's
/// `threshold` is dropped: ours is exact without it). Burn's enum is `#[non_exhaustive]`: a
/// variant added after burn 0.22.1 is an error with its debug form.
impl TryFrom<&bnn::activation::ActivationConfig> for ActivationConfig {
    type Error = String;

    fn try_from(config: &bnn::activation::ActivationConfig) -> Result<Self, String> {
        use bnn::activation::ActivationConfig as B;
        Ok(match config {
            B::Identity => Self::Identity,
            B::Gelu => Self::Gelu,
            B::GeluApproximate => Self::GeluApproximate,
            B::PRelu(c) => Self::PRelu(
                PReluConfig::new()
                    .with_num_parameters(c.num_parameters)
                    .with_alpha(c.alpha),
            ),
            B::Relu => Self::Relu,
            B::LeakyRelu(c) => {
                Self::LeakyRelu(LeakyReluConfig::new().with_negative_slope(c.negative_slope))
            }
            B::SwiGlu(c) => Self::SwiGlu(c.clone()),
            B::Selu => Self::Selu,
            B::Sigmoid => Self::Sigmoid,
            B::Tanh => Self::Tanh,
            B::HardSigmoid(c) => Self::HardSigmoid(c.clone()),
            B::HardSwish => Self::HardSwish,
            B::Softplus(c) => Self::Softplus(SoftplusConfig::new().with_beta(c.beta)),
            B::Softsign => Self::Softsign,
            B::Elu(c) => Self::Elu(EluConfig::new().with_alpha(c.alpha)),
            B::Celu(c) => Self::Celu(c.clone()),
            B::ThresholdedRelu(c) => Self::ThresholdedRelu(c.clone()),
            B::HardShrink(c) => Self::HardShrink(c.clone()),
            B::SoftShrink(c) => Self::SoftShrink(c.clone()),
            B::Shrink(c) => Self::Shrink(c.clone()),
            other => return Err(format!("no rectifiers counterpart for {other:?}")),
        })
    }
}
