//! candle-nn style modules: one struct per activation implementing [`Module`], the learnable
//! [`PRelu`], and the [`Activation`] enum that model configs can name.

use candle_core::{Module, Result, Tensor};
use candle_nn::{Init, VarBuilder};
use serde::{Deserialize, Serialize};

use crate::ops;
use rectifiers_core::{Elementwise, ElementwiseKind};

/// Defines a parameter-free activation module calling one functional op.
macro_rules! unit_module {
    ($(#[$doc:meta])* $name:ident => $f:path) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default, PartialEq)]
        pub struct $name;

        impl Module for $name {
            fn forward(&self, xs: &Tensor) -> Result<Tensor> {
                $f(xs)
            }
        }
    };
}

unit_module!(
    /// ReLU, `max(0, x)`.
    Relu => ops::relu
);
unit_module!(
    /// GELU, `x Phi(x)` (erf form).
    GeluErf => ops::gelu
);
unit_module!(
    /// GELU's tanh approximation.
    GeluTanh => ops::gelu_tanh
);
unit_module!(
    /// SiLU, `x sigmoid(x)`.
    Silu => ops::silu
);
unit_module!(
    /// Mish, `x tanh(softplus(x))`.
    Mish => ops::mish
);
unit_module!(
    /// The softplus approximation `x / (1 - e^(-x / ln 2))`.
    SoftplusApprox => ops::softplus_approx
);

/// GELU with a choice of form: the exact erf form (default) or the tanh approximation.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Gelu {
    /// Use the tanh approximation (PyTorch's `approximate="tanh"`).
    pub approximate: bool,
}

impl Module for Gelu {
    fn forward(&self, xs: &Tensor) -> Result<Tensor> {
        if self.approximate {
            ops::gelu_tanh(xs)
        } else {
            ops::gelu(xs)
        }
    }
}

/// Defines a module with one validated `f64` parameter.
macro_rules! param_module {
    ($(#[$doc:meta])* $name:ident, $core:ident, $param:ident, $f:path) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq)]
        pub struct $name {
            inner: rectifiers_core::$core,
        }

        impl $name {
            #[doc = concat!("Validates `", stringify!($param), "`: an invalid value is an error naming it.")]
            pub fn new($param: f64) -> Result<Self> {
                let inner = rectifiers_core::$core::new($param).map_err(candle_core::Error::wrap)?;
                Ok(Self { inner })
            }

            #[doc = concat!("The parameter `", stringify!($param), "`.")]
            pub fn $param(&self) -> f64 {
                self.inner.$param()
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self { inner: rectifiers_core::$core::default() }
            }
        }

        impl Module for $name {
            fn forward(&self, xs: &Tensor) -> Result<Tensor> {
                $f(xs, self.inner.$param())
            }
        }
    };
}

param_module!(
    /// Squareplus, `(x + sqrt(x^2 + b)) / 2`; `b >= 0`, default 4.
    ///
    /// ```
    /// use candle_core::{Device, Module, Tensor};
    /// use candle_rectifiers::modules::Squareplus;
    /// let sp = Squareplus::new(4.0)?;
    /// let y = sp.forward(&Tensor::new(&[0.0f32], &Device::Cpu)?)?;
    /// assert_eq!(y.to_vec1::<f32>()?, [1.0]);
    /// assert!(Squareplus::new(-1.0).is_err());
    /// # Ok::<(), candle_core::Error>(())
    /// ```
    Squareplus, Squareplus, b, ops::squareplus
);
param_module!(
    /// Sharp softplus, `ln(1 + e^(k x)) / k`; `k > 0`, default 1.
    Softplus, Softplus, k, ops::softplus
);
param_module!(
    /// SReLU, `max(-a, x)`; `a >= 0`, default 1.
    SRelu, SRelu, a, ops::srelu
);
param_module!(
    /// ELU, `x > 0 ? x : alpha (e^x - 1)`; `alpha >= 0`, default 1.
    Elu, Elu, alpha, ops::elu
);

/// Leaky ReLU, `x > 0 ? x : s x`; any finite slope, default 0.01.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct LeakyRelu {
    inner: rectifiers_core::LeakyRelu,
}

