//! A transformer's feed-forward block in Burn: see [`super`] for where it comes from.

use burn::config::Config;
use burn::module::Module;
use burn::nn::{Linear, LinearConfig};
use burn::tensor::{Device, Tensor};
use burn_rectifiers::nn::{Activation, ActivationConfig};

/// Configuration of a [`FeedForward`], read from `config.json`.
#[derive(Config, Debug)]
pub struct FeedForwardConfig {
    /// The size of the input and output features.
    pub d_model: usize,
    /// The size of the hidden inner features.
    pub d_ff: usize,
    /// The activation between the two linear layers. Default: Gelu
    #[config(default = "ActivationConfig::Gelu")]
    pub activation: ActivationConfig,
}

/// `linear_outer(activation(linear_inner(x)))`.
#[derive(Module, Debug)]
pub struct FeedForward {
    /// Linear layer with `d_model` input features and `d_ff` output features.
    pub linear_inner: Linear,
    /// Linear layer with `d_ff` input features and `d_model` output features.
    pub linear_outer: Linear,
    /// Activation function.
    pub activation: Activation,
}

impl FeedForwardConfig {
    /// Initialize a new [`FeedForward`] module.
    pub fn init(&self, device: &Device) -> FeedForward {
        FeedForward {
            linear_inner: LinearConfig::new(self.d_model, self.d_ff).init(device),
            linear_outer: LinearConfig::new(self.d_ff, self.d_model).init(device),
            activation: self.activation.init(device),
        }
    }
}

impl FeedForward {
    /// Applies the forward pass on the input tensor.
    ///
    /// # Shapes
    ///
    /// - input: `[batch_size, seq_length, d_model]`
    /// - output: `[batch_size, seq_length, d_model]`
    pub fn forward<const D: usize>(&self, input: Tensor<D>) -> Tensor<D> {
        let x = self.linear_inner.forward(input);
        let x = self.activation.forward(x);
        self.linear_outer.forward(x)
    }
}
