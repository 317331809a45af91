//! Cross-backend benchmarks of the rectifiers crates: the `rectifiers-bench` CLI
//! (`src/bin/rectifiers-bench.rs`), the criterion benches (`benches/*.rs`) and the
//! parallel-threshold measurement (`src/bin/threshold.rs`) share these parts.
//!
//! One measured row is a [`Case`] (backend × function × dtype × size × pass) and a
//! [`Variant`] of it:
//!
//! - `fused`: our op ([`burn_rectifiers`], [`candle_rectifiers`]);
//! - `fused_inplace`: our op on a uniquely owned input (Burn: the tensor passed by value, no
//!   clone, so the kernel overwrites it; Candle: the in-place `*_` op where the crate has one);
//! - `composed`: the same function written with the framework's tensor ops;
//! - `builtin`: the framework's own op, where it has one (Burn's `softplus`, `gelu`, `mish`,
//!   `prelu`, ...; Candle's `elu`, `gelu_erf`, `silu`, `candle_nn::PReLU`, ...);
//! - `relu`: the framework's own ReLU on the same input, timed beside the others as the
//!   baseline of the "× framework ReLU" column.
//!
//! # What a time includes
//!
//! One call: the op, the framework's work to produce a materialised result, and a device sync
//! (a no-op on the CPU backends, which run eagerly). Inputs are prepared before the clock
//! starts and outputs dropped after it stops. `fwdbwd` is `y = f(x)`, `y.backward()` (both
//! frameworks seed a non-scalar `y` with ones) and reading `dx`. PyTorch's rows (`--pytorch`,
//! [`pytorch`]) are `time.perf_counter_ns` around one call in its own process, Python's
//! dispatch included, timed in the same rounds as ours.
//!
//! # Bytes moved and ratios
//!
//! With `n` elements of `s` bytes ([`bytes_moved`]):
//!
//! - `fwd`: read `x`, write `y`: `2 n s`;
//! - `fwdbwd`: the forward, then read `x`, read `dy`, write `dx`: `5 n s` (the ones seed and
//!   the framework's bookkeeping are not counted; they are the same for every variant);
//! - gated `f(gate) * up` (`n` elements each): `fwd` reads `gate` and `up` and writes `y`,
//!   `3 n s`; `fwdbwd` then reads `gate`, `up` and `dy` and writes `d_gate` and `d_up`, `8 n s`;
//! - LSE0+ reduces rows of [`ROW`] elements: `fwd = n s + n s / ROW`,
//!   `fwdbwd = fwd + 2 n s + n s / ROW`;
//! - `layer`: the activation's share, as `fwdbwd` (the matmuls and the other elementwise
//!   operations move more; the column compares variants of one step);
//! - `copy`: read and write `n s` bytes: `2 n s`.
//!
//! `GB/s = bytes / median / 1e9`; `% of copy BW = GB/s / GB/s of the reused-buffer copy of the
//! same `n s` bytes` (on a GPU backend: of that backend's device copy,
//! [`run::device_copy_rows`]); `× framework ReLU = median / median of the relu variant`;
//! `× composed = median / median of the composed variant` (same backend, function, pass, dtype
//! and size).
#![warn(missing_docs)]
// burn-ndarray is deprecated upstream in favour of Flex; it is still a backend we measure.
#![allow(deprecated)]

pub mod burn_cases;
#[cfg(feature = "candle")]
pub mod candle_cases;
pub mod chart;
pub mod copy;
pub mod csv;
pub mod inputs;
pub mod memory;
pub mod pytorch;
pub mod run;
pub mod table;
pub mod timing;

use std::fmt;

use rectifiers_core::{Elementwise, ElementwiseKind, ElementwiseKind as K};

/// Elements per row of the 2-D inputs `[n / ROW, ROW]`: PReLU's channels (dim 1) and the
/// length LSE0+ reduces over.
pub const ROW: usize = 64;

/// A framework and device.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Backend {
    /// Burn's NdArray backend (CPU).
    NdArray,
    /// Burn's Flex backend (CPU).
    Flex,
    /// Burn's wgpu backend (with fusion).
    Wgpu,
    /// Burn's CUDA backend.
    BurnCuda,
    /// Candle on the CPU.
    Candle,
    /// Candle on CUDA device 0.
    CandleCuda,
}

