//! The elementwise functions of the family as one list: [`ElementwiseKind`] names a function,
//! [`Elementwise`] is one with its validated parameter.
//!
//! The framework crates, their tests and the benchmarks take the list from here: a new
//! function is one variant in each enum and one arm in each `match` below.
//!
//! Neither enum is `#[non_exhaustive]`: code that matches on them (the GPU kernels of the
//! framework crates) does so exhaustively, so a new function is a compile error at every place
//! that must handle it, not a panic at run time. Adding one is a breaking release.

use core::fmt;
use core::hash::{Hash, Hasher};
use core::str::FromStr;

use crate::{
    Elu, Gelu, GeluTanh, LeakyRelu, Mish, ParamError, Rectifier, Relu, SRelu, Silu, Softplus,
    SoftplusApprox, Squareplus, Visitor,
};

/// The name and default of a function's one scalar parameter.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ParamSpec {
    /// The parameter's name, as in the error messages and configs (`"b"`).
    pub name: &'static str,
    /// Its default (`Squareplus::DEFAULT_B`).
    pub default: f64,
}

/// An elementwise function of the family, without its parameter: a name to pick one by, at run
/// time or as a compile-time kernel argument.
///
/// ```
/// use rectifiers_core::ElementwiseKind;
///
/// let kind: ElementwiseKind = "squareplus".parse()?;
/// assert_eq!(kind, ElementwiseKind::Squareplus);
/// assert_eq!(kind.param().unwrap().name, "b");
/// assert_eq!(kind.with_default().to_string(), "squareplus(b=4)");
/// assert!(kind.with_param(-1.0).is_err());
/// # Ok::<(), rectifiers_core::ParseElementwiseError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ElementwiseKind {
    /// [`Relu`].
    Relu,
    /// [`LeakyRelu`].
    LeakyRelu,
    /// [`Gelu`].
    Gelu,
    /// [`GeluTanh`].
    GeluTanh,
    /// [`Silu`].
    Silu,
    /// [`Softplus`].
    Softplus,
    /// [`SoftplusApprox`].
    SoftplusApprox,
    /// [`Elu`].
    Elu,
    /// [`SRelu`].
    SRelu,
    /// [`Mish`].
    Mish,
    /// [`Squareplus`].
    Squareplus,
}

impl ElementwiseKind {
    /// Every elementwise function, in the order of the crate docs' table.
    pub const ALL: [ElementwiseKind; 11] = [
        Self::Relu,
        Self::LeakyRelu,
        Self::Gelu,
        Self::GeluTanh,
        Self::Silu,
        Self::Softplus,
        Self::SoftplusApprox,
        Self::Elu,
        Self::SRelu,
        Self::Mish,
        Self::Squareplus,
    ];

