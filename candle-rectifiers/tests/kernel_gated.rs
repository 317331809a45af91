//! Host check of the CUDA gated kernels (`kernels/gated.cuh`) against rectifiers-core; no GPU
//! and no nvcc needed.
//!
//! `tests/kernel_gated/harness.cpp` compiles `gated.cuh` with `g++` (`$CXX` if set), CUDA's
//! half-precision headers replaced by host stand-ins (`tests/kernel_gated/cuda_fp16.h`,
//! `cuda_bf16.h`), and runs the kernels' own bodies (`gated_fwd_body`, `gated_bwd_body`) over a
//! simulated grid of 7 blocks of 32 threads, for 14 (function, parameter) cases, every dtype
//! (f32, f64, f16, bf16) on contiguous operands, and f32 also on the layouts the kernels index
//! in place: the split form's two halves of one buffer, `up` broadcast over the rows, and
//! transposed `gate` and `dy`. Each of the 98 blocks holds 74,112 elements: gates over all
//! magnitudes and a dense sweep of [-30, 30], `up` and `dy` from 2^-30 to 2^30 with both signs,
//! and the special values (±0, ±inf, NaN, subnormals, ±3e38) in all three.
//!
//! For every element it checks:
//! - **the arithmetic, bit for bit**: `y`, `d_gate` and `d_up` equal the core's
//!   [`Float::gated`] and [`Float::gated_backward`] in that dtype evaluated with the kernel
//!   formulas' own `f(gate)` and `f'(gate)` (the harness writes them). So the kernels multiply
//!   as the core does: `d_gate`'s `dy up` exact in double, f16/bf16 in float rounded once.
//!   With `tests/kernel_formulas.rs`, which holds `f` and `f'` to a ULP budget per function
//!   against the core, this bounds the gated results;
//! - **the indexing**: the inputs are read back by row-major position, not through the
//!   kernels' `get_strided_index`, and every output element is written (the harness runs each
//!   body twice over outputs pre-filled with two patterns, and counts the elements that differ).
//!
//! It prints, per case and dtype, the largest distance of `y`, `d_gate`, `d_up` from the
//! core's own gated results (with the core's `f`), in ULP of the dtype where the core's result
//! and the factor `f(gate)` or `f'(gate)` are normal (as the core's accuracy claim for the gated
//! forms): the kernel formulas' distance carried through one product. Run it with
//!
//! ```text
//! cargo test -p candle-rectifiers --test kernel_gated -- --nocapture
//! ```
//!
//! What it does not check: libdevice (`expf`, `log1pf`, ... are glibc's here), the launch code
//! (`src/cuda/gated.rs`) and the real grid; the tests with the `cuda` feature check those on a
//! GPU. Without `g++` the test is skipped, unless `CI` is set.

mod common;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, BufReader, Read};
use std::path::Path;
use std::process::{Command, Stdio};
use std::str::FromStr;
use std::time::Instant;

use common::host_cxx::{TempDir, compile, cxx_or_skip, ulp32, ulp64};
use rectifiers_core::{Elementwise, ElementwiseKind, Float, Rectifier, bf16, f16};

/// A "function" whose value and derivative are given: the kernel formulas' `f(gate)` and
/// `f'(gate)` at one element, so that the core's gated arithmetic runs on the kernel's `f`.
#[derive(Clone, Copy, Debug)]
struct Given {
    f: f64,
    df: f64,
}

impl Rectifier for Given {
    fn name(&self) -> &'static str {
        "given"
    }
    fn forward_f64(&self, _: f64) -> f64 {
        self.f
    }
    fn derivative_f64(&self, _: f64) -> f64 {
        self.df
    }
    fn forward_f32(&self, _: f32) -> f32 {
        self.f as f32
    }
    fn derivative_f32(&self, _: f32) -> f32 {
        self.df as f32
    }
}

/// One element as the harness writes it: gate, up, dy, f(gate), f'(gate), y, d_gate, d_up.
type Rec = [f64; 8];

/// One block of the stream.
struct Block {
    label: String,
    unwritten: u64,
    recs: Vec<Rec>,
}

fn read_u32(r: &mut impl Read) -> io::Result<u32> {
    let mut b = [0; 4];
    r.read_exact(&mut b)?;
    Ok(u32::from_le_bytes(b))
}

fn read_u64(r: &mut impl Read) -> io::Result<u64> {
    let mut b = [0; 8];
    r.read_exact(&mut b)?;
    Ok(u64::from_le_bytes(b))
}

