//! PyTorch in the same run: one long-lived `pytorch_baseline.py --serve` process that times
//! PyTorch's form of each case in the CLI's rounds ([`crate::run`]), so its rows are measured
//! side by side with ours (same input, sizes, thread count, machine state).
//!
//! The script is built into the binary (`include_str!`) and run with `python -c`, so the CLI
//! needs no path to the source tree. Requests are JSON lines; replies are one line of words
//! each (`ready ...`, `ok`, `variants ...`, `ns ...`, `error ...`), parsed by [`parse_reply`].
//! The protocol is described in the script's docstring.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::Duration;

use crate::{Case, Function, Pass, Variant, inputs};

/// The script, run with `python -c`.
const SCRIPT: &str = include_str!("../pytorch_baseline.py");

/// The command that makes the venv, from the repo root (named in the errors).
pub const VENV: &str = "python3 -m venv .venv && .venv/bin/pip install torch==2.15.0";

/// The `source` of PyTorch's rows (as the script's standalone CSV writes it).
pub const SOURCE: &str = "pytorch";

/// The `backend` of PyTorch's rows (as the script's standalone CSV writes it).
pub const BACKEND: &str = "pytorch-cpu";

/// One reply of the script.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reply {
    /// The first line: `ready torch=<version> threads=<n> capability=<isa>`, the words after
    /// `ready`.
    Ready(String),
    /// The input was received.
    Ok,
    /// The variants prepared for a case, in the order a round times them.
    Variants(Vec<String>),
    /// One round: the time of each prepared variant, ns.
    Times(Vec<u64>),
    /// A request failed: why.
    Error(String),
}

/// Parses one reply line (without its newline).
pub fn parse_reply(line: &str) -> Result<Reply, String> {
    let (word, rest) = line.split_once(' ').unwrap_or((line, ""));
    let words = || rest.split_whitespace().map(str::to_owned).collect();
    match word {
        "ready" => Ok(Reply::Ready(rest.to_owned())),
        "ok" if rest.is_empty() => Ok(Reply::Ok),
        "variants" => Ok(Reply::Variants(words())),
        "ns" => rest
            .split_whitespace()
            .map(|t| {
                t.parse::<u64>()
                    .map_err(|_| format!("PyTorch sent a time that is not whole ns: {t:?}"))
            })
            .collect::<Result<_, _>>()
            .map(Reply::Times),
        "error" => Ok(Reply::Error(rest.to_owned())),
        _ => Err(format!("PyTorch sent an unexpected line: {line:?}")),
    }
}

/// `s` as a JSON string.
fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The request that prepares `case` (its backend aside) with the PyTorch variants `wanted`.
pub fn case_request(case: &Case, wanted: &[&str]) -> String {
    let gate = case
        .function
        .gate()
        .map_or("null".to_owned(), |e| json_string(e.name()));
    let variants: Vec<String> = wanted.iter().map(|v| json_string(v)).collect();
    format!(
        "{{\"op\":\"case\",\"function\":{},\"gate\":{gate},\"param\":{:?},\"pass\":{},\
         \"dtype\":{},\"size\":{},\"variants\":[{}]}}",
        json_string(case.function.name()),
        case.function.param(),
        json_string(case.pass.name()),
        json_string(case.dtype.name()),
        case.size,
        variants.join(",")
    )
}

/// The PyTorch variants to time beside ours (`ours`, the plan's variants), for `function` in
/// `pass`; the script keeps those that exist:
///
/// - `builtin` or `composed`: PyTorch's op, or the function in its tensor ops where it has
///   none (fresh output, as our `fused`);
/// - with `fused_inplace`, forward: `builtin_inplace` (overwrites `x`) and `builtin_reused`
///   (into a preallocated output): PyTorch without a fresh output;
/// - with `relu`: PyTorch's ReLU on the same input (not for `relu` itself, whose `builtin` it
///   is, nor the gated functions, which have no ReLU row of ours).
pub fn wanted(ours: &[Variant], function: Function, pass: Pass) -> Vec<&'static str> {
    let mut v = vec!["builtin", "composed"];
    if pass == Pass::Fwd && ours.contains(&Variant::FusedInplace) {
        v.extend(["builtin_inplace", "builtin_reused"]);
    }
    let relu = Function::Elementwise(rectifiers_core::ElementwiseKind::Relu.with_default());
    if ours.contains(&Variant::Relu) && function.gate().is_none() && function != relu {
        v.push("relu");
    }
    v
}

