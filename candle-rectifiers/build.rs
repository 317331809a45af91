//! With the `cuda` feature, compiles `kernels/*.cu` to PTX with `nvcc --ptx` into `OUT_DIR`
//! (`src/cuda.rs` embeds it with `include_str!`). Always, and without any CUDA toolkit, it
//! copies the launch constants of the reduction kernels (the integer `#define`s of
//! [`CONSTANT_HEADERS`]) into `OUT_DIR/kernel_constants.rs` for `src/launch.rs`, so the host's
//! launch shapes and the kernels' loops cannot disagree.
//!
//! Environment:
//! - `CUDA_COMPUTE_CAP`: target architecture, e.g. `90` (H100/H200), `90a`, `8.6`. Unset: asks
//!   `nvidia-smi`, and without a GPU falls back to 80, as candle-kernels does; PTX for `sm_80`
//!   is JIT-compiled by the driver on any newer GPU.
//! - `NVCC`: the nvcc binary; else `$CUDA_HOME/bin/nvcc`, `$CUDA_PATH/bin/nvcc`, then `nvcc` on
//!   `PATH`.
//! - `NVCC_CCBIN`: host compiler passed to nvcc as `-ccbin`.
//! - `DOCS_RS` (set by docs.rs, which has no CUDA toolkit): nvcc is not run; each
//!   `kernels/<name>.cu` gets a placeholder `OUT_DIR/<name>.ptx` (a comment, no kernels), so
//!   `include_str!` in `src/cuda.rs` compiles and the docs build. Such a build cannot launch
//!   kernels.

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Architecture when neither `CUDA_COMPUTE_CAP` nor `nvidia-smi` gives one (candle-kernels'
/// default).
const DEFAULT_COMPUTE_CAP: &str = "80";

/// The headers whose integer `#define`s become Rust constants.
const CONSTANT_HEADERS: [&str; 2] = ["kernels/lse0_plus.cuh", "kernels/prelu.cuh"];

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("OUT_DIR"));
    let manifest_dir =
        PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    write_kernel_constants(&manifest_dir, &out_dir);
    if env::var_os("CARGO_FEATURE_CUDA").is_none() {
        return;
    }
    for var in [
        "DOCS_RS",
        "CUDA_COMPUTE_CAP",
        "NVCC",
        "NVCC_CCBIN",
        "CUDA_HOME",
        "CUDA_PATH",
    ] {
        println!("cargo::rerun-if-env-changed={var}");
    }

    let kernels = manifest_dir.join("kernels");

    // The top-level .cu and .cuh files of kernels/ (nothing else lives there).
    let files: Vec<PathBuf> = std::fs::read_dir(&kernels)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", kernels.display()))
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| {
            path.extension()
                .is_some_and(|ext| ext == "cu" || ext == "cuh")
        })
        .collect();
    for file in &files {
        println!("cargo::rerun-if-changed={}", file.display());
    }
    let mut sources: Vec<&PathBuf> = files
        .iter()
        .filter(|path| path.extension().is_some_and(|ext| ext == "cu"))
        .collect();
    sources.sort();
    assert!(!sources.is_empty(), "no .cu files in {}", kernels.display());
    let ptx_path =
        |src: &Path| out_dir.join(src.with_extension("ptx").file_name().expect("file name"));

    if env::var_os("DOCS_RS").is_some() {
        for src in sources {
            let ptx = ptx_path(src);
            let text = format!(
                "// Placeholder for {}: built under docs.rs (DOCS_RS set) without nvcc.\n",
                src.file_name().expect("file name").to_string_lossy()
            );
            std::fs::write(&ptx, text)
                .unwrap_or_else(|e| panic!("cannot write {}: {e}", ptx.display()));
        }
        return;
    }

    let nvcc = find_nvcc();
    let arch = compute_cap();
    for src in sources {
        compile_ptx(&nvcc, &arch, &kernels, src, &ptx_path(src));
    }
}

