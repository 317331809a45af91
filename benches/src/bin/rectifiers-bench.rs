//! The bench CLI: measures this machine's copy bandwidth, then every backend × function ×
//! size × dtype × pass × variant, and prints one markdown table (also written with a CSV and a
//! PNG chart). See `--help` and the `rectifiers_benches` crate docs for what each column means.
//!
//! ```text
//! cargo run --release -p rectifiers-benches --bin rectifiers-bench -- --size 256Ki --reps 10
//! # with PyTorch timed in the same rounds (venv: see `--help`)
//! cargo run --release -p rectifiers-benches --bin rectifiers-bench -- --size 4Ki --threads 1 \
//!     --pytorch .venv/bin/python
//! ```

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;
use indicatif::{ProgressBar, ProgressStyle};
use rectifiers_benches::pytorch::{self, Torch};
use rectifiers_benches::run::{Plan, run};
use rectifiers_benches::{
    Backend, Dtype, Function, Pass, ROW, Variant, chart, csv, format_size, parse_size, table,
};

/// Time the rectifiers' fused ops against composed and built-in framework ops.
///
/// Lists are comma-separated.
#[derive(Parser, Debug)]
#[command(
    name = "rectifiers-bench",
    after_help = "Bytes moved: fwd = 2 n s (read x, write y), fwdbwd = 5 n s (+ read x, read dy, \
                  write dx), copy = 2 n s; n elements of s bytes (LSE0+: see the crate docs). \
                  wgpu on lavapipe needs XDG_RUNTIME_DIR=/tmp. PyTorch's venv, from the repo \
                  root: python3 -m venv .venv && .venv/bin/pip install torch==2.15.0"
)]
struct Cli {
    /// ndarray, flex, candle, wgpu, cuda, candle-cuda (wgpu, cuda and candle-cuda need the
    /// cargo features wgpu, burn-cuda, candle-cuda) [default: the CPU backends of this build]
    #[arg(long = "backend", value_delimiter = ',', value_parser = backend)]
    backends: Vec<Backend>,
    /// relu, leaky_relu, gelu, gelu_tanh, silu, softplus, softplus_approx, elu, srelu, mish,
    /// squareplus (each with its default parameter, or as `squareplus(b=0.5)`), prelu,
    /// lse0_plus, or all; gated `f(gate) * up`: swiglu, geglu, geglu_tanh, reglu,
    /// `<name>_glu` (`squareplus_glu`, `squareplus_glu(b=0.5)`), or gated (swiglu, geglu,
    /// squareplus_glu)
    #[arg(long = "function", value_delimiter = ',', default_value = "all", value_parser = functions)]
    functions: Vec<Vec<Function>>,
    /// Elements, with Ki/Mi suffixes, multiples of 64
    #[arg(long = "size", value_delimiter = ',', default_value = "4Ki,256Ki,16Mi", value_parser = size)]
    sizes: Vec<usize>,
    /// f32, f16, bf16
    #[arg(long = "dtype", value_delimiter = ',', default_value = "f32", value_parser = by_name(&Dtype::ALL, Dtype::name))]
    dtypes: Vec<Dtype>,
    /// fwd, fwdbwd, layer (one training step of `f(x W + b) * 2 + 1`, Burn's backends; on wgpu
    /// also the fused blocks it runs)
    #[arg(long = "pass", value_delimiter = ',', default_value = "fwd,fwdbwd", value_parser = by_name(&Pass::ALL, Pass::name))]
    passes: Vec<Pass>,
    /// fused, fused_inplace, composed, builtin, relu [default: all]
    #[arg(long = "variant", value_delimiter = ',', value_parser = by_name(&Variant::ALL, Variant::name))]
    variants: Vec<Variant>,
    /// Timed repetitions at >= 1Mi elements; smaller sizes get up to 64x more
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
    reps: u64,
    /// Skip the peak-memory probe
    #[arg(long)]
    no_memory: bool,
    /// Where NAME.csv, NAME.png and NAME.md go [default: benches/results]
    #[arg(long)]
    out: Option<PathBuf>,
    /// The file stem
    #[arg(long, default_value = "rectifiers-bench")]
    name: String,
    /// Threads of rayon's pool (our kernels, Burn's CPU backends) and of PyTorch [default:
    /// rayon's, RAYON_NUM_THREADS or one per core]
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    threads: Option<u64>,
    /// Time PyTorch (CPU) with this Python, in the same rounds as our variants: its op for each
    /// case (F.silu, F.gelu, ...; the function in torch ops where it has none; gated: the gate's
    /// op times up), its ReLU, and with fused_inplace its in-place and preallocated-output
    /// forms; rows with backend pytorch-cpu
    #[arg(long, value_name = "PYTHON")]
    pytorch: Option<PathBuf>,
    /// PyTorch's rows from a separate run of benches/pytorch_baseline.py, for the "x PyTorch"
    /// column (not side by side: another time, another machine state)
    #[arg(long, value_name = "CSV", conflicts_with = "pytorch")]
    pytorch_csv: Option<PathBuf>,
}

