//! The learning curves of a comparison as a PNG: training loss and test accuracy per epoch,
//! one line per activation.

use std::path::Path;

use plotters::prelude::*;

use crate::plot::{PlotError, RgbImage, register_embedded_font, write_png};
use crate::train::RunResult;

/// Draws `results`' curves into `path` (its directory is created if missing).
pub fn render(path: &Path, title: &str, results: &[RunResult]) -> Result<(), PlotError> {
    register_embedded_font()?;
    let (width, height) = (1400u32, 600u32);
    let mut pixels = vec![0; 3 * width as usize * height as usize];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, (width, height)).into_drawing_area();
        root.fill(&WHITE)?;
        let root = root.titled(title, ("sans-serif", 24))?;
        let (left, right) = root.split_horizontally(width / 2);
        let epochs = results.iter().map(|r| r.curve.len()).max().unwrap_or(1) as f64;
        let max_loss = results
            .iter()
            .flat_map(|r| r.curve.iter().map(|c| c.0))
            .fold(0.0_f64, f64::max)
            .max(1e-3);
        for (area, what, y_max) in [
            (&left, "training loss", max_loss),
            (&right, "test accuracy", 1.0),
        ] {
            let mut chart = ChartBuilder::on(area)
                .caption(what, ("sans-serif", 20))
                .margin(12)
                .x_label_area_size(36)
                .y_label_area_size(56)
                .build_cartesian_2d(1.0..epochs, 0.0..y_max)?;
            chart
                .configure_mesh()
                .x_desc("epoch")
                .label_style(("sans-serif", 14))
                .draw()?;
            for (i, r) in results.iter().enumerate() {
                let color = Palette99::pick(i).to_rgba();
                let points = r.curve.iter().enumerate().map(|(e, c)| {
                    (
                        e as f64 + 1.0,
                        if what == "training loss" { c.0 } else { c.1 },
                    )
                });
                chart
                    .draw_series(LineSeries::new(points, color.stroke_width(2)))?
                    .label(r.name.clone())
                    .legend(move |(x, y)| {
                        PathElement::new([(x, y), (x + 18, y)], color.stroke_width(2))
                    });
            }
            chart
                .configure_series_labels()
                .background_style(WHITE.mix(0.8))
                .border_style(BLACK)
                .label_font(("sans-serif", 13))
                .draw()?;
        }
        root.present()?;
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    write_png(
        path,
        &RgbImage {
            width,
            height,
            pixels,
        },
    )
}
