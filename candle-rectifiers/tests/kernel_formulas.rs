//! Host check of the CUDA kernel formulas against rectifiers-core; no GPU and no nvcc needed.
//!
//! `kernels/functions.cuh` (with `kernels/math.cuh`) holds every elementwise formula of the
//! CUDA kernels. This test compiles those headers for the CPU with `g++` (`$CXX` if set),
//! through `tests/kernel_formulas/shim.h`, as part of `tests/kernel_formulas/harness.cpp`; runs
//! the harness, which evaluates the float path (what the f32/f16/bf16 kernels compute) and the
//! double path (the f64 kernels) and streams the results through a pipe (about 3 GB, never to
//! disk); and compares them with the core's `forward_f32`/`derivative_f32` and
//! `forward_f64`/`derivative_f64`.
//!
//! Inputs: 4,477,880 f32 values for each of the 23 (function, parameter) cases, i.e. ~103M
//! inputs and four comparisons each (f32 f, f32 f', f64 f at `x as f64`, f64 f'):
//! - every 1021st f32 bit pattern (4,206,628 values: all magnitudes, both signs, subnormals,
//!   infinities, NaNs);
//! - a dense sweep of [-120, 120] in steps of 0.000917 (262,009 values);
//! - special values (±0, ±inf, NaN, ±1e-45, ±3.4e38, ±1e-6, -7.06, -0.7518, -0.7522, -1.1924);
//! - around each float derivative zero (gelu', gelu_tanh', silu', mish'; functions.cuh, "float
//!   derivative zeros"), the 2049 consecutive floats centred on the zero and 129 across each edge
//!   of the |x - x0| <= 0.5 window where the float kernels switch to the polynomial (9,228 values).
//!
//! It prints a table of the largest ULP distance per case and column, for results in the normal
//! range (budgeted) and below it (printed only), and fails if a normal-range distance exceeds
//! the budget in [`cases`]; the failure message gives the worst input, its result and the
//! core's, with their bits in hex. Run it with
//!
//! ```text
//! cargo test -p candle-rectifiers --test kernel_formulas -- --nocapture
//! ```
//!
//! About 10 s on 2 cores with the workspace's opt-level 3 test profile: g++ ~1 s, then the
//! harness and the comparison, which run concurrently on the two ends of the pipe.
//!
//! When the core's formulas change, this must keep passing: a double-path distance above 0
//! means the kernels no longer follow the core line by line (gelu is the exception: glibc's
//! `erfc` and the libm crate's differ by an ULP, and its f' next to the zero at -0.7518 is
//! accurate to ~1e-16 absolute only, as the core's, so that column also accepts an absolute
//! error of 2^-53). A new case in `harness.cpp` needs a budget in [`cases`].
//!
//! The harness is compiled with `-ffp-contract=off`, as `build.rs` passes `-fmad=false` to nvcc:
//! on both sides only the explicit `fma` calls fuse. What it does not check: CUDA's libdevice
//! (`expf`, `erfcf`, `log1pf`, ... are glibc's here, both within a few ULP; `erfcxf` comes from
//! `shim.h`), the launch code, indexing, the f16/bf16 roundings, PReLU and LSE0+. Those need a
//! GPU (the tests with the `cuda` feature).
//!
//! The harness binary goes to a fresh directory under [`std::env::temp_dir`], removed at the
//! end, never under `kernels/`, whose `.cu`/`.cuh` files `build.rs` watches. Without `g++` (or
//! `$CXX`) the test prints why it is skipped and passes, unless the `CI` environment variable is
//! set: then it fails, since CI must run it.

mod common;

