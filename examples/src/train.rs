//! Training one MLP per activation on the digits, with the same seed, split and batches.

use std::time::Instant;

use burn::nn::loss::CrossEntropyLossConfig;
use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer, SgdConfig};
use burn::tensor::{Device, Int, Tensor};
use burn_rectifiers::diagnostics::DeadUnitTracker;
use indicatif::ProgressBar;

use crate::digits::{Split, shuffle};
use burn_rectifiers::nn::ActivationConfig;

use crate::mlp::Mlp;

/// The optimiser of a run.
#[derive(Clone, Copy, Debug)]
pub enum Optim {
    /// Adam with Burn's defaults.
    Adam,
    /// Plain SGD.
    Sgd,
}

/// What every run of a comparison shares.
#[derive(Clone, Debug)]
pub struct RunConfig {
    /// Units per hidden layer.
    pub hidden: Vec<usize>,
    /// Passes over the training set.
    pub epochs: usize,
    /// Samples per step.
    pub batch: usize,
    /// Learning rate.
    pub lr: f64,
    /// The optimiser.
    pub optim: Optim,
    /// Seeds the weights and the batch order.
    pub seed: u64,
    /// He's initialisation of the hidden weights instead of Burn's default.
    pub he_init: bool,
}

/// What a run measured.
#[derive(Clone, Debug)]
pub struct RunResult {
    /// The activation's name in the tables.
    pub name: String,
    /// Accuracy on the held-out set after the last epoch.
    pub test_accuracy: f64,
    /// Mean training loss of the last epoch.
    pub final_loss: f64,
    /// Wall time per epoch, seconds (mean).
    pub epoch_secs: f64,
    /// Hidden units whose pre-activation was <= 0 for every training sample, over all layers.
    pub dead_fraction: f64,
    /// Hidden activations (post) <= 0.01 over the training set.
    pub sparsity: f64,
    /// Per epoch: (mean training loss, test accuracy).
    pub curve: Vec<(f64, f64)>,
}

fn accuracy(model: &Mlp, data: &Split, device: &Device) -> f64 {
    let (x, y) = data.batch(0, data.len(), device);
    let pred: Tensor<1, Int> = model.forward(x).argmax(1).reshape([data.len()]);
    let correct = pred.equal(y).int().sum().into_scalar::<i64>();
    correct as f64 / data.len() as f64
}

/// Trains `act`'s MLP on `train`, reporting `test` accuracy; ticks `progress` once per epoch.
pub fn train(
    name: &str,
    act: &ActivationConfig,
    data: (&Split, &Split),
    cfg: &RunConfig,
    device: &Device,
    progress: &ProgressBar,
) -> RunResult {
    fit(name, act, data, cfg, device, progress).1
}

/// The model [`train`] starts from: the same seed gives the same weights.
pub fn initial_model(act: &ActivationConfig, cfg: &RunConfig, device: &Device) -> Mlp {
    device.seed(cfg.seed);
    Mlp::new(
        64,
        &cfg.hidden,
        act,
        cfg.he_init,
        &device.clone().autodiff(),
    )
}

/// The Frobenius norm of the loss gradient of each hidden layer's weight, over `data`.
pub fn gradient_norms(model: &Mlp, data: &Split, device: &Device) -> Vec<f64> {
    let ad = device.clone().autodiff();
    let (x, y) = data.batch(0, data.len(), &ad);
    let loss = CrossEntropyLossConfig::new()
        .init(&ad)
        .forward(model.forward(x), y);
    let grads = loss.backward();
    model
        .layers()
        .iter()
        .map(|layer| {
            let g = layer
                .weight
                .val()
                .grad(&grads)
                .expect("weights are trained");
            g.powf_scalar(2.0).sum().sqrt().into_scalar::<f64>()
        })
        .collect()
}