    /// The function's name, as in the functional APIs (`"squareplus"`).
    pub const fn name(self) -> &'static str {
        match self {
            Self::Relu => Relu::NAME,
            Self::LeakyRelu => LeakyRelu::NAME,
            Self::Gelu => Gelu::NAME,
            Self::GeluTanh => GeluTanh::NAME,
            Self::Silu => Silu::NAME,
            Self::Softplus => Softplus::NAME,
            Self::SoftplusApprox => SoftplusApprox::NAME,
            Self::Elu => Elu::NAME,
            Self::SRelu => SRelu::NAME,
            Self::Mish => Mish::NAME,
            Self::Squareplus => Squareplus::NAME,
        }
    }

    /// The name of its gated form `f(gate) * up`: the conventional `swiglu`, `geglu`,
    /// `geglu_tanh` and `reglu`, else `<name>_glu` (`squareplus_glu`).
    ///
    /// ```
    /// use rectifiers_core::ElementwiseKind;
    /// assert_eq!(ElementwiseKind::Silu.gated_name(), "swiglu");
    /// assert_eq!(ElementwiseKind::Squareplus.gated_name(), "squareplus_glu");
    /// ```
    pub const fn gated_name(self) -> &'static str {
        match self {
            Self::Relu => "reglu",
            Self::LeakyRelu => "leaky_relu_glu",
            Self::Gelu => "geglu",
            Self::GeluTanh => "geglu_tanh",
            Self::Silu => "swiglu",
            Self::Softplus => "softplus_glu",
            Self::SoftplusApprox => "softplus_approx_glu",
            Self::Elu => "elu_glu",
            Self::SRelu => "srelu_glu",
            Self::Mish => "mish_glu",
            Self::Squareplus => "squareplus_glu",
        }
    }

    /// The function's scalar parameter, `None` for the functions without one.
    pub const fn param(self) -> Option<ParamSpec> {
        let (name, default) = match self {
            Self::LeakyRelu => ("negative_slope", LeakyRelu::DEFAULT_SLOPE),
            Self::Softplus => ("k", Softplus::DEFAULT_K),
            Self::Elu => ("alpha", Elu::DEFAULT_ALPHA),
            Self::SRelu => ("a", SRelu::DEFAULT_A),
            Self::Squareplus => ("b", Squareplus::DEFAULT_B),
            Self::Relu
            | Self::Gelu
            | Self::GeluTanh
            | Self::Silu
            | Self::SoftplusApprox
            | Self::Mish => return None,
        };
        Some(ParamSpec { name, default })
    }

    /// The function with parameter `p`, or the error naming it when `p` is out of its domain.
    /// `p` is ignored by the functions without a parameter.
    pub fn with_param(self, p: f64) -> Result<Elementwise, ParamError> {
        Ok(match self {
            Self::Relu => Elementwise::Relu(Relu),
            Self::LeakyRelu => Elementwise::LeakyRelu(LeakyRelu::new(p)?),
            Self::Gelu => Elementwise::Gelu(Gelu),
            Self::GeluTanh => Elementwise::GeluTanh(GeluTanh),
            Self::Silu => Elementwise::Silu(Silu),
            Self::Softplus => Elementwise::Softplus(Softplus::new(p)?),
            Self::SoftplusApprox => Elementwise::SoftplusApprox(SoftplusApprox),
            Self::Elu => Elementwise::Elu(Elu::new(p)?),
            Self::SRelu => Elementwise::SRelu(SRelu::new(p)?),
            Self::Mish => Elementwise::Mish(Mish),
            Self::Squareplus => Elementwise::Squareplus(Squareplus::new(p)?),
        })
    }

    /// The function with its default parameter.
    pub fn with_default(self) -> Elementwise {
        let p = self.param().map_or(0.0, |spec| spec.default);
        self.with_param(p).expect("the defaults are valid")
    }
}

impl fmt::Display for ElementwiseKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for ElementwiseKind {
    type Err = ParseElementwiseError;

    /// The kind named `s` (as [`name`](Self::name) writes it).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|k| k.name() == s)
            .ok_or_else(|| ParseElementwiseError::UnknownFunction(s.to_owned()))
    }
}

/// An elementwise function of the family with its validated parameter: the one value code passes
/// around to choose a function at run time.
///
/// It is itself a [`Rectifier`]: the scalar methods match on the function at each call, the
/// [kernels](crate::kernel) once per slice (through [`Rectifier::dispatch`]).
///
/// Written as text (`Display`, `FromStr`) it is the name, with the parameter where there is one:
/// `relu`, `squareplus(b=4)`; parsing also takes `squareplus` (the default) and `squareplus(4)`.
/// With the `serde` feature it is `"relu"` or `{"squareplus": 4.0}` (a name alone takes the
/// default), and an invalid parameter fails to deserialise.
///
/// ```
/// use rectifiers_core::{Elementwise, Rectifier, Squareplus, kernel};
///
/// let f = Elementwise::Squareplus(Squareplus::new(4.0)?);
/// assert_eq!(f.forward(0.0_f32), 1.0);
/// assert_eq!(f.param(), Some(4.0));
/// assert_eq!("squareplus".parse::<Elementwise>().unwrap(), f);
///
/// let mut y = [0.0_f32; 2];
/// kernel::forward(&f, &[0.0, 1.5], &mut y);
/// assert_eq!(y, [1.0, 2.0]);
///
/// let err = "squareplus(b=-1)".parse::<Elementwise>().unwrap_err();
/// assert_eq!(err.to_string(), "squareplus: invalid parameter b = -1.0: expected a finite b >= 0");
/// # Ok::<(), rectifiers_core::ParamError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[allow(missing_docs)] // each variant holds the function of its name
pub enum Elementwise {
    Relu(Relu),
    LeakyRelu(LeakyRelu),
    Gelu(Gelu),
    GeluTanh(GeluTanh),
    Silu(Silu),
    Softplus(Softplus),
    SoftplusApprox(SoftplusApprox),
    Elu(Elu),
    SRelu(SRelu),
    Mish(Mish),
    Squareplus(Squareplus),
}

