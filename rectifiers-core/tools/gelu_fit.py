"""Coefficients of the branch-free f32 GELU (rectifiers-core/src/gelu_f32.rs).

Two sets: the derivative's (`phi_pair`, to 2^-60: GELU' = Phi + x phi has a zero near
x = -0.75, where the cancellation needs every bit) and the forward's (`phi_fast`, to 2^-36:
x Phi(x) has no cancellation, so the f32 result rounded from it is within 2^-12 ULP of
correctly rounded), printed one after the other.

The derivative's: Phi(x) = 1/2 + phi(x) S(x) with S(x) = sum x^(2n+1) / (2n+1)!! (all terms
of one sign) for |x| <= 2, and for a = |x| in [2, 16] the Mills ratio R(a) = Q(a) / phi(a) as
a polynomial in u = (1/a - C) / H. The forward's: one piece for every a in [0, 16],
Phi(-a) = e^(-a^2/2) u G(u) with u = 1/(a + 5) and G a polynomial in (u - C) / H. Both fitted
with mpmath.chebyfit at 200 bits.

    python3 -m venv /tmp/mp && /tmp/mp/bin/pip install mpmath==1.3.0
    /tmp/mp/bin/python rectifiers-core/tools/gelu_fit.py
"""
import mpmath as mp

mp.mp.prec = 200

def fit(bits, prefix, first_degree):
    # S(x) = x sum_n (x^2)^n / (2n+1)!!: terms for |x| <= 2 until 4^n / (2n+1)!! < 2^-60 S(2).
    terms = []
    dfact = mp.mpf(1)
    for n in range(40):
        if n > 0:
            dfact *= 2 * n + 1
        terms.append(1 / dfact)
        if mp.mpf(4) ** n / dfact < mp.mpf(2) ** -(bits + 2):
            break
    print(f"// S series: {len(terms)} terms (last 4^n/(2n+1)!! = {float(mp.mpf(4)**(len(terms)-1)/dfact):.3e})")
    print(f"const {prefix}S_SERIES: [f64; {len(terms)}] = [")
    for c in reversed(terms):
        print(f"    {float(c)!r},")
    print("];")

    LO, HI = mp.mpf(1) / 16, mp.mpf(1) / 2
    C, H = (LO + HI) / 2, (HI - LO) / 2


    def mills(u):
        t = C + H * u
        a = 1 / t
        q = mp.erfc(a / mp.sqrt(2)) / 2
        phi = mp.exp(-a * a / 2) / mp.sqrt(2 * mp.pi)
        return q / phi


    for deg in range(first_degree, 40):
        poly, err = mp.chebyfit(mills, [-1, 1], deg + 1, error=True)
        # relative to R(2) = 0.42 at the small end, R(16) = 0.0622 at the other: take the minimum
        rel = err / mills(mp.mpf(-1))
        if rel < mp.mpf(2) ** -bits:
            break
    print(f"// Mills ratio: degree {deg}, max abs error {float(err):.3e}, relative <= {float(rel):.3e}")
    print(f"const {prefix}MILLS_C: f64 = {float(C)!r};")
    print(f"const {prefix}MILLS_INV_H: f64 = {float(1/H)!r};")
    print(f"const {prefix}MILLS: [f64; {len(poly)}] = [")
    for c in poly:
        print(f"    {float(c)!r},")
    print("];")


def fit_one_piece(bits, shift, first_degree):
    """The forward's Phi(-a) = e^(-a^2/2) u G(u), u = 1/(a + shift): one polynomial G for all
    a in [0, 16] (G = R / (sqrt(2 pi) u) lies in [0.5, 2.5], so its absolute error bounds its
    relative one within a factor 2)."""
    shift = mp.mpf(shift)
    LO, HI = 1 / (16 + shift), 1 / shift
    C, H = (LO + HI) / 2, (HI - LO) / 2

    def g(t):
        u = C + H * t
        a = 1 / u - shift
        q = mp.erfc(a / mp.sqrt(2)) / 2
        return q / mp.exp(-a * a / 2) / u

    for deg in range(first_degree, 40):
        poly, err = mp.chebyfit(g, [-1, 1], deg + 1, error=True)
        rel = err / min(g(mp.mpf(-1)), g(mp.mpf(1)))
        if rel < mp.mpf(2) ** -bits:
            break
    print(f"// Mills ratio over u: degree {deg}, max abs error {float(err):.3e}, relative <= {float(rel):.3e}")
    print(f"const FAST_MILLS_SHIFT: f64 = {float(shift)!r};")
    print(f"const FAST_MILLS_C: f64 = {float(C)!r};")
    print(f"const FAST_MILLS_INV_H: f64 = {float(1/H)!r};")
    print(f"const FAST_MILLS: [f64; {len(poly)}] = [")
    for c in poly:
        print(f"    {float(c)!r},")
    print("];")


fit(60, "", 14)
fit_one_piece(36, 5, 10)
