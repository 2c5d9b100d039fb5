//! The report as an SVG bar chart (`bench.svg`), drawn here: one group per operation, one bar (its mean) per mode, on a log scale.
//!
//! Means span from hundreds (a syscall) to hundreds of thousands (loading a
//! module), so the axis is logarithmic, with a grid line per decade. Every
//! bar carries its value. White background, dark text, one colour per mode.

use crate::{thousands, Report, UNIT};
use std::fmt::Write;

/// Width of the picture.
const WIDTH: f64 = 980.0;
/// Where the bars start: left of it, the operations' names.
const PLOT_LEFT: f64 = 340.0;
/// Where the axis ends: right of it, room for the last bar's value.
const PLOT_RIGHT: f64 = WIDTH - 110.0;
/// Where the first group starts (below the title, legend and axis labels).
const TOP: f64 = 96.0;
/// Height of one bar.
const BAR: f64 = 14.0;
/// Space between two groups.
const GAP: f64 = 10.0;
/// Bar colours: `micro`, `mono`, then any other mode.
const COLOURS: [&str; 4] = ["#2b6cb0", "#dd6b20", "#2f855a", "#6b46c1"];

/// The decades the axis spans: from the one at or below the smallest mean to the one at or above the largest.
fn decades(report: &Report) -> (i32, i32) {
    let means = report.results.iter().map(|r| r.mean).filter(|m| *m > 0.0);
    let (lo, hi) = means.fold((f64::MAX, 0.0_f64), |(lo, hi), m| (lo.min(m), hi.max(m)));
    if hi <= 0.0 {
        return (0, 1);
    }
    let lo = lo.log10().floor() as i32;
    let hi = (hi.log10().ceil() as i32).max(lo + 1);
    (lo, hi)
}

/// Text safe inside an XML element or a double-quoted attribute.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters are not allowed in XML 1.0 at all.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A decade's label: `100`, `1k`, `10k`, `1M`.
fn decade_label(power: i32) -> String {
    match power {
        p if p < 0 => format!("1e{p}"),
        p if p < 3 => 10u64.pow(p as u32).to_string(),
        p if p < 6 => format!("{}k", 10u64.pow(p as u32 - 3)),
        p if p < 9 => format!("{}M", 10u64.pow(p as u32 - 6)),
        p => format!("1e{p}"),
    }
}

/// A mean as its bar's label: whole numbers with separators, else two decimals.
fn value_label(mean: f64) -> String {
    if mean.fract() == 0.0 && (0.0..1e15).contains(&mean) {
        thousands(mean as u64)
    } else if mean >= 100.0 {
        thousands(mean.round() as u64)
    } else {
        format!("{mean:.2}")
    }
}

