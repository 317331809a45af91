//! Shared code of the demos.

pub mod plot;