/// The next block, or `None` at the end of the stream.
fn read_block(r: &mut impl Read) -> io::Result<Option<Block>> {
    let len = match read_u32(r) {
        Ok(len) => len as usize,
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    };
    let mut label = vec![0; len];
    r.read_exact(&mut label)?;
    let n = read_u64(r)? as usize;
    let unwritten = read_u64(r)?;
    let mut bytes = vec![0; n * 64];
    r.read_exact(&mut bytes)?;
    let recs = bytes
        .chunks_exact(64)
        .map(|c| {
            std::array::from_fn(|k| f64::from_le_bytes(c[8 * k..8 * k + 8].try_into().unwrap()))
        })
        .collect();
    Ok(Some(Block {
        label: String::from_utf8(label).expect("ASCII label"),
        unwritten,
        recs,
    }))
}

/// The function of a label's first word, `"<op>_<param>"` (`"softplus_approx_0"`).
fn function(op_param: &str) -> Elementwise {
    let (op, param) = op_param.rsplit_once('_').expect("<op>_<param>");
    let kind = ElementwiseKind::from_str(op).unwrap_or_else(|e| panic!("{op}: {e}"));
    match kind.param() {
        Some(_) => kind.with_param(param.parse().unwrap()).unwrap(),
        None => kind.with_default(),
    }
}

/// A dtype's ULP distance and where its normal range starts.
struct Dtype {
    /// Distance in ULP between two values held in the dtype (0 between NaNs).
    ulps: fn(f64, f64) -> f64,
    min_normal: f64,
    /// The compute type's (f32 for f16 and bf16).
    compute_min_normal: f64,
}

/// [`ulp32`] for the 16-bit types, through their bits.
fn ulp16(a: u16, b: u16, a_nan: bool, b_nan: bool) -> f64 {
    let ord = |b: u16| -> i32 {
        let m = (b & 0x7fff) as i32;
        if b & 0x8000 != 0 { -m } else { m }
    };
    match (a_nan, b_nan) {
        (true, true) => 0.0,
        (false, false) => ord(a).abs_diff(ord(b)) as f64,
        _ => f64::INFINITY,
    }
}

const F32: Dtype = Dtype {
    ulps: |a, b| ulp32(a as f32, b as f32),
    min_normal: f32::MIN_POSITIVE as f64,
    compute_min_normal: f32::MIN_POSITIVE as f64,
};
const F64: Dtype = Dtype {
    ulps: ulp64,
    min_normal: f64::MIN_POSITIVE,
    compute_min_normal: f64::MIN_POSITIVE,
};
const F16: Dtype = Dtype {
    ulps: |a, b| {
        ulp16(
            f16::from_f64(a).to_bits(),
            f16::from_f64(b).to_bits(),
            a.is_nan(),
            b.is_nan(),
        )
    },
    min_normal: 6.103_515_625e-5,
    compute_min_normal: f32::MIN_POSITIVE as f64,
};
const BF16: Dtype = Dtype {
    ulps: |a, b| {
        ulp16(
            bf16::from_f64(a).to_bits(),
            bf16::from_f64(b).to_bits(),
            a.is_nan(),
            b.is_nan(),
        )
    },
    min_normal: f32::MIN_POSITIVE as f64,
    compute_min_normal: f32::MIN_POSITIVE as f64,
};

impl Dtype {
    fn tiny(&self, v: f64) -> bool {
        v != 0.0 && v.abs() < self.min_normal
    }

    fn tiny_in_compute(&self, v: f64) -> bool {
        v != 0.0 && v.abs() < self.compute_min_normal
    }
}

fn same(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits() || a.is_nan() && b.is_nan()
}

/// Largest distance from the core per column (y, d_gate, d_up), with its gate.
#[derive(Clone, Copy, Default)]
struct Worst {
    ulp: [f64; 3],
    gate: [f64; 3],
}