impl LeakyRelu {
    /// Validates the slope: NaN or infinite is an error naming `negative_slope`.
    pub fn new(negative_slope: f64) -> Result<Self> {
        let inner =
            rectifiers_core::LeakyRelu::new(negative_slope).map_err(candle_core::Error::wrap)?;
        Ok(Self { inner })
    }

    /// The negative slope.
    pub fn negative_slope(&self) -> f64 {
        self.inner.slope()
    }
}

impl Module for LeakyRelu {
    fn forward(&self, xs: &Tensor) -> Result<Tensor> {
        ops::leaky_relu(xs, self.inner.slope())
    }
}

/// LSE0+ over the last dim, keeping it: `ln(1 + sum_i e^(x_i))`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Lse0Plus;

impl Module for Lse0Plus {
    fn forward(&self, xs: &Tensor) -> Result<Tensor> {
        ops::lse0_plus_last(xs)
    }
}

/// PReLU with a learned slope per channel (dim 1) or one shared slope: PyTorch's
/// `torch.nn.PReLU`, weight name `weight`, initialised to 0.25.
#[derive(Debug, Clone)]
pub struct PRelu {
    weight: Tensor,
}

impl PRelu {
    /// A PReLU with the given slopes, of shape `[1]` or `[C]`.
    pub fn new(weight: Tensor) -> Self {
        Self { weight }
    }

    /// The slopes, shape `[1]` or `[C]`.
    pub fn weight(&self) -> &Tensor {
        &self.weight
    }
}

impl Module for PRelu {
    fn forward(&self, xs: &Tensor) -> Result<Tensor> {
        ops::prelu(xs, &self.weight)
    }
}

/// Builds a [`PRelu`] from a `VarBuilder`, like `candle_nn::prelu`: `num_channels` slopes (one
/// if `None`) under the name `weight`, initialised to 0.25, so a PyTorch `PReLU` checkpoint
/// loads as is and a `VarMap` trains it.
///
/// ```
/// use candle_core::{DType, Device, Module, Tensor};
/// use candle_nn::{VarBuilder, VarMap};
/// let varmap = VarMap::new();
/// let vb = VarBuilder::from_varmap(&varmap, DType::F32, &Device::Cpu);
/// let prelu = candle_rectifiers::modules::prelu(Some(3), vb.pp("act"))?;
/// assert_eq!(prelu.weight().to_vec1::<f32>()?, [0.25; 3]);
/// let y = prelu.forward(&Tensor::full(-4.0f32, (2, 3), &Device::Cpu)?)?;
/// assert_eq!(y.to_vec2::<f32>()?, [[-1.0; 3]; 2]);
/// # Ok::<(), candle_core::Error>(())
/// ```
pub fn prelu(num_channels: Option<usize>, vb: VarBuilder) -> Result<PRelu> {
    let weight = vb.get_with_hints(
        num_channels.unwrap_or(1),
        "weight",
        Init::Const(rectifiers_core::prelu::DEFAULT_INIT),
    )?;
    Ok(PRelu::new(weight))
}