use std::fmt::Write as _;
use std::io::{self, BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use common::host_cxx::{TempDir, compile, cxx_or_skip, ulp32, ulp64};

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

/// Records decoded and checked at a time.
const CHUNK: usize = 1 << 16;

/// The four compared results.
const COLUMNS: [&str; 4] = ["f32 f", "f32 f'", "f64 f", "f64 f'"];

/// The most a column may differ from the core, for results in the normal range: a result
/// passes if it is within `ulp` ULP or within `abs` absolutely.
#[derive(Clone, Copy)]
struct Budget {
    ulp: f64,
    abs: f64,
}

/// ULP budgets [f32 f, f32 f', f64 f, f64 f'], no absolute slack.
const fn ulps(b: [f64; 4]) -> [Budget; 4] {
    [
        Budget {
            ulp: b[0],
            abs: 0.0,
        },
        Budget {
            ulp: b[1],
            abs: 0.0,
        },
        Budget {
            ulp: b[2],
            abs: 0.0,
        },
        Budget {
            ulp: b[3],
            abs: 0.0,
        },
    ]
}

const EXACT: [Budget; 4] = ulps([0.0; 4]);

/// A kernel result next to the core's, at input `x`.
#[derive(Clone, Copy, Default)]
struct Point {
    ulp: f64,
    x: f32,
    got: f64,
    want: f64,
}

/// The largest distances seen in one column.
#[derive(Clone, Copy, Default)]
struct Column {
    /// Over the results whose core value is normal (or zero, infinite, NaN).
    normal: Point,
    /// Over those that exceed the budget (`ulp` 0 if none).
    over: Point,
    /// Over those whose core value is subnormal (not budgeted).
    tiny: Point,
    /// Where the budget has an absolute part: the normal results beyond its ULP part, and the
    /// largest absolute error among them (in `ulp`).
    beyond_ulp: u64,
    abs: Point,
}

type Stats = [Column; 4];

/// Folds one result into `col`.
#[inline(always)]
fn record(col: &mut Column, budget: Budget, x: f32, got: f64, want: f64, ulp: f64, tiny: bool) {
    let p = Point { ulp, x, got, want };
    if tiny {
        if ulp > col.tiny.ulp {
            col.tiny = p;
        }
        return;
    }
    if ulp > col.normal.ulp {
        col.normal = p;
    }
    if ulp <= budget.ulp {
        return;
    }
    let mut over = true;
    if budget.abs > 0.0 {
        // NaN against a number (the only NaN difference here, as `ulp` > 0) is infinitely far.
        let err = (got - want).abs();
        let err = if err.is_nan() { f64::INFINITY } else { err };
        col.beyond_ulp += 1;
        if err > col.abs.ulp {
            col.abs = Point { ulp: err, ..p };
        }
        over = err > budget.abs;
    }
    if over && ulp > col.over.ulp {
        col.over = p;
    }
}

fn check<R: Rectifier>(r: &R, budget: &[Budget; 4], recs: &[Rec], stats: &mut Stats) {
    for rec in recs {
        let x = rec.x;
        let (y, g) = (r.forward_f32(x), r.derivative_f32(x));
        let (y64, g64) = (r.forward_f64(x as f64), r.derivative_f64(x as f64));
        let f32_tiny = |w: f32| w.abs() < f32::MIN_POSITIVE;
        let f64_tiny = |w: f64| w.abs() < f64::MIN_POSITIVE;
        let [c0, c1, c2, c3] = stats;
        let u = ulp32(rec.y, y);
        record(c0, budget[0], x, rec.y as f64, y as f64, u, f32_tiny(y));
        let u = ulp32(rec.g, g);
        record(c1, budget[1], x, rec.g as f64, g as f64, u, f32_tiny(g));
        let u = ulp64(rec.y64, y64);
        record(c2, budget[2], x, rec.y64, y64, u, f64_tiny(y64));
        let u = ulp64(rec.g64, g64);
        record(c3, budget[3], x, rec.g64, g64, u, f64_tiny(g64));
    }
}

type Checker = Box<dyn Fn(&[Rec], &mut Stats)>;

/// One (function, parameter) of `harness.cpp`, its budgets and its comparison.
struct Case {
    /// `"<op>_<param as %.17g>"`, as `harness.cpp` writes it.
    label: &'static str,
    budget: [Budget; 4],
    check: Checker,
}

fn case<R: Rectifier + 'static>(label: &'static str, r: R, budget: [Budget; 4]) -> Case {
    Case {
        label,
        budget,
        check: Box::new(move |recs, stats| check(&r, &budget, recs, stats)),
    }
}

