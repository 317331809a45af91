//! Shared f64 building blocks of the formulas.

/// `1/sqrt(2 pi)`, the normal density's constant (GELU).
pub(crate) const FRAC_1_SQRT_2PI: f64 = 0.3989422804014327;

/// `(sigmoid(v), sigmoid(-v))`, each with relative error below 1.5 ULP for every `v`:
/// one `exp` of `-|v|` (which cannot overflow) and one division.
#[inline(always)]
pub(crate) fn sigmoid_pair(v: f64) -> (f64, f64) {
    let e = (-v.abs()).exp();
    let r = 1.0 / (1.0 + e);
    let s = e * r;
    if v >= 0.0 { (r, s) } else { (s, r) }
}

/// `600 ln 2` as a double-double (mpmath, 200 bits), and `2^-600`.
const SHIFT_HI: f64 = 415.88830833596717; // 0x1.9fe3682cd3be4p+8
const SHIFT_LO: f64 = 1.8355172981578424e-14; // 0x1.4aa84b6b3b125p-46
/// `2^-600`: multiplying by it is exact unless the product is subnormal.
pub(crate) const TWO_M600: f64 = f64::from_bits((1023 - 600) << 52);

/// `e^(x + x_lo) * 2^600`: the exponential of a double-double argument, scaled so that it
/// stays normal down to `x = -1300`. Callers finish with `* TWO_M600`, so a result that is
/// normal keeps full precision even though `e^x` alone would be subnormal (or 0) there.
#[inline(always)]
pub(crate) fn exp_up(x: f64, x_lo: f64) -> f64 {
    let (s, e) = crate::support::dd::two_sum(x, SHIFT_HI);
    s.exp() * (1.0 + (e + SHIFT_LO + x_lo))
}

/// `1 / n!` for `n < 28`, each the f64 nearest to the ratio of two f64s (exact up to 18!).
const INV_FACT: [f64; 28] = {
    let mut out = [0.0; 28];
    let mut fact = 1.0;
    let mut n = 0;
    while n < 28 {
        if n > 0 {
            fact *= n as f64;
        }
        out[n] = 1.0 / fact;
        n += 1;
    }
    out
};

/// `e^u - 1 - u`, accurate also where the terms cancel (small `u`).
///
/// Taylor series on `[-1, 2]` (27 terms reach 2^-60 relative at `u = 2`); outside, the
/// terms no longer cancel badly: `expm1(u) - u` loses at most 1.5x for `u > 2`, and for
/// `u < -1` `e^u + (-1 - u)` adds two positive numbers.
#[inline(always)]
pub(crate) fn expm1mx(u: f64) -> f64 {
    if (-1.0..=2.0).contains(&u) {
        let mut p = INV_FACT[27];
        let mut n = 26;
        while n >= 2 {
            p = p * u + INV_FACT[n];
            n -= 1;
        }
        p * u * u
    } else if u > 2.0 {
        u.exp_m1() - u
    } else {
        u.exp() + (-1.0 - u)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sigmoid_pair_tails() {
        // mpmath: 1/(1+exp(800)) = 3.7278e-348 underflows to 0 in f64.
        assert_eq!(sigmoid_pair(800.0), (1.0, 0.0));
        assert_eq!(sigmoid_pair(-800.0), (0.0, 1.0));
        assert_eq!(sigmoid_pair(0.0), (0.5, 0.5));
        // mpmath: 1/(1+exp(700)) = 9.8596765437597708567e-305
        let (_, s) = sigmoid_pair(700.0);
        assert!((s / 9.859_676_543_759_77e-305 - 1.0).abs() < 4e-16);
    }

    #[test]
    fn expm1mx_matches_mpmath() {
        // mpmath (prec 300): expm1(u) - u at u = 1e-5, 0.5, 2.0, -0.5, -1.5, 30
        let cases = [
            (1e-5, 5.000_016_666_708_333_4e-11),
            (0.5, 0.148_721_270_700_128_15),
            (2.0, 4.389_056_098_930_65),
            (-0.5, 0.106_530_659_712_633_42),
            (-1.5, 0.723_130_160_148_429_8),
            (30.0, 10_686_474_581_493.462),
        ];
        for (u, want) in cases {
            let got = expm1mx(u);
            assert!(
                (got / want - 1.0).abs() < 3e-16,
                "u={u}: {got:e} vs {want:e}"
            );
        }
    }
}
