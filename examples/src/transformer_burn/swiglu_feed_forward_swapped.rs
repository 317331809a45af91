//! LLaMA's SwiGLU feed-forward in Burn: see [`super`] for where it comes from.

use burn::config::Config;
use burn::module::Module;
use burn::nn::{Linear, LinearConfig};
use burn::tensor::{Device, Tensor};
use burn_rectifiers::nn::{Glu, GluConfig};

/// Configuration of a [`SwiGluFeedForward`], read from `config.json`.
#[derive(Config, Debug)]
pub struct SwiGluFeedForwardConfig {
    /// The size of the input and output features.
    pub d_model: usize,
    /// The size of the hidden inner features.
    pub d_ff: usize,
}

/// `linear_down(silu(linear_inner(x)) * linear_outer(x))`, no biases.
#[derive(Module, Debug)]
pub struct SwiGluFeedForward {
    /// `silu(linear_inner(x)) * linear_outer(x)`, `d_model` to `d_ff` features.
    pub swiglu: Glu,
    /// Linear layer with `d_ff` input features and `d_model` output features.
    pub linear_down: Linear,
}

impl SwiGluFeedForwardConfig {
    /// Initialize a new [`SwiGluFeedForward`] module.
    pub fn init(&self, device: &Device) -> SwiGluFeedForward {
        SwiGluFeedForward {
            swiglu: GluConfig::new(self.d_model, self.d_ff).init(device),
            linear_down: LinearConfig::new(self.d_ff, self.d_model)
                .with_bias(false)
                .init(device),
        }
    }
}

impl SwiGluFeedForward {
    /// Applies the forward pass on the input tensor.
    ///
    /// # Shapes
    ///
    /// - input: `[batch_size, seq_length, d_model]`
    /// - output: `[batch_size, seq_length, d_model]`
    pub fn forward<const D: usize>(&self, input: Tensor<D>) -> Tensor<D> {
        self.linear_down.forward(self.swiglu.forward(input))
    }
}