/// Every case of `harness.cpp` with its budgets for normal results: f32, the float kernels (a
/// few roundings of expf/erfcf/log1pf); f64, the double kernels follow the core line by line,
/// so 0, except gelu, where glibc's erfc and the libm crate's differ (and its f' near the zero
/// at -0.7518 is accurate to ~1e-16 absolute only, as the core's, hence 2^-53 absolute there).
fn cases() -> Vec<Case> {
    let sp = |b: f64| Softplus::new(b).unwrap();
    let sq = |b: f64| Squareplus::new(b).unwrap();
    let mut gelu = ulps([4.0, 6.0, 8.0, 2048.0]);
    gelu[3].abs = f64::EPSILON / 2.0;
    vec![
        case("relu_0", Relu, EXACT),
        case("leaky_relu_0.01", LeakyRelu::new(0.01).unwrap(), EXACT),
        case("leaky_relu_-0.5", LeakyRelu::new(-0.5).unwrap(), EXACT),
        case("gelu_0", Gelu, gelu),
        case("gelu_tanh_0", GeluTanh, ulps([5.0, 9.0, 0.0, 0.0])),
        case("silu_0", Silu, ulps([3.0, 6.0, 0.0, 0.0])),
        case("softplus_1", sp(1.0), ulps([3.0, 3.0, 0.0, 0.0])),
        case("softplus_10", sp(10.0), ulps([4.0, 4.0, 0.0, 0.0])),
        case(
            "softplus_0.10000000000000001",
            sp(0.1),
            ulps([4.0, 4.0, 0.0, 0.0]),
        ),
        case("softplus_0.001", sp(1e-3), ulps([5.0, 4.0, 0.0, 0.0])),
        case("softplus_1000", sp(1e3), ulps([4.0, 4.0, 0.0, 0.0])),
        case(
            "softplus_approx_0",
            SoftplusApprox,
            ulps([4.0, 8.0, 0.0, 0.0]),
        ),
        case("elu_1", Elu::new(1.0).unwrap(), ulps([2.0, 2.0, 0.0, 0.0])),
        case(
            "elu_1.6732632423543772",
            Elu::new(1.6732632423543772).unwrap(),
            ulps([3.0, 2.0, 0.0, 0.0]),
        ),
        case("elu_0", Elu::new(0.0).unwrap(), EXACT),
        case("srelu_1", SRelu::new(1.0).unwrap(), EXACT),
        case("srelu_0", SRelu::new(0.0).unwrap(), EXACT),
        case("mish_0", Mish, ulps([5.0, 7.0, 0.0, 0.0])),
        case("squareplus_4", sq(4.0), ulps([4.0, 3.0, 0.0, 0.0])),
        case("squareplus_0", sq(0.0), EXACT),
        case("squareplus_0.001", sq(1e-3), ulps([4.0, 3.0, 0.0, 0.0])),
        case(
            "squareplus_1.0000000000000001e-30",
            sq(1e-30),
            ulps([3.0, 5.0, 0.0, 0.0]),
        ),
        case("squareplus_1000000", sq(1e6), ulps([3.0, 3.0, 0.0, 0.0])),
    ]
}

/// Reads the next block header (label, record count), or `None` at the end of the stream.
fn read_header(input: &mut impl BufRead) -> io::Result<Option<(String, u64)>> {
    if input.fill_buf()?.is_empty() {
        return Ok(None);
    }
    let mut len = [0u8; 4];
    input.read_exact(&mut len)?;
    let mut name = vec![0u8; u32::from_le_bytes(len) as usize];
    input.read_exact(&mut name)?;
    let mut count = [0u8; 8];
    input.read_exact(&mut count)?;
    let name =
        String::from_utf8(name).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
    Ok(Some((name, u64::from_le_bytes(count))))
}

fn decode(c: &[u8]) -> Rec {
    let f = |i: usize| f32::from_le_bytes(c[i..i + 4].try_into().unwrap());
    let d = |i: usize| f64::from_le_bytes(c[i..i + 8].try_into().unwrap());
    Rec {
        x: f(0),
        y: f(4),
        g: f(8),
        y64: d(16),
        g64: d(24),
    }
}

/// Reads the whole stream, checking each block with its case; the stats per case (in `cases`
/// order, `None` if the stream lacks it) and the record count.
fn read_and_check(
    input: &mut impl BufRead,
    cases: &[Case],
) -> io::Result<(Vec<Option<Stats>>, u64)> {
    let mut stats: Vec<Option<Stats>> = cases.iter().map(|_| None).collect();
    let mut inputs = None;
    let mut bytes = vec![0u8; CHUNK * REC_BYTES];
    let mut recs = Vec::with_capacity(CHUNK);
    while let Some((name, count)) = read_header(input)? {
        let i = cases
            .iter()
            .position(|c| c.label == name)
            .unwrap_or_else(|| {
                panic!("harness.cpp wrote `{name}`, which has no budget: add it to `cases`")
            });
        assert!(stats[i].is_none(), "harness.cpp wrote `{name}` twice");
        let n = *inputs.get_or_insert(count);
        assert_eq!(
            count, n,
            "`{name}`: {count} records, the previous cases had {n}"
        );
        let mut s = Stats::default();
        let mut left = count as usize;
        while left > 0 {
            let k = left.min(CHUNK);
            input.read_exact(&mut bytes[..k * REC_BYTES])?;
            recs.clear();
            recs.extend(bytes[..k * REC_BYTES].chunks_exact(REC_BYTES).map(decode));
            (cases[i].check)(&recs, &mut s);
            left -= k;
        }
        stats[i] = Some(s);
    }
    Ok((stats, inputs.unwrap_or(0)))
}

/// `v` and its bits, in the column's type.
fn show(column: usize, v: f64) -> String {
    if column < 2 {
        let v = v as f32;
        format!("{v:e} ({:#010x})", v.to_bits())
    } else {
        format!("{v:e} ({:#018x})", v.to_bits())
    }
}

