//! LSE0+ over one dim.

use burn::config::Config;
use burn::module::{Content, DisplaySettings, Module, ModuleDisplay};
use burn::tensor::Tensor;

/// LSE0+, `ln(1 + Σ_i e^{x_i})` over `dim`, which is kept with size 1.
///
/// # Shapes
/// - input: `[..., n, ...]`
/// - output: `[..., 1, ...]`
#[derive(Module, Debug)]
#[module(custom_display)]
pub struct Lse0Plus {
    /// The reduced dim.
    pub dim: usize,
}

/// Configuration of [`Lse0Plus`].
#[derive(Config, Debug)]
pub struct Lse0PlusConfig {
    /// The reduced dim.
    pub dim: usize,
}

impl Lse0PlusConfig {
    /// The layer.
    pub fn init(&self) -> Lse0Plus {
        Lse0Plus { dim: self.dim }
    }
}

impl Lse0Plus {
    /// Applies [`lse0_plus`](crate::lse0_plus).
    ///
    /// # Panics
    ///
    /// If `dim >= D`.
    pub fn forward<const D: usize>(&self, input: Tensor<D>) -> Tensor<D> {
        crate::lse0_plus(input, self.dim)
    }
}

impl ModuleDisplay for Lse0Plus {
    fn custom_settings(&self) -> Option<DisplaySettings> {
        DisplaySettings::new()
            .with_new_line_after_attribute(false)
            .optional()
    }

    fn custom_content(&self, content: Content) -> Option<Content> {
        content.add("dim", &self.dim).optional()
    }
}
