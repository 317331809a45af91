//! [`Glu`]: a gated linear unit, `f(x W_inner + b) * (x W_outer + c)`, with `f` any elementwise
//! function of the family; burn-nn's `SwiGlu` is `f = SiLU`.

use burn::config::Config;
use burn::module::{Content, DisplaySettings, Module, ModuleDisplay};
use burn::nn::{Initializer, Linear, LinearConfig, LinearLayout};
use burn::tensor::{Device, Tensor};
use rectifiers_core::Elementwise;

use super::ActivationConfig;
use crate::ParamError;

/// Configuration of [`Glu`]: burn-nn's `SwiGluConfig` (the same fields and defaults) plus the
/// gate's activation (SiLU by default, which makes it a fused `SwiGlu`).
#[derive(Config, Debug)]
pub struct GluConfig {
    /// The size of the input features.
    pub d_input: usize,
    /// The size of the output features.
    pub d_output: usize,
    /// Whether the two projections have a bias. Default: false.
    #[config(default = false)]
    pub bias: bool,
    /// The initializer of the projections (burn-nn's `SwiGlu` default).
    #[config(
        default = "Initializer::KaimingUniform{gain: 0.5773502691896258, fan_out_only: false}"
    )]
    pub initializer: Initializer,
    /// The layout of the projections' weights. Default: row major.
    #[config(default = "LinearLayout::Row")]
    pub layout: LinearLayout,
    /// The gate's function: an elementwise variant of [`ActivationConfig`] (`Relu`,
    /// `LeakyRelu`, `Gelu`, `GeluApproximate`, `Softplus`, `Elu`, `Silu`, `SoftplusApprox`,
    /// `SRelu` with a fixed shift, `Mish`, `Squareplus`). Default: `Silu`.
    #[config(default = "ActivationConfig::Silu")]
    pub activation: ActivationConfig,
}

/// A gated linear unit, `f(linear_inner(x)) * linear_outer(x)`, fused (one pass forward, one
/// backward saving two tensors).
///
/// The same parameters as burn-nn's `SwiGlu` (`linear_inner`, `linear_outer`): a record of
/// Burn's `SwiGlu` loads into a `Glu` with SiLU, and swapping the function is a config change.
///
/// ```
/// use burn::tensor::{Device, Tensor};
/// use burn_rectifiers::nn::{ActivationConfig, GluConfig, SquareplusConfig};
///
/// let device = Device::default();
/// let swiglu = GluConfig::new(8, 16).init(&device);
/// let squareplus_glu = GluConfig::new(8, 16)
///     .with_activation(SquareplusConfig::new().into())
///     .init(&device);
/// let x = Tensor::<2>::ones([4, 8], &device);
/// assert_eq!(swiglu.forward(x.clone()).dims(), [4, 16]);
/// assert_eq!(squareplus_glu.forward(x).dims(), [4, 16]);
/// ```
///
/// # Shapes
/// - input: `[..., d_input]`
/// - output: `[..., d_output]`
#[derive(Module, Debug)]
#[module(custom_display)]
pub struct Glu {
    /// The gate's projection (its output goes through the function).
    pub linear_inner: Linear,
    /// The value's projection.
    pub linear_outer: Linear,
    /// The gate's function.
    #[module(skip)]
    pub activation: Elementwise,
}

impl ActivationConfig {
    /// The elementwise function this variant is, if it is one (with its parameter checked).
    ///
    /// `Ok(None)` for the variants that are not an elementwise function of the family: PReLU
    /// (a learned slope), a learnable SReLU, and Burn's own activations.
    pub fn elementwise(&self) -> Result<Option<Elementwise>, ParamError> {
        use rectifiers_core as core;
        Ok(Some(match self {
            Self::Relu => core::Relu.into(),
            Self::LeakyRelu(c) => core::LeakyRelu::new(c.negative_slope)?.into(),
            Self::Gelu => core::Gelu.into(),
            Self::GeluApproximate => core::GeluTanh.into(),
            Self::Softplus(c) => core::Softplus::new(c.beta)
                .map_err(|e| e.renamed("beta", "a finite beta > 0"))?
                .into(),
            Self::Elu(c) => core::Elu::new(c.alpha)?.into(),
            Self::Silu => core::Silu.into(),
            Self::SoftplusApprox => core::SoftplusApprox.into(),
            Self::SRelu(c) if !c.learnable => core::SRelu::new(c.a)?.into(),
            Self::Mish => core::Mish.into(),
            Self::Squareplus(c) => core::Squareplus::new(c.b)?.into(),
            _ => return Ok(None),
        }))
    }
}

impl GluConfig {
    /// The layer on `device`, or the error naming an invalid parameter of the activation.
    ///
    /// # Panics
    ///
    /// If `activation` is not an elementwise function (see [`ActivationConfig::elementwise`]).
    pub fn try_init(&self, device: &Device) -> Result<Glu, ParamError> {
        let activation = self.activation.elementwise()?.unwrap_or_else(|| {
            panic!(
                "GluConfig: the activation must be an elementwise function of the family, got {:?}",
                self.activation
            )
        });
        let linear = || {
            LinearConfig::new(self.d_input, self.d_output)
                .with_bias(self.bias)
                .with_initializer(self.initializer.clone())
                .with_layout(self.layout)
                .init(device)
        };
        Ok(Glu {
            linear_inner: linear(),
            linear_outer: linear(),
            activation,
        })
    }

    /// The layer on `device`.
    ///
    /// # Panics
    ///
    /// If a parameter is invalid, with the message of [`try_init`](Self::try_init), or if the
    /// activation is not an elementwise function.
    #[track_caller]
    pub fn init(&self, device: &Device) -> Glu {
        self.try_init(device).unwrap_or_else(|e| panic!("{e}"))
    }
}

impl Glu {
    /// `f(linear_inner(x)) * linear_outer(x)`, fused.
    pub fn forward<const D: usize>(&self, input: Tensor<D>) -> Tensor<D> {
        let gate = self.linear_inner.forward(input.clone());
        crate::gated(gate, self.linear_outer.forward(input), self.activation)
    }
}

impl ModuleDisplay for Glu {
    fn custom_settings(&self) -> Option<DisplaySettings> {
        DisplaySettings::new()
            .with_new_line_after_attribute(false)
            .optional()
    }

    fn custom_content(&self, content: Content) -> Option<Content> {
        let [d_input, d_output] = self.linear_inner.weight.shape().dims();
        content
            .add("d_input", &d_input)
            .add("d_output", &d_output)
            .add("bias", &self.linear_inner.bias.is_some())
            .add("activation", &self.activation.to_string())
            .optional()
    }
}