/// A parser of one of `all`'s values by its name.
fn by_name<T: Copy + Send + Sync + 'static>(
    all: &'static [T],
    name: fn(T) -> &'static str,
) -> impl Fn(&str) -> Result<T, String> + Clone + Send + Sync + 'static {
    move |s: &str| {
        all.iter().copied().find(|&x| name(x) == s).ok_or_else(|| {
            let names: Vec<_> = all.iter().map(|&x| name(x)).collect();
            format!("expected one of {}", names.join(", "))
        })
    }
}

fn backend(s: &str) -> Result<Backend, String> {
    by_name(&Backend::ALL, Backend::name)(s)
}

/// One function, or every function for `all`.
fn functions(s: &str) -> Result<Vec<Function>, String> {
    if s == "all" {
        return Ok(Function::all());
    }
    if s == "gated" {
        return Ok(Function::gated());
    }
    Function::from_name(s).map(|f| vec![f]).ok_or_else(|| {
        // The core's message says which names exist, or what is wrong with the parameter.
        match s.parse::<rectifiers_core::Elementwise>() {
            Err(e) => e.to_string(),
            Ok(_) => format!("unknown function {s:?}"),
        }
    })
}

fn size(s: &str) -> Result<usize, String> {
    match parse_size(s) {
        Some(n) if n > 0 && n % ROW == 0 => Ok(n),
        Some(n) => Err(format!(
            "sizes must be positive multiples of {ROW}, got {n}"
        )),
        None => Err("expected a number of elements such as 4096, 4Ki or 16Mi".to_owned()),
    }
}

/// With `--pass layer` on a Fusion backend (wgpu): the blocks (fused kernels, or operations run
/// unfused) one layer step runs per function and variant, at the plan's first size, from
/// burn-fusion's observer. Empty otherwise.
fn layer_blocks_table(plan: &Plan) -> String {
    let Some(&size) = plan.sizes.first() else {
        return String::new();
    };
    if !plan.passes.contains(&Pass::Layer) {
        return String::new();
    }
    let mut md = String::new();
    for &backend in plan.backends.iter().filter(|b| b.is_burn() && b.is_gpu()) {
        let variants = [
            Variant::Fused,
            Variant::Builtin,
            Variant::Composed,
            Variant::Relu,
        ];
        let mut lines = Vec::new();
        for &f in &plan.functions {
            let counts: Vec<String> = variants
                .iter()
                .map(|&v| {
                    rectifiers_benches::burn_cases::layer_blocks(backend, f, v, size)
                        .map_or("-".to_owned(), |n| n.to_string())
                })
                .collect();
            if counts.iter().any(|c| c != "-") {
                lines.push(format!("| {f} | {} |", counts.join(" | ")));
            }
        }
        if !lines.is_empty() {
            md.push_str(&format!(
                "\nBlocks per layer step on {backend} (`f(x W + b) * 2 + 1`, forward and backward, \
                 {}; fused kernels or operations run unfused, from burn-fusion's observer):\n\n\
                 | function | fused | builtin | composed | relu |\n|---|---:|---:|---:|---:|\n{}\n",
                format_size(size),
                lines.join("\n")
            ));
        }
    }
    md
}

/// The parsed command line.
struct Args {
    plan: Plan,
    out: PathBuf,
    name: String,
    threads: Option<usize>,
    pytorch: Option<PathBuf>,
    pytorch_csv: Option<PathBuf>,
}

