//! On Burn's Fusion backend (wgpu), the elementwise functions are recorded as ordinary
//! operations that fuse: no custom operation runs, and a graph with ours runs no more blocks
//! (fused kernels, or single operations run unfused) than the same graph with Burn's own
//! activation. Watched with burn-fusion's public observer, which sees every block the fusion
//! server runs and the operations in it.
#![cfg(feature = "wgpu")]

mod common;

use std::sync::{Arc, Mutex, MutexGuard};

use burn::backend::fusion::observer::{BlockOperations, FusionObservation, FusionObserver};
use burn::backend::ir::OperationIr;
use burn::tensor::{Device, Distribution, Tensor, activation as act};
use burn_rectifiers::{Elementwise, ElementwiseKind, apply};

/// The blocks that ran, each as its operations' short names.
#[derive(Default)]
struct Blocks(Mutex<Vec<Vec<String>>>);

impl FusionObserver for Blocks {
    fn registered(&self, _: &OperationIr) {}

    fn block_starts(&self, block: BlockOperations<'_>) {
        let names = block.iter().map(short_name).collect();
        self.0.lock().unwrap().push(names);
    }

    fn block_ran(&self) {}
}

/// `Custom`, `NumericFloat(Add)`, ...: the variant names of an operation, without its fields.
fn short_name(op: &OperationIr) -> String {
    let debug = format!("{op:?}");
    let mut name = String::new();
    for (i, part) in debug.split('(').take(3).enumerate() {
        let word: String = part
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if word.is_empty() || (i > 0 && word.chars().next().unwrap().is_lowercase()) {
            break;
        }
        if i > 0 {
            name.push(':');
        }
        name.push_str(&word);
    }
    name
}

/// Runs `work` on `device` under an observer and returns the blocks it ran that launch work
/// (blocks of only `Drop`s free memory and launch nothing).
fn blocks_of(device: &Device, work: impl FnOnce()) -> Vec<Vec<String>> {
    device.sync().unwrap();
    let blocks = Arc::new(Blocks::default());
    let guard = FusionObservation::new(blocks.clone());
    work();
    device.sync().unwrap();
    drop(guard);
    let ran = blocks.0.lock().unwrap().clone();
    ran.into_iter()
        .filter(|b| b.iter().any(|op| !op.starts_with("Drop")))
        .collect()
}

/// The observer sees every operation of the process, so the tests of this file run one at a
/// time: each holds this lock from its first operation to its last (warm-up runs included).
fn serial() -> MutexGuard<'static, ()> {
    static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());
    ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner())
}

fn wgpu() -> Option<Device> {
    common::backends()
        .into_iter()
        .find(|b| b.name == "wgpu")
        .map(|b| b.device)
}

/// Burn's own activation for `f` where it has one, else Burn's ReLU (the comparison the issue
/// asks for).
fn builtin<const D: usize>(f: Elementwise, x: Tensor<D>) -> Tensor<D> {
    let p = f.param().unwrap_or(0.0);
    match f.kind() {
        ElementwiseKind::LeakyRelu => act::leaky_relu(x, p),
        ElementwiseKind::Gelu => act::gelu(x),
        ElementwiseKind::GeluTanh => act::gelu_approximate(x),
        ElementwiseKind::Silu => act::silu(x),
        ElementwiseKind::Softplus => act::softplus(x, p),
        ElementwiseKind::Elu => act::elu(x, p),
        ElementwiseKind::Mish => act::mish(x),
        ElementwiseKind::Relu
        | ElementwiseKind::SRelu
        | ElementwiseKind::SoftplusApprox
        | ElementwiseKind::Squareplus => act::relu(x),
    }
}

fn custom_ops(blocks: &[Vec<String>]) -> usize {
    blocks
        .iter()
        .flatten()
        .filter(|op| op.starts_with("Custom"))
        .count()
}

fn describe(blocks: &[Vec<String>]) -> String {
    blocks
        .iter()
        .map(|b| {
            let ops: Vec<&str> = b
                .iter()
                .filter(|op| !op.starts_with("Drop"))
                .map(String::as_str)
                .collect();
            format!("[{} ops: {}]", ops.len(), ops.join(" "))
        })
        .collect::<Vec<_>>()
        .join("\n  ")
}

/// Forward and backward of one activation: `y = f(x)`, `sum(y)`, `dx`.
fn fwd_bwd(device: &Device, act: impl Fn(Tensor<2>) -> Tensor<2>) -> Vec<Vec<String>> {
    let device = device.clone().autodiff();
    let x = Tensor::<2>::random([64, 256], Distribution::Normal(0.0, 3.0), &device).require_grad();
    let run = || {
        let grads = act(x.clone()).sum().backward();
        x.grad(&grads).unwrap().into_data();
    };
    // Once to let the fusion server explore and cache its plans, then observed.
    run();
    blocks_of(&device, run)
}

