//! The figure of the whole family: a grid of small panels, one per function, each showing
//! `f(x)` (solid) and `f'(x)` (dashed) over `x` in `[-4, 4]`.
//!
//! Text is drawn with DejaVu Sans, shipped in `examples/assets/` and embedded in the binary,
//! so no system font libraries are needed.
//!
//! ```no_run
//! rectifiers_examples::plot::render(std::path::Path::new("target/rectifiers.png"))?;
//! # Ok::<(), rectifiers_examples::plot::PlotError>(())
//! ```

use std::fmt;
use std::fs::File;
use std::io::BufWriter;
use std::ops::Range;
use std::path::Path;

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontStyle, register_font};
use rectifiers_core::lse0_plus::{lse0_plus, lse0_plus_gradient};
use rectifiers_core::prelu::{prelu, prelu_derivative};
use rectifiers_core::{
    Elu, Gelu, GeluTanh, LeakyRelu, Mish, ParamError, Rectifier, Relu, SRelu, Silu, Softplus,
    SoftplusApprox, Squareplus,
};

/// The plotted interval of `x`.
pub const X_RANGE: Range<f64> = -4.0..4.0;
/// The number of sample points over [`X_RANGE`] (a step of 0.01, with `x = 0` on the grid).
pub const SAMPLES: usize = 801;
/// Panels per row of the grid.
pub const COLUMNS: usize = 5;
/// The size of one panel, in pixels.
pub const PANEL_SIZE: (u32, u32) = (400, 380);
/// The height of the figure's heading, in pixels.
pub const HEADER_HEIGHT: u32 = 64;

/// The family name the embedded font is registered under (plotters' default sans-serif).
const FONT: &str = "sans-serif";
/// DejaVu Sans (Bitstream Vera license, see `assets/DejaVuSans-LICENSE.txt`).
static DEJAVU_SANS: &[u8] = include_bytes!("../assets/DejaVuSans.ttf");

/// The colours of the curves of one panel, in order (matplotlib's first two).
const COLORS: [RGBColor; 2] = [RGBColor(31, 119, 180), RGBColor(255, 127, 14)];
/// The grey of the `x = 0` and `y = 0` axes.
const AXIS_GREY: RGBColor = RGBColor(150, 150, 150);

/// Sampled points `(x, y)` of one curve.
pub type Points = Vec<(f64, f64)>;

/// Why the figure could not be drawn.
#[derive(Debug)]
pub enum PlotError {
    /// The embedded font did not parse.
    Font,
    /// A function parameter was rejected (a bug in the panel list).
    Param(ParamError),
    /// The output file or its directory could not be created or written.
    Io(std::io::Error),
    /// Drawing the figure failed.
    Draw(String),
    /// Encoding the PNG failed.
    Png(png::EncodingError),
}

impl fmt::Display for PlotError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Font => write!(f, "the embedded font could not be parsed"),
            Self::Param(e) => write!(f, "{e}"),
            Self::Io(e) => write!(f, "cannot write the output: {e}"),
            Self::Draw(e) => write!(f, "drawing failed: {e}"),
            Self::Png(e) => write!(f, "PNG encoding failed: {e}"),
        }
    }
}

impl std::error::Error for PlotError {}

impl From<ParamError> for PlotError {
    fn from(e: ParamError) -> Self {
        Self::Param(e)
    }
}

impl From<std::io::Error> for PlotError {
    fn from(e: std::io::Error) -> Self {
        Self::Io(e)
    }
}

impl From<png::EncodingError> for PlotError {
    fn from(e: png::EncodingError) -> Self {
        Self::Png(e)
    }
}

impl<E: std::error::Error + Send + Sync> From<DrawingAreaErrorKind<E>> for PlotError {
    fn from(e: DrawingAreaErrorKind<E>) -> Self {
        Self::Draw(e.to_string())
    }
}

/// One function of a panel: its value and its derivative, sampled.
#[derive(Debug, Clone)]
pub struct Curve {
    /// The parameter setting told apart in the legend (`"k=4"`), if the panel has several.
    pub label: Option<String>,
    /// The colour of both lines.
    pub color: RGBColor,
    /// `f(x)`, drawn solid.
    pub value: Points,
    /// `f'(x)`, drawn dashed.
    pub slope: Points,
}

