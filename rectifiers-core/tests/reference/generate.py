#!/usr/bin/env python3
"""Reference-value generator for the rectifiers-core activation functions.

Writes, next to this script:

  values.tsv     f(x) and f'(x) of the scalar activations, correctly rounded
                 to f64 and to f32, for edge cases, per-function "hard" points
                 and seeded random points.
  lse0_plus.tsv  LSE0+(x) = ln(1 + sum_i e^(x_i)) and its gradient for
                 vectors of f64 / f32 inputs.

Requirements: Python 3 standard library + mpmath only.  The script is fully
deterministic (string seeds for `random.Random`, which are hashed with
SHA-512 and therefore do not depend on PYTHONHASHSEED).

How "correctly rounded" is obtained
-----------------------------------
* Every value is evaluated with mpmath at mp.prec = PREC (300 bits) using
  formulas free of catastrophic cancellation (see the per-function comments;
  where cancellation is unavoidable the working precision is raised by the
  number of bits lost), and then evaluated again at PREC_CHECK (400 bits).
  On top of that `exact_eval` adds log2|x| bits per degree of the exponent's
  argument for huge |x| (e^(-x^2/2) at x = 1e308 needs the argument to ~2048
  extra bits) and log2(1/|x|) bits for tiny |x| (where the O(x) term decides
  ties, e.g. gelu(2^-1074)).
  A row is only written when both evaluations agree to at least AGREE_BITS
  bits, round to the same f32/f64 bit pattern, *and* the value is farther
  from every rounding boundary (midpoint, overflow and underflow thresholds)
  than 2^16 times the difference of the two evaluations; otherwise both
  precisions are doubled and the evaluation repeated (Ziv-style).
* `round_to(value, fmt)` rounds an mpf to the target IEEE binary format with
  round-to-nearest-ties-to-even, including gradual underflow (subnormals)
  and overflow to +-inf.  It is verified by `self_test_round_to()` against
  hand-computed cases, against Python's correctly rounded int/int division
  (f64) and against an exact nearest-neighbour check (f32 and f64).
* The stable formulas are verified against the literal textbook definitions
  evaluated at 1000 bits (values) and mpmath.diff (derivatives) at a set of
  moderate points in `self_test_definitions()`.

Run:  python3 generate.py        (about 20 s; prints a summary)
"""

import math
import os
import random
import struct
import sys
import time
from dataclasses import dataclass
from fractions import Fraction

import mpmath
from mpmath import mp, mpf

PREC = 300          # primary working precision (bits)
PREC_CHECK = 400    # independent re-evaluation precision (bits)
AGREE_BITS = 200    # both evaluations must agree to this many bits
MAX_PREC = 20000    # give up (raise) beyond this precision

SEED = "rectifiers-core reference values v1"
N_RANDOM = 400      # random points per (function, param, dtype)

OUT_DIR = os.path.dirname(os.path.abspath(__file__))

mp.prec = PREC

# Number of times the two-precision check forced a higher precision.
ESCALATIONS = 0


# ---------------------------------------------------------------------------
# IEEE formats and correct rounding
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Fmt:
    name: str     # "f64" / "f32"
    p: int        # significand precision in bits, including the hidden bit
    emin: int     # exponent of the smallest normal number: 2^emin
    emax: int     # exponent of the largest binade: max finite < 2^(emax+1)
    width: int    # storage width in bits

    @property
    def qmin(self):
        """Exponent of the smallest subnormal (the quantum of the subnormal range)."""
        return self.emin - self.p + 1

    @property
    def min_sub(self):
        return math.ldexp(1.0, self.qmin)

    @property
    def max_sub(self):
        return math.ldexp(1.0, self.emin) - math.ldexp(1.0, self.qmin)

    @property
    def min_norm(self):
        return math.ldexp(1.0, self.emin)

    @property
    def max(self):
        return math.ldexp(2.0 - math.ldexp(1.0, 1 - self.p), self.emax)

    @property
    def hexwidth(self):
        return self.width // 4


F64 = Fmt("f64", 53, -1022, 1023, 64)
F32 = Fmt("f32", 24, -126, 127, 32)
FORMATS = (F64, F32)


def to_bits(x, fmt):
    """Bit pattern of the Python float x in `fmt` (x must be exactly representable)."""
    if fmt.width == 64:
        return struct.unpack("<Q", struct.pack("<d", x))[0]
    b = struct.unpack("<I", struct.pack("<f", x))[0]
    back = struct.unpack("<f", struct.pack("<I", b))[0]
    assert back == x or (math.isnan(back) and math.isnan(x)), f"{x!r} is not an f32"
    return b


def from_bits(b, fmt):
    if fmt.width == 64:
        return struct.unpack("<d", struct.pack("<Q", b))[0]
    return struct.unpack("<f", struct.pack("<I", b))[0]


def hexbits(x, fmt):
    return "0x%0*x" % (fmt.hexwidth, to_bits(x, fmt))


def to_f32(x):
    """Round a Python float (f64) to the nearest f32 (C cast, ties-to-even)."""
    return struct.unpack("<f", struct.pack("<f", x))[0]


def is_representable(x, fmt):
    return fmt.width == 64 or math.isinf(x) or to_f32(x) == x


def round_to(value, fmt, negative_zero=False):
    """Round the mpf `value` to the IEEE format `fmt`, ties to even.

    Works directly on mpmath's exact representation value = (-1)^s * man * 2^exp
    using integer arithmetic, so there is no double rounding: the quantum is
    2^(e-p+1) for a normal result (e = floor(log2|value|)) and 2^qmin in the
    subnormal range.  Values whose rounded magnitude reaches 2^(emax+1) give
    +-inf (this is exactly IEEE overflow under round-to-nearest), values at or
    below half the smallest subnormal give a zero carrying the sign of
    `value`.  An exact zero gives +0.0, or -0.0 when `negative_zero`.

    Returns a Python float that holds the rounded value exactly (for f32 a
    float that is exactly representable in f32).
    """
    value = mpmath.mpmathify(value)
    if mpmath.isnan(value):
        return math.nan
    if mpmath.isinf(value):
        return math.inf if value > 0 else -math.inf
    sign, man, exp, bc = value._mpf_
    if not man:
        return -0.0 if negative_zero else 0.0
    sgn = -1.0 if sign else 1.0
    e = exp + bc - 1                       # 2^e <= |value| < 2^(e+1)
    if e > fmt.emax:
        return sgn * math.inf
    if e < fmt.qmin - 1:                   # |value| < 2^(qmin-1) = min_sub/2
        return sgn * 0.0
    q = max(e - fmt.p + 1, fmt.qmin)       # exponent of the quantum (ulp)
    shift = q - exp
    if shift <= 0:
        n = man << (-shift)                # exact, no rounding needed
    else:
        n = man >> shift
        rem = man - (n << shift)
        half = 1 << (shift - 1)
        if rem > half or (rem == half and (n & 1)):
            n += 1                         # round to nearest, ties to even
    if n == 0:
        return sgn * 0.0
    if n.bit_length() + q - 1 > fmt.emax:  # carried into 2^(emax+1): overflow
        return sgn * math.inf
    assert n.bit_length() <= fmt.p or n == 1 << fmt.p   # carry into the next binade
    r = math.ldexp(float(n), q)            # exact: n < 2^53, result in f64 range
    return sgn * r


