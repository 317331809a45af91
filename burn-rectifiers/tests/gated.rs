//! The gated activations `f(gate) * up` on every backend: forward and both gradients against the
//! core's gated kernels (bit for bit on the CPU backends, which call them; within the function's
//! ULP budget plus one rounding on wgpu and the composed fallback), the split form, strided and
//! empty inputs, f64, and the `Glu` module against burn-nn's `SwiGlu`. Plain `CubeBackend`'s
//! kernels (`mod plain_cube`): the same checks within the kernel path's budget, one launch each
//! way, strided, broadcast and shared inputs, f16.

mod common;

use burn::module::Module;
use burn::nn::SwiGluConfig;
use burn::store::ModuleRecord;
use burn::tensor::{DType, Device, Tensor};
use burn_rectifiers::nn::{GluConfig, SquareplusConfig};
use burn_rectifiers::{Elementwise, ElementwiseKind, gated, gated_split, swiglu};
use common::{
    GpuError, GpuPath, backends, cases, inputs, same, tensor_f32, tensor_of, to_f32, to_f64,
};
use rectifiers_core::{Rectifier, kernel};

/// `up` and `dy`: varied values, with zeros, infinities and NaN among them.
fn partner(n: usize, seed: usize) -> Vec<f32> {
    (0..n)
        .map(|i| match (i + seed) % 41 {
            0 => 0.0,
            1 => f32::INFINITY,
            2 => f32::NAN,
            k => (k as f32 - 20.0) * 0.37,
        })
        .collect()
}

/// Within the function's budget on `gpu` for `f(gate)` plus the product's rounding (1 ULP), or
/// the same special value; bit for bit where `exact`.
fn close(
    exact: bool,
    gpu: GpuPath,
    f: &Elementwise,
    gate: f32,
    got: f32,
    want: f32,
    derivative: bool,
) -> bool {
    if exact {
        return same(got, want);
    }
    if gate.is_subnormal() {
        return true; // GPUs flush subnormal inputs
    }
    // The fused piecewise-linear backwards mask the upstream gradient where f' is 0, like
    // Burn's own ReLU: a NaN in `dy up` is masked to 0 there (the core gives NaN).
    let piecewise = matches!(
        f.kind(),
        ElementwiseKind::Relu | ElementwiseKind::LeakyRelu | ElementwiseKind::SRelu
    ) || (f.kind() == ElementwiseKind::Squareplus && f.param() == Some(0.0));
    if derivative && piecewise && want.is_nan() && got == 0.0 {
        return true;
    }
    common::within_gpu_budget(gpu, f, gate, got, want, derivative, 1.0)
        || (got.is_nan() && want.is_nan())
}

/// The worst errors found by [`check_against_core`], in ULP of the core's result: `y`, `d_gate`
/// (of `d_gate / (dy up)`, i.e. of f'), `d_gate` near a zero of f' (in ULP of 1), `d_up`.
#[derive(Clone, Copy, Default)]
struct Worst([f64; 4]);