/// One panel of the grid.
#[derive(Debug, Clone)]
pub struct Panel {
    /// The panel's title.
    pub title: String,
    /// Its curves, one per parameter setting.
    pub curves: Vec<Curve>,
}

impl Panel {
    /// A panel of one unlabelled curve.
    fn single(title: &str, f: impl Fn(f64) -> f64, df: impl Fn(f64) -> f64) -> Self {
        Self {
            title: title.to_owned(),
            curves: vec![Curve::new(None, COLORS[0], f, df)],
        }
    }

    /// A panel of one rectifier.
    fn of<R: Rectifier>(title: &str, r: R) -> Self {
        Self::single(title, |x| r.forward_f64(x), |x| r.derivative_f64(x))
    }

    /// A panel of a rectifier at several parameter settings, given as `(label, rectifier)`.
    fn family<R: Rectifier>(title: &str, settings: &[(&str, R)]) -> Self {
        let curves = settings
            .iter()
            .zip(COLORS.iter().cycle())
            .map(|(&(label, r), &color)| {
                Curve::new(
                    Some(label.to_owned()),
                    color,
                    |x| r.forward_f64(x),
                    |x| r.derivative_f64(x),
                )
            })
            .collect();
        Self {
            title: title.to_owned(),
            curves,
        }
    }

    /// The y range covering `[0, 1]` and every finite sample of the panel, padded by 8% of
    /// its span each side.
    pub fn y_range(&self) -> Range<f64> {
        let (lo, hi) = self
            .curves
            .iter()
            .flat_map(|c| c.value.iter().chain(&c.slope))
            .map(|&(_, y)| y)
            .filter(|y| y.is_finite())
            .fold((0.0_f64, 1.0_f64), |(lo, hi), y| (lo.min(y), hi.max(y)));
        let pad = 0.08 * (hi - lo);
        (lo - pad)..(hi + pad)
    }
}

impl Curve {
    /// Samples `f` and `df` over [`X_RANGE`].
    fn new(
        label: Option<String>,
        color: RGBColor,
        f: impl Fn(f64) -> f64,
        df: impl Fn(f64) -> f64,
    ) -> Self {
        Self {
            label,
            color,
            value: sample(f),
            slope: sample(df),
        }
    }
}

/// `g` at [`SAMPLES`] evenly spaced points of [`X_RANGE`], ends included; non-finite values
/// are dropped.
pub fn sample(g: impl Fn(f64) -> f64) -> Points {
    let (a, b) = (X_RANGE.start, X_RANGE.end);
    let last = (SAMPLES - 1) as f64;
    (0..SAMPLES)
        .map(|i| a + (b - a) * (i as f64) / last)
        .map(|x| (x, g(x)))
        .filter(|&(_, y)| y.is_finite())
        .collect()
}

/// LSE0+ of a single value, `ln(1 + e^x)`.
fn lse0_plus_1d(x: f64) -> f64 {
    lse0_plus(&[x])
}

/// The gradient of LSE0+ of a single value, the logistic sigmoid.
fn lse0_plus_1d_gradient(x: f64) -> f64 {
    let mut g = [0.0];
    lse0_plus_gradient(&[x], &mut g);
    g[0]
}

/// Every panel of the figure, in order.
pub fn panels() -> Result<Vec<Panel>, ParamError> {
    const PRELU_ALPHA: f64 = 0.25;
    Ok(vec![
        Panel::of("ReLU", Relu),
        Panel::of("Leaky ReLU (s = 0.1)", LeakyRelu::new(0.1)?),
        Panel::single(
            "PReLU (α = 0.25)",
            |x| prelu(x, PRELU_ALPHA),
            |x| prelu_derivative(x, PRELU_ALPHA),
        ),
        Panel::of("GELU", Gelu),
        Panel::of("GELU (tanh)", GeluTanh),
        Panel::of("SiLU", Silu),
        Panel::family(
            "Softplus",
            &[("k=1", Softplus::new(1.0)?), ("k=4", Softplus::new(4.0)?)],
        ),
        Panel::of("Softplus approximation", SoftplusApprox),
        Panel::single("LSE0+ (1-D)", lse0_plus_1d, lse0_plus_1d_gradient),
        Panel::of("ELU (α = 1)", Elu::new(1.0)?),
        Panel::of("SReLU (a = 1)", SRelu::new(1.0)?),
        Panel::of("Mish", Mish),
        Panel::family(
            "Squareplus",
            &[
                ("b=4", Squareplus::new(4.0)?),
                ("b=1", Squareplus::new(1.0)?),
            ],
        ),
    ])
}