impl Elementwise {
    /// The function's name, as in the functional APIs (`"squareplus"`).
    pub const fn name(&self) -> &'static str {
        self.kind().name()
    }

    /// Which function this is.
    pub const fn kind(&self) -> ElementwiseKind {
        match self {
            Self::Relu(_) => ElementwiseKind::Relu,
            Self::LeakyRelu(_) => ElementwiseKind::LeakyRelu,
            Self::Gelu(_) => ElementwiseKind::Gelu,
            Self::GeluTanh(_) => ElementwiseKind::GeluTanh,
            Self::Silu(_) => ElementwiseKind::Silu,
            Self::Softplus(_) => ElementwiseKind::Softplus,
            Self::SoftplusApprox(_) => ElementwiseKind::SoftplusApprox,
            Self::Elu(_) => ElementwiseKind::Elu,
            Self::SRelu(_) => ElementwiseKind::SRelu,
            Self::Mish(_) => ElementwiseKind::Mish,
            Self::Squareplus(_) => ElementwiseKind::Squareplus,
        }
    }

    /// The parameter's value, `None` for the functions without one.
    pub fn param(&self) -> Option<f64> {
        match self {
            Self::LeakyRelu(r) => Some(r.slope()),
            Self::Softplus(r) => Some(r.k()),
            Self::Elu(r) => Some(r.alpha()),
            Self::SRelu(r) => Some(r.a()),
            Self::Squareplus(r) => Some(r.b()),
            Self::Relu(_)
            | Self::Gelu(_)
            | Self::GeluTanh(_)
            | Self::Silu(_)
            | Self::SoftplusApprox(_)
            | Self::Mish(_) => None,
        }
    }
}

/// Runs `$body` with `$r` bound to the function inside `$f`.
macro_rules! each {
    ($f:expr, |$r:ident| $body:expr) => {
        match $f {
            Elementwise::Relu($r) => $body,
            Elementwise::LeakyRelu($r) => $body,
            Elementwise::Gelu($r) => $body,
            Elementwise::GeluTanh($r) => $body,
            Elementwise::Silu($r) => $body,
            Elementwise::Softplus($r) => $body,
            Elementwise::SoftplusApprox($r) => $body,
            Elementwise::Elu($r) => $body,
            Elementwise::SRelu($r) => $body,
            Elementwise::Mish($r) => $body,
            Elementwise::Squareplus($r) => $body,
        }
    };
}

impl Rectifier for Elementwise {
    fn name(&self) -> &'static str {
        self.kind().name()
    }
    #[inline]
    fn forward_f64(&self, x: f64) -> f64 {
        each!(self, |r| r.forward_f64(x))
    }
    #[inline]
    fn derivative_f64(&self, x: f64) -> f64 {
        each!(self, |r| r.derivative_f64(x))
    }
    #[inline]
    fn forward_f32(&self, x: f32) -> f32 {
        each!(self, |r| r.forward_f32(x))
    }
    #[inline]
    fn derivative_f32(&self, x: f32) -> f32 {
        each!(self, |r| r.derivative_f32(x))
    }
    #[inline]
    fn dispatch<V: Visitor>(&self, visitor: V) -> V::Output {
        each!(self, |r| visitor.visit(r))
    }
}

/// Parameters are validated finite numbers, so equality is reflexive.
impl Eq for Elementwise {}

impl Hash for Elementwise {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.kind().hash(state);
        // `+ 0.0` makes -0 and +0, which compare equal, hash equal.
        self.param().map(|p| (p + 0.0).to_bits()).hash(state);
    }
}

macro_rules! from_function {
    ($($ty:ident),*) => {
        $(
            impl From<$ty> for Elementwise {
                fn from(r: $ty) -> Self {
                    Self::$ty(r)
                }
            }
        )*
    };
}