/// Every activation by name, for model configs: candle-nn's names (`"gelu"`, `"relu"`,
/// `"silu"`, `{"elu": 1.0}`, ...) plus ours (`"squareplus"`, `{"squareplus": 1.0}`,
/// `"srelu"`, `{"softplus": 10.0}`, `"softplus_approx"`, `"lse0_plus"`, `"gelu_erf"`,
/// `"gelu_tanh"`). A parameter given without a value takes its default; invalid values are a
/// deserialisation error naming the parameter.
///
/// Gated forms, `f(xs[.., :h]) * xs[.., h:]` over the last dim `2h` (candle-nn's `"swiglu"`
/// convention, see [`gated_split`](crate::gated_split)), one fused op each: `"swiglu"`,
/// `"geglu"` (erf GELU), `"geglu_tanh"`, `"reglu"`, and `<name>_glu` for every function of the
/// family, with its parameter where it has one (`"squareplus_glu"`, `{"squareplus_glu": 1.0}`,
/// `{"softplus_glu": 10.0}`, `"mish_glu"`; `"silu_glu"`, `"gelu_glu"`, `"relu_glu"` read as the
/// conventional names). [`Activation::gated`] gives the variant for an [`Elementwise`].
///
/// Serialisation writes the Hugging Face config names (`"gelu_new"`, `"hardswish"`,
/// `{"leakyrelu": 0.01}`, ...), so a variant candle-nn also has reads back as
/// `candle_nn::Activation`. A `candle_nn::Activation` converts with [`TryFrom`].
///
/// The ones both crates have run our fused ops (`swiglu` included); the rest (`relu2`, `relu6`,
/// `sigmoid`, `hardsigmoid`, `hardswish`) run candle-nn's.
///
/// ```
/// use candle_core::{Device, Module, Tensor};
/// use candle_rectifiers::modules::Activation;
/// // Swapping a model's activation is a config change:
/// let act: Activation = serde_json::from_str(r#"{"squareplus": 4.0}"#).unwrap();
/// assert_eq!(act, Activation::Squareplus(4.0));
/// let act: Activation = serde_json::from_str(r#""relu""#).unwrap();
/// let y = act.forward(&Tensor::new(&[-1.0f32, 1.0], &Device::Cpu)?)?;
/// assert_eq!(y.to_vec1::<f32>()?, [0.0, 1.0]);
/// assert!(serde_json::from_str::<Activation>(r#"{"squareplus": -1.0}"#).is_err());
///
/// // Gated: the last dim [gate | up] halves.
/// let act: Activation = serde_json::from_str(r#"{"squareplus_glu": 4.0}"#).unwrap();
/// assert_eq!(act, Activation::SquareplusGlu(4.0));
/// let y = act.forward(&Tensor::new(&[[0.0f32, 3.0]], &Device::Cpu)?)?;
/// assert_eq!(y.to_vec2::<f32>()?, [[3.0]]); // squareplus(0) * 3
/// # Ok::<(), candle_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Default)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Activation {
    /// GELU, erf form (candle-nn's `Gelu`, named `"gelu"`).
    #[default]
    Gelu,
    /// GELU, tanh form (candle-nn's `NewGelu`, `"gelu_new"`).
    #[serde(rename = "gelu_new")]
    NewGelu,
    /// GELU, tanh form (`"gelu_pytorch_tanh"`).
    GeluPytorchTanh,
    /// ReLU.
    Relu,
    /// `relu(x)^2` (candle-nn's op).
    Relu2,
    /// `min(max(x, 0), 6)` (candle-nn's op).
    Relu6,
    /// SiLU.
    Silu,
    /// Swish, the same function as SiLU.
    Swish,
    /// The logistic sigmoid (candle-nn's op).
    Sigmoid,
    /// Hard sigmoid (candle-nn's op).
    #[serde(rename = "hardsigmoid")]
    HardSigmoid,
    /// SwiGLU, `silu(xs[.., :h]) * xs[.., h:]` (candle-nn's `Swiglu`, fused:
    /// [`swiglu`](crate::swiglu)).
    Swiglu,
    /// Hard swish (candle-nn's op).
    #[serde(rename = "hardswish")]
    HardSwish,
    /// Mish.
    Mish,
    /// ELU with `alpha`.
    Elu(f64),
    /// Leaky ReLU with the negative slope.
    #[serde(rename = "leakyrelu")]
    LeakyRelu(f64),
    /// Squareplus with `b`.
    Squareplus(f64),
    /// SReLU with `a`.
    #[serde(rename = "srelu")]
    SRelu(f64),
    /// Sharp softplus with `k`.
    Softplus(f64),
    /// The softplus approximation.
    SoftplusApprox,
    /// LSE0+ over the last dim, kept.
    Lse0Plus,
    /// GeGLU, erf GELU gated ([`geglu`](crate::geglu)).
    Geglu,
    /// GeGLU with GELU's tanh form.
    GegluTanh,
    /// ReGLU, ReLU gated ([`reglu`](crate::reglu)).
    Reglu,
    /// Leaky ReLU gated, with the negative slope.
    LeakyReluGlu(f64),
    /// Sharp softplus gated, with `k`.
    SoftplusGlu(f64),
    /// The softplus approximation gated.
    SoftplusApproxGlu,
    /// ELU gated, with `alpha`.
    EluGlu(f64),
    /// SReLU gated, with `a`.
    #[serde(rename = "srelu_glu")]
    SReluGlu(f64),
    /// Mish gated.
    MishGlu,
    /// Squareplus gated, with `b`.
    SquareplusGlu(f64),
}

