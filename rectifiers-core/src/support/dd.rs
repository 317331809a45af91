//! Double-double helpers: the f64 paths carry the rounding error of a product such as `k x`
//! or `x / sqrt 2` to first order, so that `exp`, `erfc` and friends, whose condition number
//! grows with their argument, do not turn half an ULP of argument error into hundreds.

/// `a * b = hi + lo` exactly (barring overflow): the product and its rounding error.
#[inline(always)]
pub(crate) fn two_prod(a: f64, b: f64) -> (f64, f64) {
    let hi = a * b;
    (hi, a.mul_add(b, -hi))
}

/// `x * (c_hi + c_lo)` as `hi + lo`, for a constant given as a double-double.
#[inline(always)]
pub(crate) fn mul_const(x: f64, c_hi: f64, c_lo: f64) -> (f64, f64) {
    let (hi, lo) = two_prod(x, c_hi);
    (hi, lo + x * c_lo)
}

/// `a + b = s + e` exactly, any magnitudes (Knuth's TwoSum).
#[inline(always)]
pub(crate) fn two_sum(a: f64, b: f64) -> (f64, f64) {
    let s = a + b;
    let bb = s - a;
    (s, (a - (s - bb)) + (b - bb))
}

/// Double-double product `(a_hi + a_lo) (b_hi + b_lo)`, to about 2^-104.
#[inline(always)]
pub(crate) fn mul_dd(a: (f64, f64), b: (f64, f64)) -> (f64, f64) {
    let (p, e) = two_prod(a.0, b.0);
    let e = e + (a.0 * b.1 + a.1 * b.0);
    let s = p + e;
    (s, e - (s - p))
}

/// Double-double sum `(a_hi + a_lo) + (b_hi + b_lo)`.
#[inline(always)]
pub(crate) fn add_dd(a: (f64, f64), b: (f64, f64)) -> (f64, f64) {
    let (s, e) = two_sum(a.0, b.0);
    let e = e + a.1 + b.1;
    let t = s + e;
    (t, e - (t - s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_prod_is_exact() {
        // (1 + 2^-30)^2 = 1 + 2^-29 + 2^-60: the 2^-60 term is the rounding error.
        let a = 1.0 + 2f64.powi(-30);
        let (hi, lo) = two_prod(a, a);
        assert_eq!(hi, 1.0 + 2f64.powi(-29));
        assert_eq!(lo, 2f64.powi(-60));
    }

    #[test]
    fn two_sum_is_exact() {
        let (s, e) = two_sum(1.0, 2f64.powi(-60));
        assert_eq!((s, e), (1.0, 2f64.powi(-60)));
    }
}