def to_key(x, fmt):
    """Map a float of `fmt` to an integer that is monotone in x (+0 and -0 -> 0)."""
    b = to_bits(x, fmt)
    mag = b & ((1 << (fmt.width - 1)) - 1)
    return -mag if b >> (fmt.width - 1) else mag


def from_key(k, fmt):
    b = k if k >= 0 else (1 << (fmt.width - 1)) | (-k)
    return from_bits(b, fmt)


def exact_fraction(v):
    sign, man, exp, bc = mpmath.mpmathify(v)._mpf_
    fr = Fraction(man) * (Fraction(2) ** exp)
    return -fr if sign else fr


def check_nearest(v, r, fmt):
    """Exact check that float r is the round-to-nearest-even of mpf v in fmt."""
    V = exact_fraction(v)
    k = to_key(r, fmt)
    if math.isinf(r):
        # overflow: |v| must be >= max + half ulp (the tie rounds to "even" = inf)
        half_ulp = Fraction(2) ** (fmt.emax - fmt.p)
        return abs(V) >= Fraction(fmt.max) + half_ulp and (V > 0) == (r > 0)
    R = Fraction(r)
    d = abs(V - R)
    if abs(r) == fmt.max:
        # must not have overflowed: |v| < max + half ulp
        if abs(V) >= Fraction(fmt.max) + Fraction(2) ** (fmt.emax - fmt.p):
            return False
    for kn in (k - 1, k + 1):
        n = from_key(kn, fmt)
        if math.isinf(n) or math.isnan(n):
            continue
        dn = abs(V - Fraction(n))
        if dn < d:
            return False
        if dn == d and (to_bits(r, fmt) & 1):   # tie must go to the even one
            return False
    return True


def self_test_round_to():
    """Verify round_to on known values, ties, subnormals and overflow."""
    with mp.workprec(PREC):
        third = mpf(1) / 3
        cases = [
            (third, F64, 0x3FD5555555555555),
            (third, F32, 0x3EAAAAAB),
            (-third, F32, 0xBEAAAAAB),
            # 1.5 * 2^-149 is a tie between 1 and 2 subnormal quanta -> even (2)
            (mpf(3) * mpf(2) ** -150, F32, 0x00000002),
            # 2.5 * 2^-149 ties to 2 quanta
            (mpf(5) * mpf(2) ** -150, F32, 0x00000002),
            # 2^-1075 is exactly half the smallest f64 subnormal -> ties to +0
            (mpf(2) ** -1075, F64, 0x0),
            (-mpf(2) ** -1075, F64, 0x8000000000000000),
            # just above the tie -> smallest subnormal
            (mpf(2) ** -1075 * (1 + mpf(2) ** -200), F64, 0x1),
            # 2^-150 is half the smallest f32 subnormal -> +0
            (mpf(2) ** -150, F32, 0x0),
            # max * 1.0000001 overflows in both formats
            (mpf(F64.max) * mpf("1.0000001"), F64, 0x7FF0000000000000),
            (mpf(F32.max) * mpf("1.0000001"), F32, 0x7F800000),
            (-mpf(F32.max) * mpf("1.0000001"), F32, 0xFF800000),
            # max + (half ulp - tiny) stays finite; max + half ulp overflows (tie to even)
            (mpf(F64.max) + mpf(2) ** 970 * (1 - mpf(2) ** -100), F64, 0x7FEFFFFFFFFFFFFF),
            (mpf(F64.max) + mpf(2) ** 970, F64, 0x7FF0000000000000),
            (mpf(F32.max) + mpf(2) ** 103, F32, 0x7F800000),
            (mpf(F32.max) + mpf(2) ** 103 * (1 - mpf(2) ** -60), F32, 0x7F7FFFFF),
            # largest subnormal + half quantum rounds up to the smallest normal (tie: odd->even)
            (mpf(F32.max_sub) + mpf(2) ** -150, F32, 0x00800000),
            (mpf(F64.max_sub) + mpf(2) ** -1075, F64, 0x0010000000000000),
            # huge-exponent mpf values (mpmath has unbounded exponents)
            (mpmath.exp(-mpf(10) ** 300), F64, 0x0),
            (-mpmath.exp(mpf(10) ** 300), F32, 0xFF800000),
            (mpf(1), F32, 0x3F800000),
            # rounding carries into the next binade
            (1 - mpf(2) ** -60, F32, 0x3F800000),
            (1 - mpf(2) ** -60, F64, 0x3FF0000000000000),
            (mpf(F32.max_sub) + mpf(2) ** -151 * 3, F32, 0x00800000),
            (mpf("0.1"), F64, 0x3FB999999999999A),
            (mpf("0.1"), F32, 0x3DCCCCCD),
        ]
        for v, fmt, want in cases:
            got = to_bits(round_to(v, fmt), fmt)
            assert got == want, (mpmath.nstr(v, 20), fmt.name, hex(got), hex(want))

        # rounding_is_determined: values on / near / away from a midpoint
        mid = mpf(2) ** -1075                       # f64: between 0 and min_sub
        assert not rounding_is_determined(mid, mid, F64)
        assert rounding_is_determined(mid, mid, F64, exact=True)
        assert rounding_is_determined(mid * (1 + mpf(2) ** -100 + mpf(2) ** -250), mid * (1 + mpf(2) ** -100), F64)
        assert not rounding_is_determined(mid * (1 + mpf(2) ** -100), mid * (1 + mpf(2) ** -110), F64)
        one_mid = 1 + mpf(2) ** -24                 # f32: between 1 and 1 + 2^-23
        assert not rounding_is_determined(one_mid, one_mid, F32)
        assert rounding_is_determined(one_mid, one_mid, F64)   # exactly representable in f64
        assert rounding_is_determined(third * (1 + mpf(2) ** -290), third, F64)
        ovf = mpf(F64.max) + mpf(2) ** 970          # f64 overflow threshold
        assert not rounding_is_determined(ovf * (1 + mpf(2) ** -300), ovf, F64)

        # Randomised exact checks across normal, subnormal and overflow ranges.
        rng = random.Random(SEED + "/round_to self test")
        for fmt in FORMATS:
            for _ in range(3000):
                e = rng.randint(fmt.qmin - 4, fmt.emax + 2)
                # random 120-bit significand, occasionally an exact tie
                u = rng.random()
                if u < 0.6:
                    # random 120-bit significand
                    man = rng.getrandbits(120) | (1 << 119)
                elif u < 0.8:
                    # exact tie in the normal range: p+1 significant bits, last one set
                    man = (((rng.getrandbits(fmt.p - 1) | (1 << (fmt.p - 1))) << 1) | 1) << 7
                else:
                    # exact tie in the subnormal range: odd multiple of min_sub/2
                    man = 2 * rng.getrandbits(rng.randint(1, fmt.p)) + 1
                    e = fmt.qmin - 1 + man.bit_length() - 1
                v = mpf(man) * mpf(2) ** (e - man.bit_length() + 1)
                if rng.random() < 0.5:
                    v = -v
                r = round_to(v, fmt)
                assert check_nearest(v, r, fmt), (mpmath.nstr(v, 30), fmt.name, r)
                if fmt is F64:
                    # Python's int/int true division is correctly rounded (incl. subnormals)
                    V = exact_fraction(v)
                    try:
                        ref = V.numerator / V.denominator
                    except OverflowError:
                        ref = math.inf if V > 0 else -math.inf
                    assert to_bits(ref, F64) == to_bits(r, F64), (mpmath.nstr(v, 30), r, ref)


