//! SReLU, the shifted ReLU, with a fixed or a learned shift.

use burn::config::Config;
use burn::module::{Content, DisplaySettings, Module, ModuleDisplay, Param};
use burn::nn::Initializer;
use burn::tensor::{Device, Tensor};

use crate::ParamError;

/// SReLU, `max(-a, x)`.
///
/// With [`SReluConfig::learnable`] the shift is a parameter trained with the model (the
/// gradient of `a` is `-Σ dy` over the elements where `x < -a`); the forward then runs as Burn
/// operations, since the fused kernel takes `a` as a scalar. Otherwise it is the fused
/// [`srelu`](crate::srelu).
///
/// # Shapes
/// - input: `[..., any]`
/// - output: `[..., any]`
#[derive(Module, Debug)]
#[module(custom_display)]
pub struct SRelu {
    /// The shift `a >= 0` (the initial value when learned).
    pub a: f64,
    /// The learned shift, `[1]`, when the config asked for one.
    pub learned: Option<Param<Tensor<1>>>,
}

/// Configuration of [`SRelu`].
#[derive(Config, Debug)]
pub struct SReluConfig {
    /// The shift `a >= 0`. Default: [`rectifiers_core::SRelu::DEFAULT_A`].
    #[config(default = "rectifiers_core::SRelu::DEFAULT_A")]
    pub a: f64,
    /// Whether `a` is a trained parameter. Default: false.
    #[config(default = false)]
    pub learnable: bool,
}

impl SReluConfig {
    /// The layer (its learned shift, if any, on `device`), or the error naming `a`.
    pub fn try_init(&self, device: &Device) -> Result<SRelu, ParamError> {
        rectifiers_core::SRelu::new(self.a)?;
        let learned = self
            .learnable
            .then(|| Initializer::Constant { value: self.a }.init([1], device));
        Ok(SRelu { a: self.a, learned })
    }

    /// The layer, its learned shift (if any) on `device`, like Burn's `PReluConfig::init`.
    ///
    /// # Panics
    ///
    /// If `a` is invalid, with the message of [`try_init`](Self::try_init).
    #[track_caller]
    pub fn init(&self, device: &Device) -> SRelu {
        self.try_init(device).unwrap_or_else(|e| panic!("{e}"))
    }
}

impl SRelu {
    /// Applies `max(-a, x)`.
    pub fn forward<const D: usize>(&self, input: Tensor<D>) -> Tensor<D> {
        match &self.learned {
            None => crate::srelu(input, self.a),
            Some(a) => {
                let floor = a.val().neg().reshape([1; D]).expand(input.shape());
                let below = input.clone().lower(floor.clone());
                input.mask_where(below, floor)
            }
        }
    }
}

impl ModuleDisplay for SRelu {
    fn custom_settings(&self) -> Option<DisplaySettings> {
        DisplaySettings::new()
            .with_new_line_after_attribute(false)
            .optional()
    }

    fn custom_content(&self, content: Content) -> Option<Content> {
        content
            .add("a", &self.a)
            .add("learnable", &self.learned.is_some())
            .optional()
    }
}
