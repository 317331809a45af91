//! The bench CLI: measures this machine's copy bandwidth, then every backend × function ×
//! size × dtype × pass × variant, and prints one markdown table (also written with a CSV and a
//! PNG chart). See `--help` and the `rectifiers_benches` crate docs for what each column means.
//!
//! ```text
//! cargo run --release -p rectifiers-benches --bin rectifiers-bench -- --size 256Ki --reps 10
//! ```

use std::path::PathBuf;
use std::process::ExitCode;

use indicatif::{ProgressBar, ProgressStyle};
use rectifiers_benches::run::{Plan, run};
use rectifiers_benches::{
    Backend, Dtype, Function, Pass, ROW, Variant, chart, csv, format_size, parse_size, table,
};

const USAGE: &str = "\
rectifiers-bench: time the rectifiers' fused ops against composed and built-in framework ops

USAGE:
  cargo run --release -p rectifiers-benches --bin rectifiers-bench -- [OPTIONS]

OPTIONS (lists are comma-separated):
  --backend LIST    ndarray, flex, candle, wgpu, cuda, candle-cuda (wgpu, cuda and candle-cuda
                    need the cargo features wgpu, burn-cuda, candle-cuda)
                    [default: the CPU backends of this build]
  --function LIST   relu, leaky_relu, gelu, gelu_tanh, silu, softplus, softplus_approx, elu,
                    srelu, mish, squareplus, prelu, lse0_plus, or all [default: all]
  --size LIST       elements, with Ki/Mi suffixes, multiples of 64 [default: 4Ki,256Ki,16Mi]
  --dtype LIST      f32, f16, bf16 [default: f32]
  --pass LIST       fwd, fwdbwd [default: fwd,fwdbwd]
  --variant LIST    fused, fused_inplace, composed, builtin, relu [default: all]
  --reps N          timed repetitions at >= 1Mi elements; smaller sizes get up to 64x more
                    [default: 10]
  --no-memory       skip the peak-memory probe
  --out DIR         where NAME.csv, NAME.png and NAME.md go [default: benches/results]
  --name NAME       the file stem [default: rectifiers-bench]
  --pytorch FILE    PyTorch's CSV for the \"x PyTorch\" column, used when it exists
                    [default: benches/results/pytorch.csv]
  -h, --help        this text

Bytes moved: fwd = 2 n s (read x, write y), fwdbwd = 5 n s (+ read x, read dy, write dx),
copy = 2 n s; n elements of s bytes (LSE0+: see the crate docs). wgpu on lavapipe needs
XDG_RUNTIME_DIR=/tmp.";

/// The parsed command line.
struct Args {
    plan: Plan,
    out: PathBuf,
    name: String,
    pytorch: PathBuf,
}

fn list<T>(value: &str, what: &str, parse: impl Fn(&str) -> Option<T>) -> Result<Vec<T>, String> {
    value
        .split(',')
        .filter(|s| !s.trim().is_empty())
        .map(|s| parse(s.trim()).ok_or_else(|| format!("unknown {what}: {s:?}")))
        .collect()
}

fn by_name<T: Copy>(all: &[T], name: impl Fn(T) -> &'static str) -> impl Fn(&str) -> Option<T> {
    move |s| all.iter().copied().find(|&x| name(x) == s)
}

fn parse_args(mut argv: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let results = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("results");
    let mut plan = Plan {
        backends: [Backend::NdArray, Backend::Flex, Backend::Candle]
            .into_iter()
            .filter(|b| b.compiled())
            .collect(),
        functions: Function::all(),
        sizes: vec![4 << 10, 256 << 10, 16 << 20],
        dtypes: vec![Dtype::F32],
        passes: Pass::ALL.to_vec(),
        variants: Variant::ALL.to_vec(),
        reps: 10,
        memory: true,
    };
    let mut args = Args {
        plan: plan.clone(),
        out: results.clone(),
        name: "rectifiers-bench".to_owned(),
        pytorch: results.join("pytorch.csv"),
    };
    while let Some(flag) = argv.next() {
        if flag == "-h" || flag == "--help" {
            return Ok(None);
        }
        if flag == "--no-memory" {
            plan.memory = false;
            continue;
        }
        let value = argv.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--backend" => {
                plan.backends = list(&value, "backend", by_name(&Backend::ALL, Backend::name))?
            }
            "--function" if value == "all" => plan.functions = Function::all(),
            "--function" => plan.functions = list(&value, "function", Function::from_name)?,
            "--size" => plan.sizes = list(&value, "size", parse_size)?,
            "--dtype" => plan.dtypes = list(&value, "dtype", by_name(&Dtype::ALL, Dtype::name))?,
            "--pass" => plan.passes = list(&value, "pass", by_name(&Pass::ALL, Pass::name))?,
            "--variant" => {
                plan.variants = list(&value, "variant", by_name(&Variant::ALL, Variant::name))?
            }
            "--reps" => {
                plan.reps = value
                    .parse()
                    .ok()
                    .filter(|&n| n > 0)
                    .ok_or_else(|| format!("--reps needs a positive count, got {value:?}"))?
            }
            "--out" => args.out = PathBuf::from(value),
            "--name" => args.name = value,
            "--pytorch" => args.pytorch = PathBuf::from(value),
            _ => return Err(format!("unknown option {flag:?}")),
        }
    }
    if let Some(&bad) = plan.sizes.iter().find(|&&n| n == 0 || n % ROW != 0) {
        return Err(format!(
            "sizes must be positive multiples of {ROW}, got {bad}"
        ));
    }
    args.plan = plan;
    Ok(Some(args))
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("error: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let plan = &args.plan;
    let progress = ProgressBar::new(plan.ticks());
    progress.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} rounds, {elapsed} {msg}")
            .expect("valid template"),
    );
    let mut notes = Vec::new();
    let rows = run(plan, &progress, |why| {
        // A hidden bar (stderr not a terminal) drops its printlns.
        if progress.is_hidden() {
            eprintln!("skipped: {why}");
        } else {
            progress.println(format!("skipped: {why}"));
        }
        notes.push(why);
    });
    progress.finish_and_clear();

    let torch = if args.pytorch.exists() {
        match csv::read(&args.pytorch) {
            Ok(rows) => rows,
            Err(e) => {
                eprintln!("ignoring {}: {e}", args.pytorch.display());
                Vec::new()
            }
        }
    } else {
        Vec::new()
    };

    let command: Vec<String> = std::env::args().skip(1).collect();
    let mut md = format!(
        "`rectifiers-bench {}` ({} threads)\n\n",
        command.join(" "),
        rayon::current_num_threads()
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
    if !torch.is_empty() {
        md.push_str(&format!("- PyTorch rows: {}\n", args.pytorch.display()));
    }
    md.push('\n');
    md.push_str(&table::markdown(&rows, &torch));
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