impl Activation {
    /// Checks the parameter; [`Deserialize`] calls this.
    pub fn validate(self) -> Result<Self> {
        self.runs().map(|_| self)
    }

    /// The gated form of `f`: the variant whose forward is
    /// [`gated_split`](crate::gated_split)`(xs, f)`.
    ///
    /// ```
    /// use candle_rectifiers::{Elementwise, modules::Activation};
    /// let f: Elementwise = "silu".parse().unwrap();
    /// assert_eq!(Activation::gated(f), Activation::Swiglu);
    /// let f: Elementwise = "squareplus(b=2)".parse().unwrap();
    /// assert_eq!(Activation::gated(f), Activation::SquareplusGlu(2.0));
    /// ```
    pub fn gated(f: Elementwise) -> Self {
        use Elementwise as E;
        match f {
            E::Relu(_) => Self::Reglu,
            E::LeakyRelu(r) => Self::LeakyReluGlu(r.slope()),
            E::Gelu(_) => Self::Geglu,
            E::GeluTanh(_) => Self::GegluTanh,
            E::Silu(_) => Self::Swiglu,
            E::Softplus(r) => Self::SoftplusGlu(r.k()),
            E::SoftplusApprox(_) => Self::SoftplusApproxGlu,
            E::Elu(r) => Self::EluGlu(r.alpha()),
            E::SRelu(r) => Self::SReluGlu(r.a()),
            E::Mish(_) => Self::MishGlu,
            E::Squareplus(r) => Self::SquareplusGlu(r.b()),
        }
    }

    /// The elementwise function of the family this activation runs fused, with its parameter
    /// checked, for the functional ops ([`apply`](crate::apply), [`gated`](crate::gated)):
    /// `Ok(None)` for the activations that are not one (candle-nn's `sigmoid`, `relu2`, `relu6`,
    /// `hard_sigmoid`, `hard_swish`, LSE0+ over a dim, and the gated forms, whose gate function
    /// is [`gate_function`](Self::gate_function)).
    ///
    /// ```
    /// use candle_rectifiers::{Elementwise, modules::Activation};
    /// let silu: Elementwise = "silu".parse().unwrap();
    /// assert_eq!(Activation::Swish.elementwise()?, Some(silu)); // Hugging Face's names too
    /// assert_eq!(Activation::Sigmoid.elementwise()?, None);
    /// assert!(Activation::Squareplus(-1.0).elementwise().is_err()); // b < 0
    /// # Ok::<(), candle_core::Error>(())
    /// ```
    pub fn elementwise(self) -> Result<Option<Elementwise>> {
        Ok(match self.runs()? {
            Runs::Elementwise(f) => Some(f),
            _ => None,
        })
    }

    /// The function a gated activation applies to its gate (the inverse of
    /// [`gated`](Self::gated)); `Ok(None)` for the activations that are not gated.
    ///
    /// ```
    /// use candle_rectifiers::{Elementwise, modules::Activation};
    /// let gelu: Elementwise = "gelu".parse().unwrap();
    /// assert_eq!(Activation::Geglu.gate_function()?, Some(gelu));
    /// assert_eq!(Activation::Gelu.gate_function()?, None);
    /// # Ok::<(), candle_core::Error>(())
    /// ```
    pub fn gate_function(self) -> Result<Option<Elementwise>> {
        Ok(match self.runs()? {
            Runs::Gated(f) => Some(f),
            _ => None,
        })
    }