/// Checks `got = (y, d_gate, d_up)` of `f` at `(gate, up, dy)` against the core's gated
/// kernels: bit for bit where `exact`, else within `gpu`'s budget plus one rounding.
/// Compared where `f(gate)` and `f'(gate)` are normal or exact in f32.
#[allow(clippy::too_many_arguments)]
fn check_against_core(
    name: &str,
    exact: bool,
    gpu: GpuPath,
    f: &Elementwise,
    gate: &[f32],
    up: &[f32],
    dy: &[f32],
    got: [&[f32]; 3],
) -> Worst {
    let n = gate.len();
    let mut want_y = vec![0.0f32; n];
    kernel::gated_forward(f, gate, up, &mut want_y);
    let (mut want_dg, mut want_du) = (vec![0.0f32; n], vec![0.0f32; n]);
    kernel::gated_backward(f, gate, up, dy, &mut want_dg, &mut want_du);
    let [got_y, got_dg, got_du] = got;
    let mut worst = Worst::default();
    let mut measure = |col: usize, x: f32, got: f32, want: f32, derivative: bool| {
        if exact {
            return;
        }
        match common::gpu_error(f, x, got, want, derivative) {
            GpuError::Ulps(u) => worst.0[col] = worst.0[col].max(u),
            GpuError::NearRoot(u) => worst.0[2] = worst.0[2].max(u),
            GpuError::SameSpecial | GpuError::WrongClass => {}
        }
    };
    for i in 0..n {
        // The fallback's gradient at an infinite input is 0 (src/route.rs).
        let fallback_inf = name.contains("fallback") && gate[i].is_infinite();
        // Where f(gate) or f'(gate) is not normal in f32 the GPU paths may differ in
        // class (flushed subnormals); the products' specials then follow.
        // Also where it is 0 by underflow and multiplies an infinity (NaN in the core,
        // an infinity where the device's tail is not yet 0).
        let tiny = |v: f32| v != 0.0 && !v.is_normal() && v.is_finite();
        let (a, a1) = (f.forward_f32(gate[i]), f.derivative_f32(gate[i]));
        let infinite = !up[i].is_finite() || !dy[i].is_finite();
        let skip = !exact && (tiny(a) || tiny(a1) || (infinite && (a == 0.0 || a1 == 0.0)));
        if skip {
            continue;
        }
        assert!(
            close(exact, gpu, f, gate[i], got_y[i], want_y[i], false),
            "{name} {f}-gated y at gate {:e}, up {:e}: {:e}, core {:e}",
            gate[i],
            up[i],
            got_y[i],
            want_y[i]
        );
        measure(0, gate[i], got_y[i], want_y[i], false);
        // Near a zero of f' the budget is in ULP of 1 of f': compare d_gate / (dy up).
        let s = dy[i] * up[i];
        let s = if s.is_finite() && s != 0.0 { s } else { 1.0 };
        if !fallback_inf {
            assert!(
                close(exact, gpu, f, gate[i], got_dg[i] / s, want_dg[i] / s, true),
                "{name} {f}-gated d_gate at gate {:e}, up {:e}, dy {:e}: {:e}, core {:e}",
                gate[i],
                up[i],
                dy[i],
                got_dg[i],
                want_dg[i]
            );
            measure(1, gate[i], got_dg[i] / s, want_dg[i] / s, true);
        }
        assert!(
            close(exact, gpu, f, gate[i], got_du[i], want_du[i], false),
            "{name} {f}-gated d_up at gate {:e}, dy {:e}: {:e}, core {:e}",
            gate[i],
            dy[i],
            got_du[i],
            want_du[i]
        );
        measure(3, gate[i], got_du[i], want_du[i], false);
    }
    worst
}

#[test]
fn forward_and_both_gradients_match_the_core() {
    let gate = inputs();
    let n = gate.len();
    let (up, dy) = (partner(n, 0), partner(n, 17));
    for b in backends() {
        let device = b.device.clone().autodiff();
        for f in cases() {
            let g = tensor_f32(&gate, &device).require_grad();
            let u = tensor_f32(&up, &device).require_grad();
            let y = gated(g.clone(), u.clone(), f);
            let grads = (y.clone() * tensor_f32(&dy, &device)).sum().backward();
            let got_y = to_f32(y.inner());
            let got_dg = to_f32(g.grad(&grads).expect("gradient of gate"));
            let got_du = to_f32(u.grad(&grads).expect("gradient of up"));
            check_against_core(
                b.name,
                b.exact,
                GpuPath::Fused,
                &f,
                &gate,
                &up,
                &dy,
                [&got_y, &got_dg, &got_du],
            );
        }
    }
}

#[test]
fn f64_matches_the_core_on_the_cpu_backends() {
    let gate: Vec<f64> = inputs().into_iter().map(f64::from).collect();
    let up: Vec<f64> = partner(gate.len(), 3).into_iter().map(f64::from).collect();
    for b in backends().into_iter().filter(|b| b.exact) {
        for f in cases() {
            let mut want = vec![0.0f64; gate.len()];
            kernel::gated_forward(&f, &gate, &up, &mut want);
            let got = to_f64(gated(
                tensor_of(&gate, DType::F64, &b.device),
                tensor_of(&up, DType::F64, &b.device),
                f,
            ));
            for i in 0..gate.len() {
                assert!(same(got[i], want[i]), "{} {f} f64 at {}", b.name, gate[i]);
            }
        }
    }
}

