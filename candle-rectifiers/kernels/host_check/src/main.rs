//! Compares the kernel formulas, evaluated on the CPU by `harness.cpp` and streamed on stdin,
//! with rectifiers-core.
//!
//! For each (function, parameter) it prints the largest ULP distance of the float path from
//! the core's `forward_f32`/`derivative_f32` and of the double path from `forward_f64`/
//! `derivative_f64`, separately for results in the normal range and below it, and fails if
//! a normal-range distance exceeds the budget in `main`.

use std::collections::HashMap;
use std::io::Read;

use rectifiers_core::{
    Elu, Gelu, GeluTanh, LeakyRelu, Mish, Rectifier, Relu, SRelu, Silu, Softplus, SoftplusApprox,
    Squareplus,
};

/// One input and the kernel formulas' results there.
#[derive(Clone, Copy)]
struct Rec {
    x: f32,
    y: f32,
    g: f32,
    y64: f64,
    g64: f64,
}

/// Size of a record in the stream: {f32 x, f32 f, f32 f', f32 pad, f64 f, f64 f'}.
const REC_BYTES: usize = 32;

fn ord32(v: f32) -> i64 {
    let b = v.to_bits() as i32;
    (if b < 0 { i32::MIN.wrapping_sub(b) } else { b }) as i64
}

fn ord64(v: f64) -> i128 {
    let b = v.to_bits() as i64;
    (if b < 0 { i64::MIN.wrapping_sub(b) } else { b }) as i128
}

fn ulp32(a: f32, b: f32) -> f64 {
    match (a.is_nan(), b.is_nan()) {
        (true, true) => 0.0,
        (false, false) => (ord32(a) - ord32(b)).abs() as f64,
        _ => f64::INFINITY,
    }
}

fn ulp64(a: f64, b: f64) -> f64 {
    match (a.is_nan(), b.is_nan()) {
        (true, true) => 0.0,
        (false, false) => (ord64(a) - ord64(b)).abs() as f64,
        _ => f64::INFINITY,
    }
}

/// Reads the next (label, records) block of the harness's output, or `None` at the end.
fn read_block(input: &mut impl Read) -> Option<(String, Vec<Rec>)> {
    let mut len = [0u8; 4];
    if input.read_exact(&mut len).is_err() {
        return None;
    }
    let mut name = vec![0u8; u32::from_le_bytes(len) as usize];
    let mut count = [0u8; 8];
    input.read_exact(&mut name).expect("label");
    input.read_exact(&mut count).expect("record count");
    let mut bytes = vec![0u8; u64::from_le_bytes(count) as usize * REC_BYTES];
    input.read_exact(&mut bytes).expect("records");
    let recs = bytes
        .chunks_exact(REC_BYTES)
        .map(|c| {
            let f = |i: usize| f32::from_le_bytes(c[i..i + 4].try_into().unwrap());
            let d = |i: usize| f64::from_le_bytes(c[i..i + 8].try_into().unwrap());
            Rec {
                x: f(0),
                y: f(4),
                g: f(8),
                y64: d(16),
                g64: d(24),
            }
        })
        .collect();
    Some((String::from_utf8(name).expect("label"), recs))
}

/// ULP budgets for normal results: [f32 f, f32 f', f64 f, f64 f'].
type Budget = [f64; 4];

/// Prints the distances of one block from the core; false if one is over `budget`.
fn check<R: Rectifier>(name: &str, recs: &[Rec], r: R, budget: Budget) -> bool {
    let mut normal = [(0.0f64, 0.0f32); 4];
    let mut tiny = [(0.0f64, 0.0f32); 4];
    for rec in recs {
        let x = rec.x;
        let want32 = [r.forward_f32(x), r.derivative_f32(x)];
        let got32 = [rec.y, rec.g];
        let want64 = [r.forward_f64(x as f64), r.derivative_f64(x as f64)];
        let got64 = [rec.y64, rec.g64];
        for k in 0..4 {
            let (u, is_tiny) = if k < 2 {
                let w = want32[k];
                (ulp32(got32[k], w), w.abs() < f32::MIN_POSITIVE)
            } else {
                let w = want64[k - 2];
                (ulp64(got64[k - 2], w), w.abs() < f64::MIN_POSITIVE)
            };
            let slot = if is_tiny {
                &mut tiny[k]
            } else {
                &mut normal[k]
            };
            if u > slot.0 {
                *slot = (u, x);
            }
        }
    }
    let labels = ["f32 f", "f32 f'", "f64 f", "f64 f'"];
    let mut ok = true;
    println!("{name} ({} inputs)", recs.len());
    for k in 0..4 {
        let over = normal[k].0 > budget[k];
        ok &= !over;
        println!(
            "  {:7} max {:>5} ULP at x = {:<14e} (budget {:>4}){}   subnormal results: max {} ULP",
            labels[k],
            normal[k].0,
            normal[k].1,
            budget[k],
            if over { "  OVER BUDGET" } else { "" },
            tiny[k].0,
        );
    }
    ok
}