impl Backend {
    /// Every backend, in table order.
    pub const ALL: [Backend; 6] = [
        Backend::NdArray,
        Backend::Flex,
        Backend::Candle,
        Backend::Wgpu,
        Backend::BurnCuda,
        Backend::CandleCuda,
    ];

    /// The name used on the command line and in the tables.
    pub fn name(self) -> &'static str {
        match self {
            Backend::NdArray => "ndarray",
            Backend::Flex => "flex",
            Backend::Wgpu => "wgpu",
            Backend::BurnCuda => "cuda",
            Backend::Candle => "candle",
            Backend::CandleCuda => "candle-cuda",
        }
    }

    /// Whether this build has the backend (its cargo feature is on).
    pub fn compiled(self) -> bool {
        match self {
            Backend::NdArray => cfg!(feature = "ndarray"),
            Backend::Flex => cfg!(feature = "flex"),
            Backend::Wgpu => cfg!(feature = "wgpu"),
            Backend::BurnCuda => cfg!(feature = "burn-cuda"),
            Backend::CandleCuda => cfg!(feature = "candle-cuda"),
            Backend::Candle => cfg!(feature = "candle"),
        }
    }

    /// Whether the backend computes in `dtype` (NdArray: f32 and f64 only; WGSL has no bf16).
    pub fn supports(self, dtype: Dtype) -> bool {
        match self {
            Backend::NdArray => dtype == Dtype::F32,
            Backend::Wgpu => dtype != Dtype::Bf16,
            _ => true,
        }
    }

    /// Whether the backend runs on a GPU (its copy reference is a device copy, see
    /// [`copy`]).
    pub fn is_gpu(self) -> bool {
        matches!(
            self,
            Backend::Wgpu | Backend::BurnCuda | Backend::CandleCuda
        )
    }

    /// Whether this is a Burn backend (else Candle).
    pub fn is_burn(self) -> bool {
        !matches!(self, Backend::Candle | Backend::CandleCuda)
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An element type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Dtype {
    /// `f32`.
    F32,
    /// IEEE half precision.
    F16,
    /// bfloat16.
    Bf16,
}

impl Dtype {
    /// Every dtype measured.
    pub const ALL: [Dtype; 3] = [Dtype::F32, Dtype::F16, Dtype::Bf16];

    /// `f32`, `f16`, `bf16`.
    pub fn name(self) -> &'static str {
        match self {
            Dtype::F32 => "f32",
            Dtype::F16 => "f16",
            Dtype::Bf16 => "bf16",
        }
    }

    /// Bytes per element.
    pub fn size(self) -> usize {
        match self {
            Dtype::F32 => 4,
            Dtype::F16 | Dtype::Bf16 => 2,
        }
    }
}

impl fmt::Display for Dtype {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Forward only, forward and backward through the framework's autodiff, or a layer's training
/// step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Pass {
    /// `y = f(x)`.
    Fwd,
    /// `y = f(x)`, then `dx` by backprop (Burn's `Autodiff`, Candle's `Var`).
    FwdBwd,
    /// One training step of a layer, `f(x W + b) * 2 + 1` summed and differentiated to `W` and
    /// `b` (`x` is `[n / ROW, ROW]`, `W` `[ROW, ROW]`): the activation among the operations a
    /// model puts around it. Burn's backends only.
    Layer,
}

impl Pass {
    /// Every pass.
    pub const ALL: [Pass; 3] = [Pass::Fwd, Pass::FwdBwd, Pass::Layer];

    /// `fwd`, `fwdbwd`, `layer`.
    pub fn name(self) -> &'static str {
        match self {
            Pass::Fwd => "fwd",
            Pass::FwdBwd => "fwdbwd",
            Pass::Layer => "layer",
        }
    }
}

impl fmt::Display for Pass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A function of the family.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Function {
    /// One of the elementwise functions, with its parameter.
    Elementwise(Elementwise),
    /// PReLU with [`ROW`] channels, every slope [`PRELU_ALPHA`].
    Prelu,
    /// LSE0+ over rows of [`ROW`] elements.
    Lse0Plus,
    /// The gated activation `f(gate) * up` of an elementwise function (SwiGLU with SiLU, GeGLU
    /// with GELU), `gate` and `up` two inputs of the case's size (a model's two projections).
    Gated(Elementwise),
}

/// PReLU's slopes in the benchmarks (PyTorch's default init).
pub const PRELU_ALPHA: f64 = 0.25;

