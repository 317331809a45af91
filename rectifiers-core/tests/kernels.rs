//! The slice kernels equal the scalar functions bit for bit, for every function and dtype,
//! below and above the parallel threshold, in place and out of place.

mod support;

use rectifiers_core::{
    Float, Rectifier, bf16, f16,
    kernel::{self, CHEAP_PARALLEL_MIN_LEN, PARALLEL_MIN_LEN},
    lse0_plus, prelu,
};
use support::{edge_cases_f64, functions};

/// Deterministic inputs: the edge cases, then a spread over [-40, 40] and tiny magnitudes.
fn inputs(len: usize) -> Vec<f64> {
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut v: Vec<f64> = edge_cases_f64();
    while v.len() < len {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let u = (state >> 11) as f64 / (1u64 << 53) as f64;
        v.push(if v.len().is_multiple_of(3) {
            (u - 0.5) * 1e-3
        } else {
            (u - 0.5) * 80.0
        });
    }
    v.truncate(len);
    v
}

fn same<T: Float>(a: T, b: T) -> bool {
    a.to_f64().to_bits() == b.to_f64().to_bits() || a.to_f64().is_nan() && b.to_f64().is_nan()
}

fn check_elementwise<R: Rectifier, T: Float>(r: &R, name: &str, len: usize) {
    let x: Vec<T> = inputs(len).into_iter().map(T::from_f64).collect();
    let dy: Vec<T> = inputs(len + 7)[7..]
        .iter()
        .map(|&v| T::from_f64(v))
        .collect();

    let mut y = vec![T::ZERO; len];
    kernel::forward(r, &x, &mut y);
    let mut y2 = x.clone();
    kernel::forward_in_place(r, &mut y2);
    let mut dx = vec![T::ZERO; len];
    kernel::backward(r, &x, &dy, &mut dx);
    let mut dx2 = dy.clone();
    kernel::backward_in_place(r, &x, &mut dx2);

    for i in 0..len {
        let want = r.forward(x[i]);
        assert!(same(y[i], want), "{name} {len} fwd [{i}] x={:?}", x[i]);
        assert!(same(y2[i], want), "{name} {len} fwd in place [{i}]");
        let want = dy[i].mul(r.derivative(x[i]));
        assert!(same(dx[i], want), "{name} {len} bwd [{i}] x={:?}", x[i]);
        assert!(same(dx2[i], want), "{name} {len} bwd in place [{i}]");
    }
}

const LENS: [usize; 6] = [
    0,
    1,
    37,
    4099,
    PARALLEL_MIN_LEN + 4097,
    CHEAP_PARALLEL_MIN_LEN + 4097,
];

#[test]
fn elementwise_kernels_equal_scalar_bit_for_bit() {
    for f in functions() {
        let name = f.to_string();
        for len in LENS {
            check_elementwise::<_, f64>(&f, &name, len);
            check_elementwise::<_, f32>(&f, &name, len);
            check_elementwise::<_, f16>(&f, &name, len);
            check_elementwise::<_, bf16>(&f, &name, len);
        }
    }
}

#[test]
fn half_types_round_the_f32_result_once() {
    let f = rectifiers_core::Squareplus::default();
    for x in inputs(1000) {
        let h = f16::from_f64(x);
        assert!(same(f.forward(h), f16::from_f32(f.forward(h.to_f32()))));
        let b = bf16::from_f64(x);
        assert!(same(
            f.derivative(b),
            bf16::from_f32(f.derivative(b.to_f32()))
        ));
    }
}

#[test]
#[should_panic(expected = "the output has 2 elements, the input has 3")]
fn length_mismatch_panics_with_a_message() {
    let mut y = [0.0_f32; 2];
    kernel::forward(&rectifiers_core::Relu, &[1.0, 2.0, 3.0], &mut y);
}