/// The split form equals the two-tensor form on the halves, and its halves are strided views.
#[test]
fn split_form_is_the_two_halves() {
    for b in backends() {
        let x = Tensor::<2>::from_floats(
            [
                [-2.0, 0.5, 3.0, 1.5, -1.0, 4.0],
                [1.0, -0.25, 2.0, 0.0, 7.0, -3.0],
            ],
            &b.device,
        );
        let f = Elementwise::Silu(rectifiers_core::Silu);
        let a = x.clone().narrow(1, 0, 3);
        let c = x.clone().narrow(1, 3, 3);
        let want = to_f32(gated(a, c, f).flatten(0, 1));
        assert_eq!(to_f32(swiglu(x.clone()).flatten(0, 1)), want, "{}", b.name);
        assert_eq!(to_f32(gated_split(x, f).flatten(0, 1)), want, "{}", b.name);
    }
}

/// Transposed (strided) inputs give the values of their contiguous copies.
#[test]
fn strided_inputs() {
    for b in backends() {
        let g = Tensor::<2>::from_floats([[-1.0, 2.0, 0.5], [3.0, -4.0, 1.0]], &b.device);
        let u = Tensor::<2>::from_floats([[2.0, -1.0], [0.5, 3.0], [1.5, 2.5]], &b.device);
        let f = Elementwise::Gelu(rectifiers_core::Gelu);
        let strided = gated(g.clone().transpose(), u.clone(), f);
        let copied = gated(
            Tensor::<2>::from_data(g.transpose().into_data(), &b.device),
            u,
            f,
        );
        assert_eq!(
            to_f32(strided.flatten(0, 1)),
            to_f32(copied.flatten(0, 1)),
            "{}",
            b.name
        );
    }
}

#[test]
fn empty_tensors() {
    for b in backends() {
        let device = b.device.clone().autodiff();
        let g = Tensor::<2>::zeros([0, 4], &device).require_grad();
        let u = Tensor::<2>::zeros([0, 4], &device).require_grad();
        let y = gated(
            g.clone(),
            u.clone(),
            Elementwise::Relu(rectifiers_core::Relu),
        );
        assert_eq!(y.dims(), [0, 4], "{}", b.name);
        let grads = y.sum().backward();
        assert_eq!(g.grad(&grads).map(|t| t.dims()), Some([0, 4]), "{}", b.name);
    }
}

#[test]
#[should_panic(expected = "must be even")]
fn odd_split_panics() {
    let x = Tensor::<1>::zeros([3], &Device::default());
    let _ = swiglu(x);
}

/// `Glu` with SiLU is burn-nn's `SwiGlu`: a `SwiGlu` record loads into it, and the outputs
/// agree within f32 rounding (burn-nn's SiLU is `x sigmoid(x)` in f32; ours is correctly
/// rounded: the difference is that of the two SiLUs, a few ULP of each output).
#[test]
fn glu_with_silu_replaces_burn_nn_swiglu() {
    let device = Device::default();
    let swiglu = SwiGluConfig::new(6, 4).with_bias(true).init(&device);
    let bytes = swiglu.clone().into_record().into_bytes().unwrap();
    let glu = GluConfig::new(6, 4).with_bias(true).init(&device);
    let glu = glu.load_record(ModuleRecord::from_bytes(bytes).unwrap());
    let x = Tensor::<2>::from_floats(
        [
            [0.5, -1.0, 2.0, 0.0, 1.5, -0.25],
            [3.0, 1.0, -2.0, 0.75, -1.5, 0.1],
        ],
        &device,
    );
    let want = to_f32(swiglu.forward(x.clone()).flatten(0, 1));
    let got = to_f32(glu.forward(x).flatten(0, 1));
    for (g, w) in got.iter().zip(&want) {
        assert!(
            (g - w).abs() <= 4.0 * f32::EPSILON * w.abs().max(1e-3),
            "{g} vs {w}"
        );
    }
}