/// Checks one block in dtype `T`: the arithmetic bit for bit (mismatches appended to
/// `failures`), and returns the distances from the core's own results.
fn check<T: Float>(block: &Block, f: &Elementwise, dt: &Dtype, failures: &mut String) -> Worst {
    let mut worst = Worst::default();
    let mut mismatches = 0usize;
    for r in &block.recs {
        let [gate, up, dy, kf, kdf, y, d_gate, d_up] = *r;
        let (g, u, d) = (T::from_f64(gate), T::from_f64(up), T::from_f64(dy));
        let given = Given { f: kf, df: kdf };
        let want_y = T::gated(&given, g, u).to_f64();
        let (want_dg, want_du) = T::gated_backward(&given, g, u, d);
        let got = [y, d_gate, d_up];
        let want = [want_y, want_dg.to_f64(), want_du.to_f64()];
        for k in 0..3 {
            if !same(got[k], want[k]) {
                mismatches += 1;
                if mismatches <= 5 {
                    let _ = writeln!(
                        failures,
                        "{} {}: gate {gate:e}, up {up:e}, dy {dy:e}, f {kf:e}, f' {kdf:e}: \
                         kernel {:e}, core's arithmetic {:e}",
                        block.label,
                        ["y", "d_gate", "d_up"][k],
                        got[k],
                        want[k]
                    );
                }
            }
        }
        let core_y = T::gated(f, g, u).to_f64();
        let (core_dg, core_du) = T::gated_backward(f, g, u, d);
        let core = [core_y, core_dg.to_f64(), core_du.to_f64()];
        // f(gate) (for y and d_up) or f'(gate) (for d_gate) below the compute type's normal
        // range has lost bits before the product, in the core as in the kernel: not compared.
        let factor_tiny = [
            dt.tiny_in_compute(kf),
            dt.tiny_in_compute(kdf),
            dt.tiny_in_compute(kf),
        ];
        for k in 0..3 {
            if dt.tiny(core[k]) || factor_tiny[k] {
                continue;
            }
            let dist = (dt.ulps)(got[k], core[k]);
            if dist > worst.ulp[k] {
                worst.ulp[k] = dist;
                worst.gate[k] = gate;
            }
        }
    }
    if mismatches > 5 {
        let _ = writeln!(
            failures,
            "{}: {} mismatches in all",
            block.label, mismatches
        );
    }
    worst
}

#[test]
fn gated_kernels_match_core() {
    let Some(cxx) = cxx_or_skip("kernel_gated") else {
        return;
    };
    let here = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/kernel_gated");
    let dir = TempDir::new("kernel-gated");
    let exe = dir.0.join("harness");
    let start = Instant::now();
    compile(&cxx, &here.join("harness.cpp"), &exe, &[&here]);
    let compiled = start.elapsed();

    let mut child = Command::new(&exe)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", exe.display()));
    let mut stdout = BufReader::with_capacity(1 << 20, child.stdout.take().expect("piped"));

    let mut failures = String::new();
    // (case, dtype) -> worst distance, over the layouts.
    let mut table: BTreeMap<(String, String), Worst> = BTreeMap::new();
    let (mut blocks, mut elements) = (0, 0);
    while let Some(block) = read_block(&mut stdout).expect("reading the harness's output") {
        let words: Vec<&str> = block.label.split(' ').collect();
        let [case, dtype, _layout] = words[..] else {
            panic!("label {:?}", block.label);
        };
        if block.unwritten > 0 {
            let _ = writeln!(
                failures,
                "{}: {} outputs unwritten",
                block.label, block.unwritten
            );
        }
        let f = function(case);
        let w = match dtype {
            "f32" => check::<f32>(&block, &f, &F32, &mut failures),
            "f64" => check::<f64>(&block, &f, &F64, &mut failures),
            "f16" => check::<f16>(&block, &f, &F16, &mut failures),
            "bf16" => check::<bf16>(&block, &f, &BF16, &mut failures),
            _ => panic!("dtype {dtype}"),
        };
        let e = table
            .entry((case.to_string(), dtype.to_string()))
            .or_default();
        for k in 0..3 {
            if w.ulp[k] > e.ulp[k] {
                e.ulp[k] = w.ulp[k];
                e.gate[k] = w.gate[k];
            }
        }
        blocks += 1;
        elements += block.recs.len();
    }
    let status = child.wait().expect("wait for the harness");
    assert!(status.success(), "the harness failed: {status}");

    println!(
        "distance from the core's gated results, ULP of the dtype (normal range), y / d_gate / d_up, and the gate of each worst:"
    );
    for ((case, dtype), w) in &table {
        println!(
            "{case:>20} {dtype:>4}: {:>4} / {:>4} / {:>4}   (at gate {:e} / {:e} / {:e})",
            w.ulp[0], w.ulp[1], w.ulp[2], w.gate[0], w.gate[1], w.gate[2]
        );
    }
    println!(
        "{blocks} blocks, {elements} elements; g++ {:.1} s, harness and checks {:.1} s",
        compiled.as_secs_f64(),
        (start.elapsed() - compiled).as_secs_f64()
    );
    assert_eq!(blocks, 14 * 7, "blocks in the harness's output");
    assert!(
        failures.is_empty(),
        "the gated kernels differ from the core's arithmetic:\n{failures}"
    );
}
