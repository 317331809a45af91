//! The benchmark input: `n` values spread over `[-6, 6]`, the same in every backend and run.
//!
//! Half the values are negative, so branchy kernels take both sides; none is NaN, infinite or
//! subnormal (those take slow paths on some CPUs and are not what a network's activations look
//! like).

/// The half-width of the input range.
pub const RANGE: f32 = 6.0;

/// `n` deterministic values in `[-RANGE, RANGE)` (a xorshift sequence).
pub fn values(n: usize) -> Vec<f32> {
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    (0..n)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let u = (state >> 40) as f32 / (1u64 << 24) as f32; // [0, 1)
            (2.0 * u - 1.0) * RANGE
        })
        .collect()
}

/// A second input of `n` values in `[-RANGE, RANGE)`, not a function of [`values`]' at the same
/// index: the gated functions' `up` (the values reversed).
pub fn up_values(n: usize) -> Vec<f32> {
    let mut v = values(n);
    v.reverse();
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_in_range_and_both_signs() {
        let v = values(10_000);
        assert!(v.iter().all(|x| x.is_finite() && x.abs() <= RANGE));
        let negative = v.iter().filter(|&&x| x < 0.0).count();
        assert!((4_000..6_000).contains(&negative), "{negative}");
    }
}
