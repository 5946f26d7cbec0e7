//! Inline SVG charts: stacked bars and the risk heat map.
//!
//! Colours come from CSS classes of `style.css` (no inline styles, so the pages keep a strict
//! Content-Security-Policy); every chart has a `<title>` and a `<desc>` for screen readers, and
//! the pages show the same numbers as text.

use std::collections::BTreeMap;

use super::{band, escape, slug, Grid};

/// One segment of a bar: its CSS class, its name and its count.
pub(super) struct Segment {
    pub class: &'static str,
    pub name: &'static str,
    pub count: usize,
}

/// One bar: a label above it, a note at its right end, and its segments.
pub(super) struct Bar {
    pub label: String,
    pub note: String,
    pub segments: Vec<Segment>,
}

const ROW: usize = 54;
/// Average advance of a character of a bar label (14 px, semibold) and of a note (13 px).
const LABEL_W: f64 = 8.0;
const NOTE_W: f64 = 6.6;
const BAR_HEIGHT: usize = 22;

/// A chart drawn twice: for wide screens and print, and for phones, where the wide drawing
/// would scale its text down below reading size. CSS shows one of them.
fn both(wide: String, narrow: String) -> String {
    format!("<div class=\"fit-wide\">{wide}</div><div class=\"fit-narrow\">{narrow}</div>")
}

/// Horizontal stacked bars, one per row, all on the same scale (the largest total).
pub(super) fn stacked_bars(id: &str, title: &str, bars: &[Bar]) -> String {
    both(
        bars_svg(id, title, bars, 720, "wide"),
        bars_svg(&format!("{id}-n"), title, bars, 360, "narrow"),
    )
}

fn bars_svg(id: &str, title: &str, bars: &[Bar], width: usize, variant: &str) -> String {
    let max = bars
        .iter()
        .map(|b| b.segments.iter().map(|s| s.count).sum::<usize>())
        .max()
        .unwrap_or(0)
        .max(1);
    let height = bars.len() * ROW + 4;
    let mut desc = Vec::new();
    let mut body = String::new();
    for (n, bar) in bars.iter().enumerate() {
        let y = n * ROW;
        // The label gets the room the note leaves (with a gap: the widths are estimates); a longer
        // one is cut, whole in its tooltip.
        let room = (width as f64 - bar.note.chars().count() as f64 * NOTE_W - 28.0) / LABEL_W;
        let room = room.max(8.0) as usize;
        let label = if bar.label.chars().count() > room {
            let cut: String = bar.label.chars().take(room.saturating_sub(1)).collect();
            format!("{}…", cut.trim_end())
        } else {
            bar.label.clone()
        };
        let tip = if label == bar.label {
            String::new()
        } else {
            format!("<title>{}</title>", escape(&bar.label))
        };
        body.push_str(&format!(
            "<text class=\"bar-label\" x=\"0\" y=\"{}\">{}{tip}</text>",
            y + 16,
            escape(&label),
        ));
        body.push_str(&format!(
            "<text class=\"bar-note\" x=\"{width}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            y + 16,
            escape(&bar.note)
        ));
        body.push_str(&format!(
            "<rect class=\"bar-track\" x=\"0\" y=\"{}\" width=\"{width}\" height=\"{BAR_HEIGHT}\" rx=\"3\"/>",
            y + 24
        ));
        let mut x = 0.0f64;
        let mut parts = Vec::new();
        for s in bar.segments.iter().filter(|s| s.count > 0) {
            let w = s.count as f64 * width as f64 / max as f64;
            body.push_str(&format!(
                "<rect class=\"seg seg-{}\" x=\"{:.1}\" y=\"{}\" width=\"{:.1}\" height=\"{BAR_HEIGHT}\"><title>{}: {}</title></rect>",
                s.class,
                x,
                y + 24,
                w,
                escape(s.name),
                s.count
            ));
            if w >= 24.0 {
                body.push_str(&format!(
                    "<text class=\"seg-count seg-count-{}\" x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                    s.class,
                    x + w / 2.0,
                    y + 24 + 15,
                    s.count
                ));
            }
            x += w;
            parts.push(format!("{} {}", s.count, s.name.to_lowercase()));
        }
        desc.push(format!("{}: {}", bar.label, parts.join(", ")));
    }
    format!(
        "<svg class=\"chart bars {variant}\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-labelledby=\"{id}-t {id}-d\">\
<title id=\"{id}-t\">{}</title><desc id=\"{id}-d\">{}</desc>{body}</svg>",
                escape(title),
        escape(&desc.join("; "))
    )
}

