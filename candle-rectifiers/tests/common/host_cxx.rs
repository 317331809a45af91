//! Support for the tests that compile the CUDA kernels' headers for the CPU with a C++ compiler
//! (`kernel_formulas`, `kernel_reductions`): finding and running the compiler, a scratch
//! directory, and ULP distances.

use std::ffi::OsString;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{SystemTime, UNIX_EPOCH};

/// A directory under the system temp dir, removed (with its contents) on drop. Never under
/// `kernels/`, whose `.cu`/`.cuh` files `build.rs` watches.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(what: &str) -> Self {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let path = std::env::temp_dir().join(format!(
            "candle-rectifiers-{what}-{}-{nanos}",
            std::process::id()
        ));
        std::fs::create_dir_all(&path)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", path.display()));
        TempDir(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The C++ compiler, `$CXX` or `g++`, if it runs. Without one, `None` after printing why the
/// test is skipped, unless the `CI` environment variable is set: then it panics, since CI must
/// run the test.
pub fn cxx_or_skip(test: &str) -> Option<OsString> {
    let cxx = std::env::var_os("CXX")
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "g++".into());
    let why = match Command::new(&cxx)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
    {
        Ok(status) if status.success() => return Some(cxx),
        Ok(status) => format!("`{} --version` failed ({status})", cxx.display()),
        Err(e) => format!("cannot run `{}`: {e}", cxx.display()),
    };
    assert!(
        std::env::var_os("CI").is_none(),
        "g++ is required for {test} in CI (CI is set): {why}; install g++ or set CXX to a C++17 \
         compiler"
    );
    // Straight to stderr, past the test harness's capture, so a skip is never silent.
    let _ = writeln!(
        io::stderr(),
        "{test}: SKIPPED, no C++ compiler: {why} (install g++ or set CXX; with CI set this fails \
         instead)"
    );
    None
}

/// Compiles `src` to `exe` with `-ffp-contract=off`, as `build.rs` passes `-fmad=false` to
/// nvcc: on both sides only the explicit `fma` calls fuse. `include` directories come first on
/// the `#include <...>` path (host stand-ins for CUDA headers).
pub fn compile(cxx: &OsString, src: &Path, exe: &Path, include: &[&Path]) {
    let out = Command::new(cxx)
        .args([
            "-O2",
            "-std=c++17",
            "-ffp-contract=off",
            "-Wno-unknown-pragmas",
        ])
        .args(include.iter().map(|dir| format!("-I{}", dir.display())))
        .arg("-o")
        .arg(exe)
        .arg(src)
        .output()
        .unwrap_or_else(|e| panic!("cannot run `{}`: {e}", cxx.display()));
    assert!(
        out.status.success(),
        "`{} {}` failed ({}):\n{}",
        cxx.display(),
        src.display(),
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

fn ord32(v: f32) -> i64 {
    let b = v.to_bits() as i32;
    (if b < 0 { i32::MIN.wrapping_sub(b) } else { b }) as i64
}

fn ord64(v: f64) -> i128 {
    let b = v.to_bits() as i64;
    (if b < 0 { i64::MIN.wrapping_sub(b) } else { b }) as i128
}

/// ULP distance (0 between two NaNs, and between +0 and -0; infinite between NaN and a number).
pub fn ulp32(a: f32, b: f32) -> f64 {
    match (a.is_nan(), b.is_nan()) {
        (true, true) => 0.0,
        (false, false) => (ord32(a) - ord32(b)).abs() as f64,
        _ => f64::INFINITY,
    }
}

/// [`ulp32`] in f64.
pub fn ulp64(a: f64, b: f64) -> f64 {
    match (a.is_nan(), b.is_nan()) {
        (true, true) => 0.0,
        (false, false) => (ord64(a) - ord64(b)).abs() as f64,
        _ => f64::INFINITY,
    }
}