#[test]
fn forward_and_backward_fuse_like_burns_relu() {
    let _serial = serial();
    let Some(device) = wgpu() else { return };
    let relu = fwd_bwd(&device, act::relu);
    println!("burn relu: {} blocks\n  {}", relu.len(), describe(&relu));
    let mut failures = Vec::new();
    for f in common::cases() {
        let ours = fwd_bwd(&device, |x| apply(x, f));
        println!("{f}: {} blocks\n  {}", ours.len(), describe(&ours));
        if custom_ops(&ours) > 0 || ours.len() > relu.len() {
            failures.push(format!(
                "{f}: {} blocks, {} custom ops (Burn's relu: {} blocks)",
                ours.len(),
                custom_ops(&ours),
                relu.len()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// One training step of `act(x w + b) * 2 + 1`, summed and differentiated.
fn layer_step(device: &Device, act: impl Fn(Tensor<2>) -> Tensor<2>) -> Vec<Vec<String>> {
    let device = device.clone().autodiff();
    let x = Tensor::<2>::random([32, 64], Distribution::Normal(0.0, 1.0), &device);
    let w = Tensor::<2>::random([64, 128], Distribution::Normal(0.0, 0.2), &device).require_grad();
    let b = Tensor::<1>::random([128], Distribution::Normal(0.0, 0.2), &device).require_grad();
    let run = || {
        let h = x.clone().matmul(w.clone()) + b.clone().unsqueeze::<2>();
        let y = act(h) * 2.0 + 1.0;
        let grads = y.sum().backward();
        w.grad(&grads).unwrap().into_data();
        b.grad(&grads).unwrap().into_data();
    };
    // Once to let the fusion server explore and cache its plans, then observed.
    run();
    blocks_of(&device, run)
}

#[test]
fn a_layer_step_runs_no_more_blocks_than_with_burns_activation() {
    let _serial = serial();
    let Some(device) = wgpu() else { return };
    let mut failures = Vec::new();
    for f in common::cases() {
        let theirs = layer_step(&device, |h| builtin(f, h));
        let ours = layer_step(&device, |h| apply(h, f));
        println!(
            "{f}: ours {} blocks, Burn's {}\n  ours:\n  {}\n  Burn's:\n  {}",
            ours.len(),
            theirs.len(),
            describe(&ours),
            describe(&theirs)
        );
        if custom_ops(&ours) > 0 || ours.len() > theirs.len() {
            failures.push(format!(
                "{f}: {} blocks, {} custom ops (Burn's activation: {} blocks)",
                ours.len(),
                custom_ops(&ours),
                theirs.len()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// PReLU in the layer step, against Burn's `prelu`: `alpha` of one slope per output channel,
/// learned.
#[test]
fn a_prelu_layer_step_runs_no_more_blocks_than_with_burns_prelu() {
    let _serial = serial();
    let Some(device) = wgpu() else { return };
    let alpha = Tensor::<1>::full([128], 0.25, &device.clone().autodiff()).require_grad();
    let theirs = layer_step(&device, |h| act::prelu(h, alpha.clone()));
    let ours = layer_step(&device, |h| burn_rectifiers::prelu(h, alpha.clone()));
    println!(
        "prelu: ours {} blocks, Burn's {}\n  ours:\n  {}\n  Burn's:\n  {}",
        ours.len(),
        theirs.len(),
        describe(&ours),
        describe(&theirs)
    );
    assert!(
        ours.len() <= theirs.len(),
        "prelu: {} blocks, {} custom ops (Burn's prelu: {} blocks)",
        ours.len(),
        custom_ops(&ours),
        theirs.len()
    );
}

/// A gated layer step, `f(x w_g) * (x w_u)` summed and differentiated, against Burn's own
/// `builtin(f)(x w_g) * (x w_u)` (what burn-nn's `SwiGlu` runs for SiLU): no custom operation,
/// and at most one block more. Measured on lavapipe: equal for the piecewise-linear functions
/// (12 / 12), one more for the smooth ones (13 / 12): the backward saves `gate` and `up` only
/// and recomputes `f(gate)` for `d_up`, and that recomputation plus `f'(gate)` exceeds the
/// fuser's 64 operations per kernel, so the backward is two kernels where Burn's, reading its
/// saved `f(gate)` (a third saved tensor), is one.
#[test]
fn a_gated_layer_step_runs_no_more_blocks_than_burns_composition() {
    let _serial = serial();
    let Some(device) = wgpu() else { return };
    let ad = device.clone().autodiff();
    let x = Tensor::<2>::random([32, 64], Distribution::Normal(0.0, 1.0), &ad);
    let wg = Tensor::<2>::random([64, 128], Distribution::Normal(0.0, 0.2), &ad).require_grad();
    let wu = Tensor::<2>::random([64, 128], Distribution::Normal(0.0, 0.2), &ad).require_grad();
    let step = |gated: &dyn Fn(Tensor<2>, Tensor<2>) -> Tensor<2>| {
        let run = || {
            let y = gated(x.clone().matmul(wg.clone()), x.clone().matmul(wu.clone()));
            let grads = y.sum().backward();
            wg.grad(&grads).unwrap().into_data();
            wu.grad(&grads).unwrap().into_data();
        };
        run();
        blocks_of(&device, run)
    };
    let mut failures = Vec::new();
    for f in common::cases() {
        let theirs = step(&|g, u| builtin(f, g) * u);
        let ours = step(&|g, u| burn_rectifiers::gated(g, u, f));
        println!(
            "{f}-gated: ours {} blocks, Burn's {}\n  ours:\n  {}",
            ours.len(),
            theirs.len(),
            describe(&ours)
        );
        if custom_ops(&ours) > 0 || ours.len() > theirs.len() + 1 {
            failures.push(format!(
                "{f}-gated: {} blocks, {} custom ops (Burn's composition: {} blocks)",
                ours.len(),
                custom_ops(&ours),
                theirs.len()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
