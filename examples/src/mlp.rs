//! A small MLP whose activation is chosen by config: the model the demos swap activations in.

use burn::module::Module;
use burn::nn::{Initializer, Linear, LinearConfig};
use burn::tensor::{Device, Tensor};
use burn_rectifiers::nn::{Activation, ActivationConfig};

/// `input -> [Linear -> activation] x hidden.len() -> Linear -> 10 logits`.
#[derive(Module, Debug)]
pub struct Mlp {
    layers: Vec<Linear>,
    acts: Vec<Activation>,
    head: Linear,
}

impl Mlp {
    /// The model on `device`, with `hidden` units per hidden layer; `he_init` draws the hidden
    /// weights from He's normal initialisation (`N(0, 2 / fan_in)`) instead of Burn's default.
    pub fn new(
        input: usize,
        hidden: &[usize],
        act: &ActivationConfig,
        he_init: bool,
        device: &Device,
    ) -> Self {
        let mut layers = Vec::new();
        let mut acts = Vec::new();
        let mut width = input;
        for &h in hidden {
            let mut config = LinearConfig::new(width, h);
            if he_init {
                config = config.with_initializer(Initializer::KaimingNormal {
                    gain: core::f64::consts::SQRT_2,
                    fan_out_only: false,
                });
            }
            layers.push(config.init(device));
            acts.push(act.init(device));
            width = h;
        }
        Self {
            layers,
            acts,
            head: LinearConfig::new(width, 10).init(device),
        }
    }

    /// Logits, and each hidden layer's pre-activation.
    pub fn forward_traced(&self, x: Tensor<2>) -> (Tensor<2>, Vec<Tensor<2>>) {
        let mut pre = Vec::with_capacity(self.layers.len());
        let mut h = x;
        for (layer, act) in self.layers.iter().zip(&self.acts) {
            let z = layer.forward(h);
            pre.push(z.clone());
            h = act.forward(z);
        }
        (self.head.forward(h), pre)
    }

    /// Logits.
    pub fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        self.forward_traced(x).0
    }

    /// The hidden layers, for gradient norms.
    pub fn layers(&self) -> &[Linear] {
        &self.layers
    }
}
