//! The gated kernels, `f(gate) * up`: equal to the scalar definition bit for bit (below and above
//! the parallel threshold, every dtype), within 1.5 ULP of `f(gate) up` in f32 where the
//! result is normal (reference: the core's f64 evaluation, itself within 2 ULP of mpmath in f64
//! per `tests/reference.rs`, far below an f32 ULP), NaN and infinities as the composition
//! gives them, empty slices.

mod support;

use rectifiers_core::{Float, Rectifier, bf16, f16, kernel, kernel::PARALLEL_MIN_LEN};
use support::{edge_cases_f64, functions, ulps32};

/// Deterministic values: the edge cases, then a spread over [-40, 40] and tiny magnitudes.
fn values(len: usize, seed: u64) -> Vec<f64> {
    let mut state = seed;
    let mut v: Vec<f64> = edge_cases_f64();
    v.rotate_left((seed % 7) as usize);
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

/// The kernels equal `T::gated` / `T::gated_backward` element by element.
fn check_kernel<R: Rectifier, T: Float>(r: &R, len: usize) {
    let of = |v: Vec<f64>| v.into_iter().map(T::from_f64).collect::<Vec<T>>();
    let (gate, up, dy) = (
        of(values(len, 0x2545_f491_4f6c_dd1d)),
        of(values(len, 0x9e37_79b9_7f4a_7c15)),
        of(values(len, 0x1234_5678_9abc_def1)),
    );
    let mut y = vec![T::ZERO; len];
    kernel::gated_forward(r, &gate, &up, &mut y);
    let (mut d_gate, mut d_up) = (vec![T::ZERO; len], vec![T::ZERO; len]);
    kernel::gated_backward(r, &gate, &up, &dy, &mut d_gate, &mut d_up);
    for i in 0..len {
        let (g, u) = (gate[i], up[i]);
        assert!(same(y[i], T::gated(r, g, u)), "{r:?} y at {g:?}, {u:?}");
        let (dg, du) = T::gated_backward(r, g, u, dy[i]);
        assert!(same(d_gate[i], dg), "{r:?} d_gate at {g:?}");
        assert!(same(d_up[i], du), "{r:?} d_up at {g:?}");
    }
}

#[test]
fn kernels_equal_the_scalar_definition_for_every_dtype() {
    for f in functions() {
        for len in [0, 1, 37, PARALLEL_MIN_LEN + 1000] {
            check_kernel::<_, f32>(&f, len);
            check_kernel::<_, f64>(&f, len);
            check_kernel::<_, f16>(&f, len);
            check_kernel::<_, bf16>(&f, len);
        }
    }
}

/// f32: `f(gate) up`, `dy up f'(gate)` and `dy f(gate)` within 1.5 ULP of the exact product of
/// the core's f64 values where the result and the f32 `f(gate)` (`f'(gate)`) are normal (a
/// subnormal f32 value has lost relative precision before the multiplication, as in a composed
/// f32 evaluation); specials as the product gives them.
#[test]
fn f32_within_one_and_a_half_ulp() {
    let n = 20_000;
    let f32s = |seed| -> Vec<f32> { values(n, seed).into_iter().map(|v| v as f32).collect() };
    let (gate, up, dy) = (
        f32s(0x2545_f491_4f6c_dd1d),
        f32s(0x9e37_79b9_7f4a_7c15),
        f32s(0x1234_5678_9abc_def1),
    );
    for f in functions() {
        let mut worst = [0.0f64; 3];
        for i in 0..n {
            let (g, u, d) = (gate[i], up[i], dy[i]);
            let (a, a1) = (f.forward_f64(g as f64), f.derivative_f64(g as f64));
            let wants = [a * u as f64, d as f64 * u as f64 * a1, d as f64 * a];
            let y = f32::gated(&f, g, u);
            let (dg, du) = f32::gated_backward(&f, g, u, d);
            // The f32 factor is normal, or exact (0, infinite, NaN as in f64).
            let ok = |v: f64| {
                let r = v as f32;
                r.is_normal() || r as f64 == v || (r.is_nan() && v.is_nan())
            };
            let factor_ok = [ok(a), ok(a1), ok(a)];
            for (k, (got, want)) in [y, dg, du].into_iter().zip(wants).enumerate() {
                let rounded = want as f32;
                if !factor_ok[k] {
                    continue;
                }
                if rounded.is_normal() && got.is_finite() {
                    let e = ulps32(got, want);
                    worst[k] = worst[k].max(e);
                    assert!(
                        e <= 1.5,
                        "{f} output {k} at gate {g:e}, up {u:e}: {got:e}, exact {want:e} ({e:.2} ULP)"
                    );
                } else if rounded.is_nan() {
                    assert!(
                        got.is_nan(),
                        "{f} output {k} at gate {g:e}, up {u:e}: {got:e}, want NaN"
                    );
                } else if rounded.is_infinite() {
                    assert_eq!(got, rounded, "{f} output {k} at gate {g:e}, up {u:e}");
                }
            }
        }
        println!(
            "{f}: max ULP y {:.2}, d_gate {:.2}, d_up {:.2}",
            worst[0], worst[1], worst[2]
        );
    }
}

/// f16 and bf16 round once from f32: at most half an ULP of the type from the f32 value.
#[test]
fn half_types_round_once_from_f32() {
    let n = 4096;
    let (gate, up) = (values(n, 3), values(n, 5));
    for f in functions() {
        for i in 0..n {
            let (g, u) = (f16::from_f64(gate[i]), f16::from_f64(up[i]));
            let wide = f32::gated(&f, g.to_f32(), u.to_f32());
            assert!(
                same(f16::gated(&f, g, u), f16::from_f32(wide)),
                "{f} f16 at {g}, {u}"
            );
            let (g, u) = (bf16::from_f64(gate[i]), bf16::from_f64(up[i]));
            let wide = f32::gated(&f, g.to_f32(), u.to_f32());
            assert!(
                same(bf16::gated(&f, g, u), bf16::from_f32(wide)),
                "{f} bf16 at {g}, {u}"
            );
        }
    }
}

#[test]
#[should_panic(expected = "up has 2 elements, the gate has 3")]
fn mismatched_lengths_panic_with_the_lengths() {
    let mut y = [0.0f32; 3];
    kernel::gated_forward(
        &rectifiers_core::Silu,
        &[1.0, 2.0, 3.0],
        &[1.0, 2.0],
        &mut y,
    );
}
