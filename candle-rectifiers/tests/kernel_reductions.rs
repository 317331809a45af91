//! Host check of the CUDA reductions (LSE0+ forward and backward, PReLU's `dalpha`) against
//! rectifiers-core; no GPU and no nvcc needed.
//!
//! `tests/kernel_reductions/harness.cpp` compiles the kernels' own arithmetic
//! (`kernels/lse0_plus.cuh`, `kernels/prelu.cuh`, `kernels/math.cuh`) with `g++` (`$CXX` if set)
//! and replays, element for element, how the kernels hand elements to threads and in which
//! fixed order they merge the threads' states (`group_reduce` / `block_reduce` in
//! `kernels/utils.cuh`), for:
//! - LSE0+ rows of 1 to 20000 elements (spread over [-40, 40], all below -60, ascending, near 0,
//!   and rows with NaN, +inf, -inf, tied maxima, one dominant element), through every cached
//!   width the kernels accept (`tpr` threads per row, the launcher taking the smallest) and the
//!   split path, with 16-byte vector loads and without;
//! - PReLU's two-pass `dalpha` for several `[outer, C, inner]` shapes, through element slots and
//!   row slots with several strides and segment counts (any of them gives the same partition
//!   properties, which `src/launch.rs` tests for the plans the launcher picks).
//!
//! Each result is compared in ULP with the core's (the float path with the core's f32 result,
//! the double path with its f64 result), and must stay within the budget per path in [`LSE`]
//! and [`PRELU`]; results below the normal range are printed, not budgeted. Run it with
//!
//! ```text
//! cargo test -p candle-rectifiers --test kernel_reductions -- --nocapture
//! ```
//!
//! What it does not check: libdevice (`expf`, `log1pf` are glibc's here), the f16/bf16
//! roundings, and the shuffles themselves (only the order they merge in); the tests with the
//! `cuda` feature check those on a GPU. Without `g++` the test is skipped, unless `CI` is set.

mod common;

use std::fmt::Write as _;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use common::host_cxx::{TempDir, compile, cxx_or_skip, ulp32, ulp64};

/// LSE0+ columns: the float path's y and dx (f32 ULP) and the double path's (f64 ULP).
const LSE_COLUMNS: [&str; 4] = ["y f32", "y f64", "dx f32", "dx f64"];
/// PReLU columns.
const PRELU_COLUMNS: [&str; 2] = ["dalpha f32", "dalpha f64"];

/// ULP budgets per path, the largest distances measured here. Cached: every term e^(x_i - m)
/// is the core's and the sums are compensated, so the double path gives the core's bits (on
/// glibc's exp/log1p, which the core also calls) and the float path only adds its float
/// roundings. Split: one rescaling (an exp and two products) per rise of a thread's running
/// maximum and per merge, and a backward denominator from the forward's terms: the ascending
/// rows, which rescale at every element, are the worst.
const LSE: [(&str, [f64; 4]); 2] = [
    ("cached", [1.0, 0.0, 3.0, 0.0]),
    ("split", [1.0, 1.0, 5.0, 4.0]),
];
/// dalpha: compensated f64 sums of exact products on both sides, in different orders; the f64
/// column sums products of doubles, which round.
const PRELU: [(&str, [f64; 2]); 2] = [("elems", [0.0, 1.0]), ("rows", [0.0, 1.0])];

/// A result next to the core's.
#[derive(Clone, Default)]
struct Point {
    ulp: f64,
    case: String,
    index: usize,
    got: f64,
    want: f64,
}

/// The largest distances of one column: in the normal range (budgeted) and below it.
#[derive(Clone, Default)]
struct Column {
    normal: Point,
    tiny: Point,
}

impl Column {
    fn record(&mut self, case: &str, index: usize, got: f64, want: f64, ulp: f64, tiny: bool) {
        let worst = if tiny {
            &mut self.tiny
        } else {
            &mut self.normal
        };
        if ulp > worst.ulp {
            *worst = Point {
                ulp,
                case: case.to_string(),
                index,
                got,
                want,
            };
        }
    }
}

fn tiny32(v: f32) -> bool {
    v != 0.0 && v.abs() < f32::MIN_POSITIVE
}

fn tiny64(v: f64) -> bool {
    v != 0.0 && v.abs() < f64::MIN_POSITIVE
}

fn read_u32(input: &mut impl Read) -> io::Result<u32> {
    let mut b = [0u8; 4];
    input.read_exact(&mut b)?;
    Ok(u32::from_le_bytes(b))
}

fn read_u64(input: &mut impl Read) -> io::Result<usize> {
    let mut b = [0u8; 8];
    input.read_exact(&mut b)?;
    Ok(u64::from_le_bytes(b) as usize)
}

fn read_f32s(input: &mut impl Read, n: usize) -> io::Result<Vec<f32>> {
    let mut b = vec![0u8; n * 4];
    input.read_exact(&mut b)?;
    Ok(b.chunks_exact(4)
        .map(|c| f32::from_le_bytes(c.try_into().unwrap()))
        .collect())
}