#[test]
fn glu_takes_any_elementwise_function_and_rejects_others() {
    let device = Device::default();
    let glu = GluConfig::new(3, 2)
        .with_activation(SquareplusConfig::new().with_b(0.0).into())
        .init(&device);
    assert_eq!(glu.activation.to_string(), "squareplus(b=0)");
    let err = GluConfig::new(3, 2)
        .with_activation(SquareplusConfig::new().with_b(-1.0).into())
        .try_init(&device)
        .unwrap_err();
    assert_eq!(err.param(), "b");
    let prelu = std::panic::catch_unwind(|| {
        GluConfig::new(3, 2)
            .with_activation(burn_rectifiers::nn::PReluConfig::new().into())
            .init(&Device::default())
    });
    assert!(prelu.is_err());
}

/// Plain `CubeBackend` (no Fusion), which Burn's devices do not reach: its gated kernels called
/// through the backend trait, as `tests/cube_rows.rs` calls PReLU's and LSE0+'s.
#[cfg(feature = "wgpu")]
mod plain_cube {
    use std::sync::{Arc, Mutex};
    use std::thread::{self, ThreadId};

    use burn::backend::{TensorMetadata, ops::FloatTensorOps, tensor::FloatTensor};
    use burn::tensor::{DType, TensorData, read_sync};
    use burn_cubecl::{CubeBackend, CubeDevice};
    use burn_rectifiers::{Elementwise, RectifierBackend};
    use cubecl::logging::{LaunchObservation, LaunchObserver};

    use super::{check_against_core, partner};
    use crate::common::{self, GpuPath, cases, inputs};

    /// Whether a wgpu adapter exists (else the checks are skipped, or fail under
    /// `RECTIFIERS_REQUIRE_WGPU=1`: `common::backends`).
    fn has_wgpu() -> bool {
        common::backends().iter().any(|b| b.name == "wgpu")
    }

    fn device() -> CubeDevice {
        CubeDevice::Wgpu(Default::default())
    }

    fn tensor(v: &[f32], shape: &[usize]) -> FloatTensor<CubeBackend> {
        CubeBackend::float_from_data(TensorData::new(v.to_vec(), shape.to_vec()), &device())
    }

    fn read(t: FloatTensor<CubeBackend>) -> Vec<f32> {
        read_sync(CubeBackend::float_into_data(t))
            .unwrap()
            .convert::<f32>()
            .try_to_vec::<f32>()
            .unwrap()
    }

    /// The bits of `v`, every NaN as the one NaN (payloads may differ).
    fn canon(v: &[f32]) -> Vec<u32> {
        v.iter()
            .map(|&x| if x.is_nan() { f32::NAN } else { x }.to_bits())
            .collect()
    }

    /// `(y, d_gate, d_up)` on plain `CubeBackend`, 1-D.
    fn run(f: Elementwise, gate: &[f32], up: &[f32], dy: &[f32]) -> [Vec<f32>; 3] {
        let n = [gate.len()];
        let y = CubeBackend::fused_gated(tensor(gate, &n), tensor(up, &n), f);
        let (dg, du) =
            CubeBackend::fused_gated_backward(tensor(gate, &n), tensor(up, &n), tensor(dy, &n), f);
        [read(y), read(dg), read(du)]
    }

    /// Forward and both gradients of every function against the core, within the cubecl
    /// kernels' budget per function (`common::gpu_budget`, `GpuPath::Kernel`) plus one rounding
    /// for the product, over the edge cases (NaN, the infinities, zeros, subnormals, the
    /// extremes) times partners with zeros, infinities and NaN. Prints the worst errors.
    #[test]
    fn kernels_match_the_core_within_the_kernel_budget() {
        if !has_wgpu() {
            return;
        }
        let gate = inputs();
        let n = gate.len();
        let (up, dy) = (partner(n, 0), partner(n, 17));
        println!(
            "| f | y max ULP | d_gate max ULP | d_gate near f' = 0 (ULP of 1) | d_up max ULP |"
        );
        println!("|---|---|---|---|---|");
        for f in cases() {
            let [y, dg, du] = run(f, &gate, &up, &dy);
            let w = check_against_core(
                "cube",
                false,
                GpuPath::Kernel,
                &f,
                &gate,
                &up,
                &dy,
                [&y, &dg, &du],
            );
            let [wy, wd, wr, wu] = w.0;
            println!("| {f} | {wy:.1} | {wd:.1} | {wr:.1} | {wu:.1} |");
        }
    }

