//! The PNG bar chart of a run: for each backend × pass × dtype × size, one panel with a group
//! of horizontal bars per function, one bar per variant, of `median / median of the framework's
//! ReLU` (the `× framework ReLU` column) on a log axis. Bars start at 1 (as fast as ReLU, the
//! black line): left of it is faster than the framework's ReLU, right of it slower.
//!
//! Drawn with plotters into memory and encoded with `png` (no `image` crate), with the DejaVu
//! Sans font that `examples/` ships, embedded.

use std::error::Error;
use std::fs::File;
use std::io::BufWriter;
use std::path::Path;

use plotters::prelude::*;
use plotters::style::{FontStyle, register_font};

use crate::csv::Row;
use crate::format_size;
use crate::table::Ratios;

/// The family name the embedded font is registered under (plotters' default sans-serif).
const FONT: &str = "sans-serif";
/// DejaVu Sans (Bitstream Vera license, see `examples/assets/DejaVuSans-LICENSE.txt`).
static DEJAVU_SANS: &[u8] = include_bytes!("../../examples/assets/DejaVuSans.ttf");

/// The variants drawn, with their colours (matplotlib's first four).
const VARIANTS: [(&str, RGBColor); 4] = [
    ("fused", RGBColor(31, 119, 180)),
    ("fused_inplace", RGBColor(44, 160, 44)),
    ("composed", RGBColor(255, 127, 14)),
    ("builtin", RGBColor(148, 103, 189)),
];

/// Panel width and the height of one function's group of bars, in pixels.
const PANEL_WIDTH: u32 = 900;
const GROUP_HEIGHT: u32 = 44;
/// The axis starts at `min ratio / LABEL_ROOM`, leaving room left of the bars for the names.
const LABEL_ROOM: f64 = 8.0;
/// Panels per row.
const COLUMNS: usize = 2;

/// Why the chart could not be written.
pub type ChartError = Box<dyn Error + Send + Sync>;

/// One panel: a title and, per function, its ratios per drawn variant.
struct Panel {
    title: String,
    groups: Vec<(String, Vec<(usize, f64)>)>,
}

fn panels(rows: &[Row], torch: &[Row]) -> Vec<Panel> {
    let ratios = Ratios::new(rows, torch);
    let mut panels: Vec<Panel> = Vec::new();
    for r in rows.iter().filter(|r| r.function != "copy") {
        let Some(v) = VARIANTS.iter().position(|(name, _)| *name == r.variant) else {
            continue;
        };
        let Some(ratio) = ratios.vs_relu(r) else {
            continue;
        };
        let title = format!(
            "{} {} {} {}",
            r.backend,
            r.pass,
            r.dtype,
            format_size(r.size)
        );
        let panel = match panels.iter_mut().position(|p| p.title == title) {
            Some(i) => &mut panels[i],
            None => {
                panels.push(Panel {
                    title,
                    groups: Vec::new(),
                });
                panels.last_mut().expect("just pushed")
            }
        };
        match panel.groups.iter_mut().find(|(f, _)| *f == r.function) {
            Some((_, bars)) => bars.push((v, ratio)),
            None => panel.groups.push((r.function.clone(), vec![(v, ratio)])),
        }
    }
    panels
}

/// Draws the chart of `rows` as a PNG at `path` (nothing when no row has a ReLU ratio).
pub fn render(rows: &[Row], path: &Path) -> Result<(), ChartError> {
    let panels = panels(rows, &[]);
    if panels.is_empty() {
        return Ok(());
    }
    register_font(FONT, FontStyle::Normal, DEJAVU_SANS).map_err(|_| "the font did not parse")?;
    let groups = panels.iter().map(|p| p.groups.len()).max().unwrap_or(1) as u32;
    let panel_height = 90 + GROUP_HEIGHT * groups;
    let columns = COLUMNS.min(panels.len());
    let rows_of_panels = panels.len().div_ceil(columns);
    let (width, height) = (
        PANEL_WIDTH * columns as u32,
        panel_height * rows_of_panels as u32,
    );
    let mut pixels = vec![0; 3 * width as usize * height as usize];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, (width, height)).into_drawing_area();
        root.fill(&WHITE)?;
        let cells = root.split_evenly((rows_of_panels, columns));
        for (cell, panel) in cells.iter().zip(&panels) {
            draw_panel(cell, panel)?;
        }
        root.present()?;
    }
    let file = BufWriter::new(File::create(path)?);
    let mut encoder = png::Encoder::new(file, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(&pixels)?;
    writer.finish()?;
    Ok(())
}

fn draw_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    panel: &Panel,
) -> Result<(), ChartError>
where
    DB::ErrorType: 'static,
{
    let all = panel
        .groups
        .iter()
        .flat_map(|(_, b)| b.iter().map(|&(_, r)| r));
    let (lo, hi) = all.fold((0.7_f64, 1.5_f64), |(lo, hi), r| (lo.min(r), hi.max(r)));
    let n = panel.groups.len() as f64;
    let mut chart = ChartBuilder::on(area)
        .caption(
            format!("{}: time / framework ReLU (log)", panel.title),
            (FONT, 20),
        )
        .margin(12)
        .x_label_area_size(30)
        .y_label_area_size(10)
        .build_cartesian_2d((lo / LABEL_ROOM..hi * 6.0).log_scale(), 0.0..n)
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .disable_y_axis()
        .x_label_style((FONT, 13))
        .x_label_formatter(&|x| format!("{x:.2}"))
        .draw()
        .map_err(|e| e.to_string())?;
    let band = 0.8 / VARIANTS.len() as f64;
    for (v, (name, color)) in VARIANTS.iter().enumerate() {
        let bars: Vec<_> = panel
            .groups
            .iter()
            .enumerate()
            .filter_map(|(g, (_, bars))| {
                let &(_, r) = bars.iter().find(|(bv, _)| *bv == v)?;
                // Groups from the top: the first function is the top group.
                let top = n - g as f64 - 0.1 - band * v as f64;
                Some(Rectangle::new(
                    [(1.0, top - band * 0.9), (r, top)],
                    color.filled(),
                ))
            })
            .collect();
        if bars.is_empty() {
            continue;
        }
        let color = *color;
        chart
            .draw_series(bars)
            .map_err(|e| e.to_string())?
            .label(*name)
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], color.filled()));
    }
    // The ReLU line, and the function names at the left of their groups.
    chart
        .draw_series(LineSeries::new(
            [(1.0, 0.0), (1.0, n)],
            BLACK.stroke_width(2),
        ))
        .map_err(|e| e.to_string())?;
    for (g, (function, _)) in panel.groups.iter().enumerate() {
        chart
            .draw_series([Text::new(
                function.clone(),
                (lo / LABEL_ROOM * 1.05, n - g as f64 - 0.1),
                (FONT, 13).into_font().color(&BLACK),
            )])
            .map_err(|e| e.to_string())?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerRight)
        .label_font((FONT, 13))
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()
        .map_err(|e| e.to_string())?;
    Ok(())
}