fn read_f64s(input: &mut impl Read, n: usize) -> io::Result<Vec<f64>> {
    let mut b = vec![0u8; n * 8];
    input.read_exact(&mut b)?;
    Ok(b.chunks_exact(8)
        .map(|c| f64::from_le_bytes(c.try_into().unwrap()))
        .collect())
}

/// Which budget row a case label falls in.
fn lse_family(label: &str) -> usize {
    usize::from(label.contains(" split"))
}

fn prelu_family(label: &str) -> usize {
    usize::from(label.contains(" rows"))
}

/// Everything read from the harness, per family and column.
#[derive(Default)]
struct Results {
    lse: [[Column; 4]; 2],
    prelu: [[Column; 2]; 2],
    /// Per (family, n): the largest normal-range distance of each LSE column.
    lse_by_n: Vec<(usize, usize, [f64; 4])>,
    cases: usize,
}

fn check_lse(input: &mut impl Read, label: &str, res: &mut Results) -> io::Result<()> {
    let rows = read_u64(input)?;
    let n = read_u64(input)?;
    let x = read_f32s(input, rows * n)?;
    let dy = read_f32s(input, rows)?;
    let y32 = read_f32s(input, rows)?;
    let y64 = read_f64s(input, rows)?;
    let dx32 = read_f32s(input, rows * n)?;
    let dx64 = read_f64s(input, rows * n)?;
    let fam = lse_family(label);
    let cols = &mut res.lse[fam];
    let mut by_n = [0.0f64; 4];
    let mut row = vec![0.0; n];
    let mut g = vec![0.0; n];
    for r in 0..rows {
        for (v, &x) in row.iter_mut().zip(&x[r * n..(r + 1) * n]) {
            *v = x as f64;
        }
        // The core's kernels: f64 throughout, then one rounding to the dtype.
        let want = rectifiers_core::lse0_plus::lse0_plus(&row);
        rectifiers_core::lse0_plus::lse0_plus_gradient(&row, &mut g);
        let (w32, w64) = (want as f32, want);
        let u = ulp32(y32[r], w32);
        cols[0].record(label, r, y32[r] as f64, w32 as f64, u, tiny32(w32));
        if !tiny32(w32) {
            by_n[0] = by_n[0].max(u);
        }
        let u = ulp64(y64[r], w64);
        cols[1].record(label, r, y64[r], w64, u, tiny64(w64));
        if !tiny64(w64) {
            by_n[1] = by_n[1].max(u);
        }
        let d = dy[r] as f64;
        for (e, &g) in g.iter().enumerate() {
            let i = r * n + e;
            let w32 = (d * g) as f32;
            let u = ulp32(dx32[i], w32);
            cols[2].record(label, i, dx32[i] as f64, w32 as f64, u, tiny32(w32));
            if !tiny32(w32) {
                by_n[2] = by_n[2].max(u);
            }
            let w64 = d * g;
            let u = ulp64(dx64[i], w64);
            cols[3].record(label, i, dx64[i], w64, u, tiny64(w64));
            if !tiny64(w64) {
                by_n[3] = by_n[3].max(u);
            }
        }
    }
    match res
        .lse_by_n
        .iter_mut()
        .find(|(f, m, _)| *f == fam && *m == n)
    {
        Some((_, _, worst)) => {
            for (w, b) in worst.iter_mut().zip(by_n) {
                *w = w.max(b);
            }
        }
        None => res.lse_by_n.push((fam, n, by_n)),
    }
    Ok(())
}

fn check_prelu(input: &mut impl Read, label: &str, res: &mut Results) -> io::Result<()> {
    let outer = read_u64(input)?;
    let channels = read_u64(input)?;
    let inner = read_u64(input)?;
    let numel = outer * channels * inner;
    let x = read_f32s(input, numel)?;
    let dy = read_f32s(input, numel)?;
    let da32 = read_f32s(input, channels)?;
    let da64 = read_f64s(input, channels)?;
    let alpha = vec![0.25f32; channels];
    let (mut dx, mut want32) = (vec![0.0f32; numel], vec![0.0f32; channels]);
    rectifiers_core::kernel::prelu_backward(&x, &alpha, &dy, inner, &mut dx, &mut want32);
    let wide = |v: &[f32]| v.iter().map(|&v| v as f64).collect::<Vec<f64>>();
    let (x64, dy64, alpha64) = (wide(&x), wide(&dy), wide(&alpha));
    let (mut dx64, mut want64) = (vec![0.0f64; numel], vec![0.0f64; channels]);
    rectifiers_core::kernel::prelu_backward(&x64, &alpha64, &dy64, inner, &mut dx64, &mut want64);
    let cols = &mut res.prelu[prelu_family(label)];
    for c in 0..channels {
        let (g, w) = (da32[c], want32[c]);
        cols[0].record(label, c, g as f64, w as f64, ulp32(g, w), tiny32(w));
        let (g, w) = (da64[c], want64[c]);
        cols[1].record(label, c, g, w, ulp64(g, w), tiny64(w));
    }
    Ok(())
}

