//! Shared code of the demos.

pub mod candle_mlp;
pub mod curves;
pub mod digits;
pub mod mlp;
pub mod plot;
pub mod swap_report;
pub mod train;
pub mod transformer_burn;
pub mod transformer_candle;
pub mod uniform;
