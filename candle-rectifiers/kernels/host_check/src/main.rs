//! Compares the kernel formulas, evaluated on the CPU by `harness.cpp`, with rectifiers-core.
//!
//! For each (function, parameter) it prints the largest ULP distance of the float path from
//! the core's `forward_f32`/`derivative_f32` and of the double path from `forward_f64`/
//! `derivative_f64`, separately for results in the normal range and below it, and fails if
//! a normal-range distance exceeds the budget below.

use std::io::Read;

use rectifiers_core::{
    Elu, Gelu, GeluTanh, LeakyRelu, Mish, Rectifier, Relu, SRelu, Silu, Softplus,
    SoftplusApprox, Squareplus,
};

#[repr(C)]
#[derive(Clone, Copy)]
struct Rec {
    x: f32,
    y: f32,
    g: f32,
    _pad: f32,
    y64: f64,
    g64: f64,
}

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

/// ULP budgets for normal results: [f32 f, f32 f', f64 f, f64 f'].
struct Budget([f64; 4]);

fn check<R: Rectifier>(dir: &str, file: &str, r: R, budget: Budget) -> bool {
    let mut buf = Vec::new();
    std::fs::File::open(format!("{dir}/{file}.bin"))
        .and_then(|mut f| f.read_to_end(&mut buf))
        .unwrap_or_else(|e| panic!("{dir}/{file}.bin: {e}"));
    let recs: Vec<Rec> = buf
        .chunks_exact(std::mem::size_of::<Rec>())
        .map(|c| {
            let f = |i: usize| f32::from_le_bytes(c[i..i + 4].try_into().unwrap());
            let d = |i: usize| f64::from_le_bytes(c[i..i + 8].try_into().unwrap());
            Rec { x: f(0), y: f(4), g: f(8), _pad: 0.0, y64: d(16), g64: d(24) }
        })
        .collect();
    let mut normal = [(0.0f64, 0.0f32); 4];
    let mut tiny = [(0.0f64, 0.0f32); 4];
    for rec in &recs {
        let x = rec.x;
        let want32 = [r.forward_f32(x), r.derivative_f32(x)];
        let got32 = [rec.y, rec.g];
        let want64 = [r.forward_f64(x as f64), r.derivative_f64(x as f64)];
        let got64 = [rec.y64, rec.g64];
        for k in 0..4 {
            let (u, is_tiny) = if k < 2 {
                (ulp32(got32[k], want32[k]), want32[k].abs() < f32::MIN_POSITIVE)
            } else {
                let w = want64[k - 2];
                (ulp64(got64[k - 2], w), w.abs() < f64::MIN_POSITIVE)
            };
            let slot = if is_tiny { &mut tiny[k] } else { &mut normal[k] };
            if u > slot.0 {
                *slot = (u, x);
            }
        }
    }
    let names = ["f32 f", "f32 f'", "f64 f", "f64 f'"];
    let mut ok = true;
    println!("{file} ({} inputs)", recs.len());
    for k in 0..4 {
        let over = normal[k].0 > budget.0[k];
        ok &= !over;
        println!(
            "  {:7} max {:>5} ULP at x = {:<14e} (budget {:>3}){}   subnormal results: max {} ULP",
            names[k],
            normal[k].0,
            normal[k].1,
            budget.0[k],
            if over { "  OVER BUDGET" } else { "" },
            tiny[k].0,
        );
    }
    ok
}

fn main() {
    let dir = std::env::args().nth(1).expect("usage: host-check OUT_DIR");
    let d = dir.as_str();
    // f32: the float kernels (a few roundings of exp/erfc/log1p); f64: the double kernels
    // follow the core line by line, so 0 except where glibc's erfc and the libm crate's differ
    // (gelu; its f' near the zero at -0.7518 is accurate to 1e-16 absolute only, as the
    // core's).
    let exact = Budget([0.0; 4]);
    let results = [
        check(d, "relu_0", Relu, Budget([0.0; 4])),
        check(d, "leaky_relu_0.01", LeakyRelu::new(0.01).unwrap(), Budget([0.0; 4])),
        check(d, "leaky_relu_-0.5", LeakyRelu::new(-0.5).unwrap(), Budget([0.0; 4])),
        check(d, "gelu_0", Gelu, Budget([4.0, 6.0, 8.0, 2048.0])),
        check(d, "gelu_tanh_0", GeluTanh, Budget([5.0, 8.0, 0.0, 0.0])),
        check(d, "silu_0", Silu, Budget([3.0, 6.0, 0.0, 0.0])),
        check(d, "softplus_1", Softplus::new(1.0).unwrap(), Budget([3.0, 3.0, 0.0, 0.0])),
        check(d, "softplus_10", Softplus::new(10.0).unwrap(), Budget([4.0, 4.0, 0.0, 0.0])),
        check(d, "softplus_0.10000000000000001", Softplus::new(0.1).unwrap(), Budget([4.0, 4.0, 0.0, 0.0])),
        check(d, "softplus_0.001", Softplus::new(1e-3).unwrap(), Budget([5.0, 4.0, 0.0, 0.0])),
        check(d, "softplus_1000", Softplus::new(1e3).unwrap(), Budget([4.0, 4.0, 0.0, 0.0])),
        check(d, "softplus_approx_0", SoftplusApprox, Budget([4.0, 8.0, 0.0, 0.0])),
        check(d, "elu_1", Elu::new(1.0).unwrap(), Budget([2.0, 2.0, 0.0, 0.0])),
        check(d, "elu_1.6732632423543772", Elu::new(1.6732632423543772).unwrap(), Budget([3.0, 2.0, 0.0, 0.0])),
        check(d, "elu_0", Elu::new(0.0).unwrap(), exact),
        check(d, "srelu_1", SRelu::new(1.0).unwrap(), Budget([0.0; 4])),
        check(d, "srelu_0", SRelu::new(0.0).unwrap(), Budget([0.0; 4])),
        check(d, "mish_0", Mish, Budget([5.0, 10.0, 0.0, 0.0])),
        check(d, "squareplus_4", Squareplus::new(4.0).unwrap(), Budget([4.0, 3.0, 0.0, 0.0])),
        check(d, "squareplus_0", Squareplus::new(0.0).unwrap(), Budget([0.0; 4])),
        check(d, "squareplus_0.001", Squareplus::new(1e-3).unwrap(), Budget([4.0, 3.0, 0.0, 0.0])),
        check(d, "squareplus_1.0000000000000001e-30", Squareplus::new(1e-30).unwrap(), Budget([3.0, 5.0, 0.0, 0.0])),
        check(d, "squareplus_1000000", Squareplus::new(1e6).unwrap(), Budget([3.0, 3.0, 0.0, 0.0])),
    ];
    if results.iter().all(|&ok| ok) {
        println!("all within budget");
    } else {
        println!("SOME OVER BUDGET");
        std::process::exit(1);
    }
}
