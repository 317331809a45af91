//! The `swap` comparison in Candle: the same MLP in candle-nn, activations from
//! candle-rectifiers, the same split and batch order. Candle's CPU generator cannot be seeded,
//! so the weights are drawn here from a fixed stream (PyTorch's default `Linear` ranges).

use std::time::Instant;

use candle_core::{D, DType, Device, Module, Result, Tensor, Var};
use candle_nn::{AdamW, Linear, Optimizer, ParamsAdamW};
use candle_rectifiers::diagnostics::DeadUnitTracker;
use candle_rectifiers::modules::{Activation, PRelu};

use crate::digits::{Split, shuffle};
use crate::train::{RunConfig, RunResult};
use crate::uniform::uniform;

/// An activation of the Candle MLP: a fixed function or a PReLU with a trained slope.
#[derive(Clone, Debug)]
pub enum CandleAct {
    /// One of candle-rectifiers' `Activation`s.
    Fixed(Activation),
    /// PReLU, one slope per layer, starting at this value.
    PRelu(f64),
}

struct Mlp {
    layers: Vec<(Linear, Option<PRelu>)>,
    act: CandleAct,
    head: Linear,
    vars: Vec<Var>,
}

impl Mlp {
    fn new(hidden: &[usize], act: &CandleAct, seed: u64, device: &Device) -> Result<Self> {
        let mut seed = seed;
        let mut vars = Vec::new();
        let mut linear = |fan_in: usize, fan_out: usize, vars: &mut Vec<Var>| -> Result<Linear> {
            let bound = 1.0 / (fan_in as f64).sqrt();
            let w = Var::from_vec(
                uniform(fan_in * fan_out, bound, &mut seed),
                (fan_out, fan_in),
                device,
            )?;
            let b = Var::from_vec(uniform(fan_out, bound, &mut seed), fan_out, device)?;
            let layer = Linear::new(w.as_tensor().clone(), Some(b.as_tensor().clone()));
            vars.extend([w, b]);
            Ok(layer)
        };
        let mut layers = Vec::new();
        let mut width = 64;
        for &h in hidden {
            let l = linear(width, h, &mut vars)?;
            let prelu = match act {
                CandleAct::PRelu(a) => {
                    let w = Var::from_vec(vec![*a as f32], 1, device)?;
                    let p = PRelu::new(w.as_tensor().clone());
                    vars.push(w);
                    Some(p)
                }
                CandleAct::Fixed(_) => None,
            };
            layers.push((l, prelu));
            width = h;
        }
        let head = linear(width, 10, &mut vars)?;
        Ok(Self {
            layers,
            act: act.clone(),
            head,
            vars,
        })
    }

    fn activate(&self, prelu: &Option<PRelu>, z: &Tensor) -> Result<Tensor> {
        match (&self.act, prelu) {
            (_, Some(p)) => p.forward(z),
            (CandleAct::Fixed(a), None) => a.forward(z),
            (CandleAct::PRelu(_), None) => unreachable!("a PReLU layer has its slope"),
        }
    }

    /// Logits and each hidden layer's pre-activation.
    fn forward_traced(&self, x: &Tensor) -> Result<(Tensor, Vec<Tensor>)> {
        let mut pre = Vec::new();
        let mut h = x.clone();
        for (l, p) in &self.layers {
            let z = l.forward(&h)?;
            h = self.activate(p, &z)?;
            pre.push(z);
        }
        Ok((self.head.forward(&h)?, pre))
    }
}

fn batch(data: &Split, order: &[usize], device: &Device) -> Result<(Tensor, Tensor)> {
    let x: Vec<f32> = order
        .iter()
        .flat_map(|&i| data.pixels[i * 64..(i + 1) * 64].iter().copied())
        .collect();
    let y: Vec<u32> = order.iter().map(|&i| data.labels[i] as u32).collect();
    Ok((
        Tensor::from_vec(x, (order.len(), 64), device)?,
        Tensor::from_vec(y, order.len(), device)?,
    ))
}

