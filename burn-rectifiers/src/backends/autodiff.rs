//! `Autodiff<B>`: each forward is recorded with a fused backward that saves the input only.
//!
//! The backward runs `B`'s fused `*_backward` method (one pass: `f'(x) grad`), so
//! `loss.backward()` never builds the composed graph. The backward methods themselves keep their
//! composed default bodies here, which makes higher-order gradients work (slowly).

use burn::backend::{
    autodiff::{
        Autodiff,
        checkpoint::{base::Checkpointer, strategy::CheckpointStrategy},
        grads::Gradients,
        ops::{Backward, Ops, OpsKind, unary},
    },
    tensor::FloatTensor,
};

use rectifiers_core::Elementwise;

use crate::RectifierBackend;

/// The backward step of an elementwise function; its state is the forward's input.
#[derive(Debug)]
struct ElementwiseStep(Elementwise);

impl<B: RectifierBackend> Backward<B, 1> for ElementwiseStep {
    type State = FloatTensor<B>;

    fn backward(self, ops: Ops<Self::State, 1>, grads: &mut Gradients, _: &mut Checkpointer) {
        let x = ops.state;
        unary::<B, _>(ops.parents, ops.node, grads, |grad| {
            B::fused_elementwise_backward(x, grad, self.0)
        });
    }
}

/// The gated activation's backward step; its state is `gate` and `up` (two tensors: `f(gate)`
/// is recomputed, not saved).
#[derive(Debug)]
struct GatedStep(Elementwise);

impl<B: RectifierBackend> Backward<B, 2> for GatedStep {
    type State = (FloatTensor<B>, FloatTensor<B>);

    fn backward(self, ops: Ops<Self::State, 2>, grads: &mut Gradients, _: &mut Checkpointer) {
        let (gate, up) = ops.state;
        let [node_gate, node_up] = ops.parents;
        let grad = grads.consume::<B>(&ops.node);
        let (d_gate, d_up) = B::fused_gated_backward(gate, up, grad, self.0);
        if let Some(node) = node_gate {
            grads.register::<B>(node.id, d_gate);
        }
        if let Some(node) = node_up {
            grads.register::<B>(node.id, d_up);
        }
    }
}

/// PReLU's backward step: one fused pass gives both gradients.
#[derive(Debug)]
struct PRelu;

impl<B: RectifierBackend> Backward<B, 2> for PRelu {
    type State = (FloatTensor<B>, FloatTensor<B>);

    fn backward(self, ops: Ops<Self::State, 2>, grads: &mut Gradients, _: &mut Checkpointer) {
        let (x, alpha) = ops.state;
        let [node_x, node_alpha] = ops.parents;
        let grad = grads.consume::<B>(&ops.node);
        let (dx, dalpha) = B::fused_prelu_backward(x, alpha, grad);
        if let Some(node) = node_x {
            grads.register::<B>(node.id, dx);
        }
        if let Some(node) = node_alpha {
            grads.register::<B>(node.id, dalpha);
        }
    }
}

/// LSE0+'s backward step; its state is the input and the reduced dim.
#[derive(Debug)]
struct Lse0Plus;

impl<B: RectifierBackend> Backward<B, 1> for Lse0Plus {
    type State = (FloatTensor<B>, usize);

    fn backward(self, ops: Ops<Self::State, 1>, grads: &mut Gradients, _: &mut Checkpointer) {
        let (x, dim) = ops.state;
        unary::<B, _>(ops.parents, ops.node, grads, |grad| {
            B::fused_lse0_plus_backward(x, grad, dim)
        });
    }
}

impl<B: RectifierBackend, C: CheckpointStrategy> RectifierBackend for Autodiff<B, C> {
    fn fused_elementwise(x: FloatTensor<Self>, f: Elementwise) -> FloatTensor<Self> {
        match ElementwiseStep(f)
            .prepare::<C>([x.node()])
            .compute_bound()
            .stateful()
        {
            OpsKind::Tracked(prep) => {
                let input = x.primitive().clone();
                prep.finish(input, B::fused_elementwise(x.into_primitive(), f))
            }
            OpsKind::UnTracked(prep) => prep.finish(B::fused_elementwise(x.into_primitive(), f)),
        }
    }

    fn fused_gated(
        gate: FloatTensor<Self>,
        up: FloatTensor<Self>,
        f: Elementwise,
    ) -> FloatTensor<Self> {
        match GatedStep(f)
            .prepare::<C>([gate.node(), up.node()])
            .compute_bound()
            .stateful()
        {
            OpsKind::Tracked(prep) => {
                let state = (gate.primitive().clone(), up.primitive().clone());
                let y = B::fused_gated(gate.into_primitive(), up.into_primitive(), f);
                prep.finish(state, y)
            }
            OpsKind::UnTracked(prep) => prep.finish(B::fused_gated(
                gate.into_primitive(),
                up.into_primitive(),
                f,
            )),
        }
    }

    fn fused_prelu(x: FloatTensor<Self>, alpha: FloatTensor<Self>) -> FloatTensor<Self> {
        match PRelu
            .prepare::<C>([x.node(), alpha.node()])
            .compute_bound()
            .stateful()
        {
            OpsKind::Tracked(prep) => {
                let state = (x.primitive().clone(), alpha.primitive().clone());
                let y = B::fused_prelu(x.into_primitive(), alpha.into_primitive());
                prep.finish(state, y)
            }
            OpsKind::UnTracked(prep) => {
                prep.finish(B::fused_prelu(x.into_primitive(), alpha.into_primitive()))
            }
        }
    }

    fn fused_lse0_plus(x: FloatTensor<Self>, dim: usize) -> FloatTensor<Self> {
        match Lse0Plus.prepare::<C>([x.node()]).compute_bound().stateful() {
            OpsKind::Tracked(prep) => {
                let state = (x.primitive().clone(), dim);
                prep.finish(state, B::fused_lse0_plus(x.into_primitive(), dim))
            }
            OpsKind::UnTracked(prep) => prep.finish(B::fused_lse0_plus(x.into_primitive(), dim)),
        }
    }
}