/// The chart.
pub fn to_svg(report: &Report) -> String {
    let modes = report.modes();
    let ops = report.ops();
    let (lo, hi) = decades(report);
    let x_of = |v: f64| -> f64 {
        let t = if v <= 0.0 {
            0.0
        } else {
            ((v.log10() - f64::from(lo)) / f64::from(hi - lo)).clamp(0.0, 1.0)
        };
        PLOT_LEFT + t * (PLOT_RIGHT - PLOT_LEFT)
    };
    let rows = modes.len().max(1) as f64;
    let group = rows * BAR + GAP;
    let height = TOP + group * ops.len() as f64 + 40.0;
    let mut s = String::new();
    let _ = writeln!(s, r##"<?xml version="1.0" encoding="UTF-8"?>"##);
    let _ = writeln!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" font-family="sans-serif" font-size="12">"##
    );
    let _ = writeln!(s, r##"<rect width="100%" height="100%" fill="#ffffff"/>"##);
    let _ = writeln!(
        s,
        r##"<text x="16" y="24" font-size="16" font-weight="bold" fill="#1a202c">mica: {} per operation (mean; log scale)</text>"##,
        escape(UNIT)
    );
    let runs: Vec<String> = report.runs.iter().map(run_caption).collect();
    let _ = writeln!(
        s,
        r##"<text x="16" y="42" fill="#4a5568">{}</text>"##,
        escape(&runs.join(" | "))
    );
    // The legend: one swatch per mode.
    for (i, mode) in modes.iter().enumerate() {
        let x = 16.0 + i as f64 * 110.0;
        let _ = writeln!(
            s,
            r##"<rect x="{x}" y="52" width="12" height="12" fill="{}"/><text x="{}" y="62" fill="#1a202c">{}</text>"##,
            COLOURS[i.min(COLOURS.len() - 1)],
            x + 18.0,
            escape(mode)
        );
    }
    // The axis: a grid line and a label per decade.
    let bottom = TOP + group * ops.len() as f64;
    for p in lo..=hi {
        let x = x_of(10f64.powi(p));
        let _ = writeln!(
            s,
            r##"<line x1="{x:.1}" y1="{}" x2="{x:.1}" y2="{bottom}" stroke="#cbd5e0" stroke-width="1"/><text x="{x:.1}" y="{}" text-anchor="middle" fill="#4a5568">{}</text>"##,
            TOP - 8.0,
            TOP - 12.0,
            decade_label(p)
        );
    }
    for (g, op) in ops.iter().enumerate() {
        let y0 = TOP + g as f64 * group;
        let name = report.desc(op).unwrap_or(op);
        let _ = writeln!(
            s,
            r##"<text x="{}" y="{:.1}" text-anchor="end" fill="#1a202c"><title>{}</title>{}</text>"##,
            PLOT_LEFT - 8.0,
            y0 + rows * BAR / 2.0 + 4.0,
            escape(op),
            escape(name)
        );
        for (i, mode) in modes.iter().enumerate() {
            let y = y0 + i as f64 * BAR;
            match report.get(op, mode) {
                Some(r) => {
                    let x = x_of(r.mean);
                    let _ = writeln!(
                        s,
                        r##"<rect x="{PLOT_LEFT}" y="{y:.1}" width="{:.1}" height="{:.1}" fill="{}"><title>{} {}: mean {:.2}, min {}, max {}, sd {:.2}, n {}</title></rect><text x="{:.1}" y="{:.1}" fill="#1a202c">{}</text>"##,
                        x - PLOT_LEFT,
                        BAR - 2.0,
                        COLOURS[i.min(COLOURS.len() - 1)],
                        escape(op),
                        escape(mode),
                        r.mean,
                        r.min,
                        r.max,
                        r.sd,
                        r.n,
                        x + 4.0,
                        y + BAR - 4.0,
                        value_label(r.mean)
                    );
                }
                None if report
                    .skipped
                    .iter()
                    .any(|n| n.op == *op && n.mode == *mode) =>
                {
                    let _ = writeln!(
                        s,
                        r##"<text x="{}" y="{:.1}" font-style="italic" fill="#4a5568">{}: not measured (see the notes)</text>"##,
                        PLOT_LEFT + 4.0,
                        y + BAR - 4.0,
                        escape(mode)
                    );
                }
                None => {}
            }
        }
    }
    let _ = writeln!(
        s,
        r##"<text x="16" y="{:.1}" fill="#4a5568">Deterministic counts under QEMU -icount (PMU event 0x08), counter overhead subtracted. Hover a bar for min, max, sd and n.</text>"##,
        height - 14.0
    );
    s.push_str("</svg>\n");
    s
}

/// A run in a few words for the subtitle.
fn run_caption(run: &crate::RunMeta) -> String {
    let mut parts = vec![run.modes.join("+")];
    if let Some(q) = &run.qemu {
        parts.push(q.split(" (").next().unwrap_or(q).to_string());
    }
    if let Some(c) = &run.git_commit {
        parts.push(c.chars().take(10).collect());
    }
    if let Some(d) = &run.date {
        parts.push(d.clone());
    }
    parts.join(", ")
}

#[cfg(test)]
#[path = "svg_tests.rs"]
mod tests;