fn accuracy(model: &Mlp, data: &Split, device: &Device) -> Result<f64> {
    let all: Vec<usize> = (0..data.len()).collect();
    let (x, y) = batch(data, &all, device)?;
    let pred = model.forward_traced(&x)?.0.argmax(D::Minus1)?;
    let correct = pred
        .eq(&y)?
        .to_dtype(DType::F32)?
        .sum_all()?
        .to_scalar::<f32>()?;
    Ok(correct as f64 / data.len() as f64)
}

/// Trains `act`'s MLP with Adam (AdamW without decay) on `train`, reporting `test` accuracy;
/// `tick` runs once per epoch.
pub fn train(
    name: &str,
    act: &CandleAct,
    (train, test): (&Split, &Split),
    cfg: &RunConfig,
    device: &Device,
    mut tick: impl FnMut(),
) -> Result<RunResult> {
    let model = Mlp::new(&cfg.hidden, act, cfg.seed, device)?;
    let params = ParamsAdamW {
        lr: cfg.lr,
        weight_decay: 0.0,
        ..Default::default()
    };
    let mut optim = AdamW::new(model.vars.clone(), params)?;
    let mut order: Vec<usize> = (0..train.len()).collect();
    let (mut curve, mut seconds) = (Vec::new(), 0.0);
    for epoch in 0..cfg.epochs {
        let start = Instant::now();
        shuffle(&mut order, cfg.seed ^ (epoch as u64 + 1));
        let (mut loss_sum, mut batches) = (0.0, 0);
        for chunk in order.chunks(cfg.batch) {
            let (x, y) = batch(train, chunk, device)?;
            let loss = candle_nn::loss::cross_entropy(&model.forward_traced(&x)?.0, &y)?;
            optim.backward_step(&loss)?;
            loss_sum += loss.to_scalar::<f32>()? as f64;
            batches += 1;
        }
        seconds += start.elapsed().as_secs_f64();
        curve.push((loss_sum / batches as f64, accuracy(&model, test, device)?));
        tick();
    }
    let all: Vec<usize> = (0..train.len()).collect();
    let (x, _) = batch(train, &all, device)?;
    let (_, pre) = model.forward_traced(&x)?;
    let (mut dead, mut units, mut inactive, mut values) = (0, 0, 0.0, 0.0);
    for (z, (_, p)) in pre.iter().zip(&model.layers) {
        let width = z.dim(1)?;
        let mut tracker = DeadUnitTracker::new(width);
        tracker.update(z)?;
        dead += tracker.report().dead.len();
        units += width;
        let mut sparse = DeadUnitTracker::new(width).with_threshold(0.01);
        sparse.update(&model.activate(p, z)?)?;
        let r = sparse.report();
        inactive += (1.0 - r.active_fraction) * (r.rows as f64) * width as f64;
        values += r.rows as f64 * width as f64;
    }
    let (final_loss, test_accuracy) = *curve.last().expect("at least one epoch");
    Ok(RunResult {
        name: name.to_string(),
        test_accuracy,
        final_loss,
        epoch_secs: seconds / cfg.epochs as f64,
        dead_fraction: dead as f64 / units as f64,
        sparsity: inactive / values,
        curve,
    })
}

/// The activations of `swap`, as candle-rectifiers has them.
pub fn family() -> Vec<(&'static str, CandleAct)> {
    use Activation as A;
    vec![
        ("ReLU", CandleAct::Fixed(A::Relu)),
        ("Leaky ReLU (0.01)", CandleAct::Fixed(A::LeakyRelu(0.01))),
        ("PReLU (0.25)", CandleAct::PRelu(0.25)),
        ("GELU", CandleAct::Fixed(A::Gelu)),
        ("SiLU", CandleAct::Fixed(A::Silu)),
        ("Softplus (k = 1)", CandleAct::Fixed(A::Softplus(1.0))),
        ("Softplus (k = 10)", CandleAct::Fixed(A::Softplus(10.0))),
        ("ELU (1)", CandleAct::Fixed(A::Elu(1.0))),
        ("SReLU (a = 1)", CandleAct::Fixed(A::SRelu(1.0))),
        ("Mish", CandleAct::Fixed(A::Mish)),
        ("Squareplus (b = 4)", CandleAct::Fixed(A::Squareplus(4.0))),
        ("Softplus approx.", CandleAct::Fixed(A::SoftplusApprox)),
    ]
}
