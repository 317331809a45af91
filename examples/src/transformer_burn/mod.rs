//! A transformer feed-forward block as a Burn user writes it, and the same block with
//! burn-rectifiers' activation. The swap is one import: `ActivationConfig` is the type of
//! `FeedForwardConfig::activation` (read from `config.json`) and `Activation` of the block's
//! field.
//!
//! [`feed_forward`] follows burn-nn 0.22.1's own `PositionWiseFeedForward`
//! (`transformer/pwff.rs`): a `#[derive(Config)]` with `d_model`, `d_ff` and an
//! `ActivationConfig` defaulting to `Gelu`, two `Linear`s with Burn's default initialisation
//! (PyTorch's), `linear_outer(activation(linear_inner(x)))`; without pwff's dropout (the demo
//! only runs inference) and with the activation a saved submodule rather than
//! `#[module(skip)]`. `feed_forward_swapped.rs` is the same file with the import changed.
//!
//! [`swiglu_feed_forward`] is LLaMA's feed-forward, `linear_down(SwiGlu(x))` with burn-nn's
//! `SwiGlu` (`silu(linear_inner(x)) * linear_outer(x)`) and no biases;
//! `swiglu_feed_forward_swapped.rs` has burn-rectifiers' `Glu` in its place, which loads
//! `SwiGlu`'s record (SiLU by default).

pub mod feed_forward;
pub mod feed_forward_swapped;
pub mod measure;
pub mod swiglu_feed_forward;
pub mod swiglu_feed_forward_swapped;