impl From<Cli> for Args {
    fn from(cli: Cli) -> Self {
        let results = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("results");
        let backends = if cli.backends.is_empty() {
            [Backend::NdArray, Backend::Flex, Backend::Candle]
                .into_iter()
                .filter(|b| b.compiled())
                .collect()
        } else {
            cli.backends
        };
        let variants = if cli.variants.is_empty() {
            Variant::ALL.to_vec()
        } else {
            cli.variants
        };
        Args {
            plan: Plan {
                backends,
                functions: cli.functions.into_iter().flatten().collect(),
                sizes: cli.sizes,
                dtypes: cli.dtypes,
                passes: cli.passes,
                variants,
                reps: cli.reps as usize,
                memory: !cli.no_memory,
            },
            out: cli.out.unwrap_or(results),
            name: cli.name,
            threads: cli.threads.map(|n| n as usize),
            pytorch: cli.pytorch,
            pytorch_csv: cli.pytorch_csv,
        }
    }
}

/// `arg` as the records print it: an absolute path below `cwd` relative to it, another
/// absolute path (or an `--opt=/path`) reduced to `.../<file name>`; the results name no
/// directory of one machine.
fn portable(arg: &str, cwd: &Path) -> String {
    if let Some((opt, value)) = arg.split_once('=') {
        return format!("{opt}={}", portable(value, cwd));
    }
    let path = Path::new(arg);
    if !path.is_absolute() {
        return arg.to_owned();
    }
    match path.strip_prefix(cwd) {
        Ok(rel) if !rel.as_os_str().is_empty() => rel.display().to_string(),
        _ => format!(
            ".../{}",
            path.file_name()
                .map_or(String::new(), |n| n.to_string_lossy().into_owned())
        ),
    }
}