    /// The kernels launched on this thread while installed (the observer is process-wide;
    /// the other tests launch from their own threads).
    struct Launches {
        thread: ThreadId,
        names: Mutex<Vec<&'static str>>,
    }

    impl LaunchObserver for Launches {
        fn launched(&self, kernel: &'static str) {
            if thread::current().id() == self.thread {
                self.names.lock().unwrap().push(kernel);
            }
        }
    }

    fn launches_of<R>(work: impl FnOnce() -> R) -> (R, Vec<&'static str>) {
        let launches = Arc::new(Launches {
            thread: thread::current().id(),
            names: Mutex::new(Vec::new()),
        });
        let watching = LaunchObservation::new(launches.clone());
        let out = work();
        drop(watching);
        let names = launches.names.lock().unwrap().clone();
        (out, names)
    }

    /// The proof that the gated kernels run: one launch forward, one for both gradients
    /// (the composed default body launches one kernel per operation).
    #[test]
    fn forward_and_backward_are_one_launch_each() {
        if !has_wgpu() {
            return;
        }
        let v = [-2.0, -0.5, 0.0, 0.5, 1.0, 3.0, f32::NAN, f32::INFINITY];
        for f in cases() {
            let (gate, up) = (tensor(&v, &[2, 4]), tensor(&v, &[2, 4]));
            let (y, names) = launches_of(|| CubeBackend::fused_gated(gate, up, f));
            assert!(
                names.len() == 1 && names[0].contains("gated_fwd"),
                "{f}-gated forward launched {names:?}"
            );
            read(y);
            let (gate, up, dy) = (
                tensor(&v, &[2, 4]),
                tensor(&v, &[2, 4]),
                tensor(&v, &[2, 4]),
            );
            let (grads, names) = launches_of(|| CubeBackend::fused_gated_backward(gate, up, dy, f));
            assert!(
                names.len() == 1 && names[0].contains("gated_bwd"),
                "{f}-gated backward launched {names:?}"
            );
            read(grads.0);
        }
    }

    /// A transposed gate, an `up` broadcast by `expand` (stride 0), a transposed upstream
    /// gradient, and inputs held elsewhere (the outputs are then fresh buffers; held by none,
    /// the outputs take the inputs' buffers): the values of contiguous inputs, bit for bit.
    #[test]
    fn strided_broadcast_and_shared_inputs() {
        if !has_wgpu() {
            return;
        }
        let g: Vec<f32> = (0..24).map(|i| i as f32 * 0.7 - 8.0).collect();
        let row: Vec<f32> = (0..4).map(|i| i as f32 * 1.5 - 2.0).collect();
        let up: Vec<f32> = (0..24).map(|i| row[i % 4]).collect();
        let dy: Vec<f32> = (0..24).map(|i| 0.5 + (i % 7) as f32 * 0.25).collect();
        let transposed = |v: &[f32]| {
            // The [6, 4] values stored as [4, 6], seen through a transpose.
            let stored: Vec<f32> = (0..24).map(|k| v[(k % 6) * 4 + k / 6]).collect();
            CubeBackend::float_swap_dims(tensor(&stored, &[4, 6]), 0, 1)
        };
        let expanded = || CubeBackend::float_expand(tensor(&row, &[1, 4]), [6, 4].into());
        for f in cases() {
            let y = read(CubeBackend::fused_gated(
                tensor(&g, &[6, 4]),
                tensor(&up, &[6, 4]),
                f,
            ));
            let (dg, du) = CubeBackend::fused_gated_backward(
                tensor(&g, &[6, 4]),
                tensor(&up, &[6, 4]),
                tensor(&dy, &[6, 4]),
                f,
            );
            let want = [canon(&y), canon(&read(dg)), canon(&read(du))];

            let ys = read(CubeBackend::fused_gated(transposed(&g), expanded(), f));
            let (dgs, dus) =
                CubeBackend::fused_gated_backward(transposed(&g), expanded(), transposed(&dy), f);
            let got = [canon(&ys), canon(&read(dgs)), canon(&read(dus))];
            assert_eq!(got, want, "{f}-gated, strided and broadcast inputs");

            // Held elsewhere: no output may take an input's buffer.
            let (gt, ut, dyt) = (transposed(&g), tensor(&up, &[6, 4]), tensor(&dy, &[6, 4]));
            let ys = read(CubeBackend::fused_gated(gt.clone(), ut.clone(), f));
            let (dgs, dus) =
                CubeBackend::fused_gated_backward(gt.clone(), ut.clone(), dyt.clone(), f);
            let got = [canon(&ys), canon(&read(dgs)), canon(&read(dus))];
            assert_eq!(got, want, "{f}-gated, shared inputs");
            // ... and the inputs are unchanged.
            assert_eq!(
                canon(&read(ut)),
                canon(&up),
                "{f}-gated changed a shared up"
            );
            assert_eq!(
                canon(&read(dyt)),
                canon(&dy),
                "{f}-gated changed a shared dy"
            );
            let gt = read(CubeBackend::float_swap_dims(gt, 0, 1));
            let g_stored: Vec<f32> = (0..24).map(|k| g[(k % 6) * 4 + k / 6]).collect();
            assert_eq!(
                canon(&gt),
                canon(&g_stored),
                "{f}-gated changed a shared gate"
            );
        }
    }