/// A legend for chart classes: `(class, name)`.
pub(super) fn legend(items: &[(&str, &str)]) -> String {
    let mut out = String::from("<ul class=\"legend\">");
    for (class, name) in items {
        out.push_str(&format!(
            "<li><span class=\"swatch seg-{class}\" aria-hidden=\"true\"></span>{}</li>",
            escape(name)
        ));
    }
    out.push_str("</ul>");
    out
}

/// A risk in a heat-map cell: its id and title.
pub(super) type CellRisks = BTreeMap<(usize, usize), Vec<(String, String)>>;

const CHAR_W: f64 = 7.0;
/// Width of a character of a risk id (monospace, 11.5 px).
const ID_W: f64 = 6.9;
/// Most lines of risk ids in one cell; more risks are summed up as "+N".
const MAX_LINES: usize = 6;

/// The heat map of one rating (inherent or residual): likelihood rows (highest on top) ×
/// impact columns, each cell coloured by its score against the acceptance threshold and
/// listing its risks, each linked to its row of the register. `siblings` are the maps shown
/// beside it: all are laid out alike (same cell size), so they can be compared.
pub(super) fn heat_map(
    id: &str,
    title: &str,
    grid: &Grid,
    cells: &CellRisks,
    siblings: &[&CellRisks],
) -> String {
    both(
        heat_svg(id, title, grid, cells, siblings, false),
        heat_svg(&format!("{id}-n"), title, grid, cells, siblings, true),
    )
}

