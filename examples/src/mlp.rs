//! A small MLP whose activation is chosen by config: the model the demos swap activations in.

use burn::module::Module;
use burn::nn::{Initializer, Linear, LinearConfig, Sigmoid, Tanh};
use burn::tensor::{Device, Tensor};
use burn_rectifiers::nn::{Activation, ActivationConfig};

/// An activation of the demos: one of the family, or the squashing functions rectifiers
/// replaced (for the vanishing-gradient comparison).
#[derive(Clone, Debug)]
pub enum ActConfig {
    /// A function of burn-rectifiers.
    Rectifier(ActivationConfig),
    /// The logistic sigmoid.
    Sigmoid,
    /// tanh.
    Tanh,
}

impl From<ActivationConfig> for ActConfig {
    fn from(config: ActivationConfig) -> Self {
        Self::Rectifier(config)
    }
}

impl ActConfig {
    /// The layer on `device`.
    pub fn init(&self, device: &Device) -> Act {
        match self {
            Self::Rectifier(c) => Act::Rectifier(c.init(device)),
            Self::Sigmoid => Act::Sigmoid(Sigmoid::new()),
            Self::Tanh => Act::Tanh(Tanh::new()),
        }
    }
}

/// An initialised [`ActConfig`].
#[derive(Module, Debug)]
#[allow(missing_docs)]
pub enum Act {
    Rectifier(Activation),
    Sigmoid(Sigmoid),
    Tanh(Tanh),
}

impl Act {
    /// Applies the activation.
    pub fn forward<const D: usize>(&self, x: Tensor<D>) -> Tensor<D> {
        match self {
            Self::Rectifier(a) => a.forward(x),
            Self::Sigmoid(a) => a.forward(x),
            Self::Tanh(a) => a.forward(x),
        }
    }
}

/// `input -> [Linear -> activation] x hidden.len() -> Linear -> 10 logits`.
#[derive(Module, Debug)]
pub struct Mlp {
    layers: Vec<Linear>,
    acts: Vec<Act>,
    head: Linear,
}

impl Mlp {
    /// The model on `device`, with `hidden` units per hidden layer; `he_init` draws the hidden
    /// weights from He's normal initialisation (`N(0, 2 / fan_in)`) instead of Burn's default.
    pub fn new(
        input: usize,
        hidden: &[usize],
        act: &ActConfig,
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
