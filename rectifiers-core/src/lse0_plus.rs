//! LSE0+: `ln(1 + sum_i e^(x_i))`, the log-sum-exp with an extra zero logit.

use crate::support::{dd, sum::Sum};

/// The row maximum clamped at 0, the index of the first element reaching it (if it is > 0),
/// and whether the row holds a NaN.
#[inline]
fn shift(row: impl Iterator<Item = f64>) -> (f64, Option<usize>, bool) {
    let mut m = 0.0;
    let mut at = None;
    let mut nan = false;
    for (i, v) in row.enumerate() {
        if v > m {
            m = v;
            at = Some(i);
        }
        nan |= v.is_nan();
    }
    (m, at, nan)
}

/// Shifted pieces of one row: `m = max(0, max_i x_i)` and
/// `r = e^(-m) + sum over i != argmax of e^(x_i - m)`, so that `lse0+ = m + log1p(r)`.
/// With `m = 0`, `r` is the plain `sum_i e^(x_i)`.
#[inline]
fn pieces(row: &[f64]) -> (f64, f64) {
    let (m, at, nan) = shift(row.iter().copied());
    if nan {
        return (f64::NAN, f64::NAN);
    }
    if m == f64::INFINITY {
        return (m, 0.0);
    }
    let mut r = Sum::default();
    if at.is_some() {
        r.add((-m).exp());
    }
    for (i, &v) in row.iter().enumerate() {
        if Some(i) != at {
            r.add((v - m).exp());
        }
    }
    (m, r.value())
}

/// `ln(1 + sum_i e^(x_i))` over one row, in f64.
///
/// Shifted by `m = max(0, max_i x_i)` so nothing overflows, and written as `m + log1p(r)` so
/// a row of very negative values keeps full relative precision (`lse0+([-50]) = e^-50`).
/// An empty row gives 0; a NaN gives NaN; `+inf` gives `+inf`.
///
/// ```
/// use rectifiers_core::lse0_plus::lse0_plus;
/// assert_eq!(lse0_plus(&[]), 0.0);
/// assert_eq!(lse0_plus(&[0.0]), std::f64::consts::LN_2);
/// // mpmath: log(1 + exp(1000) + exp(0) + exp(-1000)) = 1000.0
/// assert_eq!(lse0_plus(&[1000.0, 0.0, -1000.0]), 1000.0);
/// ```
pub fn lse0_plus(row: &[f64]) -> f64 {
    let (m, r) = pieces(row);
    m + r.ln_1p()
}

/// The gradient of [`lse0_plus`]: `g_i = e^(x_i) / (1 + sum_j e^(x_j))`, the softmax with a
/// zero logit, written into `g`.
///
/// Computed as `e^(x_i - m) / (e^(-m) + sum_j e^(x_j - m))` with the rounding of `x_i - m`
/// carried, not from the rounded output. With `+inf` entries, each gets `1 / count`; a `-inf`
/// entry gets 0.
///
/// ```
/// use rectifiers_core::lse0_plus::lse0_plus_gradient;
/// let mut g = [0.0; 2];
/// lse0_plus_gradient(&[f64::NEG_INFINITY, 0.0], &mut g);
/// assert_eq!(g, [0.0, 0.5]); // e^0 / (1 + e^-inf + e^0)
/// ```
///
/// # Panics
/// If `g.len() != row.len()`.
pub fn lse0_plus_gradient(row: &[f64], g: &mut [f64]) {
    assert_eq!(
        g.len(),
        row.len(),
        "lse0_plus: gradient and row lengths differ"
    );
    let (m, at, nan) = shift(row.iter().copied());
    if nan {
        g.fill(f64::NAN);
        return;
    }
    if m == f64::INFINITY {
        let n = row.iter().filter(|&&v| v == m).count() as f64;
        for (g, &v) in g.iter_mut().zip(row) {
            *g = if v == m { 1.0 / n } else { 0.0 };
        }
        return;
    }
    // One exp per element: the shifted terms are the numerators and, but for the argmax,
    // also the sum r; 1 + sum_j e^(x_j) = e^m (1 + r), the 1 being the argmax term or the
    // zero logit if m = 0.
    let mut r = Sum::default();
    if at.is_some() {
        r.add((-m).exp());
    }
    for (i, (g, &v)) in g.iter_mut().zip(row).enumerate() {
        let (d, d_lo) = dd::two_sum(v, -m);
        // A `-inf` entry has weight 0 (its `d_lo` is NaN: `-inf - -inf`).
        *g = if d == f64::NEG_INFINITY {
            0.0
        } else {
            d.exp() * (1.0 + d_lo)
        };
        if Some(i) != at {
            r.add(*g);
        }
    }
    let denom = 1.0 + r.value();
    for g in g.iter_mut() {
        *g /= denom;
    }
}