# ---------------------------------------------------------------------------
# Exact (stable) evaluations.  Each takes mpf x and an mpf parameter (or None)
# and returns (f, df) at the current mp.prec, or None where undefined.
# ---------------------------------------------------------------------------

def sigmoid(t):
    # 1/(1+e^-t): no cancellation for any t (e^-t may be huge or tiny; mpmath
    # exponents are unbounded).  1 - sigmoid(t) is always computed as sigmoid(-t).
    return 1 / (1 + mp.exp(-t))


def log1pexp(t):
    # ln(1 + e^t) without cancellation: t + ln(1 + e^-t) for t > 0.
    if t > 0:
        return t + mp.log1p(mp.exp(-t))
    return mp.log1p(mp.exp(t))


def erfc_asymptotic(z):
    # erfc(z) = e^(-z^2)/(z sqrt(pi)) * sum_n (-1)^n (2n-1)!!/(2 z^2)^n, z > 0.
    # Used for z > 2^20 (mpmath's erfc raises OverflowError for huge z).  The
    # series is alternating with decreasing terms, so the truncation error is
    # below the first omitted term; we stop far below 2^-prec.
    w = 1 / (2 * z * z)
    term = mpf(1)
    s = mpf(1)
    eps = mpf(2) ** (-(mp.prec + 30))
    n = 0
    while True:
        n += 1
        term *= -(2 * n - 1) * w
        s += term
        if abs(term) < eps:
            break
    return mp.exp(-z * z) / (z * mp.sqrt(mp.pi)) * s


def erfc_exact(z):
    big = mpf(2) ** 20
    if z > big:
        return erfc_asymptotic(z)
    if z < -big:
        return 2 - erfc_asymptotic(-z)
    return mp.erfc(z)


def ev_gelu(x, _):
    # f = x/2 * erfc(-x/sqrt2): erfc is relatively accurate, so no cancellation.
    # f' = Phi(x) + x phi(x); the two terms cancel only near the root
    # x ~ -0.7518 (a few dozen bits at worst, far below the 300-bit budget).
    ec = erfc_exact(-x / mp.sqrt(2))
    f = x / 2 * ec
    df = ec / 2 + x * mp.exp(-x * x / 2) / mp.sqrt(2 * mp.pi)
    return f, df


GELU_TANH_A = (44715, 10 ** 6)   # 0.044715 as the exact decimal 44715/10^6


def ev_gelu_tanh(x, _):
    # 0.5 x (1 + tanh u) = x sigmoid(2u), u = sqrt(2/pi)(x + 0.044715 x^3);
    # written with sigmoid to avoid the cancellation in 1 + tanh(u) for u << 0.
    # f' = sigmoid(2u) + 2 x u' sigmoid(2u) sigmoid(-2u), u' = sqrt(2/pi)(1 + 3*0.044715 x^2)
    A = mpf(GELU_TANH_A[0]) / GELU_TANH_A[1]
    c = mp.sqrt(2 / mp.pi)
    u = c * (x + A * x ** 3)
    du = c * (1 + 3 * A * x * x)
    sp = sigmoid(2 * u)
    sm = sigmoid(-2 * u)
    return x * sp, sp + 2 * x * du * sp * sm


def ev_silu(x, _):
    # f = x sigmoid(x); f' = sigmoid(x)(1 + x sigmoid(-x))  [1 - sigmoid(x) = sigmoid(-x)]
    s = sigmoid(x)
    return x * s, s * (1 + x * sigmoid(-x))


def ev_softplus(x, k):
    # f = ln(1 + e^(kx))/k with kx exact (k, x doubles: <= 106-bit product)
    t = k * x
    return log1pexp(t) / k, sigmoid(t)


def ev_softplus_approx(x, _):
    # f = x/(1 - e^-u) = -x/expm1(-u), u = x/ln2 (expm1 is relatively accurate).
    # f' = e^u (e^u - 1 - u)/(e^u - 1)^2.  e^u - 1 - u ~ u^2/2 loses about
    # -log2|u| bits to cancellation near 0, so the precision is raised by that
    # amount (up to ~1100 extra bits for the smallest f64 subnormal).
    if x == 0:
        return +mp.ln2, mpf(1) / 2
    extra = max(0, -int(mp.mag(x))) + 40
    with mp.extraprec(extra):
        u = x / mp.ln2
        em1 = mp.expm1(u)
        f = -x / mp.expm1(-u)
        df = mp.exp(u) * (em1 - u) / (em1 * em1)
    return f, df


def ev_elu(x, a):
    # f = x (x > 0) else a (e^x - 1) = a expm1(x); f' = 1 (x > 0) else a e^x
    if x > 0:
        return x, mpf(1)
    return a * mp.expm1(x), a * mp.exp(x)


def ev_mish(x, _):
    # With w = e^x and n = w (w + 2) = (1+w)^2 - 1:
    #   tanh(ln(1+w)) = n/(n+2),  sech^2(ln(1+w)) = 4(n+1)/(n+2)^2,
    # which are free of cancellation for all x (tiny or huge w).
    # f = x n/(n+2);  f' = tanh(sp) + x sech^2(sp) sigmoid(x), sigmoid(x) = w/(1+w)
    w = mp.exp(x)
    n = w * (w + 2)
    th = n / (n + 2)
    sech2 = 4 * (n + 1) / ((n + 2) * (n + 2))
    return x * th, th + x * sech2 * (w / (1 + w))


def ev_squareplus(x, b):
    # f = (x + r)/2, f' = (1 + x/r)/2 with r = sqrt(x^2 + b).  For x < 0 use
    # the cancellation-free forms x + r = b/(r - x), 1 + x/r = b/(r (r - x)).
    # b = 0, x = 0: f' is a convention (0), the row is skipped.
    if b == 0 and x == 0:
        return None
    r = mp.sqrt(x * x + b)
    if x >= 0:
        return (x + r) / 2, (1 + x / r) / 2
    return b / (2 * (r - x)), b / (2 * r * (r - x))


def ev_leaky_relu(x, s):
    # f = x (x > 0) else s x; f' = 1 (x > 0) else s
    if x > 0:
        return x, mpf(1)
    return s * x, +s


EVAL = {
    "gelu": ev_gelu,
    "gelu_tanh": ev_gelu_tanh,
    "silu": ev_silu,
    "softplus": ev_softplus,
    "softplus_approx": ev_softplus_approx,
    "elu": ev_elu,
    "mish": ev_mish,
    "squareplus": ev_squareplus,
    "leaky_relu": ev_leaky_relu,
}

# Condition-number allowance.  The functions evaluate exp()/erfc() of an
# argument that is a polynomial of degree ARG_DEGREE in x (times k for
# softplus).  An absolute error in that argument becomes a relative error of
# the result, so for huge |x| (up to 2^1024, i.e. arguments up to ~2^3072 for
# gelu_tanh) the argument is computed with log2|argument| extra bits.
ARG_DEGREE = {
    "gelu": 2, "gelu_tanh": 3, "silu": 1, "softplus": 1, "softplus_approx": 1,
    "elu": 1, "mish": 1, "squareplus": 0, "leaky_relu": 0,
}


