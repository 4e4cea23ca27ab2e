//! Line charts drawn on the server as SVG (no JavaScript), for the dashboards' monthly trends.
//! Accessible: the SVG is an image (`role="img"`) named by its `<title>` and described by its
//! `<desc>`; each series has its own marker shape and line pattern as well as its colour, so
//! it reads in greyscale and for people who do not tell colours apart; the page puts a table
//! of the same figures beside each chart.

use std::fmt::Write as _;

/// One line of a chart: its name and a value per month (`None`: nothing to show that month).
pub struct Series {
    pub name: String,
    pub values: Vec<Option<f64>>,
}

/// Marker shapes, line patterns and colours (GOV.UK palette, contrast of 3:1 or more against
/// white) given to the series in order.
const STYLES: &[(&str, &str, &str)] = &[
    ("circle", "", "#1d70b8"),
    ("square", "8 4", "#d4351c"),
    ("triangle", "2 4", "#00703c"),
    ("diamond", "12 4 2 4", "#4c2c92"),
    ("cross", "4 2", "#b58840"),
];

/// The marker and line pattern of series `i`, in words (for the key under the chart).
pub fn style_words(i: usize) -> String {
    let (shape, dash, _) = STYLES[i % STYLES.len()];
    let line = match dash {
        "" => "solid line",
        "8 4" => "dashed line",
        "2 4" => "dotted line",
        "12 4 2 4" => "dash-dot line",
        _ => "short-dashed line",
    };
    format!("{shape} markers, {line}")
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn marker(out: &mut String, shape: &str, x: f64, y: f64, colour: &str) {
    let _ = match shape {
        "circle" => write!(out, r#"<circle cx="{x:.1}" cy="{y:.1}" r="4" fill="{colour}"/>"#),
        "square" => {
            write!(out, r#"<rect x="{:.1}" y="{:.1}" width="8" height="8" fill="{colour}"/>"#, x - 4.0, y - 4.0)
        }
        "triangle" => write!(
            out,
            r#"<path d="M{x:.1} {:.1} L{:.1} {:.1} L{:.1} {:.1} Z" fill="{colour}"/>"#,
            y - 5.0,
            x + 5.0,
            y + 4.0,
            x - 5.0,
            y + 4.0
        ),
        "diamond" => write!(
            out,
            r#"<path d="M{x:.1} {:.1} L{:.1} {y:.1} L{x:.1} {:.1} L{:.1} {y:.1} Z" fill="{colour}"/>"#,
            y - 5.0,
            x + 5.0,
            y + 5.0,
            x - 5.0
        ),
        _ => write!(
            out,
            r#"<path d="M{:.1} {:.1} L{:.1} {:.1} M{:.1} {:.1} L{:.1} {:.1}" stroke="{colour}" stroke-width="2"/>"#,
            x - 4.0,
            y - 4.0,
            x + 4.0,
            y + 4.0,
            x - 4.0,
            y + 4.0,
            x + 4.0,
            y - 4.0
        ),
    };
}

/// A line chart of monthly values. `id` makes the title and description ids unique on the
/// page; `y_max` is the top of the scale (100 for percentages), `unit` follows each axis label.
pub fn line_chart(
    id: &str,
    title: &str,
    desc: &str,
    labels: &[String],
    series: &[Series],
    y_max: f64,
    unit: &str,
) -> String {
    let (w, h) = (640.0_f64, 300.0_f64);
    let (left, right, top, bottom) = (48.0, 16.0, 16.0, 56.0);
    let plot_w = w - left - right;
    let plot_h = h - top - bottom;
    let y_max = if y_max > 0.0 { y_max } else { 1.0 };
    let n = labels.len().max(1);
    let x_of = |i: usize| if n == 1 { left + plot_w / 2.0 } else { left + plot_w * i as f64 / (n - 1) as f64 };
    let y_of = |v: f64| top + plot_h * (1.0 - (v / y_max).clamp(0.0, 1.0));
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="confer-chart" viewBox="0 0 {w} {h}" width="100%" preserveAspectRatio="xMidYMid meet" role="img" aria-labelledby="{id}-title {id}-desc" focusable="false"><title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
        esc(title),
        esc(desc)
    );
    // Grid lines and the scale: five steps.
    for step in 0..=4 {
        let v = y_max * step as f64 / 4.0;
        let y = y_of(v);
        let _ = write!(
            out,
            r##"<line x1="{left}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="#b1b4b6" stroke-width="1"/><text x="{:.1}" y="{:.1}" font-size="12" text-anchor="end" fill="#0b0c0c">{}{}</text>"##,
            left + plot_w,
            left - 6.0,
            y + 4.0,
            if y_max >= 10.0 { format!("{v:.0}") } else { format!("{v:.1}") },
            esc(unit)
        );
    }
    // Month labels: at most 12 shown, evenly.
    let every = n.div_ceil(12).max(1);
    for (i, l) in labels.iter().enumerate() {
        if i % every != 0 {
            continue;
        }
        let x = x_of(i);
        let _ = write!(
            out,
            r##"<text x="{x:.1}" y="{:.1}" font-size="11" text-anchor="end" transform="rotate(-40 {x:.1} {:.1})" fill="#0b0c0c">{}</text>"##,
            top + plot_h + 16.0,
            top + plot_h + 16.0,
            esc(l)
        );
    }
    for (s_i, s) in series.iter().enumerate() {
        let (shape, dash, colour) = STYLES[s_i % STYLES.len()];
        // The line breaks where a month has no value.
        let mut d = String::new();
        let mut pen_down = false;
        for (i, v) in s.values.iter().enumerate() {
            match v {
                Some(v) => {
                    let _ = write!(d, "{}{:.1} {:.1} ", if pen_down { "L" } else { "M" }, x_of(i), y_of(*v));
                    pen_down = true;
                }
                None => pen_down = false,
            }
        }
        if !d.is_empty() {
            let dash_attr = if dash.is_empty() { String::new() } else { format!(r#" stroke-dasharray="{dash}""#) };
            let _ = write!(
                out,
                r#"<path d="{}" fill="none" stroke="{colour}" stroke-width="2"{dash_attr}/>"#,
                d.trim_end()
            );
        }
        for (i, v) in s.values.iter().enumerate() {
            if let Some(v) = v {
                marker(&mut out, shape, x_of(i), y_of(*v), colour);
            }
        }
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chart_is_a_named_described_image_with_a_marker_per_value_and_patterns_per_series_qa_02() {
        let labels = vec!["Oct 2026".to_owned(), "Nov <2026>".to_owned()];
        let series = vec![
            Series { name: "A".into(), values: vec![Some(50.0), Some(100.0)] },
            Series { name: "B".into(), values: vec![None, Some(25.0)] },
        ];
        let svg = line_chart("t", "Title & more", "Described", &labels, &series, 100.0, "%");
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains(r#"role="img""#));
        assert!(svg.contains("<title id=\"t-title\">Title &amp; more</title>"));
        assert!(svg.contains("<desc id=\"t-desc\">Described</desc>"));
        assert!(svg.contains("Nov &lt;2026&gt;"));
        assert_eq!(svg.matches("<circle").count(), 2);
        assert_eq!(svg.matches(r#"<rect x"#).count(), 1);
        assert!(svg.contains(r#"stroke-dasharray="8 4""#));
        assert_ne!(style_words(0), style_words(1));
    }
}