/// One drawing of a heat map; `narrow` puts one risk id per line in narrower cells.
fn heat_svg(
    id: &str,
    title: &str,
    grid: &Grid,
    cells: &CellRisks,
    siblings: &[&CellRisks],
    narrow: bool,
) -> String {
    let longest_id = siblings
        .iter()
        .chain(std::iter::once(&cells))
        .flat_map(|c| c.values())
        .flatten()
        .map(|(rid, _)| rid.chars().count())
        .max()
        .unwrap_or(5);
    let cell_w =
        ((longest_id as f64 * ID_W + 14.0).ceil() as usize).max(if narrow { 58 } else { 96 });
    // As many ids per line as fit; rows as tall as the fullest cell needs.
    let per_line = if narrow {
        1
    } else {
        (((cell_w - 10) as f64) / (longest_id as f64 * ID_W + 8.0))
            .floor()
            .max(1.0) as usize
    };
    let fullest = siblings
        .iter()
        .chain(std::iter::once(&cells))
        .flat_map(|c| c.values())
        .map(Vec::len)
        .max()
        .unwrap_or(0);
    let lines = fullest
        .div_ceil(per_line)
        .clamp(3, if narrow { MAX_LINES - 1 } else { MAX_LINES });
    let cell_h = 34 + lines * 14;
    let longest_label = grid
        .likelihood
        .iter()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(4);
    let gutter =
        ((longest_label as f64 * CHAR_W + 12.0) as usize).clamp(48, if narrow { 96 } else { 140 });
    let axis = 22; // room for the rotated "Likelihood" title
    let x0 = axis + gutter;
    let rows = grid.likelihood.len();
    let cols = grid.impact.len();
    let width = x0 + cols * cell_w + 2;
    let height = rows * cell_h + 46;
    let mut body = String::new();
    let mut desc = Vec::new();

    for (r, l) in grid.likelihood.iter().enumerate() {
        let y = r * cell_h;
        body.push_str(&format!(
            "<text class=\"hm-level\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            x0 - 8,
            y + cell_h / 2 + 4,
            escape(l)
        ));
        for (c, i) in grid.impact.iter().enumerate() {
            let x = x0 + c * cell_w;
            let score = grid
                .scores
                .get(r)
                .and_then(|row| row.get(c))
                .copied()
                .flatten();
            let class = band(score, grid.threshold, grid.max);
            let risks = cells.get(&(r, c)).map(Vec::as_slice).unwrap_or(&[]);
            let score_text = score.map(|s| s.to_string()).unwrap_or_else(|| "?".into());
            let tip = if risks.is_empty() {
                format!("{l} × {i}: score {score_text}, no risk")
            } else {
                let ids: Vec<&str> = risks.iter().map(|(id, _)| id.as_str()).collect();
                desc.push(format!(
                    "{l} × {i} (score {score_text}): {}",
                    ids.join(", ")
                ));
                format!("{l} × {i}: score {score_text}: {}", ids.join(", "))
            };
            body.push_str(&format!(
                "<g class=\"hm-cell\"><rect class=\"hm-{class}{}\" x=\"{x}\" y=\"{y}\" width=\"{cell_w}\" height=\"{cell_h}\"><title>{}</title></rect>",
                if risks.is_empty() { "" } else { " hm-filled" },
                escape(&tip)
            ));
            body.push_str(&format!(
                "<text class=\"hm-score\" x=\"{}\" y=\"{}\">{}</text>",
                x + 6,
                y + 14,
                escape(&score_text)
            ));
            // Risk ids, as many per line as fit, as many lines as fit; then "+N".
            let capacity = per_line * lines;
            let shown = if risks.len() > capacity {
                capacity - 1
            } else {
                risks.len()
            };
            for (k, (rid, rtitle)) in risks.iter().take(shown).enumerate() {
                let line = k / per_line;
                let col = k % per_line;
                let slot = (cell_w - 10) / per_line;
                let tx = x + 5 + col * slot + slot / 2;
                let ty = y + 30 + line * 14;
                body.push_str(&format!(
                    "<a href=\"#risk-{}\"><text class=\"hm-id\" x=\"{tx}\" y=\"{ty}\" text-anchor=\"middle\">{}<title>{}</title></text></a>",
                    escape(&slug(rid)),
                    escape(rid),
                    escape(&format!("{rid}: {rtitle}"))
                ));
            }
            if shown < risks.len() {
                let k = shown;
                let slot = (cell_w - 10) / per_line;
                let tx = x + 5 + (k % per_line) * slot + slot / 2;
                let ty = y + 30 + (k / per_line) * 14;
                let rest: Vec<&str> = risks[shown..].iter().map(|(id, _)| id.as_str()).collect();
                body.push_str(&format!(
                    "<text class=\"hm-more\" x=\"{tx}\" y=\"{ty}\" text-anchor=\"middle\">+{}<title>{}</title></text>",
                    risks.len() - shown,
                    escape(&rest.join(", "))
                ));
            }
            body.push_str("</g>");
        }
    }
    // Impact levels under the columns, then the axis titles.
    let base = rows * cell_h;
    for (c, i) in grid.impact.iter().enumerate() {
        body.push_str(&format!(
            "<text class=\"hm-level\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            x0 + c * cell_w + cell_w / 2,
            base + 16,
            escape(i)
        ));
    }
    body.push_str(&format!(
        "<text class=\"hm-axis\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">Impact →</text>",
        x0 + cols * cell_w / 2,
        base + 38
    ));
    body.push_str(&format!(
        "<text class=\"hm-axis\" x=\"0\" y=\"0\" text-anchor=\"middle\" transform=\"translate(14 {}) rotate(-90)\">Likelihood →</text>",
        base / 2
    ));
    if desc.is_empty() {
        desc.push("no risk rated".to_string());
    }
    format!(
        "<svg class=\"chart heatmap {}\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-labelledby=\"{id}-t {id}-d\">\
<title id=\"{id}-t\">{}</title><desc id=\"{id}-d\">{}</desc>{body}</svg>",
        if narrow { "narrow" } else { "wide" },
        escape(title),
        escape(&desc.join("; "))
    )
}