def exact_eval(func, x, p):
    """EVAL[func](x, p) with the working precision raised by the conditioning allowance."""
    extra = ARG_DEGREE[func] * int(max(0, mp.mag(x)))
    # Near 0 the functions are c0 + c1 x + c2 x^2 + ...; when c0 + c1 x is
    # (close to) a rounding midpoint -- e.g. gelu(2^-1074) =
    # 2^-1075 (1 + 0.8 * 2^-1074 + ...), a hair above the midpoint between 0 and
    # the smallest subnormal -- the next term, of relative size ~|x|, decides
    # the rounding, so keep log2(1/|x|) extra bits.
    extra += int(max(0, -mp.mag(x))) if x != 0 else 0
    if func == "softplus":
        extra += int(max(0, mp.mag(p)))
    with mp.extraprec(extra + 10):
        return EVAL[func](x, p)


# Functions with f(0) = 0 and f'(0) > 0: f(-0) is reported as -0 (the sign with
# which f approaches 0 from the left, and what x * (positive) gives in IEEE).
ODD_AT_ZERO = {"gelu", "gelu_tanh", "silu", "elu", "mish", "leaky_relu"}

# (function, parameter values as Python floats, i.e. IEEE doubles)
COMBOS = [
    ("gelu", None),
    ("gelu_tanh", None),
    ("silu", None),
    *[("softplus", k) for k in (1.0, 10.0, 0.5, 3.7, 100.0)],
    ("softplus_approx", None),
    *[("elu", a) for a in (1.0, 0.5, 2.0)],
    ("mish", None),
    *[("squareplus", b) for b in (4.0, 1.0, 0.25, 0.0, 1e-6, 1e6)],
    *[("leaky_relu", s) for s in (0.01, 0.2)],
]


def literal_definition(func, p):
    """The textbook definitions, evaluated naively (only used at high precision)."""
    A = mpf(GELU_TANH_A[0]) / GELU_TANH_A[1]
    return {
        "gelu": lambda x: x / 2 * mp.erfc(-x / mp.sqrt(2)),
        "gelu_tanh": lambda x: x / 2 * (1 + mp.tanh(mp.sqrt(2 / mp.pi) * (x + A * x ** 3))),
        "silu": lambda x: x / (1 + mp.exp(-x)),
        "softplus": lambda x: mp.log(1 + mp.exp(p * x)) / p,
        "softplus_approx": lambda x: x / (1 - mp.exp(-x / mp.ln2)),
        "elu": lambda x: x if x > 0 else p * (mp.exp(x) - 1),
        "mish": lambda x: x * mp.tanh(mp.log(1 + mp.exp(x))),
        "squareplus": lambda x: (x + mp.sqrt(x * x + p)) / 2,
        "leaky_relu": lambda x: x if x > 0 else p * x,
    }[func]


def self_test_definitions():
    """Stable formulas (300 bits) vs literal definitions (1000 bits, mpmath.diff)."""
    pts = ["-30", "-7.06", "-3", "-1.2", "-0.3", "-1e-5", "1e-5", "0.4", "1.3", "4", "25"]
    for func, param in COMBOS:
        for s in pts:
            x = mpf(float(s))
            p = None if param is None else mpf(param)
            with mp.workprec(PREC):
                f, df = EVAL[func](x, p)
            # the literal forms cancel (1 + tiny) for large |x|: give them room
            kx = abs(x) * (max(1, abs(p)) if func == "softplus" else 1)
            with mp.workprec(1000 + int(5 * (kx + abs(x) ** 3 / 20))):
                lit = literal_definition(func, p)
                f_ref = lit(x)
                df_ref = mp.diff(lit, x)
                for got, ref, what in ((f, f_ref, "f"), (df, df_ref, "df")):
                    if ref == 0:
                        assert got == 0, (func, param, s, what)
                        continue
                    rel = abs((got - ref) / ref)
                    assert rel < mpf(2) ** -280, (func, param, s, what, mpmath.nstr(rel, 5))


# ---------------------------------------------------------------------------
# Checked evaluation (two precisions, escalate on disagreement)
# ---------------------------------------------------------------------------

def agree(a, b, bits):
    """a and b (nonzero) agree to at least `bits` bits, or are identical."""
    if a == b:
        return True
    if a == 0 or b == 0:
        return False
    with mp.workprec(max(PREC_CHECK, 2 * bits)):
        return mp.mag(a - b) <= mp.mag(b) - bits


def rounding_is_determined(a, b, fmt, exact=False):
    """Is round_to(true value) certainly round_to(b)?

    b is the more precise of two evaluations a, b (which already agree to
    AGREE_BITS bits).  Taking |a - b| as the error estimate, the rounding is
    settled when the distance from b to the nearest rounding boundary of fmt
    (a midpoint between adjacent representable numbers; this includes the
    overflow threshold max + ulp/2 and the underflow threshold min_sub/2)
    exceeds 2^16 |a - b|.  In particular a value sitting exactly on a midpoint
    is only accepted if the computation is exact (exact=True); otherwise the
    caller raises the precision until the value moves off the midpoint.
    Everything is done in exact integer arithmetic.
    """
    if exact:
        return True
    if b == 0:
        return a == 0
    sign, man, exp, bc = b._mpf_
    e = exp + bc - 1
    if e > fmt.emax or e < fmt.qmin - 2:
        return True          # relatively far (>= 2^-(p+1)) from every boundary
    q = max(e - fmt.p + 1, fmt.qmin)          # quantum of b's binade
    k = man << (exp - q) if exp >= q else man >> (q - exp)   # floor(|b| / 2^q)
    L = min(exp, q - 1)
    D = abs((man << (exp - L)) - ((2 * k + 1) << (q - 1 - L)))  # |b| - midpoint, units 2^L
    sa, ma, ea, _ = a._mpf_
    ia, ib = (-ma if sa else ma), (-man if sign else man)
    L2 = min(ea, exp, L)
    diff = abs((ia << (ea - L2)) - (ib << (exp - L2)))         # |a - b|, units 2^L2
    return (D << (L - L2)) > (diff << 16)


def evaluate_checked(compute, fmt, label="", exact=False):
    """Run compute() (-> tuple of mpf, or None) at PREC and PREC_CHECK.

    Returns (values at the higher precision, values rounded to fmt) once both
    precisions round identically, agree to AGREE_BITS bits and are far enough
    from every rounding boundary (`rounding_is_determined`); doubles both
    precisions otherwise.  exact=True declares the computation exact (plain
    products of doubles), where a value on a midpoint is a true tie.
    """
    global ESCALATIONS
    p1, p2 = PREC, PREC_CHECK
    while True:
        with mp.workprec(p1):
            a = compute()
        with mp.workprec(p2):
            b = compute()
        if a is None or b is None:
            assert a is None and b is None
            return None
        ra = [round_to(v, fmt) for v in a]
        rb = [round_to(v, fmt) for v in b]
        if [to_bits(v, fmt) for v in ra] == [to_bits(v, fmt) for v in rb] and all(
            agree(va, vb, AGREE_BITS) and rounding_is_determined(va, vb, fmt, exact)
            for va, vb in zip(a, b)
        ):
            return b, rb
        ESCALATIONS += 1
        print(f"  note: precision raised to {2 * p1}/{2 * p2} for {label} ({fmt.name})")
        p1, p2 = 2 * p1, 2 * p2
        if p1 > MAX_PREC:
            raise RuntimeError("precision escalation failed: " + label)


