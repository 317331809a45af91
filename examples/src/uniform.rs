//! A seeded stream of uniform values, the same on every machine (Candle's CPU generator cannot
//! be seeded): SplitMix64, 53 bits per value.

/// `n` values uniform in `[-bound, bound]`, continuing the stream at `seed`.
pub fn uniform(n: usize, bound: f64, seed: &mut u64) -> Vec<f32> {
    (0..n)
        .map(|_| {
            *seed = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = *seed;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            let u = ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64;
            ((2.0 * u - 1.0) * bound) as f32
        })
        .collect()
}
