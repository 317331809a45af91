//! The functions with one scalar parameter: a module holding it and a config that checks it.

use burn::config::Config;
use burn::module::{Content, DisplaySettings, Module, ModuleDisplay};
use burn::tensor::Tensor;

use crate::ParamError;

macro_rules! scalar_activation {
    ($(
        $(#[doc = $doc:expr])*
        $name:ident, $config:ident, $f:ident, $core:ident, $param:ident = $default:literal,
        #[doc = $param_doc:expr] allowed $allowed:literal;
    )*) => {
        $(
            $(#[doc = $doc])*
            ///
            #[doc = concat!("Built with [`", stringify!($config), "`].")]
            ///
            /// # Shapes
            /// - input: `[..., any]`
            /// - output: `[..., any]`
            #[derive(Module, Debug)]
            #[module(custom_display)]
            pub struct $name {
                #[doc = $param_doc]
                pub $param: f64,
            }

            #[doc = concat!("Configuration of [`", stringify!($name), "`].")]
            #[derive(Config, Debug)]
            pub struct $config {
                #[doc = $param_doc]
                #[doc = concat!("Default: [`", $default, "`].")]
                #[config(default = $default)]
                pub $param: f64,
            }

            impl $config {
                /// The layer, or the error naming the invalid parameter.
                pub fn try_init(&self) -> Result<$name, ParamError> {
                    rectifiers_core::$core::new(self.$param)
                        .map_err(|e| e.renamed(stringify!($param), $allowed))?;
                    Ok($name { $param: self.$param })
                }

                /// The layer.
                ///
                /// # Panics
                ///
                /// If the parameter is invalid, with the message of
                #[doc = concat!("[`try_init`](Self::try_init).")]
                #[track_caller]
                pub fn init(&self) -> $name {
                    self.try_init().unwrap_or_else(|e| panic!("{e}"))
                }
            }

            impl $name {
                #[doc = concat!("Applies [`", stringify!($f), "`](crate::", stringify!($f), ").")]
                pub fn forward<const D: usize>(&self, input: Tensor<D>) -> Tensor<D> {
                    crate::$f(input, self.$param)
                }
            }

            impl ModuleDisplay for $name {
                fn custom_settings(&self) -> Option<DisplaySettings> {
                    DisplaySettings::new().with_new_line_after_attribute(false).optional()
                }

                fn custom_content(&self, content: Content) -> Option<Content> {
                    content.add(stringify!($param), &self.$param).optional()
                }
            }
        )*
    };
}

scalar_activation! {
    /// Leaky ReLU, `x` for `x > 0`, else `negative_slope * x`.
    LeakyRelu, LeakyReluConfig, leaky_relu, LeakyRelu, negative_slope = "rectifiers_core::LeakyRelu::DEFAULT_SLOPE",
    /// The slope for `x <= 0`, finite.
    allowed "a finite negative_slope";
    /// The sharp softplus, `ln(1 + e^{beta x}) / beta`, exact at every `x` (Burn's and PyTorch's
    /// `threshold`, above which they return `x`, is not needed: a config that has one loads and
    /// ignores it).
    Softplus, SoftplusConfig, softplus, Softplus, beta = "rectifiers_core::Softplus::DEFAULT_K",
    /// The sharpness `beta > 0` (the `k` of the sharp softplus; Burn's and PyTorch's name).
    allowed "a finite beta > 0";
    /// ELU, `x` for `x > 0`, else `alpha (e^x - 1)`.
    Elu, EluConfig, elu, Elu, alpha = "rectifiers_core::Elu::DEFAULT_ALPHA",
    /// The scale of the negative part, `alpha >= 0`.
    allowed "a finite alpha >= 0";
    /// Squareplus, `(x + sqrt(x^2 + b)) / 2`, a smooth ReLU (`b = 0` is ReLU).
    Squareplus, SquareplusConfig, squareplus, Squareplus, b = "rectifiers_core::Squareplus::DEFAULT_B",
    /// The curvature `b >= 0`.
    allowed "a finite b >= 0";
}