fn check_prelu<T: Float>(outer: usize, c: usize, inner: usize) {
    let len = outer * c * inner;
    let x: Vec<T> = inputs(len).into_iter().map(T::from_f64).collect();
    let dy: Vec<T> = inputs(len + 3)[3..]
        .iter()
        .map(|&v| T::from_f64(v))
        .collect();
    let alpha: Vec<T> = (0..c).map(|i| T::from_f64(0.25 - 0.1 * i as f64)).collect();

    let mut y = vec![T::ZERO; len];
    kernel::prelu_forward(&x, &alpha, inner, &mut y);
    let mut dx = vec![T::ZERO; len];
    let mut da = vec![T::ZERO; c];
    kernel::prelu_backward(&x, &alpha, &dy, inner, &mut dx, &mut da);

    // Reference: the plain loop over [outer, c, inner]; dalpha against a plain f64 sum, which
    // the compensated kernel sum differs from by rounding only (its exactness is tested in
    // `prelu_dalpha_loses_no_precision_over_4m_elements`).
    let mut want_da = vec![0.0_f64; c];
    for i in 0..len {
        let ch = (i / inner) % c;
        assert!(same(y[i], prelu::prelu(x[i], alpha[ch])), "prelu fwd [{i}]");
        assert!(
            same(dx[i], dy[i].mul(prelu::prelu_derivative(x[i], alpha[ch]))),
            "bwd [{i}]"
        );
        if x[i].partial_cmp(&T::ZERO) != Some(std::cmp::Ordering::Greater) {
            want_da[ch] += x[i].to_f64() * dy[i].to_f64();
        }
    }
    for ch in 0..c {
        let (got, want) = (da[ch].to_f64(), T::from_f64(want_da[ch]).to_f64());
        let ok = got == want
            || got.is_nan() && want.is_nan()
            || (got - want).abs() <= 1e-6 * want.abs().max(1e-300);
        assert!(ok, "dalpha[{ch}] {got:e} vs {want:e} ({outer}x{c}x{inner})");
    }
}

#[test]
fn prelu_kernels_match_the_per_channel_loop() {
    for (outer, c, inner) in [
        (0, 3, 4),
        (1, 1, 1),
        (2, 3, 5),
        (4, 16, 1),
        (3, 7, 4096),
        (1, 1, 300_000),
        (4, 3, 30_000),
    ] {
        check_prelu::<f32>(outer, c, inner);
        check_prelu::<f64>(outer, c, inner);
        check_prelu::<bf16>(outer, c, inner);
    }
}

#[test]
fn prelu_dalpha_loses_no_precision_over_4m_elements() {
    // sum of 2^22 copies of x dy = -1 * 0.1: exactly 2^22 * 0.1 in both f32 and f64, which a
    // plain running sum misses by hundreds of ULP.
    let n = 1 << 22;
    let x = vec![-1.0_f64; n];
    let dy = vec![0.1_f64; n];
    let mut dx = vec![0.0; n];
    let mut da = [0.0];
    kernel::prelu_backward(&x, &[0.25], &dy, 1, &mut dx, &mut da);
    assert_eq!(da[0], -0.1 * n as f64);

    let x = vec![-1.0_f32; n];
    let dy = vec![0.1_f32; n];
    let mut dx = vec![0.0; n];
    let mut da = [0.0_f32];
    kernel::prelu_backward(&x, &[0.25], &dy, 1, &mut dx, &mut da);
    assert_eq!(da[0], (-(0.1_f32 as f64) * n as f64) as f32);
}

#[test]
fn lse0_plus_kernels_match_the_row_function() {
    for (rows, n) in [(0, 5), (3, 0), (4, 1), (5, 17), (40, 1000), (3, 20_000)] {
        let x = inputs(rows * n);
        let dy = inputs(rows + 5)[5..].to_vec();
        let mut y = vec![0.0; rows];
        kernel::lse0_plus_forward(&x, n, &mut y);
        let mut dx = vec![0.0; rows * n];
        kernel::lse0_plus_backward(&x, &dy, n, &mut dx);
        let mut g = vec![0.0; n];
        for r in 0..rows {
            let row = &x[r * n..(r + 1) * n];
            assert!(
                same(y[r], lse0_plus::lse0_plus(row)),
                "row {r} of {rows}x{n}"
            );
            lse0_plus::lse0_plus_gradient(row, &mut g);
            for i in 0..n {
                assert!(
                    same(dx[r * n + i], dy[r] * g[i]),
                    "grad [{r}, {i}] of {rows}x{n}"
                );
            }
        }
        // f32: evaluated in f64 from the widened row, rounded once.
        let x32: Vec<f32> = x.iter().map(|&v| v as f32).collect();
        let mut y32 = vec![0.0_f32; rows];
        kernel::lse0_plus_forward(&x32, n, &mut y32);
        for r in 0..rows {
            let row: Vec<f64> = x32[r * n..(r + 1) * n].iter().map(|&v| v as f64).collect();
            assert!(
                same(y32[r], lse0_plus::lse0_plus(&row) as f32),
                "f32 row {r}"
            );
        }
    }
}
