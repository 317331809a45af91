//! Forward and backward kernels of the elementwise functions.

use super::parallel::{chunks_mut, zip_chunks, zip3_chunks};
use super::simd::multiversion;
use crate::{Float, Rectifier, Visitor};

multiversion! {
    /// `y = f(x)` on this thread.
    fn forward_serial<R: Rectifier, T: Float>(r: &R, x: &[T], y: &mut [T]) {
        for (y, &x) in y.iter_mut().zip(x) {
            *y = r.forward(x);
        }
    }
}

multiversion! {
    /// `xy = f(xy)` on this thread.
    fn forward_in_place_serial<R: Rectifier, T: Float>(r: &R, xy: &mut [T]) {
        for v in xy {
            *v = r.forward(*v);
        }
    }
}

multiversion! {
    /// `dx = dy f'(x)` on this thread.
    fn backward_serial<R: Rectifier, T: Float>(r: &R, x: &[T], dy: &[T], dx: &mut [T]) {
        for ((dx, &x), &dy) in dx.iter_mut().zip(x).zip(dy) {
            *dx = dy.mul(r.derivative(x));
        }
    }
}

multiversion! {
    /// `g = g f'(x)` on this thread.
    fn backward_in_place_serial<R: Rectifier, T: Float>(r: &R, x: &[T], g: &mut [T]) {
        for (g, &x) in g.iter_mut().zip(x) {
            *g = g.mul(r.derivative(x));
        }
    }
}

#[track_caller]
fn check_len(what: &str, got: usize, want: usize) {
    assert_eq!(got, want, "{what} has {got} elements, the input has {want}");
}

/// `y[i] = f(x[i])`.
///
/// # Panics
/// If `y.len() != x.len()`.
///
/// ```
/// use rectifiers_core::{kernel, Squareplus};
/// let x = [-1.0_f32, 0.0, 3.0];
/// let mut y = [0.0_f32; 3];
/// kernel::forward(&Squareplus::new(0.0)?, &x, &mut y); // b = 0 is ReLU
/// assert_eq!(y, [0.0, 0.0, 3.0]);
/// # Ok::<(), rectifiers_core::ParamError>(())
/// ```
#[track_caller]
pub fn forward<R: Rectifier, T: Float>(r: &R, x: &[T], y: &mut [T]) {
    check_len("the output", y.len(), x.len());
    struct Forward<'a, T>(&'a [T], &'a mut [T]);
    impl<T: Float> Visitor for Forward<'_, T> {
        type Output = ();
        fn visit<R: Rectifier>(self, r: &R) {
            let Self(x, y) = self;
            zip_chunks(R::PARALLEL_MIN_LEN, x, y, |x, y| forward_serial(r, x, y));
        }
    }
    r.dispatch(Forward(x, y))
}

/// `xy[i] = f(xy[i])`, overwriting the input.
pub fn forward_in_place<R: Rectifier, T: Float>(r: &R, xy: &mut [T]) {
    struct ForwardInPlace<'a, T>(&'a mut [T]);
    impl<T: Float> Visitor for ForwardInPlace<'_, T> {
        type Output = ();
        fn visit<R: Rectifier>(self, r: &R) {
            chunks_mut(R::PARALLEL_MIN_LEN, self.0, |xy| {
                forward_in_place_serial(r, xy)
            });
        }
    }
    r.dispatch(ForwardInPlace(xy))
}

/// `dx[i] = dy[i] * f'(x[i])`, from the saved input `x` and the upstream gradient `dy`.
///
/// # Panics
/// If the three lengths differ.
///
/// ```
/// use rectifiers_core::{kernel, Relu};
/// let x = [-1.0_f64, 2.0];
/// let dy = [5.0, 7.0];
/// let mut dx = [0.0; 2];
/// kernel::backward(&Relu, &x, &dy, &mut dx);
/// assert_eq!(dx, [0.0, 7.0]);
/// ```
#[track_caller]
pub fn backward<R: Rectifier, T: Float>(r: &R, x: &[T], dy: &[T], dx: &mut [T]) {
    check_len("the upstream gradient", dy.len(), x.len());
    check_len("the input gradient", dx.len(), x.len());
    struct Backward<'a, T>(&'a [T], &'a [T], &'a mut [T]);
    impl<T: Float> Visitor for Backward<'_, T> {
        type Output = ();
        fn visit<R: Rectifier>(self, r: &R) {
            let Self(x, dy, dx) = self;
            zip3_chunks(R::PARALLEL_MIN_LEN, x, dy, dx, |x, dy, dx| {
                backward_serial(r, x, dy, dx)
            });
        }
    }
    r.dispatch(Backward(x, dy, dx))
}

/// `g[i] = g[i] * f'(x[i])`: the upstream gradient `g` becomes the input gradient in place.
///
/// # Panics
/// If the lengths differ.
#[track_caller]
pub fn backward_in_place<R: Rectifier, T: Float>(r: &R, x: &[T], g: &mut [T]) {
    check_len("the gradient", g.len(), x.len());
    struct BackwardInPlace<'a, T>(&'a [T], &'a mut [T]);
    impl<T: Float> Visitor for BackwardInPlace<'_, T> {
        type Output = ();
        fn visit<R: Rectifier>(self, r: &R) {
            let Self(x, g) = self;
            zip_chunks(R::PARALLEL_MIN_LEN, x, g, |x, g| {
                backward_in_place_serial(r, x, g)
            });
        }
    }
    r.dispatch(BackwardInPlace(x, g))
}