    /// The function of the family this activation runs (fused), or the op that runs it.
    fn runs(self) -> Result<Runs> {
        use ElementwiseKind as K;
        let gated = |kind: ElementwiseKind, p: f64| -> Result<Runs> {
            let f = kind.with_param(p).map_err(candle_core::Error::wrap)?;
            Ok(Runs::Gated(f))
        };
        let (kind, p) = match self {
            Self::Gelu => (K::Gelu, None),
            Self::NewGelu | Self::GeluPytorchTanh => (K::GeluTanh, None),
            Self::Relu => (K::Relu, None),
            Self::Silu | Self::Swish => (K::Silu, None),
            Self::Mish => (K::Mish, None),
            Self::Elu(a) => (K::Elu, Some(a)),
            Self::LeakyRelu(s) => (K::LeakyRelu, Some(s)),
            Self::Squareplus(b) => (K::Squareplus, Some(b)),
            Self::SRelu(a) => (K::SRelu, Some(a)),
            Self::Softplus(k) => (K::Softplus, Some(k)),
            Self::SoftplusApprox => (K::SoftplusApprox, None),
            Self::Lse0Plus => return Ok(Runs::Lse0Plus),
            Self::Relu2 => return Ok(Runs::CandleNn(candle_nn::Activation::Relu2)),
            Self::Relu6 => return Ok(Runs::CandleNn(candle_nn::Activation::Relu6)),
            Self::Sigmoid => return Ok(Runs::CandleNn(candle_nn::Activation::Sigmoid)),
            Self::HardSigmoid => return Ok(Runs::CandleNn(candle_nn::Activation::HardSigmoid)),
            Self::Swiglu => return gated(K::Silu, 0.0),
            Self::Geglu => return gated(K::Gelu, 0.0),
            Self::GegluTanh => return gated(K::GeluTanh, 0.0),
            Self::Reglu => return gated(K::Relu, 0.0),
            Self::LeakyReluGlu(s) => return gated(K::LeakyRelu, s),
            Self::SoftplusGlu(k) => return gated(K::Softplus, k),
            Self::SoftplusApproxGlu => return gated(K::SoftplusApprox, 0.0),
            Self::EluGlu(a) => return gated(K::Elu, a),
            Self::SReluGlu(a) => return gated(K::SRelu, a),
            Self::MishGlu => return gated(K::Mish, 0.0),
            Self::SquareplusGlu(b) => return gated(K::Squareplus, b),
            Self::HardSwish => return Ok(Runs::CandleNn(candle_nn::Activation::HardSwish)),
        };
        let f = kind
            .with_param(p.unwrap_or(0.0))
            .map_err(candle_core::Error::wrap)?;
        Ok(Runs::Elementwise(f))
    }

    /// The activation named `name` with its default parameter, if the name is known.
    fn from_name(name: &str) -> Option<Self> {
        if let Some(plain) = name.strip_suffix("_glu") {
            // `<name>_glu`: the gated form of a function of the family.
            return match Self::from_name(plain)?.runs() {
                Ok(Runs::Elementwise(f)) => Some(Self::gated(f)),
                _ => None,
            };
        }
        Some(match name {
            "gelu" | "gelu_erf" => Self::Gelu,
            "gelu_new" | "newgelu" | "new_gelu" | "gelu_tanh" => Self::NewGelu,
            "gelu_pytorch_tanh" | "gelupytorchtanh" => Self::GeluPytorchTanh,
            "relu" => Self::Relu,
            "relu2" => Self::Relu2,
            "relu6" => Self::Relu6,
            "silu" => Self::Silu,
            "swish" => Self::Swish,
            "sigmoid" => Self::Sigmoid,
            "hardsigmoid" | "hard_sigmoid" => Self::HardSigmoid,
            "swiglu" => Self::Swiglu,
            "geglu" => Self::Geglu,
            "geglu_tanh" => Self::GegluTanh,
            "reglu" => Self::Reglu,
            "hardswish" | "hard_swish" => Self::HardSwish,
            "mish" => Self::Mish,
            "elu" => Self::Elu(rectifiers_core::Elu::DEFAULT_ALPHA),
            "leakyrelu" | "leaky_relu" => {
                Self::LeakyRelu(rectifiers_core::LeakyRelu::DEFAULT_SLOPE)
            }
            "squareplus" => Self::Squareplus(rectifiers_core::Squareplus::DEFAULT_B),
            "srelu" => Self::SRelu(rectifiers_core::SRelu::DEFAULT_A),
            "softplus" => Self::Softplus(rectifiers_core::Softplus::DEFAULT_K),
            "softplus_approx" => Self::SoftplusApprox,
            "lse0_plus" | "lse0plus" => Self::Lse0Plus,
            _ => return None,
        })
    }

