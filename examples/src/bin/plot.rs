//! Draws every rectifier of the family and its derivative into one PNG.
//!
//! ```text
//! cargo run --release -p rectifiers-examples --bin plot [-- --out PATH]
//! ```
//!
//! The default output is `target/rectifiers.png`, relative to the working directory.

use std::path::PathBuf;
use std::process::ExitCode;

use rectifiers_examples::plot;

/// The output path when `--out` is not given.
const DEFAULT_OUT: &str = "target/rectifiers.png";

/// The usage line, printed for `--help` and on bad arguments.
const USAGE: &str = "usage: plot [--out PATH]";

/// What the command line asks for.
enum Command {
    /// Draw the figure into this file.
    Render(PathBuf),
    /// Print the usage.
    Help,
}

/// Parses the command line; `Err` holds the message to print.
fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Command, String> {
    let mut out = PathBuf::from(DEFAULT_OUT);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--out" | "-o" => {
                out = args
                    .next()
                    .map(PathBuf::from)
                    .ok_or_else(|| format!("--out needs a path\n{USAGE}"))?;
            }
            "--help" | "-h" => return Ok(Command::Help),
            other => return Err(format!("unexpected argument {other:?}\n{USAGE}")),
        }
    }
    Ok(Command::Render(out))
}

fn main() -> ExitCode {
    let out = match parse_args(std::env::args().skip(1)) {
        Ok(Command::Render(out)) => out,
        Ok(Command::Help) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(msg) => {
            eprintln!("{msg}");
            return ExitCode::from(2);
        }
    };
    match plot::render(&out) {
        Ok(()) => {
            println!("wrote {}", out.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("plot: {e}");
            ExitCode::FAILURE
        }
    }
}