impl Function {
    /// Every function: the elementwise ones at their default parameters, then PReLU and LSE0+.
    pub fn all() -> Vec<Function> {
        ElementwiseKind::ALL
            .iter()
            .map(|&k| Function::from(k))
            .chain([Function::Prelu, Function::Lse0Plus])
            .collect()
    }

    /// The gated rows of the tables: SwiGLU, GeGLU and Squareplus-GLU (the CLI's `gated`).
    pub fn gated() -> Vec<Function> {
        [K::Silu, K::Gelu, K::Squareplus]
            .map(|k| Function::Gated(k.with_default()))
            .to_vec()
    }

    /// The name as in the functional APIs (`squareplus`, `prelu`, `lse0_plus`); gated ones as
    /// candle-rectifiers' `Activation` names them (`swiglu`, `geglu`, `squareplus_glu`).
    pub fn name(self) -> &'static str {
        match self {
            Function::Elementwise(e) => e.name(),
            Function::Prelu => "prelu",
            Function::Lse0Plus => "lse0_plus",
            Function::Gated(e) => e.kind().gated_name(),
        }
    }

    /// The function named `name` (`prelu`, `lse0_plus`, an elementwise function as
    /// [`Elementwise`] parses it: `squareplus`, `squareplus(b=0.5)`, or a gated one: `swiglu`,
    /// `geglu`, `geglu_tanh`, `reglu`, `<name>_glu`, `squareplus_glu(b=0.5)`), if any.
    pub fn from_name(name: &str) -> Option<Function> {
        match name {
            "prelu" => Some(Function::Prelu),
            "lse0_plus" => Some(Function::Lse0Plus),
            "swiglu" => Some(Function::Gated(K::Silu.with_default())),
            "geglu" => Some(Function::Gated(K::Gelu.with_default())),
            "geglu_tanh" => Some(Function::Gated(K::GeluTanh.with_default())),
            "reglu" => Some(Function::Gated(K::Relu.with_default())),
            _ => match name.split_once("_glu") {
                Some((f, param)) => format!("{f}{param}").parse().ok().map(Function::Gated),
                None => name.parse().ok().map(Function::Elementwise),
            },
        }
    }

    /// The elementwise function's kind, `None` for PReLU, LSE0+ and the gated ones.
    pub fn kind(self) -> Option<ElementwiseKind> {
        match self {
            Function::Elementwise(e) => Some(e.kind()),
            _ => None,
        }
    }

    /// The gate's function of a gated activation, `None` for the others.
    pub fn gate(self) -> Option<Elementwise> {
        match self {
            Function::Gated(e) => Some(e),
            _ => None,
        }
    }

    /// The parameter measured: the elementwise function's (0 for those without one), PReLU's
    /// slope, LSE0+'s dim (1).
    pub fn param(self) -> f64 {
        match self {
            Function::Elementwise(e) | Function::Gated(e) => e.param().unwrap_or(0.0),
            Function::Prelu => PRELU_ALPHA,
            Function::Lse0Plus => 1.0,
        }
    }

    /// Whether its output has the input's shape (all but LSE0+), so it can run in place.
    pub fn is_shape_preserving(self) -> bool {
        self != Function::Lse0Plus
    }
}

impl From<ElementwiseKind> for Function {
    /// The elementwise function at its default parameter.
    fn from(kind: ElementwiseKind) -> Self {
        Function::Elementwise(kind.with_default())
    }
}

impl fmt::Display for Function {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How a case is computed; see the crate docs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Variant {
    /// Our fused op.
    Fused,
    /// Our fused op on a uniquely owned input (overwritten).
    FusedInplace,
    /// The function composed from the framework's tensor ops.
    Composed,
    /// The framework's own op for the function.
    Builtin,
    /// The framework's own ReLU, the baseline.
    Relu,
}

impl Variant {
    /// Every variant, in table order.
    pub const ALL: [Variant; 5] = [
        Variant::Fused,
        Variant::FusedInplace,
        Variant::Composed,
        Variant::Builtin,
        Variant::Relu,
    ];

    /// `fused`, `fused_inplace`, `composed`, `builtin`, `relu`.
    pub fn name(self) -> &'static str {
        match self {
            Variant::Fused => "fused",
            Variant::FusedInplace => "fused_inplace",
            Variant::Composed => "composed",
            Variant::Builtin => "builtin",
            Variant::Relu => "relu",
        }
    }
}

