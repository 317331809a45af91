//! What the function files share: double-double arithmetic ([`dd`]), the scalar helpers of the
//! careful f64 paths ([`math`]), the branch-free f64 `exp`/`expm1`/`log1p` of the vectorised f32
//! paths ([`vmath`]) and their `f32` counterparts ([`vmath32`]), compensated sums ([`sum`]) and the element types ([`float`]).

pub(crate) mod dd;
pub(crate) mod float;
pub(crate) mod math;
pub(crate) mod sum;
pub(crate) mod vmath;
pub(crate) mod vmath32;