from_function!(
    Relu,
    LeakyRelu,
    Gelu,
    GeluTanh,
    Silu,
    Softplus,
    SoftplusApprox,
    Elu,
    SRelu,
    Mish,
    Squareplus
);

impl fmt::Display for Elementwise {
    /// `relu`, `squareplus(b=4)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.kind().param(), self.param()) {
            (Some(spec), Some(p)) => write!(f, "{}({}={p})", self.name(), spec.name),
            _ => f.write_str(self.name()),
        }
    }
}

impl FromStr for Elementwise {
    type Err = ParseElementwiseError;

    /// `name`, `name(p)` or `name(param=p)`: the function with its default parameter, or with
    /// `p`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let Some((name, rest)) = s.split_once('(') else {
            return Ok(s.parse::<ElementwiseKind>()?.with_default());
        };
        let kind: ElementwiseKind = name.trim().parse()?;
        let inner = rest
            .strip_suffix(')')
            .ok_or_else(|| ParseElementwiseError::Syntax(s.to_owned()))?;
        let spec = kind
            .param()
            .ok_or(ParseElementwiseError::NoParameter(kind.name()))?;
        let value = match inner.split_once('=') {
            Some((param, value)) if param.trim() == spec.name => value,
            Some(_) => return Err(ParseElementwiseError::Syntax(s.to_owned())),
            None => inner,
        };
        let p: f64 = value
            .trim()
            .parse()
            .map_err(|_| ParseElementwiseError::Syntax(s.to_owned()))?;
        Ok(kind.with_param(p)?)
    }
}

/// Why a text does not name an [`Elementwise`] function.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ParseElementwiseError {
    /// No function has this name.
    UnknownFunction(String),
    /// A parameter was given to the function named, which has none.
    NoParameter(&'static str),
    /// Not of the form `name`, `name(p)` or `name(param=p)`.
    Syntax(String),
    /// The parameter is out of its domain.
    Param(ParamError),
}

impl fmt::Display for ParseElementwiseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownFunction(name) => {
                write!(f, "unknown function `{name}`; expected one of ")?;
                for (i, k) in ElementwiseKind::ALL.iter().enumerate() {
                    let sep = if i == 0 { "" } else { ", " };
                    write!(f, "{sep}{k}")?;
                }
                Ok(())
            }
            Self::NoParameter(name) => write!(f, "{name} takes no parameter"),
            Self::Syntax(s) => write!(
                f,
                "cannot read `{s}` as a function: expected `name`, `name(p)` or `name(param=p)`"
            ),
            Self::Param(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for ParseElementwiseError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Param(e) => Some(e),
            _ => None,
        }
    }
}

impl From<ParamError> for ParseElementwiseError {
    fn from(e: ParamError) -> Self {
        Self::Param(e)
    }
}

#[cfg(feature = "serde")]
mod serde_impls {
    use super::*;
    use serde::de::{self, Deserializer, MapAccess, Visitor as DeVisitor};
    use serde::ser::{SerializeMap, Serializer};

