//! Fused CPU slice kernels: one pass over memory, split across threads above a measured
//! length ([`PARALLEL_MIN_LEN`], or [`CHEAP_PARALLEL_MIN_LEN`] for the memory-bound ones).
//!
//! Every kernel computes exactly what the scalar functions compute, bit for bit: the
//! elementwise kernels call [`Rectifier::forward`](crate::Rectifier::forward) and
//! [`Rectifier::derivative`](crate::Rectifier::derivative), and backward is
//! `dx = dy * f'(x)` rounded in the element type.
//!
//! Backward saves the input `x`: it gives the exact derivative for every function at the same
//! cost as the output would (for ELU the output would cancel: `f' = y + a`).

mod elementwise;
mod gated;
mod lse0_plus;
mod parallel;
mod prelu;
mod simd;

pub use elementwise::{backward, backward_in_place, forward, forward_in_place};
pub use gated::{gated_backward, gated_forward};
pub use lse0_plus::{lse0_plus_backward, lse0_plus_forward};
pub use parallel::{CHEAP_PARALLEL_MIN_LEN, PARALLEL_MIN_LEN};
pub use prelu::{prelu_backward, prelu_forward};
pub use simd::{SimdLevel, simd_level};