def quick_rounded(func, param, x, fmt):
    """Single evaluation at PREC, rounded (used by the boundary searches)."""
    with mp.workprec(PREC):
        r = exact_eval(func, mpf(x), None if param is None else mpf(param))
    if r is None:
        return None
    return tuple(round_to(v, fmt) for v in r)


# ---------------------------------------------------------------------------
# Point sets
# ---------------------------------------------------------------------------

class Points:
    """Ordered, de-duplicated (by bit pattern) list of inputs for one dtype."""

    def __init__(self, fmt):
        self.fmt = fmt
        self.items = []          # (x, why)
        self._seen = set()

    def add_float(self, x, why):
        assert is_representable(x, self.fmt), (x, self.fmt.name)
        if not math.isfinite(x):
            return
        b = to_bits(x, self.fmt)
        if b not in self._seen:
            self._seen.add(b)
            self.items.append((x, why))

    def add(self, value, why, nb=0):
        """Add the representable value nearest to `value` and nb neighbours each side."""
        if isinstance(value, float):
            x = value if self.fmt is F64 else to_f32(value)
        else:
            with mp.workprec(PREC):
                x = round_to(mpmath.mpmathify(value), self.fmt)
        if not math.isfinite(x):
            return                # outside the finite range of this dtype
        k = to_key(x, self.fmt)
        for kk in range(k - nb, k + nb + 1):
            y = from_key(kk, self.fmt)
            if math.isfinite(y) and abs(y) <= self.fmt.max:
                self.add_float(y, why if kk == k else why + " (neighbour)")

    def add_pm(self, value, why, nb=0):
        self.add(value, why, nb)
        self.add(-mpmath.mpmathify(value) if not isinstance(value, float) else -value, why, nb)


def edge_points(P):
    F = P.fmt
    P.add_float(0.0, "+0")
    P.add_float(-0.0, "-0")
    for s in (1.0, -1.0):
        P.add_float(s * F.min_sub, "smallest subnormal")
        P.add_float(s * F.max_sub, "largest subnormal")
        P.add_float(s * F.min_norm, "smallest normal")
        P.add_float(s * 1.0, "one")
        P.add_float(s * 0.5, "one half")
        P.add_float(s * F.max, "largest finite")


def log_consts(F):
    """Logarithms of the range limits of F (as mpf at PREC)."""
    with mp.workprec(PREC):
        return dict(
            ln_max=mp.log(mpf(F.max)),            # e^x overflows above this
            ln_min_norm=mp.log(mpf(F.min_norm)),  # e^x becomes subnormal below this
            ln_half_min_sub=mp.log(mpf(F.min_sub) / 2),  # e^x rounds to 0 below this
        )


def add_exp_points(P, scale=1, why="e^x", nb=1, positive=True, negative=True):
    """x where e^(scale x) overflows, becomes subnormal, underflows to 0."""
    L = log_consts(P.fmt)
    with mp.workprec(PREC):
        if positive:
            P.add(L["ln_max"] / scale, f"{why} overflows beyond here", nb)
        if negative:
            P.add(L["ln_min_norm"] / scale, f"{why} becomes subnormal below here", nb)
            P.add(L["ln_half_min_sub"] / scale, f"{why} underflows to 0 below here", nb)
        if positive and negative:
            P.add(-L["ln_max"] / scale, f"{why}: e^-x overflows below here", nb)


def derivative_root(func, param, guess):
    p = None if param is None else mpf(param)
    with mp.workprec(PREC + 64):
        root = mp.findroot(lambda t: EVAL[func](t, p)[1], mpf(guess))
        assert abs(EVAL[func](root, p)[1]) < mpf(2) ** -(PREC - 10)
    return root


def search_boundary(func, param, fmt, which, kind, lo, hi):
    """Bisect (in bit-pattern order) for where a property of the rounded result flips.

    which: 0 for f, 1 for f'.  kind: "normal" (|r| >= smallest normal),
    "nonzero" (r != 0), "eq_x" (r == x) or ("eq", c) (r == round(c)).
    Returns the two representable inputs on either side of the flip plus one
    outer neighbour each, or [] if the property has the same value at lo and hi.
    """
    if isinstance(kind, tuple):
        with mp.workprec(PREC):
            target = to_bits(round_to(kind[1], fmt), fmt)

    def pred(x):
        r = quick_rounded(func, param, x, fmt)
        if r is None:
            return None
        v = r[which]
        if kind == "normal":
            return abs(v) >= fmt.min_norm
        if kind == "nonzero":
            return v != 0
        if kind == "eq_x":
            return to_bits(v, fmt) == to_bits(x, fmt)
        return to_bits(v, fmt) == target

    klo, khi = to_key(lo, fmt), to_key(hi, fmt)
    plo, phi = pred(lo), pred(hi)
    if plo is None or phi is None or plo == phi:
        return []
    while khi - klo > 1:
        mid = (klo + khi) // 2
        if pred(from_key(mid, fmt)) == plo:
            klo = mid
        else:
            khi = mid
    return [from_key(k, fmt) for k in (klo - 1, klo, khi, khi + 1)]