fn read_all(input: &mut impl BufRead) -> io::Result<Results> {
    let mut res = Results::default();
    while !input.fill_buf()?.is_empty() {
        let kind = read_u32(input)?;
        let len = read_u32(input)? as usize;
        let mut label = vec![0u8; len];
        input.read_exact(&mut label)?;
        let label = String::from_utf8_lossy(&label).into_owned();
        match kind {
            1 => check_lse(input, &label, &mut res)?,
            2 => check_prelu(input, &label, &mut res)?,
            _ => panic!("harness.cpp wrote a block of unknown kind {kind} (`{label}`)"),
        }
        res.cases += 1;
    }
    Ok(res)
}

fn show(col: &Column, budget: f64) -> String {
    format!("{}/{} [{}]", col.normal.ulp, budget, col.tiny.ulp)
}

fn print_table(res: &Results) {
    let mut t = String::new();
    let _ = writeln!(
        t,
        "\nkernel reductions (host g++) vs rectifiers-core: max ULP distance over {} cases\n\
         (normal-range results: max/budget; subnormal results, unbudgeted, in brackets)\n",
        res.cases
    );
    let _ = write!(t, "{:<16}", "LSE0+ path");
    for c in LSE_COLUMNS {
        let _ = write!(t, "{c:>16}");
    }
    let _ = writeln!(t);
    for (f, (name, budget)) in LSE.iter().enumerate() {
        let _ = write!(t, "{name:<16}");
        for (col, &b) in res.lse[f].iter().zip(budget) {
            let _ = write!(t, "{:>16}", show(col, b));
        }
        let _ = writeln!(t);
    }
    let _ = writeln!(t, "\nby row length (all inputs, widths and alignments):");
    let mut by_n = res.lse_by_n.clone();
    by_n.sort_by_key(|&(f, n, _)| (f, n));
    for (f, n, worst) in by_n {
        let _ = writeln!(t, "  {:<8} n = {n:<8} {worst:?}", LSE[f].0);
    }
    let _ = write!(t, "\n{:<16}", "PReLU slots");
    for c in PRELU_COLUMNS {
        let _ = write!(t, "{c:>16}");
    }
    let _ = writeln!(t);
    for (f, (name, budget)) in PRELU.iter().enumerate() {
        let _ = write!(t, "{name:<16}");
        for (col, &b) in res.prelu[f].iter().zip(budget) {
            let _ = write!(t, "{:>16}", show(col, b));
        }
        let _ = writeln!(t);
    }
    println!("{t}");
}

/// The failures of one column: its worst normal-range point if over budget.
fn over(failures: &mut String, what: &str, col: &Column, budget: f64) {
    let p = &col.normal;
    if p.ulp > budget {
        let _ = writeln!(
            failures,
            "{what}: {} ULP (budget {budget}) in `{}` at [{}]: kernel {:e} ({:#018x}), core {:e} \
             ({:#018x})",
            p.ulp,
            p.case,
            p.index,
            p.got,
            p.got.to_bits(),
            p.want,
            p.want.to_bits()
        );
    }
}

#[test]
fn kernel_reductions_match_core() {
    let Some(cxx) = cxx_or_skip("kernel_reductions") else {
        return;
    };
    let here = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/kernel_reductions");
    let dir = TempDir::new("kernel-reductions");
    let exe = dir.0.join("harness");
    let start = Instant::now();
    compile(&cxx, &here.join("harness.cpp"), &exe, &[]);
    let compiled = start.elapsed();

    let mut child = Command::new(&exe)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", exe.display()));
    let stdout = child.stdout.take().expect("piped stdout");
    let result = read_all(&mut BufReader::with_capacity(1 << 20, stdout));
    let status = child.wait().expect("wait for the harness");
    let res = match result {
        Ok(r) => r,
        Err(e) => panic!("reading the harness's output: {e} (harness exit: {status})"),
    };
    assert!(status.success(), "the harness failed: {status}");
    print_table(&res);
    println!(
        "g++ {:.1} s, harness and comparison {:.1} s",
        compiled.as_secs_f64(),
        (start.elapsed() - compiled).as_secs_f64()
    );

    assert!(res.cases > 0, "the harness wrote no cases");
    let mut failures = String::new();
    for (f, (name, budget)) in LSE.iter().enumerate() {
        for ((col, &b), column) in res.lse[f].iter().zip(budget).zip(LSE_COLUMNS) {
            over(&mut failures, &format!("lse0_plus {name} {column}"), col, b);
        }
    }
    for (f, (name, budget)) in PRELU.iter().enumerate() {
        for ((col, &b), column) in res.prelu[f].iter().zip(budget).zip(PRELU_COLUMNS) {
            over(&mut failures, &format!("prelu {name} {column}"), col, b);
        }
    }
    assert!(
        failures.is_empty(),
        "kernel reductions differ from rectifiers-core beyond budget (worst case per column):\n\
         {failures}"
    );
}