impl fmt::Display for Variant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What is measured, less the variant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Case {
    /// The framework and device.
    pub backend: Backend,
    /// The function.
    pub function: Function,
    /// The element type.
    pub dtype: Dtype,
    /// The number of elements of `x` (a multiple of [`ROW`]).
    pub size: usize,
    /// Forward, or forward and backward.
    pub pass: Pass,
}

impl Case {
    /// The bytes one call moves, as defined in the crate docs.
    pub fn bytes(&self) -> u64 {
        bytes_moved(self.function, self.pass, self.size, self.dtype.size())
    }
}

/// The bytes one call of `function` moves over `n` elements of `s` bytes (see the crate docs).
pub fn bytes_moved(function: Function, pass: Pass, n: usize, s: usize) -> u64 {
    let (n, s, row) = (n as u64, s as u64, ROW as u64);
    let full = n * s;
    match (function, pass) {
        (Function::Lse0Plus, Pass::Fwd) => full + full / row,
        (Function::Lse0Plus, Pass::FwdBwd | Pass::Layer) => 3 * full + 2 * full / row,
        (Function::Gated(_), Pass::Fwd) => 3 * full,
        (Function::Gated(_), Pass::FwdBwd | Pass::Layer) => 8 * full,
        (_, Pass::Fwd) => 2 * full,
        (_, Pass::FwdBwd | Pass::Layer) => 5 * full,
    }
}

/// `4Ki`, `256Ki`, `16Mi` for powers of two times 1024, else the number.
pub fn format_size(n: usize) -> String {
    if n >= 1 << 20 && n.is_multiple_of(1 << 20) {
        format!("{}Mi", n >> 20)
    } else if n >= 1 << 10 && n.is_multiple_of(1 << 10) {
        format!("{}Ki", n >> 10)
    } else {
        n.to_string()
    }
}

/// Parses `4096`, `4Ki`, `256Ki`, `16Mi`, `1Gi` (also `4k`, `16M`, binary multiples).
pub fn parse_size(s: &str) -> Option<usize> {
    let s = s.trim();
    let (digits, mult) = [("Ki", 1usize << 10), ("Mi", 1 << 20), ("Gi", 1 << 30)]
        .iter()
        .chain(&[
            ("k", 1 << 10),
            ("K", 1 << 10),
            ("M", 1 << 20),
            ("G", 1 << 30),
        ])
        .find_map(|&(suffix, m)| s.strip_suffix(suffix).map(|d| (d, m)))
        .unwrap_or((s, 1));
    digits.parse::<usize>().ok()?.checked_mul(mult)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_round_trip() {
        for (text, n) in [("4Ki", 4096), ("256Ki", 262_144), ("16Mi", 1 << 24)] {
            assert_eq!(parse_size(text), Some(n));
            assert_eq!(format_size(n), text);
        }
        assert_eq!(parse_size("100"), Some(100));
        assert_eq!(parse_size("16M"), Some(1 << 24));
        assert_eq!(parse_size("x"), None);
    }

    #[test]
    fn bytes_follow_the_documented_formulas() {
        let sp = Function::from(ElementwiseKind::Squareplus);
        assert_eq!(bytes_moved(sp, Pass::Fwd, 1024, 4), 2 * 4096);
        assert_eq!(bytes_moved(sp, Pass::FwdBwd, 1024, 4), 5 * 4096);
        assert_eq!(
            bytes_moved(Function::Lse0Plus, Pass::Fwd, 1024, 4),
            4096 + 64
        );
    }

    #[test]
    fn every_function_has_a_unique_name() {
        let all = Function::all();
        for f in &all {
            assert_eq!(Function::from_name(f.name()), Some(*f));
        }
        assert_eq!(all.len(), 13);
        let sp = Function::from_name("squareplus(b=0.5)").unwrap();
        assert_eq!(sp.name(), "squareplus");
        assert_eq!(sp.param(), 0.5);
        assert_eq!(Function::from_name("squareplus(b=-1)"), None);
        for f in Function::gated() {
            assert_eq!(Function::from_name(f.name()), Some(f));
        }
        let g = Function::from_name("squareplus_glu(b=0.5)").unwrap();
        assert_eq!((g.name(), g.param()), ("squareplus_glu", 0.5));
        assert_eq!(
            Function::from_name("relu_glu"),
            Function::from_name("reglu")
        );
    }
}