/// The figure's size in pixels for `n` panels.
pub fn figure_size(n: usize) -> (u32, u32) {
    let rows = n.div_ceil(COLUMNS).max(1) as u32;
    (
        PANEL_SIZE.0 * COLUMNS as u32,
        HEADER_HEIGHT + PANEL_SIZE.1 * rows,
    )
}

/// Registers the embedded font as plotters' sans-serif family.
pub(crate) fn register_embedded_font() -> Result<(), PlotError> {
    register_font(FONT, FontStyle::Normal, DEJAVU_SANS).map_err(|_| PlotError::Font)
}

/// An 8-bit RGB image, row by row.
#[derive(Debug, Clone, PartialEq)]
pub struct RgbImage {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// `3 * width * height` bytes.
    pub pixels: Vec<u8>,
}

/// Draws the whole figure into memory.
pub fn draw() -> Result<RgbImage, PlotError> {
    register_embedded_font()?;
    let panels = panels()?;
    let (width, height) = figure_size(panels.len());
    let mut pixels = vec![0; 3 * width as usize * height as usize];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, (width, height)).into_drawing_area();
        draw_figure(&root, &panels)?;
        root.present()?;
    }
    Ok(RgbImage {
        width,
        height,
        pixels,
    })
}

/// Draws the whole figure as a PNG at `path`, creating its directory if missing.
pub fn render(path: &Path) -> Result<(), PlotError> {
    let image = draw()?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    write_png(path, &image)
}

/// Encodes `image` as an 8-bit RGB PNG at `path`.
pub fn write_png(path: &Path, image: &RgbImage) -> Result<(), PlotError> {
    let file = BufWriter::new(File::create(path)?);
    let mut encoder = png::Encoder::new(file, image.width, image.height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(&image.pixels)?;
    writer.finish()?;
    Ok(())
}

/// Draws the heading and the grid of `panels` onto `root`.
fn draw_figure<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    panels: &[Panel],
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    root.fill(&WHITE)?;
    let (heading, grid) = root.split_vertically(HEADER_HEIGHT);
    heading.draw_text(
        "The rectifier family:  f(x) solid,  f'(x) dashed",
        &TextStyle::from((FONT, 30).into_font())
            .color(&BLACK)
            .pos(Pos::new(HPos::Center, VPos::Center)),
        (
            heading.dim_in_pixel().0 as i32 / 2,
            HEADER_HEIGHT as i32 / 2,
        ),
    )?;
    let rows = panels.len().div_ceil(COLUMNS).max(1);
    let cells = grid.split_evenly((rows, COLUMNS));
    for (cell, panel) in cells.iter().zip(panels) {
        draw_panel(cell, panel)?;
    }
    Ok(())
}

/// Draws one panel: title, ticks, zero axes, the curves and their legend.
fn draw_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    panel: &Panel,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let y_range = panel.y_range();
    let mut chart = ChartBuilder::on(area)
        .caption(&panel.title, (FONT, 22))
        .margin(10)
        .margin_right(18)
        .x_label_area_size(28)
        .y_label_area_size(44)
        .build_cartesian_2d(X_RANGE, y_range.clone())?;
    chart
        .configure_mesh()
        .x_labels(9)
        .y_labels(6)
        .light_line_style(WHITE)
        .bold_line_style(RGBColor(225, 225, 225))
        .label_style((FONT, 16))
        .x_label_formatter(&tick_label)
        .y_label_formatter(&tick_label)
        .draw()?;
    draw_zero_axes(&mut chart, &y_range)?;
    for curve in &panel.curves {
        draw_curve(&mut chart, curve)?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .margin(6)
        .legend_area_size(34)
        .label_font((FONT, 16))
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(200, 200, 200))
        .draw()?;
    Ok(())
}

/// A tick value with no trailing zeros: `4`, `-1`, `0.5`.
fn tick_label(v: &f64) -> String {
    let rounded = (v * 1e6).round() / 1e6;
    // `+ 0.0` turns a negative zero into zero.
    format!("{}", rounded + 0.0)
}