fn show_x(x: f32) -> String {
    format!("x = {x:e} ({:#010x})", x.to_bits())
}

fn budget_text(b: Budget) -> String {
    if b.abs > 0.0 {
        format!("{}*", b.ulp)
    } else {
        format!("{}", b.ulp)
    }
}

/// Prints the table of maximum ULP distances.
fn print_table(cases: &[Case], stats: &[Option<Stats>], inputs: u64) {
    let mut t = String::new();
    let _ = writeln!(
        t,
        "\nkernel formulas (host g++) vs rectifiers-core: max ULP distance over {inputs} inputs \
         per case\n(normal-range results: max/budget, `*`: or an absolute budget, see below; \
         subnormal results, unbudgeted, in brackets)\n"
    );
    let _ = write!(t, "{:<34}", "case");
    for c in COLUMNS {
        let _ = write!(t, "{c:>20}");
    }
    let _ = writeln!(t);
    for (case, s) in cases.iter().zip(stats) {
        let _ = write!(t, "{:<34}", case.label);
        for k in 0..4 {
            let cell = match s {
                Some(s) => format!(
                    "{}/{} [{}]",
                    s[k].normal.ulp,
                    budget_text(case.budget[k]),
                    s[k].tiny.ulp
                ),
                None => "missing".to_string(),
            };
            let _ = write!(t, "{cell:>20}");
        }
        let _ = writeln!(t);
    }
    let _ = writeln!(t, "\nworst normal-range inputs (nonzero distances):");
    for (case, s) in cases.iter().zip(stats) {
        let Some(s) = s else { continue };
        for (k, col) in s.iter().enumerate() {
            let p = col.normal;
            if p.ulp > 0.0 {
                let _ = writeln!(
                    t,
                    "  {:<34}{:<7} {:>6} ULP at {}",
                    case.label,
                    COLUMNS[k],
                    p.ulp,
                    show_x(p.x)
                );
            }
            if case.budget[k].abs > 0.0 {
                let a = col.abs;
                let _ = writeln!(
                    t,
                    "  {:<34}{:<7} * {} results beyond {} ULP, which must be within {:.2e} \
                     absolute: max absolute error {:.2e} at {}",
                    case.label,
                    COLUMNS[k],
                    col.beyond_ulp,
                    case.budget[k].ulp,
                    case.budget[k].abs,
                    a.ulp,
                    show_x(a.x)
                );
            }
        }
    }
    println!("{t}");
}

#[test]
fn kernel_formulas_match_core() {
    let Some(cxx) = cxx_or_skip("kernel_formulas") else {
        return;
    };

    let here = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/kernel_formulas");
    let dir = TempDir::new("kernel-formulas");
    let exe = dir.0.join("harness");
    let start = Instant::now();
    compile(&cxx, &here.join("harness.cpp"), &exe, &[]);
    let compiled = start.elapsed();

    let mut child = Command::new(&exe)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", exe.display()));
    let stdout = child.stdout.take().expect("piped stdout");
    let cases = cases();
    let result = read_and_check(&mut BufReader::with_capacity(1 << 20, stdout), &cases);
    let status = child.wait().expect("wait for the harness");
    let (stats, inputs) = match result {
        Ok(r) => r,
        Err(e) => panic!("reading the harness's output: {e} (harness exit: {status})"),
    };
    assert!(status.success(), "the harness failed: {status}");
    print_table(&cases, &stats, inputs);
    println!(
        "g++ {:.1} s, harness and comparison {:.1} s",
        compiled.as_secs_f64(),
        (start.elapsed() - compiled).as_secs_f64()
    );

    let mut failures = String::new();
    for (case, s) in cases.iter().zip(&stats) {
        let Some(s) = s else {
            let _ = writeln!(failures, "{}: not in the harness's output", case.label);
            continue;
        };
        for (k, col) in s.iter().enumerate() {
            let p = col.over;
            if p.ulp > 0.0 {
                let b = case.budget[k];
                let budget = if b.abs > 0.0 {
                    format!(
                        "{} ULP or {:e} absolute; error {:.2e}",
                        b.ulp,
                        b.abs,
                        (p.got - p.want).abs()
                    )
                } else {
                    format!("{} ULP", b.ulp)
                };
                let _ = writeln!(
                    failures,
                    "{} {}: {} ULP (budget {budget}) at {}: kernel {}, core {}",
                    case.label,
                    COLUMNS[k],
                    p.ulp,
                    show_x(p.x),
                    show(k, p.got),
                    show(k, p.want),
                );
            }
        }
    }
    assert!(inputs > 0, "the harness wrote no records");
    assert!(
        failures.is_empty(),
        "kernel formulas differ from rectifiers-core beyond budget (worst input per column):\n{failures}"
    );
}