/// `#define NAME 123` lines of [`CONSTANT_HEADERS`] as `pub(crate) const NAME: usize = 123;`.
fn write_kernel_constants(manifest_dir: &Path, out_dir: &Path) {
    let mut rust = String::new();
    for header in CONSTANT_HEADERS {
        let path = manifest_dir.join(header);
        println!("cargo::rerun-if-changed={}", path.display());
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        for line in text.lines() {
            let mut words = line.split_whitespace();
            if let (Some("#define"), Some(name), Some(value), None) =
                (words.next(), words.next(), words.next(), words.next())
                && let Ok(value) = value.parse::<usize>()
            {
                rust.push_str(&format!(
                    "/// `{name}` of `{header}`.\npub(crate) const {name}: usize = {value};\n"
                ));
            }
        }
    }
    let dest = out_dir.join("kernel_constants.rs");
    std::fs::write(&dest, rust).unwrap_or_else(|e| panic!("cannot write {}: {e}", dest.display()));
}

/// `nvcc --ptx` one translation unit. No `--use_fast_math`: the kernels rely on the accurate
/// `expf`/`log1pf`/`erfcf` and IEEE division and square root. `-fmad=false`: like the Rust
/// core, nothing is contracted into an FMA behind the formulas' back (the double-double steps
/// use explicit `fma`), so the f64 kernels round as the core does and the host check in
/// `tests/kernel_formulas.rs` evaluates exactly what runs on the GPU, up to libdevice.
fn compile_ptx(nvcc: &Path, arch: &str, include: &Path, src: &Path, ptx: &Path) {
    let mut cmd = Command::new(nvcc);
    cmd.arg("--ptx")
        .arg(format!("-arch=sm_{arch}"))
        .args(["-std=c++17", "-O3", "-fmad=false"])
        .arg("-I")
        .arg(include)
        .arg(src)
        .arg("-o")
        .arg(ptx);
    if let Some(ccbin) = env::var_os("NVCC_CCBIN") {
        cmd.arg("-ccbin").arg(ccbin);
    }
    let output = cmd.output().unwrap_or_else(|e| {
        panic!(
            "candle-rectifiers: could not run `{}` ({e}). The `cuda` feature needs the CUDA \
             toolkit's nvcc: install it, or set NVCC or CUDA_HOME (without a GPU, see \
             .ci/cuda-setup.sh for the pip wheels).",
            nvcc.display()
        )
    });
    if !output.status.success() {
        panic!(
            "candle-rectifiers: nvcc failed on {} ({}):\n{}\n{}\ncommand: {cmd:?}",
            src.display(),
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr),
        );
    }
}

/// `NVCC`, then `$CUDA_HOME/bin/nvcc`, `$CUDA_PATH/bin/nvcc`, then plain `nvcc` (PATH lookup).
fn find_nvcc() -> PathBuf {
    if let Some(nvcc) = env::var_os("NVCC") {
        return PathBuf::from(nvcc);
    }
    let exe = if cfg!(windows) { "nvcc.exe" } else { "nvcc" };
    for var in ["CUDA_HOME", "CUDA_PATH"] {
        if let Some(root) = env::var_os(var) {
            let nvcc = Path::new(&root).join("bin").join(exe);
            if nvcc.is_file() {
                return nvcc;
            }
        }
    }
    PathBuf::from(exe)
}

/// The `sm_` suffix: `CUDA_COMPUTE_CAP` ("90", "90a", "9.0"), else the smallest capability
/// `nvidia-smi` reports, else [`DEFAULT_COMPUTE_CAP`].
fn compute_cap() -> String {
    if let Ok(cap) = env::var("CUDA_COMPUTE_CAP") {
        let cap: String = cap.trim().chars().filter(|c| *c != '.').collect();
        let valid = cap.len() >= 2
            && cap.chars().take(2).all(|c| c.is_ascii_digit())
            && cap.chars().all(|c| c.is_ascii_alphanumeric());
        assert!(
            valid,
            "candle-rectifiers: CUDA_COMPUTE_CAP={cap:?} is not like 90, 90a or 8.6"
        );
        return cap;
    }
    let smi = Command::new("nvidia-smi")
        .args(["--query-gpu=compute_cap", "--format=csv,noheader"])
        .output();
    if let Ok(out) = smi
        && out.status.success()
        && let Some(cap) = String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| l.trim().replace('.', "").parse::<u32>().ok())
            .min()
    {
        return cap.to_string();
    }
    println!(
        "cargo::warning=candle-rectifiers: no CUDA_COMPUTE_CAP and no nvidia-smi; building PTX \
         for sm_{DEFAULT_COMPUTE_CAP}"
    );
    DEFAULT_COMPUTE_CAP.to_string()
}