type Checker = Box<dyn Fn(&str, &[Rec]) -> bool>;

fn checker<R: Rectifier + 'static>(r: R, budget: Budget) -> Checker {
    Box::new(move |name, recs| check(name, recs, r, budget))
}

fn main() {
    // f32: the float kernels (a few roundings of expf/erfcf/log1pf). f64: the double kernels
    // follow the core line by line, so 0, except gelu, where glibc's erfc and the libm crate's
    // differ (and its f' near the zero at -0.7518 is accurate to 1e-16 absolute only, as the
    // core's). Labels are "<op>_<param as %.17g>", as harness.cpp writes them.
    let exact = [0.0; 4];
    let checkers: HashMap<&str, Checker> = HashMap::from([
        ("relu_0", checker(Relu, exact)),
        (
            "leaky_relu_0.01",
            checker(LeakyRelu::new(0.01).unwrap(), exact),
        ),
        (
            "leaky_relu_-0.5",
            checker(LeakyRelu::new(-0.5).unwrap(), exact),
        ),
        ("gelu_0", checker(Gelu, [4.0, 6.0, 8.0, 2048.0])),
        ("gelu_tanh_0", checker(GeluTanh, [5.0, 8.0, 0.0, 0.0])),
        ("silu_0", checker(Silu, [3.0, 6.0, 0.0, 0.0])),
        (
            "softplus_1",
            checker(Softplus::new(1.0).unwrap(), [3.0, 3.0, 0.0, 0.0]),
        ),
        (
            "softplus_10",
            checker(Softplus::new(10.0).unwrap(), [4.0, 4.0, 0.0, 0.0]),
        ),
        (
            "softplus_0.10000000000000001",
            checker(Softplus::new(0.1).unwrap(), [4.0, 4.0, 0.0, 0.0]),
        ),
        (
            "softplus_0.001",
            checker(Softplus::new(1e-3).unwrap(), [5.0, 4.0, 0.0, 0.0]),
        ),
        (
            "softplus_1000",
            checker(Softplus::new(1e3).unwrap(), [4.0, 4.0, 0.0, 0.0]),
        ),
        (
            "softplus_approx_0",
            checker(SoftplusApprox, [4.0, 8.0, 0.0, 0.0]),
        ),
        (
            "elu_1",
            checker(Elu::new(1.0).unwrap(), [2.0, 2.0, 0.0, 0.0]),
        ),
        (
            "elu_1.6732632423543772",
            checker(Elu::new(1.6732632423543772).unwrap(), [3.0, 2.0, 0.0, 0.0]),
        ),
        ("elu_0", checker(Elu::new(0.0).unwrap(), exact)),
        ("srelu_1", checker(SRelu::new(1.0).unwrap(), exact)),
        ("srelu_0", checker(SRelu::new(0.0).unwrap(), exact)),
        ("mish_0", checker(Mish, [5.0, 10.0, 0.0, 0.0])),
        (
            "squareplus_4",
            checker(Squareplus::new(4.0).unwrap(), [4.0, 3.0, 0.0, 0.0]),
        ),
        (
            "squareplus_0",
            checker(Squareplus::new(0.0).unwrap(), exact),
        ),
        (
            "squareplus_0.001",
            checker(Squareplus::new(1e-3).unwrap(), [4.0, 3.0, 0.0, 0.0]),
        ),
        (
            "squareplus_1.0000000000000001e-30",
            checker(Squareplus::new(1e-30).unwrap(), [3.0, 5.0, 0.0, 0.0]),
        ),
        (
            "squareplus_1000000",
            checker(Squareplus::new(1e6).unwrap(), [3.0, 3.0, 0.0, 0.0]),
        ),
    ]);
    let mut input = std::io::stdin().lock();
    let (mut ok, mut seen) = (true, 0);
    while let Some((name, recs)) = read_block(&mut input) {
        let check = checkers
            .get(name.as_str())
            .unwrap_or_else(|| panic!("no budget for {name}: add it to src/main.rs"));
        ok &= check(&name, &recs);
        seen += 1;
    }
    if seen != checkers.len() {
        println!("only {seen} of {} functions in the input", checkers.len());
        ok = false;
    }
    if ok {
        println!("all within budget");
    } else {
        println!("SOME OVER BUDGET");
        std::process::exit(1);
    }
}