/// [`train`], also returning the trained model.
pub fn fit(
    name: &str,
    act: &ActivationConfig,
    (train, test): (&Split, &Split),
    cfg: &RunConfig,
    device: &Device,
    progress: &ProgressBar,
) -> (Mlp, RunResult) {
    let ad = device.clone().autodiff();
    let mut model = initial_model(act, cfg, device);
    let mut optim: ModuleOptimizer = match cfg.optim {
        Optim::Adam => AdamConfig::new().init(),
        Optim::Sgd => SgdConfig::new().init(),
    };
    let loss_fn = CrossEntropyLossConfig::new().init(&ad);
    let mut order: Vec<usize> = (0..train.len()).collect();
    let mut curve = Vec::with_capacity(cfg.epochs);
    let mut seconds = 0.0;
    for epoch in 0..cfg.epochs {
        let start = Instant::now();
        shuffle(&mut order, cfg.seed ^ (epoch as u64 + 1));
        let shuffled = Split {
            pixels: order
                .iter()
                .flat_map(|&i| train.pixels[i * 64..(i + 1) * 64].iter().copied())
                .collect(),
            labels: order.iter().map(|&i| train.labels[i]).collect(),
        };
        let (mut loss_sum, mut batches) = (0.0, 0);
        for first in (0..train.len()).step_by(cfg.batch) {
            let (x, y) = shuffled.batch(first, (first + cfg.batch).min(train.len()), &ad);
            let loss = loss_fn.forward(model.forward(x), y);
            loss_sum += loss.clone().into_scalar::<f64>();
            batches += 1;
            let grads = GradientsParams::from_grads(loss.backward(), &model);
            model = optim.step(cfg.lr, model, grads);
        }
        seconds += start.elapsed().as_secs_f64();
        curve.push((loss_sum / batches as f64, accuracy(&model, test, &ad)));
        progress.inc(1);
    }
    // Dead units and sparsity over the whole training set, after training.
    let (x, _) = train.batch(0, train.len(), &ad);
    let (_, pre) = model.forward_traced(x);
    let (mut dead, mut units, mut inactive, mut values) = (0usize, 0usize, 0.0, 0.0);
    for (z, width) in pre.into_iter().zip(&cfg.hidden) {
        let mut tracker = DeadUnitTracker::new(*width);
        tracker.update(z.clone());
        dead += tracker.report().dead.len();
        units += width;
        let post = act.init(&ad).forward(z);
        let mut sparse = DeadUnitTracker::new(*width).with_threshold(0.01);
        sparse.update(post);
        let r = sparse.report();
        inactive += (1.0 - r.active_fraction) * r.rows as f64 * *width as f64;
        values += r.rows as f64 * *width as f64;
    }
    let (final_loss, test_accuracy) = *curve.last().expect("at least one epoch");
    let result = RunResult {
        name: name.to_string(),
        test_accuracy,
        final_loss,
        epoch_secs: seconds / cfg.epochs as f64,
        dead_fraction: dead as f64 / units as f64,
        sparsity: inactive / values,
        curve,
    };
    (model, result)
}

/// The activations the demos compare, with the names printed in the tables.
pub fn family() -> Vec<(&'static str, ActivationConfig)> {
    use burn_rectifiers::nn::*;
    vec![
        ("ReLU", ActivationConfig::Relu),
        ("Leaky ReLU (0.01)", LeakyReluConfig::new().into()),
        ("PReLU (0.25)", PReluConfig::new().into()),
        ("GELU", ActivationConfig::Gelu),
        ("SiLU", ActivationConfig::Silu),
        ("Softplus (k = 1)", SoftplusConfig::new().into()),
        (
            "Softplus (k = 10)",
            SoftplusConfig::new().with_beta(10.0).into(),
        ),
        ("ELU (1)", EluConfig::new().into()),
        ("SReLU (a = 1)", SReluConfig::new().into()),
        ("Mish", ActivationConfig::Mish),
        ("Squareplus (b = 4)", SquareplusConfig::new().into()),
        ("Softplus approx.", ActivationConfig::SoftplusApprox),
    ]
}

/// The results as one markdown table.
pub fn table(results: &[RunResult]) -> String {
    let mut s = String::from(
        "| activation | test accuracy | final loss | time/epoch | dead units | sparsity |\n|---|---|---|---|---|---|\n",
    );
    for r in results {
        s += &format!(
            "| {} | {:.1}% | {:.4} | {:.0} ms | {:.1}% | {:.1}% |\n",
            r.name,
            100.0 * r.test_accuracy,
            r.final_loss,
            1e3 * r.epoch_secs,
            100.0 * r.dead_fraction,
            100.0 * r.sparsity
        );
    }
    s
}
