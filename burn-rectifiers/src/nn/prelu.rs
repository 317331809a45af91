//! PReLU with a learned slope per channel, in PyTorch's layout.

use burn::config::Config;
use burn::module::{Content, DisplaySettings, Module, ModuleDisplay, Param};
use burn::nn::Initializer;
use burn::tensor::{Device, Tensor};

use crate::ParamError;

/// PReLU, `x` for `x > 0`, else `weight_c x`, with the slopes learned.
///
/// The parameter is named `weight`, as in PyTorch's `torch.nn.PReLU`, so a PyTorch state dict
/// maps onto it by name (`burn::store::PytorchStore` with Burn's `pytorch` feature).
///
/// # Shapes
/// - input: `[N, C, ...]` (or any shape when `num_parameters = 1`)
/// - output: the input's shape
#[derive(Module, Debug)]
#[module(custom_display)]
pub struct PRelu {
    /// The slopes, `[num_parameters]`.
    pub weight: Param<Tensor<1>>,
}

/// Configuration of [`PRelu`].
#[derive(Config, Debug)]
pub struct PReluConfig {
    /// 1 (one slope) or the channel count C (dim 1 of the input). Default: 1.
    #[config(default = "1")]
    pub num_parameters: usize,
    /// The initial slope, finite. Default: [`rectifiers_core::prelu::DEFAULT_INIT`] (PyTorch's).
    #[config(default = "rectifiers_core::prelu::DEFAULT_INIT")]
    pub alpha: f64,
}

impl PReluConfig {
    /// The layer on `device`, or the error naming the invalid parameter.
    pub fn try_init(&self, device: &Device) -> Result<PRelu, ParamError> {
        rectifiers_core::prelu::check_init(self.num_parameters, self.alpha)?;
        let weight =
            Initializer::Constant { value: self.alpha }.init([self.num_parameters], device);
        Ok(PRelu { weight })
    }

    /// The layer on `device`.
    ///
    /// # Panics
    ///
    /// If a parameter is invalid, with the message of [`try_init`](Self::try_init).
    #[track_caller]
    pub fn init(&self, device: &Device) -> PRelu {
        self.try_init(device).unwrap_or_else(|e| panic!("{e}"))
    }
}

impl PRelu {
    /// Applies [`prelu`](crate::prelu) with the learned slopes.
    pub fn forward<const D: usize>(&self, input: Tensor<D>) -> Tensor<D> {
        crate::prelu(input, self.weight.val())
    }
}

impl ModuleDisplay for PRelu {
    fn custom_settings(&self) -> Option<DisplaySettings> {
        DisplaySettings::new()
            .with_new_line_after_attribute(false)
            .optional()
    }

    fn custom_content(&self, content: Content) -> Option<Content> {
        let [n] = self.weight.shape().dims();
        content.add("num_parameters", &n).optional()
    }
}
