//! GELU, exact or with the tanh approximation.

use burn::module::{Content, DisplaySettings, Module, ModuleDisplay};
use burn::tensor::Tensor;

/// GELU, `x Φ(x)`, or with `approximate` the tanh form `x σ(2 √(2/π) (x + 0.044715 x³))`.
///
/// The same fields and constructors as `burn::nn::Gelu` (a record of one loads into the
/// other); [`ActivationConfig::Gelu`](super::ActivationConfig::Gelu) and
/// [`GeluApproximate`](super::ActivationConfig::GeluApproximate) build it.
///
/// # Shapes
/// - input: `[..., any]`
/// - output: `[..., any]`
#[derive(Module, Debug, Default)]
#[module(custom_display)]
pub struct Gelu {
    /// Whether the tanh approximation is used.
    pub approximate: bool,
}

impl Gelu {
    /// The exact GELU (the erf form).
    pub fn new() -> Self {
        Self { approximate: false }
    }

    /// GELU's tanh approximation (PyTorch's `approximate="tanh"`).
    pub fn new_approximate() -> Self {
        Self { approximate: true }
    }

    /// Applies [`gelu`](crate::gelu) or [`gelu_tanh`](crate::gelu_tanh).
    pub fn forward<const D: usize>(&self, input: Tensor<D>) -> Tensor<D> {
        if self.approximate {
            crate::gelu_tanh(input)
        } else {
            crate::gelu(input)
        }
    }
}

impl ModuleDisplay for Gelu {
    fn custom_settings(&self) -> Option<DisplaySettings> {
        DisplaySettings::new()
            .with_new_line_after_attribute(false)
            .optional()
    }

    fn custom_content(&self, content: Content) -> Option<Content> {
        content.add("approximate", &self.approximate).optional()
    }
}
