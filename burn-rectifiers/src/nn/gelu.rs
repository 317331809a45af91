//! GELU, exact or with the tanh approximation.

use burn::config::Config;
use burn::module::{Content, DisplaySettings, Module, ModuleDisplay};
use burn::tensor::Tensor;

/// GELU, `x Φ(x)`, or with `approximate` the tanh form `x σ(2 √(2/π) (x + 0.044715 x³))`.
///
/// # Shapes
/// - input: `[..., any]`
/// - output: `[..., any]`
#[derive(Module, Debug)]
#[module(custom_display)]
pub struct Gelu {
    /// Whether the tanh approximation is used.
    pub approximate: bool,
}

/// Configuration of [`Gelu`].
#[derive(Config, Debug)]
pub struct GeluConfig {
    /// The tanh approximation instead of the exact CDF. Default: false.
    #[config(default = false)]
    pub approximate: bool,
}

impl GeluConfig {
    /// The layer.
    pub fn init(&self) -> Gelu {
        Gelu {
            approximate: self.approximate,
        }
    }
}

impl Gelu {
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