    #[test]
    fn empty_tensors() {
        if !has_wgpu() {
            return;
        }
        let f = Elementwise::Silu(rectifiers_core::Silu);
        let y = CubeBackend::fused_gated(tensor(&[], &[0, 4]), tensor(&[], &[0, 4]), f);
        assert_eq!(y.shape().as_slice(), [0, 4]);
        let (dg, du) = CubeBackend::fused_gated_backward(
            tensor(&[], &[0, 4]),
            tensor(&[], &[0, 4]),
            tensor(&[], &[0, 4]),
            f,
        );
        assert_eq!(dg.shape().as_slice(), [0, 4]);
        assert_eq!(du.shape().as_slice(), [0, 4]);
        assert!(read(y).is_empty() && read(dg).is_empty() && read(du).is_empty());
    }

    /// f16: computed in f32 and rounded once, within f16's precision (relative 1e-3, absolute
    /// below 1e-3) of the core's f32 values at the same (f16-exact) inputs.
    #[test]
    fn f16_within_its_precision() {
        if !has_wgpu() {
            return;
        }
        let gate: Vec<f32> = (-60..=60).map(|i| i as f32 * 0.25).collect();
        let n = gate.len();
        let up: Vec<f32> = (0..n).map(|i| (i % 7) as f32 * 0.5 - 1.5).collect();
        let dy: Vec<f32> = (0..n).map(|i| (i % 5) as f32 * 0.25 + 0.5).collect();
        let half = |v: &[f32]| {
            let data = TensorData::new(v.to_vec(), [v.len()]).convert_dtype(DType::F16);
            CubeBackend::float_from_data(data, &device())
        };
        for f in cases() {
            let y = read(CubeBackend::fused_gated(half(&gate), half(&up), f));
            let (dg, du) = CubeBackend::fused_gated_backward(half(&gate), half(&up), half(&dy), f);
            let (dg, du) = (read(dg), read(du));
            let mut want_y = vec![0.0f32; n];
            rectifiers_core::kernel::gated_forward(&f, &gate, &up, &mut want_y);
            let (mut want_dg, mut want_du) = (vec![0.0f32; n], vec![0.0f32; n]);
            rectifiers_core::kernel::gated_backward(
                &f,
                &gate,
                &up,
                &dy,
                &mut want_dg,
                &mut want_du,
            );
            let mut worst = 0.0_f64;
            for (what, got, want) in [
                ("y", &y, &want_y),
                ("d_gate", &dg, &want_dg),
                ("d_up", &du, &want_du),
            ] {
                for i in 0..n {
                    let e = common::rel_err(got[i] as f64, want[i] as f64, 1.0e-3);
                    worst = worst.max(e);
                    assert!(
                        e <= 1.0e-3,
                        "cube f16 {f}-gated {what} at gate {}: {}, core f32 {}",
                        gate[i],
                        got[i],
                        want[i]
                    );
                }
            }
            println!("cube f16 {f}-gated: max rel. error {worst:.2e}");
        }
    }
}
