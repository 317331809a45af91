//! PReLU with a learned slope per channel, in PyTorch's layout.

use burn::config::Config;
use burn::module::{Content, DisplaySettings, Module, ModuleDisplay, Param};
use burn::nn::Initializer;
use burn::tensor::{Device, Tensor};

use crate::ParamError;

/// PReLU, `x` for `x > 0`, else `alpha_c x`, with the slopes learned.
///
/// The same fields as `burn::nn::PRelu`, so a record saved from Burn's loads into this one (and
/// back). PyTorch's `torch.nn.PReLU` calls the slopes `weight`: load a PyTorch state dict with
/// `burn::store::PytorchStore` (Burn's `pytorch` feature) and a key remapping onto `alpha`:
///
/// ```no_run
/// # use burn::module::Module;
/// # use burn::store::{ModuleSnapshot, PytorchStore};
/// # use burn::tensor::Device;
/// # use burn_rectifiers::nn::{PRelu, PReluConfig};
/// # #[derive(Module, Debug)] struct Net { act: PRelu }
/// # let mut net = Net { act: PReluConfig::new().with_num_parameters(3).init(&Device::default()) };
/// // `act.weight` in the PyTorch file is `act.alpha` here.
/// let mut store = PytorchStore::from_file("net.pt").with_key_remapping(r"^act\.weight$", "act.alpha");
/// net.load_from(&mut store).unwrap();
/// ```
///
/// # Shapes
/// - input: `[N, C, ...]` (or any shape when `num_parameters = 1`)
/// - output: the input's shape
#[derive(Module, Debug)]
#[module(custom_display)]
pub struct PRelu {
    /// The slopes, `[num_parameters]`.
    pub alpha: Param<Tensor<1>>,
    /// The initial slope the layer was built with (as in `burn::nn::PRelu`).
    pub alpha_value: f64,
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
        let alpha = Initializer::Constant { value: self.alpha }.init([self.num_parameters], device);
        Ok(PRelu {
            alpha,
            alpha_value: self.alpha,
        })
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
        crate::prelu(input, self.alpha.val())
    }
}

impl ModuleDisplay for PRelu {
    fn custom_settings(&self) -> Option<DisplaySettings> {
        DisplaySettings::new()
            .with_new_line_after_attribute(false)
            .optional()
    }

    fn custom_content(&self, content: Content) -> Option<Content> {
        let [n] = self.alpha.shape().dims();
        content
            .add("num_parameters", &n)
            .add("alpha_value", &self.alpha_value)
            .optional()
    }
}