    impl serde::Serialize for Elementwise {
        /// `"relu"`, `{"squareplus": 4.0}`.
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            match self.param() {
                None => s.serialize_str(self.name()),
                Some(p) => {
                    let mut map = s.serialize_map(Some(1))?;
                    map.serialize_entry(self.name(), &p)?;
                    map.end()
                }
            }
        }
    }

    impl<'de> serde::Deserialize<'de> for Elementwise {
        /// `"relu"`, `"squareplus"` (the default), `"squareplus(b=4)"` or `{"squareplus": 4.0}`.
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct Repr;
            impl<'de> DeVisitor<'de> for Repr {
                type Value = Elementwise;

                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str(r#"a function name such as "relu", or {"squareplus": 4.0}"#)
                }

                fn visit_str<E: de::Error>(self, v: &str) -> Result<Elementwise, E> {
                    v.parse().map_err(E::custom)
                }

                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Elementwise, A::Error> {
                    let (name, p): (String, f64) = map
                        .next_entry()?
                        .ok_or_else(|| de::Error::custom("expected one function"))?;
                    if map.next_key::<String>()?.is_some() {
                        return Err(de::Error::custom("expected one function"));
                    }
                    let kind: ElementwiseKind = name.parse().map_err(de::Error::custom)?;
                    if kind.param().is_none() {
                        return Err(de::Error::custom(ParseElementwiseError::NoParameter(
                            kind.name(),
                        )));
                    }
                    kind.with_param(p).map_err(de::Error::custom)
                }
            }
            d.deserialize_any(Repr)
        }
    }

    impl serde::Serialize for ElementwiseKind {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_str(self.name())
        }
    }

    impl<'de> serde::Deserialize<'de> for ElementwiseKind {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            let name = String::deserialize(d)?;
            name.parse().map_err(de::Error::custom)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_round_trips_through_its_name_and_text() {
        for kind in ElementwiseKind::ALL {
            assert_eq!(kind.name().parse::<ElementwiseKind>(), Ok(kind));
            let f = kind.with_default();
            assert_eq!(f.kind(), kind);
            assert_eq!(f.name(), kind.name());
            assert_eq!(f.to_string().parse::<Elementwise>(), Ok(f));
            assert_eq!(kind.name().parse::<Elementwise>(), Ok(f));
            assert_eq!(f.param(), kind.param().map(|s| s.default));
        }
    }

    #[test]
    fn text_forms() {
        let sp = |b| Elementwise::Squareplus(Squareplus::new(b).unwrap());
        assert_eq!("squareplus(0.5)".parse::<Elementwise>(), Ok(sp(0.5)));
        assert_eq!(
            " squareplus( b = 0.5 ) ".parse::<Elementwise>(),
            Ok(sp(0.5))
        );
        assert_eq!(sp(0.5).to_string(), "squareplus(b=0.5)");
        assert_eq!(
            "relu(1)".parse::<Elementwise>(),
            Err(ParseElementwiseError::NoParameter("relu"))
        );
        assert!(matches!(
            "squareplus(k=1)".parse::<Elementwise>(),
            Err(ParseElementwiseError::Syntax(_))
        ));
        assert!(matches!(
            "sqareplus".parse::<Elementwise>(),
            Err(ParseElementwiseError::UnknownFunction(_))
        ));
        let e = "softplus(k=0)".parse::<Elementwise>().unwrap_err();
        assert_eq!(
            e.to_string(),
            "softplus: invalid parameter k = 0.0: expected a finite k > 0"
        );
    }

    #[test]
    fn equal_functions_hash_equal() {
        use std::collections::hash_map::DefaultHasher;
        let hash = |f: Elementwise| {
            let mut h = DefaultHasher::new();
            f.hash(&mut h);
            h.finish()
        };
        let a = Elementwise::LeakyRelu(LeakyRelu::new(0.0).unwrap());
        let b = Elementwise::LeakyRelu(LeakyRelu::new(-0.0).unwrap());
        assert_eq!(a, b);
        assert_eq!(hash(a), hash(b));
    }

    #[cfg(feature = "serde")]
    #[test]
    fn serde_forms() {
        let sp = Elementwise::Squareplus(Squareplus::new(0.5).unwrap());
        assert_eq!(serde_json::to_string(&sp).unwrap(), r#"{"squareplus":0.5}"#);
        assert_eq!(
            serde_json::to_string(&Elementwise::Relu(Relu)).unwrap(),
            r#""relu""#
        );
        for f in ElementwiseKind::ALL.map(ElementwiseKind::with_default) {
            let json = serde_json::to_string(&f).unwrap();
            assert_eq!(
                serde_json::from_str::<Elementwise>(&json).unwrap(),
                f,
                "{json}"
            );
        }
        let read = |s: &str| serde_json::from_str::<Elementwise>(s);
        assert_eq!(
            read(r#""squareplus""#).unwrap(),
            ElementwiseKind::Squareplus.with_default()
        );
        assert_eq!(read(r#""squareplus(b=0.5)""#).unwrap(), sp);
        let e = read(r#"{"squareplus": -1.0}"#).unwrap_err().to_string();
        assert!(e.contains("invalid parameter b = -1.0"), "{e}");
        assert!(read(r#"{"relu": 1.0}"#).is_err());
        assert!(read(r#"{"squareplus": 1.0, "relu": 1.0}"#).is_err());
        assert_eq!(
            serde_json::to_string(&ElementwiseKind::GeluTanh).unwrap(),
            r#""gelu_tanh""#
        );
    }
}
