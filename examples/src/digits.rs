//! The UCI handwritten digits (8x8 images, 1,797 samples, 10 classes; `data/DIGITS.md`),
//! shuffled with a fixed seed and split into training and test sets.

use burn::tensor::{Device, Int, Tensor, TensorData};

/// Samples as rows of 64 pixels scaled to [0, 1], and their digits.
#[derive(Clone, Debug)]
pub struct Split {
    /// `[n, 64]` pixels, row-major.
    pub pixels: Vec<f32>,
    /// `n` digits.
    pub labels: Vec<i64>,
}

impl Split {
    /// The number of samples.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Whether there are no samples.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Samples `start..end` as tensors on `device`.
    pub fn batch(&self, start: usize, end: usize, device: &Device) -> (Tensor<2>, Tensor<1, Int>) {
        let x = self.pixels[start * 64..end * 64].to_vec();
        let y = self.labels[start..end].to_vec();
        (
            Tensor::from_data(TensorData::new(x, [end - start, 64]), device),
            Tensor::from_data(TensorData::new(y, [end - start]), device),
        )
    }
}

/// The data set, shuffled with `seed`, as (training, test) with `test_fraction` held out.
pub fn load(seed: u64, test_fraction: f64) -> (Split, Split) {
    let text = include_str!("../data/digits.csv");
    let mut rows: Vec<(Vec<f32>, i64)> = text
        .lines()
        .map(|line| {
            let v: Vec<f32> = line
                .split(',')
                .map(|s| s.trim().parse().expect("a number"))
                .collect();
            (v[..64].iter().map(|p| p / 16.0).collect(), v[64] as i64)
        })
        .collect();
    assert_eq!(rows.len(), 1797, "digits.csv has 1,797 samples");
    shuffle(&mut rows, seed);
    let n_test = (rows.len() as f64 * test_fraction).round() as usize;
    let to_split = |rows: &[(Vec<f32>, i64)]| Split {
        pixels: rows.iter().flat_map(|(x, _)| x.iter().copied()).collect(),
        labels: rows.iter().map(|(_, y)| *y).collect(),
    };
    (to_split(&rows[n_test..]), to_split(&rows[..n_test]))
}

/// Fisher-Yates with a SplitMix64 stream: the same order on every machine.
pub fn shuffle<T>(v: &mut [T], seed: u64) {
    let mut state = seed;
    let mut next = || {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    for i in (1..v.len()).rev() {
        let j = (next() % (i as u64 + 1)) as usize;
        v.swap(i, j);
    }
}