fn main() -> ExitCode {
    let args = Args::from(Cli::parse());
    let plan = &args.plan;
    if let Some(n) = args.threads
        && let Err(e) = rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global()
    {
        eprintln!("cannot set {n} threads: {e}");
        return ExitCode::FAILURE;
    }
    let threads = rayon::current_num_threads();
    let mut torch = match &args.pytorch {
        Some(python) => match Torch::start(python, threads) {
            Ok(t) => Some(t),
            Err(e) => {
                eprintln!("--pytorch: {e}");
                return ExitCode::FAILURE;
            }
        },
        None => None,
    };
    let progress = ProgressBar::new(plan.ticks());
    progress.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} rounds, {elapsed} {msg}")
            .expect("valid template"),
    );
    let mut notes = Vec::new();
    let rows = run(plan, &progress, torch.as_mut(), |why| {
        // A hidden bar (stderr not a terminal) drops its printlns.
        if progress.is_hidden() {
            eprintln!("skipped: {why}");
        } else {
            progress.println(format!("skipped: {why}"));
        }
        notes.push(why);
    });
    progress.finish_and_clear();

    let torch_rows: Vec<csv::Row> = match &args.pytorch_csv {
        None => rows
            .iter()
            .filter(|r| r.source == pytorch::SOURCE)
            .cloned()
            .collect(),
        Some(path) => match csv::read(path) {
            Ok(rows) => rows,
            Err(e) => {
                eprintln!("ignoring the PyTorch rows: {e}");
                Vec::new()
            }
        },
    };

    let cwd = std::env::current_dir().unwrap_or_default();
    let command: Vec<String> = std::env::args()
        .skip(1)
        .map(|a| portable(&a, &cwd))
        .collect();
    let mut md = format!(
        "`rectifiers-bench {}` ({threads} threads)\n\n",
        command.join(" ")
    );
    for r in rows.iter().filter(|r| r.function == "copy") {
        let how = if r.variant == "device" {
            format!("on {}'s device", r.backend)
        } else {
            format!("into a {} buffer", r.variant)
        };
        md.push_str(&format!(
            "- copy {} {} {how}: {} ({:.2} GB/s)\n",
            r.dtype,
            format_size(r.size),
            table::format_ns(r.median_ns),
            r.gbps
        ));
    }
    for n in &notes {
        md.push_str(&format!("- skipped: {n}\n"));
    }
    if let Some(t) = &torch {
        md.push_str(&format!(
            "- PyTorch ({}), timed in the same rounds as ours: rows `pytorch-cpu`\n",
            t.describe()
        ));
    }
    if let Some(path) = args.pytorch_csv.as_ref().filter(|_| !torch_rows.is_empty()) {
        md.push_str(&format!(
            "- PyTorch rows from a separate run: {}\n",
            portable(&path.display().to_string(), &cwd)
        ));
    }
    drop(torch);
    md.push('\n');
    md.push_str(&table::markdown(&rows, &torch_rows));
    md.push_str(&layer_blocks_table(plan));
    println!("{md}");

    if let Err(e) = std::fs::create_dir_all(&args.out) {
        eprintln!("cannot create {}: {e}", args.out.display());
        return ExitCode::FAILURE;
    }
    let path = |ext: &str| args.out.join(format!("{}.{ext}", args.name));
    let mut ok = true;
    for (what, result) in [
        (
            "csv",
            csv::write(&path("csv"), &rows).map_err(|e| e.to_string()),
        ),
        (
            "md",
            std::fs::write(path("md"), &md).map_err(|e| e.to_string()),
        ),
        (
            "png",
            chart::render(&rows, &path("png")).map_err(|e| e.to_string()),
        ),
    ] {
        match result {
            Ok(()) => eprintln!("wrote {}", path(what).display()),
            Err(e) => {
                eprintln!("cannot write {}: {e}", path(what).display());
                ok = false;
            }
        }
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Args, clap::Error> {
        let argv = std::iter::once("rectifiers-bench").chain(args.iter().copied());
        Cli::try_parse_from(argv).map(Args::from)
    }

    #[test]
    fn defaults_and_lists() {
        let a = parse(&[]).unwrap();
        assert_eq!(a.plan.functions, Function::all());
        assert_eq!(a.plan.sizes, [4 << 10, 256 << 10, 16 << 20]);
        assert_eq!(a.plan.passes, [Pass::Fwd, Pass::FwdBwd]);
        assert_eq!(a.plan.reps, 10);
        assert!(a.plan.memory);
        let a = parse(&[
            "--function",
            "relu,squareplus(b=0.5)",
            "--size",
            "64,1Ki",
            "--dtype",
            "f16",
            "--reps",
            "3",
            "--no-memory",
        ])
        .unwrap();
        assert_eq!(a.plan.functions.len(), 2);
        assert_eq!(a.plan.functions[1].param(), 0.5);
        assert_eq!(a.plan.sizes, [64, 1024]);
        assert_eq!(a.plan.dtypes, [Dtype::F16]);
        assert_eq!((a.plan.reps, a.plan.memory), (3, false));
        assert_eq!((a.threads, a.pytorch, a.pytorch_csv), (None, None, None));
        let a = parse(&["--threads", "1", "--pytorch", ".venv/bin/python"]).unwrap();
        assert_eq!(a.threads, Some(1));
        assert_eq!(a.pytorch, Some(PathBuf::from(".venv/bin/python")));
        let a = parse(&["--pytorch-csv", "benches/results/pytorch.csv"]).unwrap();
        assert_eq!(
            a.pytorch_csv,
            Some(PathBuf::from("benches/results/pytorch.csv"))
        );
    }

    #[test]
    fn recorded_commands_name_no_directory_of_this_machine() {
        let cwd = Path::new("/srv/u/rectifiers");
        assert_eq!(
            portable("/srv/u/rectifiers/.venv/bin/python", cwd),
            ".venv/bin/python"
        );
        assert_eq!(portable("/opt/venvs/torch/bin/python", cwd), ".../python");
        assert_eq!(portable("--out=/srv/x/results", cwd), "--out=.../results");
        assert_eq!(portable("squareplus(b=0.5)", cwd), "squareplus(b=0.5)");
        assert_eq!(portable("benches/results", cwd), "benches/results");
    }

    #[test]
    fn bad_values_are_errors_that_say_why() {
        let msg = |args: &[&str]| parse(args).err().expect("an error").to_string();
        assert!(msg(&["--size", "100"]).contains("multiples of 64"));
        assert!(msg(&["--function", "sqareplus"]).contains("unknown function `sqareplus`"));
        assert!(msg(&["--function", "squareplus(b=-1)"]).contains("b = -1"));
        assert!(msg(&["--dtype", "f8"]).contains("expected one of f32, f16, bf16"));
        assert!(msg(&["--reps", "0"]).contains("0"));
        assert!(msg(&["--frobnicate"]).contains("--frobnicate"));
        assert!(msg(&["--threads", "0"]).contains("0"));
        assert!(
            msg(&["--pytorch", "python", "--pytorch-csv", "t.csv"]).contains("cannot be used with")
        );
    }
}