/// The chart type of one panel.
type Chart<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Draws the lines `y = 0` and `x = 0` in grey.
fn draw_zero_axes<DB: DrawingBackend>(
    chart: &mut Chart<'_, DB>,
    y_range: &Range<f64>,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let style = AXIS_GREY.stroke_width(1);
    chart.draw_series(std::iter::once(PathElement::new(
        vec![(X_RANGE.start, 0.0), (X_RANGE.end, 0.0)],
        style,
    )))?;
    chart.draw_series(std::iter::once(PathElement::new(
        vec![(0.0, y_range.start), (0.0, y_range.end)],
        style,
    )))?;
    Ok(())
}

/// The legend text of `f` or `f'` (`name`) of `curve`.
fn legend_label(name: &str, curve: &Curve) -> String {
    match &curve.label {
        Some(label) => format!("{name}, {label}"),
        None => format!("{name}(x)"),
    }
}

/// Draws `f` solid and `f'` dashed, each with a legend entry.
fn draw_curve<DB: DrawingBackend>(
    chart: &mut Chart<'_, DB>,
    curve: &Curve,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let style = curve.color.stroke_width(2);
    chart
        .draw_series(LineSeries::new(curve.value.iter().copied(), style))?
        .label(legend_label("f", curve))
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 26, y)], style));
    chart
        .draw_series(DashedLineSeries::new(
            curve.slope.iter().copied(),
            7,
            5,
            style,
        ))?
        .label(legend_label("f'", curve))
        .legend(move |(x, y)| DashedPathElement::new(vec![(x, y), (x + 26, y)], 7, 5, style));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh path under the system temp directory.
    fn temp_png(name: &str) -> std::path::PathBuf {
        std::env::temp_dir()
            .join(format!("rectifiers-examples-{}", std::process::id()))
            .join(name)
    }

    #[test]
    fn every_panel_has_finite_samples_inside_its_range() {
        let panels = panels().unwrap();
        assert_eq!(panels.len(), 13);
        for panel in &panels {
            let y = panel.y_range();
            for curve in &panel.curves {
                for pts in [&curve.value, &curve.slope] {
                    assert_eq!(pts.len(), SAMPLES, "{}", panel.title);
                    assert!(pts.iter().all(|&(_, v)| y.contains(&v)), "{}", panel.title);
                }
            }
        }
    }

    #[test]
    fn tick_labels_are_short() {
        assert_eq!(tick_label(&4.0), "4");
        assert_eq!(tick_label(&-1.0), "-1");
        assert_eq!(tick_label(&0.5), "0.5");
        assert_eq!(tick_label(&-0.0), "0");
        assert_eq!(tick_label(&(0.1 + 0.2)), "0.3");
    }

    #[test]
    fn lse0_plus_1d_is_softplus() {
        let sp = Softplus::default();
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-14 * b.abs();
        for x in [-4.0, -1.0, 0.0, 0.5, 4.0] {
            assert!(close(lse0_plus_1d(x), sp.forward_f64(x)), "x = {x}");
            assert!(
                close(lse0_plus_1d_gradient(x), sp.derivative_f64(x)),
                "x = {x}"
            );
        }
    }

    /// Decodes an 8-bit RGB PNG.
    fn decode(bytes: &[u8]) -> RgbImage {
        let mut reader = png::Decoder::new(std::io::Cursor::new(bytes))
            .read_info()
            .unwrap();
        let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
        let frame = reader.next_frame(&mut pixels).unwrap();
        assert_eq!(frame.color_type, png::ColorType::Rgb);
        assert_eq!(frame.bit_depth, png::BitDepth::Eight);
        pixels.truncate(frame.buffer_size());
        RgbImage {
            width: frame.width,
            height: frame.height,
            pixels,
        }
    }

    #[test]
    fn the_figure_is_not_blank() {
        let image = draw().unwrap();
        assert_eq!((image.width, image.height), figure_size(13));
        // Curves, grid lines and text: a good share of the pixels is not near-white.
        let inked = image
            .pixels
            .chunks(3)
            .filter(|px| px.iter().any(|&c| c < 200))
            .count();
        assert!(inked > 20_000, "only {inked} inked pixels");
    }

    #[test]
    fn renders_a_decodable_png() {
        let path = temp_png("nested/rectifiers.png");
        render(&path).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        assert!(
            bytes.len() > 20_000,
            "suspiciously small PNG: {} bytes",
            bytes.len()
        );
        assert_eq!(decode(&bytes), draw().unwrap());
        std::fs::remove_dir_all(path.parent().unwrap().parent().unwrap()).unwrap();
    }
}
