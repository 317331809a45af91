//! The functions without a parameter, as unit modules (like `burn::nn::Relu`).

use burn::module::Module;
use burn::tensor::Tensor;

macro_rules! unit_activation {
    ($(#[doc = $doc:expr] $name:ident => $f:ident;)*) => {
        $(
            #[doc = $doc]
            ///
            /// # Shapes
            /// - input: `[..., any]`
            /// - output: `[..., any]`
            #[derive(Module, Debug, Default)]
            pub struct $name;

            impl $name {
                /// The layer (it has no parameter).
                pub fn new() -> Self {
                    Self
                }

                #[doc = concat!("Applies [`", stringify!($f), "`](crate::", stringify!($f), ").")]
                pub fn forward<const D: usize>(&self, input: Tensor<D>) -> Tensor<D> {
                    crate::$f(input)
                }
            }
        )*
    };
}

unit_activation! {
    /// ReLU, `max(0, x)`.
    Relu => relu;
    /// SiLU (swish), `x σ(x)`.
    Silu => silu;
    /// The softplus approximation `x / (1 - e^{-x/ln 2})` (`ln 2` at 0).
    SoftplusApprox => softplus_approx;
    /// Mish, `x tanh(softplus(x))`.
    Mish => mish;
}