def hard_points(func, param, P):
    """Function-specific hard points.  Each carries a reason string."""
    F = P.fmt
    M = F.max
    tiny = F.min_sub
    searches = []    # (which, kind, lo, hi, why)

    # Generic tail/zero-region searches, shared by most functions ------------
    def left_tail(lo=-M, hi=-2.0):
        # where f and f' leave the normal range and where they round to 0
        searches.extend([
            (0, "normal", lo, hi, "f leaves the normal range (left tail)"),
            (0, "nonzero", lo, hi, "f underflows to 0 (left tail)"),
            (1, "normal", lo, hi, "f' leaves the normal range (left tail)"),
            (1, "nonzero", lo, hi, "f' underflows to 0 (left tail)"),
        ])

    def right_saturation(lo=2.0, dlo=None):
        # where f(x) rounds to exactly x and f'(x) to exactly 1
        searches.extend([
            (0, "eq_x", lo, M, "f(x) rounds to x from here on"),
            (1, ("eq", mpf(1)), dlo if dlo is not None else lo, M, "f'(x) rounds to 1 from here on"),
        ])

    def near_zero_linear(slope_df0, sides=(1, -1)):
        # f ~ c x near 0: where f leaves the normal range / rounds to 0, and
        # where f' stops rounding to f'(0)
        for s in sides:
            lo, hi = (tiny, 1.0) if s > 0 else (-1.0, -tiny)
            searches.extend([
                (0, "normal", lo, hi, "f ~ c x leaves the normal range near 0"),
                (0, "nonzero", lo, hi, "f ~ c x rounds to 0 near 0"),
                (1, ("eq", slope_df0), lo, hi, "f' departs from f'(0) near 0"),
            ])

    with mp.workprec(PREC):
        sqrt_max = mp.sqrt(mpf(M))

        if func == "gelu":
            # the zero of f' (minimum of gelu): 5 points straddling it
            P.add(derivative_root(func, param, "-0.7518"), "root of f'", nb=2)
            # piecewise breakpoints of fdlibm/musl erf/erfc in terms of z = |x|/sqrt2
            for z in ("0.84375", "1.25", str(1 / 0.35), "6", "28"):
                P.add_pm(mpf(z) * mp.sqrt(2), f"erf/erfc breakpoint |x/sqrt2| = {z}", nb=1)
            # x*x overflows in the density exp(-x*x/2)
            P.add_pm(sqrt_max, "x*x overflows", nb=1)
            # exp(-x^2/2) becomes subnormal / underflows to 0
            L = log_consts(F)
            P.add_pm(mp.sqrt(-2 * L["ln_min_norm"]), "exp(-x^2/2) becomes subnormal", nb=1)
            P.add_pm(mp.sqrt(-2 * L["ln_half_min_sub"]), "exp(-x^2/2) underflows to 0", nb=1)
            left_tail()
            right_saturation(2.0, 3.0)       # f' > 1 peaks near 1.4, then -> 1
            near_zero_linear(mpf(1) / 2)

        elif func == "gelu_tanh":
            P.add(derivative_root(func, param, "-0.7524"), "root of f'", nb=2)
            A = mpf(GELU_TANH_A[0]) / GELU_TANH_A[1]
            c = mp.sqrt(2 / mp.pi)
            # x^3 and 0.044715 x^3 overflow in the polynomial
            P.add_pm(mp.cbrt(mpf(M)), "x^3 overflows", nb=1)
            P.add_pm(mp.cbrt(mpf(M) / A), "0.044715 x^3 overflows", nb=1)
            P.add_pm(sqrt_max, "x*x overflows", nb=1)
            # where 1 + tanh(u) drops below the dtype epsilon (tanh form cancels)
            # and where e^(2u) under/overflows, u = c (x + A x^3)
            L = log_consts(F)
            for t, why in ((-(F.p + 1) * mp.ln2 / 2, "1 + tanh(u) < eps: tanh form fully cancels"),
                           ((F.p + 1) * mp.ln2 / 2, "tanh(u) rounds to 1"),
                           (L["ln_max"] / 2, "e^(2u) overflows"),
                           (-L["ln_max"] / 2, "e^(-2u) overflows"),
                           (L["ln_min_norm"] / 2, "e^(2u) becomes subnormal")):
                x = mp.findroot(lambda y: c * (y + A * y ** 3) - t, t / c)
                P.add(x, why, nb=1)
            left_tail()
            right_saturation(2.0, 3.0)
            near_zero_linear(mpf(1) / 2)

        elif func == "silu":
            P.add(derivative_root(func, param, "-1.2785"), "root of f'", nb=2)
            add_exp_points(P, why="e^x")       # sigmoid via e^-x / e^x
            left_tail()
            right_saturation(2.0, 3.0)       # f' > 1 peaks near 2.4, then -> 1
            near_zero_linear(mpf(1) / 2)

        elif func == "softplus":
            k = mpf(param)
            # PyTorch (beta=10) loses ~60 ULP at x = -7.06
            P.add(mpf(-7.06), "PyTorch softplus(beta=10) loses ~60 ULP here", nb=2)
            # common thresholds in kx: 20 (PyTorch), 37 (ln(1+e^-t) < eps f64),
            # 88/103 (f32 exp overflow/underflow), 700/745 (f64 exp limits)
            for t in (-20, -37, -88, -103, -700, -745, 20, 37, 88, 103, 700, 745):
                P.add(mpf(t) / k, f"kx = {t}", nb=1)
            # e^(kx) overflow / subnormal / underflow for this dtype
            L = log_consts(F)
            P.add(L["ln_max"] / k, "e^(kx) overflows beyond here", nb=1)
            P.add(-L["ln_max"] / k, "e^(-kx) overflows below here", nb=1)
            P.add(L["ln_min_norm"] / k, "e^(kx) becomes subnormal", nb=1)
            P.add(L["ln_half_min_sub"] / k, "e^(kx) underflows to 0", nb=1)
            # k*x overflows in the dtype
            P.add_pm(mpf(M) / k, "k*x overflows", nb=1)
            left_tail(-M, -0.0)
            right_saturation(tiny)
            searches.append((1, ("eq", mpf(1) / 2), tiny, 1.0, "f' departs from 1/2 near 0"))
            searches.append((1, ("eq", mpf(1) / 2), -1.0, -tiny, "f' departs from 1/2 near 0"))
            searches.append((0, ("eq", mp.ln2 / k), tiny, 1.0, "f departs from ln2/k near 0"))
            searches.append((0, ("eq", mp.ln2 / k), -1.0, -tiny, "f departs from ln2/k near 0"))

        elif func == "softplus_approx":
            # near-0 points where x/(1-e^-u) and its derivative cancel badly
            for s in ("1e-8", "1e-4", "1e-3", "0.01"):
                P.add_pm(mpf(s), f"cancellation near 0 (|x| = {s})", nb=1)
            # where u^2 resp. u drops below eps: series truncation points
            P.add_pm(mpf(2) ** -(F.p // 2), "u^2 below eps", nb=0)
            P.add_pm(mpf(2) ** -F.p, "u below eps", nb=0)
            # e^(-x/ln2) overflows (x < 0), e^(x/ln2) overflows (x > 0),
            # e^(-x/ln2) underflows (x > 0)
            L = log_consts(F)
            P.add_pm(mp.ln2 * L["ln_max"], "e^(|x|/ln2) overflows", nb=1)
            P.add(-mp.ln2 * L["ln_min_norm"], "e^(-x/ln2) becomes subnormal", nb=1)
            P.add(-mp.ln2 * L["ln_half_min_sub"], "e^(-x/ln2) underflows to 0", nb=1)
            # x/ln2 itself overflows
            P.add_pm(mpf(M) * mp.ln2, "x/ln2 overflows", nb=1)
            left_tail(-M, -1.0)
            right_saturation(1.0)
            near_zero = [(0, ("eq", mp.ln2), tiny, 1.0), (0, ("eq", mp.ln2), -1.0, -tiny),
                         (1, ("eq", mpf(1) / 2), tiny, 1.0), (1, ("eq", mpf(1) / 2), -1.0, -tiny)]
            for w, kind, lo, hi in near_zero:
                searches.append((w, kind, lo, hi, "f/f' depart from their values at 0"))

        elif func == "elu":
            a = mpf(param)
            for s in ("1e-8", "1e-4", "0.01"):
                P.add(-mpf(s), f"e^x - 1 cancels (x = -{s})", nb=1)
            add_exp_points(P, why="e^x", positive=False)
            searches.extend([
                (1, "normal", -M, -1.0, "f' = a e^x leaves the normal range"),
                (1, "nonzero", -M, -1.0, "f' = a e^x underflows to 0"),
                (0, ("eq", -a), -M, -1.0, "f rounds to -a from here on"),
            ])
            near_zero_linear(a, sides=(-1,))

        elif func == "mish":
            P.add(derivative_root(func, param, "-1.1924"), "root of f'", nb=2)
            add_exp_points(P, why="e^x")
            add_exp_points(P, scale=2, why="e^(2x)")
            left_tail()
            right_saturation(2.0, 3.0)       # f' > 1 peaks near 1.5, then -> 1
            near_zero_linear(mp.tanh(mp.ln2))  # f'(0) = tanh(ln 2) = 0.6

        elif func == "squareplus":
            b = mpf(param)
            # x*x overflows / underflows (subnormal, zero)
            P.add_pm(sqrt_max, "x*x overflows", nb=1)
            P.add_pm(mp.sqrt(mpf(F.min_norm)), "x*x becomes subnormal", nb=1)
            P.add_pm(mp.sqrt(mpf(F.min_sub) / 2), "x*x underflows to 0", nb=1)
            if b > 0:
                h = (F.p + 3) // 2
                P.add_pm(mp.sqrt(b), "x^2 = b", nb=1)
                P.add_pm(mp.sqrt(b) * mpf(2) ** h, "b negligible against x^2", nb=1)
                P.add_pm(mp.sqrt(b) * mpf(2) ** -h, "x^2 negligible against b", nb=1)
                for m in ("1e3", "1e8"):
                    P.add(-mp.sqrt(b) * mpf(m), f"x + sqrt(x^2+b) cancels (x = -{m} sqrt b)", nb=0)
                searches.append((1, ("eq", mpf(1) / 2), tiny, 1.0, "f' departs from 1/2 near 0"))
                searches.append((1, ("eq", mpf(1) / 2), -1.0, -tiny, "f' departs from 1/2 near 0"))
            left_tail(-M, -tiny)
            right_saturation(tiny)

        elif func == "leaky_relu":
            s = mpf(param)
            P.add(-mpf(F.min_norm) / s, "s*x leaves the normal range", nb=1)
            P.add(-mpf(F.min_sub) / 2 / s, "s*x rounds to 0", nb=1)
            near_zero_linear(s, sides=(-1,))

        else:
            raise ValueError(func)

    for which, kind, lo, hi, why in searches:
        for x in search_boundary(func, param, F, which, kind, lo, hi):
            P.add_float(x, "boundary: " + why)


def random_points(func, param, P):
    """N_RANDOM seeded points: half log-uniform |x| in [1e-30, 1e3] (random
    sign), half uniform in [-40, 40]; rounded to the dtype."""
    rng = random.Random(f"{SEED}/{func}/{param!r}/{P.fmt.name}")
    xs = []
    for _ in range(N_RANDOM // 2):
        mag = 10.0 ** rng.uniform(-30.0, 3.0)
        xs.append(mag if rng.random() < 0.5 else -mag)
    for _ in range(N_RANDOM - N_RANDOM // 2):
        xs.append(rng.uniform(-40.0, 40.0))
    for x in xs:
        P.add(x, "random")


# ---------------------------------------------------------------------------
# Output: values.tsv
# ---------------------------------------------------------------------------

def dec(v, negative_zero=False):
    if v == 0:
        return "-0.0" if negative_zero else "0.0"
    return mpmath.nstr(v, 20)


VALUES_HEADER = """\
# Reference values for rectifiers-core activation functions.
# Generated by generate.py with mpmath {mpver} at mp.prec={prec} (raised by
# log2|x| bits per degree of the exp() argument for huge |x| and log2(1/|x|)
# bits for tiny |x|); every value is independently re-evaluated at
# mp.prec={prec2} and only written when both evaluations agree to >= {agree}
# bits, round to the same bits and are clearly off every rounding midpoint
# (otherwise the precision is doubled).  Python {pyver}.  Do not edit by hand;
# regenerate with `python3 generate.py`.
#
# Columns (tab-separated):
#   function  one of gelu gelu_tanh silu softplus softplus_approx elu mish
#             squareplus leaky_relu
#   param     the f64 parameter as a round-tripping float literal (Python repr),
#             or '-' for functions without one.  The parameter is the IEEE double
#             (e.g. 0.01 is the double nearest 1/100), used exactly.
#   dtype     f64 or f32; x is exactly representable in dtype
#   x_bits    bits of x in dtype (0x + 16 hex digits for f64, 8 for f32)
#   f_bits    f(x) exactly, correctly rounded (nearest, ties to even, with
#             subnormals and overflow to inf) to dtype
#   df_bits   f'(x) exactly, correctly rounded to dtype
#   x_dec f_dec df_dec   20 significant digits of the exact x, f(x), f'(x)
#
# For f32 rows the exact value is rounded directly to f32 (no f64 step).
# Sign of zero: f(-0) = -0 for the functions with f(0) = 0 and f'(0) > 0
# (gelu gelu_tanh silu elu mish leaky_relu); any other exactly-zero result is
# +0; results that underflow keep the sign of the exact value.
# Infinite/NaN inputs are not included.  squareplus with b = 0 skips x = +-0
# (f' undefined there; the crate's convention is f'(0) = 0).
#
# Exact definitions (Phi = standard normal CDF, phi its density,
# sigma(t) = 1/(1+e^-t)):
#   gelu(x)            = x Phi(x) = x/2 erfc(-x/sqrt 2);   f' = Phi(x) + x phi(x)
#   gelu_tanh(x)       = x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
#                        with 0.044715 the exact decimal, sqrt(2/pi) exact;
#                        f' its exact derivative
#   silu(x)            = x sigma(x);   f' = sigma(x) (1 + x (1 - sigma(x)))
#   softplus(x; k)     = ln(1 + e^(k x))/k  (k x exact);   f' = sigma(k x)
#   softplus_approx(x) = x/(1 - e^(-x/ln 2)), f(0) = ln 2;
#                        f' = e^u (e^u - 1 - u)/(e^u - 1)^2, u = x/ln 2, f'(0) = 1/2
#   elu(x; a)          = x if x > 0 else a (e^x - 1);   f' = 1 if x > 0 else a e^x
#   mish(x)            = x tanh(sp), sp = ln(1 + e^x);
#                        f' = tanh(sp) + x sech(sp)^2 sigma(x)
#   squareplus(x; b)   = (x + sqrt(x^2 + b))/2;   f' = (1 + x/sqrt(x^2 + b))/2
#   leaky_relu(x; s)   = x if x > 0 else s x;   f' = 1 if x > 0 else s
# (so f'(+0) of elu/leaky_relu is the x <= 0 branch: a resp. s)
#
# Points per (function, param, dtype): edge cases (+-0, +-smallest/largest
# subnormal, +-smallest normal, +-1, +-0.5, +-largest finite), function-specific
# hard points (see generate.py), then {nrand} seeded random points (half
# log-uniform |x| in [1e-30, 1e3] with random sign, half uniform in [-40, 40]),
# de-duplicated by bit pattern.
#
# function\tparam\tdtype\tx_bits\tf_bits\tdf_bits\tx_dec\tf_dec\tdf_dec
"""


def generate_values(path):
    rows = []
    counts = {}
    for func, param in COMBOS:
        p = None if param is None else mpf(param)
        for fmt in FORMATS:
            P = Points(fmt)
            edge_points(P)
            hard_points(func, param, P)
            random_points(func, param, P)
            n = 0
            for x, _why in P.items:
                X = mpf(x)
                # plain products/identities: a result on a midpoint is a true tie
                exact = (func == "leaky_relu" or (func == "elu" and x > 0)
                         or (func == "squareplus" and param == 0.0))
                res = evaluate_checked(lambda: exact_eval(func, X, p), fmt,
                                       f"{func}({param!r}) at x={x!r}", exact)
                if res is None:
                    continue                      # undefined (squareplus b=0, x=0)
                (fv, dfv), (fr, dfr) = res
                if math.isnan(fr) or math.isnan(dfr):
                    continue
                negzero = x == 0 and math.copysign(1.0, x) < 0 and func in ODD_AT_ZERO and fv == 0
                if negzero:
                    fr = -0.0
                rows.append("\t".join([
                    func,
                    "-" if param is None else repr(param),
                    fmt.name,
                    hexbits(x, fmt),
                    hexbits(fr, fmt),
                    hexbits(dfr, fmt),
                    dec(X, math.copysign(1.0, x) < 0),
                    dec(fv, negzero),
                    dec(dfv),
                ]))
                n += 1
            counts[(func, param, fmt.name)] = n
    header = VALUES_HEADER.format(
        mpver=mpmath.__version__, prec=PREC, prec2=PREC_CHECK, agree=AGREE_BITS,
        pyver=sys.version.split()[0], nrand=N_RANDOM).replace("\\t", "\t")
    with open(path, "w", newline="\n") as fh:
        fh.write(header)
        fh.write("\n".join(rows) + "\n")
    return counts


# ---------------------------------------------------------------------------
# Output: lse0_plus.tsv
# ---------------------------------------------------------------------------

def lse0_plus_exact(xs):
    # T = sum e^(x_i) (positive terms: no cancellation); f = log1p(T) is
    # accurate even when T is tiny; g_i = e^(x_i)/(1 + T).  As for the scalar
    # functions, log2|x_i| extra bits keep e^(x_i) relatively accurate.
    extra = max([0] + [int(max(0, mp.mag(x))) for x in xs])
    with mp.extraprec(extra + 10):
        es = [mp.exp(x) for x in xs]
        T = mpf(0)
        for e in es:
            T += e
        f = mp.log1p(T)
        S = 1 + T
        return (f, *[e / S for e in es])


LSE_HEADER = """\
# Reference values for LSE0+ (log-sum-exp with an implicit zero entry).
# Generated by generate.py with mpmath {mpver} at mp.prec={prec} (plus log2 max|x_i|
# bits); every value is independently re-evaluated at mp.prec={prec2} and only
# written when both evaluations agree to >= {agree} bits, round to the same bits
# and are clearly off every rounding midpoint.  Python {pyver}.
# Do not edit by hand; regenerate with `python3 generate.py`.
#
# Definition: f(x) = ln(1 + sum_i e^(x_i)),  g_i = df/dx_i = e^(x_i)/(1 + sum_j e^(x_j)).
# f(empty) = 0 (+0).
#
# Columns (tab-separated):
#   dtype      f64 or f32; all inputs exactly representable in dtype
#   n          vector length
#   x_bits     comma-separated bits of x_1..x_n in dtype (0x + 16/8 hex digits);
#              '-' when n = 0
#   f_bits     f(x) exactly, correctly rounded to dtype (nearest, ties to even,
#              subnormals, overflow to inf)
#   grad_bits  comma-separated g_1..g_n correctly rounded to dtype; '-' when n = 0
#
# dtype\tn\tx_bits\tf_bits\tgrad_bits
"""


def lse_vectors(fmt):
    """Input vectors (Python floats, rounded to fmt) with reasons."""
    r = (lambda v: v) if fmt is F64 else to_f32
    V = []
    V.append(([], "empty vector: f = 0"))
    singles = [-100.0, -30.0, -1e-10, 0.0, 1e-10, 1.0, 30.0, 100.0]
    if fmt is F64:
        singles += [-800.0, 800.0,          # e^x under/overflows in f64
                    -1e300,                 # f = e^-1e300 rounds to 0
                    -746.0, 710.0]          # just past the f64 exp limits
    else:
        singles += [-104.0, 89.0]           # just past the f32 exp limits
    for x in singles:
        V.append(([r(x)], "n = 1"))
    # all entries very negative: each e^x tiny, f ~ sum e^x
    V.append(([r(-50.0)] * 4, "all -50"))
    V.append(([r(-200.0)] * 3, "all -200"))
    V.append(([r(-100.0)] * 8, "all -100 (f32: e^x subnormal)"))
    if fmt is F64:
        V.append(([-800.0] * 2, "all -800: every e^x underflows in f64"))
    # one dominating entry; sums that overflow a naive implementation
    if fmt is F64:
        V.append(([1000.0, 0.0, -1000.0], "big entry"))
        V.append(([800.0, 800.0], "sum of e^x overflows"))
    else:
        V.append(([100.0, 0.0, -100.0], "big entry"))
        V.append(([88.0, 88.0], "sum of e^x overflows f32"))
    V.append(([0.0] * 64, "64 zeros: f = ln 65"))
    V.append(([r(30.0), r(30.0)], "tie of the maximum"))
    rng = random.Random(f"{SEED}/lse0_plus/{fmt.name}")
    for _ in range(30):
        n = rng.randint(2, 64)
        V.append(([r(rng.uniform(-20.0, 20.0)) for _ in range(n)], "random [-20, 20]"))
    for _ in range(10):
        n = rng.randint(2, 64)
        V.append(([r(rng.uniform(-200.0, 200.0)) for _ in range(n)], "random [-200, 200]"))
    return V


def generate_lse(path):
    rows = []
    counts = {}
    for fmt in FORMATS:
        n_rows = 0
        for xs, _why in lse_vectors(fmt):
            for x in xs:
                assert is_representable(x, fmt)
            X = [mpf(x) for x in xs]
            vals, rounded = evaluate_checked(lambda: lse0_plus_exact(X), fmt, f"lse0_plus {_why}")
            f_r, grads = rounded[0], rounded[1:]
            rows.append("\t".join([
                fmt.name,
                str(len(xs)),
                ",".join(hexbits(x, fmt) for x in xs) or "-",
                hexbits(f_r, fmt),
                ",".join(hexbits(g, fmt) for g in grads) or "-",
            ]))
            n_rows += 1
        counts[fmt.name] = n_rows
    header = LSE_HEADER.format(
        mpver=mpmath.__version__, prec=PREC, prec2=PREC_CHECK, agree=AGREE_BITS,
        pyver=sys.version.split()[0]).replace("\\t", "\t")
    with open(path, "w", newline="\n") as fh:
        fh.write(header)
        fh.write("\n".join(rows) + "\n")
    return counts


# ---------------------------------------------------------------------------

def main():
    t0 = time.time()
    self_test_round_to()
    self_test_definitions()
    t1 = time.time()
    print(f"self tests passed ({t1 - t0:.1f} s)")

    counts = generate_values(os.path.join(OUT_DIR, "values.tsv"))
    t2 = time.time()
    lse_counts = generate_lse(os.path.join(OUT_DIR, "lse0_plus.tsv"))
    t3 = time.time()

    print("values.tsv rows per (function, param, dtype):")
    for (func, param, dt), n in counts.items():
        print(f"  {func:16s} {'-' if param is None else repr(param):>10s} {dt}: {n}")
    print(f"  total {sum(counts.values())}  ({t2 - t1:.1f} s)")
    print(f"lse0_plus.tsv rows: {lse_counts}  ({t3 - t2:.1f} s)")
    print(f"precision escalations: {ESCALATIONS}")
    print(f"total time {t3 - t0:.1f} s")


if __name__ == "__main__":
    main()