    /// Replaces the parameter of a parametric activation.
    fn with_param(self, p: f64) -> Option<Self> {
        Some(match self {
            Self::Elu(_) => Self::Elu(p),
            Self::LeakyRelu(_) => Self::LeakyRelu(p),
            Self::Squareplus(_) => Self::Squareplus(p),
            Self::SRelu(_) => Self::SRelu(p),
            Self::Softplus(_) => Self::Softplus(p),
            Self::LeakyReluGlu(_) => Self::LeakyReluGlu(p),
            Self::SoftplusGlu(_) => Self::SoftplusGlu(p),
            Self::EluGlu(_) => Self::EluGlu(p),
            Self::SReluGlu(_) => Self::SReluGlu(p),
            Self::SquareplusGlu(_) => Self::SquareplusGlu(p),
            _ => return None,
        })
    }
}

impl<'de> Deserialize<'de> for Activation {
    fn deserialize<De: serde::Deserializer<'de>>(d: De) -> std::result::Result<Self, De::Error> {
        use serde::de::Error as _;
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Repr {
            Name(String),
            WithParam(std::collections::BTreeMap<String, f64>),
        }
        let (name, param) = match Repr::deserialize(d)? {
            Repr::Name(n) => (n, None),
            Repr::WithParam(m) if m.len() == 1 => {
                let (n, p) = m.into_iter().next().expect("one entry");
                (n, Some(p))
            }
            Repr::WithParam(_) => return Err(De::Error::custom("expected one activation")),
        };
        let act = Self::from_name(&name.to_lowercase())
            .ok_or_else(|| De::Error::custom(format!("unknown activation `{name}`")))?;
        let act = match param {
            None => act,
            Some(p) => act.with_param(p).ok_or_else(|| {
                De::Error::custom(format!("activation `{name}` takes no parameter"))
            })?,
        };
        act.validate().map_err(De::Error::custom)
    }
}

impl Module for Activation {
    fn forward(&self, xs: &Tensor) -> Result<Tensor> {
        match self.runs()? {
            Runs::Elementwise(f) => ops::apply(xs, f),
            Runs::Gated(f) => ops::gated_split(xs, f),
            Runs::Lse0Plus => ops::lse0_plus_last(xs),
            Runs::CandleNn(a) => a.forward(xs),
        }
    }
}

/// What an [`Activation`] runs.
enum Runs {
    /// Our fused op.
    Elementwise(Elementwise),
    /// Our fused gated op on the halves of the last dim.
    Gated(Elementwise),
    /// LSE0+ over the last dim.
    Lse0Plus,
    /// candle-nn's op.
    CandleNn(candle_nn::Activation),
}

impl TryFrom<candle_nn::Activation> for Activation {
    type Error = candle_core::Error;

    /// candle-nn's activation, running the fused op where we have one; an invalid parameter
    /// (`Elu(-0.5)`, a NaN slope) is an error naming it, as in [`Activation::validate`].
    ///
    /// ```
    /// use candle_rectifiers::modules::Activation;
    /// let act = Activation::try_from(candle_nn::Activation::Elu(0.5))?;
    /// assert_eq!(act, Activation::Elu(0.5));
    /// assert!(Activation::try_from(candle_nn::Activation::Elu(-0.5)).is_err());
    /// # Ok::<(), candle_core::Error>(())
    /// ```
    fn try_from(a: candle_nn::Activation) -> Result<Self> {
        use candle_nn::Activation as Nn;
        let act = match a {
            Nn::Gelu => Self::Gelu,
            Nn::NewGelu => Self::NewGelu,
            Nn::GeluPytorchTanh => Self::GeluPytorchTanh,
            Nn::Relu => Self::Relu,
            Nn::Relu2 => Self::Relu2,
            Nn::Relu6 => Self::Relu6,
            Nn::Silu => Self::Silu,
            Nn::Swish => Self::Swish,
            Nn::Sigmoid => Self::Sigmoid,
            Nn::HardSigmoid => Self::HardSigmoid,
            Nn::Swiglu => Self::Swiglu,
            Nn::HardSwish => Self::HardSwish,
            Nn::Mish => Self::Mish,
            Nn::Elu(a) => Self::Elu(a),
            Nn::LeakyRelu(s) => Self::LeakyRelu(s),
        };
        act.validate()
    }
}