/// A running `pytorch_baseline.py --serve`.
pub struct Torch {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    ready: String,
    /// The size of the input last sent.
    input: Option<usize>,
    /// Why the process cannot be used any more (it died, or a pipe broke).
    dead: Option<String>,
}

impl Torch {
    /// Starts the script with `python`, PyTorch on `threads` threads, and waits for its
    /// `ready` line. The error says how to make the venv when `python` cannot be run or
    /// cannot import torch.
    pub fn start(python: &Path, threads: usize) -> Result<Torch, String> {
        let hint = format!(
            "make the venv from the repo root with `{VENV}` and pass `--pytorch .venv/bin/python`"
        );
        let mut child = Command::new(python)
            .args(["-c", SCRIPT, "--serve", "--threads", &threads.to_string()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("cannot run {}: {e}; {hint}", python.display()))?;
        let stdin = child.stdin.take().expect("piped stdin");
        let stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
        let mut torch = Torch {
            child,
            stdin,
            stdout,
            ready: String::new(),
            input: None,
            dead: None,
        };
        match torch.reply() {
            Ok(Reply::Ready(words)) => {
                torch.ready = words;
                Ok(torch)
            }
            // The script's own message names the venv command.
            Ok(Reply::Error(why)) => Err(why),
            Ok(other) => Err(format!("PyTorch did not start: {other:?}")),
            Err(why) => Err(format!(
                "{} did not start PyTorch: {why}; {hint}",
                python.display()
            )),
        }
    }

    /// The script's `ready` line: `torch=<version> threads=<n> capability=<isa>`.
    pub fn describe(&self) -> &str {
        &self.ready
    }

    /// Whether the process still answers (it has not exited, no pipe broke).
    pub fn alive(&self) -> bool {
        self.dead.is_none()
    }

    fn send(&mut self, line: &str, payload: &[u8]) -> Result<(), String> {
        if let Some(why) = &self.dead {
            return Err(why.clone());
        }
        let sent = self
            .stdin
            .write_all(line.as_bytes())
            .and_then(|()| self.stdin.write_all(b"\n"))
            .and_then(|()| self.stdin.write_all(payload))
            .and_then(|()| self.stdin.flush());
        sent.map_err(|e| self.died(format!("cannot write to PyTorch: {e}")))
    }

    fn reply(&mut self) -> Result<Reply, String> {
        if let Some(why) = &self.dead {
            return Err(why.clone());
        }
        let mut line = String::new();
        match self.stdout.read_line(&mut line) {
            Ok(0) => Err(self.died("PyTorch exited (see its messages above)".to_owned())),
            Ok(_) => parse_reply(line.trim_end_matches(['\n', '\r'])),
            Err(e) => Err(self.died(format!("cannot read from PyTorch: {e}"))),
        }
    }

    fn died(&mut self, why: String) -> String {
        self.dead = Some(why.clone());
        why
    }

    /// Prepares `case` (uploading its input when the size changed); the variants prepared,
    /// in the order [`Torch::round`] times them.
    pub fn case(&mut self, case: &Case, wanted: &[&str]) -> Result<Vec<String>, String> {
        if self.input != Some(case.size) {
            let bytes: Vec<u8> = inputs::values(case.size)
                .iter()
                .flat_map(|v| v.to_le_bytes())
                .collect();
            self.send(&format!("{{\"op\":\"input\",\"n\":{}}}", case.size), &bytes)?;
            match self.reply()? {
                Reply::Ok => self.input = Some(case.size),
                Reply::Error(why) => return Err(format!("PyTorch: {why}")),
                other => return Err(format!("PyTorch answered the input with {other:?}")),
            }
        }
        self.send(&case_request(case, wanted), &[])?;
        match self.reply()? {
            Reply::Variants(v) => Ok(v),
            Reply::Error(why) => Err(format!("PyTorch: {why}")),
            other => Err(format!("PyTorch answered a case with {other:?}")),
        }
    }

    /// Times each prepared variant once.
    pub fn round(&mut self) -> Result<Vec<Duration>, String> {
        self.send("{\"op\":\"round\"}", &[])?;
        match self.reply()? {
            Reply::Times(ns) => Ok(ns.into_iter().map(Duration::from_nanos).collect()),
            Reply::Error(why) => Err(format!("PyTorch: {why}")),
            other => Err(format!("PyTorch answered a round with {other:?}")),
        }
    }
}

impl Drop for Torch {
    fn drop(&mut self) {
        if self.dead.is_none() && self.send("{\"op\":\"quit\"}", &[]).is_ok() {
            let _ = self.child.wait();
        } else {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Backend, Dtype};
    use rectifiers_core::ElementwiseKind as K;

    fn case(function: Function, pass: Pass) -> Case {
        Case {
            backend: Backend::Flex,
            function,
            dtype: Dtype::Bf16,
            size: 4096,
            pass,
        }
    }

    #[test]
    fn replies_parse_to_their_values() {
        assert_eq!(
            parse_reply("ns 1200 34 5678901"),
            Ok(Reply::Times(vec![1200, 34, 5_678_901]))
        );
        assert_eq!(parse_reply("ns"), Ok(Reply::Times(vec![])));
        assert_eq!(
            parse_reply("variants builtin builtin_reused relu"),
            Ok(Reply::Variants(vec![
                "builtin".into(),
                "builtin_reused".into(),
                "relu".into()
            ]))
        );
        assert_eq!(parse_reply("ok"), Ok(Reply::Ok));
        assert_eq!(
            parse_reply("ready torch=2.15.0+cu132 threads=1 capability=AVX512"),
            Ok(Reply::Ready(
                "torch=2.15.0+cu132 threads=1 capability=AVX512".into()
            ))
        );
        assert_eq!(
            parse_reply("error ValueError: no PyTorch form of nosuch"),
            Ok(Reply::Error("ValueError: no PyTorch form of nosuch".into()))
        );
    }

    #[test]
    fn malformed_replies_are_errors_that_quote_them() {
        let e = parse_reply("ns 12 1.5").unwrap_err();
        assert!(e.contains("\"1.5\""), "{e}");
        let e = parse_reply("ns -3").unwrap_err();
        assert!(e.contains("\"-3\""), "{e}");
        let e = parse_reply("Traceback (most recent call last):").unwrap_err();
        assert!(e.contains("unexpected line"), "{e}");
        assert!(e.contains("Traceback"), "{e}");
        assert!(parse_reply("ok then").is_err());
        assert!(parse_reply("").is_err());
    }

    #[test]
    fn case_requests_carry_the_case_and_the_gate() {
        let sp = Function::from_name("squareplus_glu(b=0.5)").unwrap();
        assert_eq!(
            case_request(&case(sp, Pass::FwdBwd), &["builtin", "composed"]),
            "{\"op\":\"case\",\"function\":\"squareplus_glu\",\"gate\":\"squareplus\",\
             \"param\":0.5,\"pass\":\"fwdbwd\",\"dtype\":\"bf16\",\"size\":4096,\
             \"variants\":[\"builtin\",\"composed\"]}"
        );
        let silu = Function::from(K::Silu);
        assert_eq!(
            case_request(&case(silu, Pass::Fwd), &["relu"]),
            "{\"op\":\"case\",\"function\":\"silu\",\"gate\":null,\"param\":0.0,\
             \"pass\":\"fwd\",\"dtype\":\"bf16\",\"size\":4096,\"variants\":[\"relu\"]}"
        );
        assert_eq!(json_string("a\"b\\c\n"), "\"a\\\"b\\\\c\\u000a\"");
    }

    #[test]
    fn wanted_variants_follow_ours() {
        let silu = Function::from(K::Silu);
        assert_eq!(
            wanted(&Variant::ALL, silu, Pass::Fwd),
            [
                "builtin",
                "composed",
                "builtin_inplace",
                "builtin_reused",
                "relu"
            ]
        );
        assert_eq!(
            wanted(&Variant::ALL, silu, Pass::FwdBwd),
            ["builtin", "composed", "relu"]
        );
        assert_eq!(
            wanted(&[Variant::Fused], silu, Pass::Fwd),
            ["builtin", "composed"]
        );
        let relu = Function::from(K::Relu);
        assert_eq!(
            wanted(&[Variant::Fused, Variant::Relu], relu, Pass::Fwd),
            ["builtin", "composed"]
        );
        let swiglu = Function::from_name("swiglu").unwrap();
        assert_eq!(
            wanted(&[Variant::Fused, Variant::Relu], swiglu, Pass::Fwd),
            ["builtin", "composed"]
        );
    }

    #[test]
    fn a_missing_python_names_the_venv_command() {
        let e = Torch::start(Path::new("no-such-dir/bin/python"), 1)
            .err()
            .expect("an error");
        assert!(e.contains("cannot run no-such-dir/bin/python"), "{e}");
        assert!(e.contains(VENV), "{e}");
    }
}
