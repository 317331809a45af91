//! Compensated summation, for the reductions (PReLU's `dalpha`, LSE0+'s row sums).

/// Neumaier-compensated sum: the error is about one rounding of the result plus 2^-100
/// relative, whatever the count, so summing 16M products for `dalpha` loses nothing even in
/// f64.
#[derive(Clone, Copy, Default)]
pub(crate) struct Sum {
    s: f64,
    c: f64,
}

impl Sum {
    #[inline(always)]
    pub(crate) fn add(&mut self, v: f64) {
        let t = self.s + v;
        if !t.is_finite() {
            // An infinity or NaN: the compensation would turn inf - inf into NaN.
            self.s = t;
            return;
        }
        if self.s.abs() >= v.abs() {
            self.c += (self.s - t) + v;
        } else {
            self.c += (v - t) + self.s;
        }
        self.s = t;
    }
    pub(crate) fn merge(mut self, o: Sum) -> Sum {
        self.add(o.s);
        self.add(o.c);
        self
    }
    pub(crate) fn value(self) -> f64 {
        if !self.s.is_finite() {
            return self.s;
        }
        self.s + self.c
    }
}
