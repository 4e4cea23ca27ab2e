//! A child's timeline (issue 13): every conference, plan version, core group meeting and
//! action in date order, and two charts drawn on the server as SVG (no script): the safety
//! scale over time from the core group meetings (CG-03) and the actions done on time
//! (PLAN-02). Each chart is readable without colour (solid and dashed lines, round and square
//! markers, a hatched pattern, every value written as text), is one image with its title and
//! description (`role="img"`), and has a table of the same figures beside it.

use crate::auth::Ctx;
use crate::error::AppError;
use crate::view::{self, Page};
use crate::SharedState;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use chrono::NaiveDate;
use confer_domain::plan_views::{OnTime, TimelineEntry, TimelineKind};
use confer_ops::plan_people::{self, ChildTimeline};

/// Text made safe for SVG and HTML.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

fn short(d: &NaiveDate) -> String {
    d.format("%-d %b %Y").to_string()
}

const W: f32 = 640.0;
const H: f32 = 280.0;
const LEFT: f32 = 48.0;
const RIGHT: f32 = 24.0;
const TOP: f32 = 40.0;
const BOTTOM: f32 = 56.0;

fn x_at(i: usize, n: usize) -> f32 {
    let inner = W - LEFT - RIGHT;
    if n <= 1 {
        LEFT + inner / 2.0
    } else {
        LEFT + inner * i as f32 / (n - 1) as f32
    }
}

fn y_at(v: f32) -> f32 {
    TOP + (H - TOP - BOTTOM) * (1.0 - v / 10.0)
}

/// CG-03: the safety scale over time: the average (solid line, round markers) and the lowest
/// rating (dashed line, square markers) at each core group meeting, each value written beside
/// its marker. `None` when no meeting has ratings.
pub fn safety_svg(child: &str, points: &[(NaiveDate, u8, f32)]) -> Option<String> {
    if points.is_empty() {
        return None;
    }
    let n = points.len();
    let mut s = String::new();
    let first = short(&points[0].0);
    let last = short(&points[n - 1].0);
    let latest = &points[n - 1];
    s.push_str(&format!(
        "<svg class=\"confer-chart\" viewBox=\"0 0 {W} {H}\" width=\"100%\" preserveAspectRatio=\"xMidYMid meet\" \
         role=\"img\" aria-labelledby=\"safety-title safety-desc\" xmlns=\"http://www.w3.org/2000/svg\">\
         <title id=\"safety-title\">How safe {child} is thought to be, 0 to 10, at each core group meeting</title>\
         <desc id=\"safety-desc\">{n} meetings from {first} to {last}. At the latest the average rating was {avg:.1} and the lowest {low}. The table below the chart gives every figure.</desc>",
        child = esc(child),
        avg = latest.2,
        low = latest.1,
    ));
    // Axis and grid at 0, 5 and 10, labelled.
    for v in [0.0f32, 5.0, 10.0] {
        let y = y_at(v);
        s.push_str(&format!(
            "<line x1=\"{LEFT}\" y1=\"{y}\" x2=\"{x2}\" y2=\"{y}\" stroke=\"#b1b4b6\" stroke-width=\"1\"/>\
             <text x=\"{tx}\" y=\"{ty}\" font-size=\"14\" text-anchor=\"end\" fill=\"#0b0c0c\">{v}</text>",
            x2 = W - RIGHT,
            tx = LEFT - 8.0,
            ty = y + 5.0,
        ));
    }
    let line = |pick: &dyn Fn(&(NaiveDate, u8, f32)) -> f32| -> String {
        points
            .iter()
            .enumerate()
            .map(|(i, p)| format!("{:.1},{:.1}", x_at(i, n), y_at(pick(p))))
            .collect::<Vec<_>>()
            .join(" ")
    };
    s.push_str(&format!(
        "<polyline points=\"{}\" fill=\"none\" stroke=\"#1d70b8\" stroke-width=\"3\"/>",
        line(&|p| p.2)
    ));
    s.push_str(&format!(
        "<polyline points=\"{}\" fill=\"none\" stroke=\"#0b0c0c\" stroke-width=\"2\" stroke-dasharray=\"8 5\"/>",
        line(&|p| f32::from(p.1))
    ));
    for (i, p) in points.iter().enumerate() {
        let x = x_at(i, n);
        let (ya, yl) = (y_at(p.2), y_at(f32::from(p.1)));
        s.push_str(&format!(
            "<circle cx=\"{x:.1}\" cy=\"{ya:.1}\" r=\"6\" fill=\"#1d70b8\"/>\
             <rect x=\"{rx:.1}\" y=\"{ry:.1}\" width=\"10\" height=\"10\" fill=\"#ffffff\" stroke=\"#0b0c0c\" stroke-width=\"2\"/>\
             <text x=\"{x:.1}\" y=\"{ta:.1}\" font-size=\"13\" text-anchor=\"middle\" fill=\"#0b0c0c\">{avg:.1}</text>\
             <text x=\"{x:.1}\" y=\"{tl:.1}\" font-size=\"13\" text-anchor=\"middle\" fill=\"#0b0c0c\">{low}</text>\
             <text x=\"{x:.1}\" y=\"{td}\" font-size=\"12\" text-anchor=\"middle\" fill=\"#0b0c0c\">{day}</text>",
            rx = x - 5.0,
            ry = yl - 5.0,
            ta = ya - 10.0,
            tl = yl + 20.0,
            avg = p.2,
            low = p.1,
            td = H - BOTTOM + 22.0,
            day = esc(&short(&p.0)),
        ));
    }
    // The legend, in words and shapes.
    s.push_str(&format!(
        "<circle cx=\"{LEFT}\" cy=\"14\" r=\"6\" fill=\"#1d70b8\"/>\
         <line x1=\"{l1}\" y1=\"14\" x2=\"{l2}\" y2=\"14\" stroke=\"#1d70b8\" stroke-width=\"3\"/>\
         <text x=\"{t1}\" y=\"19\" font-size=\"14\" fill=\"#0b0c0c\">Average (solid line, circles)</text>\
         <rect x=\"{r2}\" y=\"9\" width=\"10\" height=\"10\" fill=\"#ffffff\" stroke=\"#0b0c0c\" stroke-width=\"2\"/>\
         <line x1=\"{m1}\" y1=\"14\" x2=\"{m2}\" y2=\"14\" stroke=\"#0b0c0c\" stroke-width=\"2\" stroke-dasharray=\"8 5\"/>\
         <text x=\"{t2}\" y=\"19\" font-size=\"14\" fill=\"#0b0c0c\">Lowest (dashed line, squares)</text>",
        l1 = LEFT + 8.0,
        l2 = LEFT + 30.0,
        t1 = LEFT + 36.0,
        r2 = LEFT + 290.0,
        m1 = LEFT + 302.0,
        m2 = LEFT + 324.0,
        t2 = LEFT + 330.0,
    ));
    s.push_str("</svg>");
    Some(s)
}

/// PLAN-02: of the actions due by each core group meeting (and today), how many were done by
/// their due date: a hatched bar for the share, "2 of 3" written above it. `None` when no
/// action was due yet.
pub fn on_time_svg(child: &str, points: &[OnTime]) -> Option<String> {
    if points.is_empty() {
        return None;
    }
    let n = points.len();
    let inner = W - LEFT - RIGHT;
    let slot = inner / n as f32;
    let bar = (slot * 0.6).min(64.0);
    let latest = &points[n - 1];
    let mut s = format!(
        "<svg class=\"confer-chart\" viewBox=\"0 0 {W} {H}\" width=\"100%\" preserveAspectRatio=\"xMidYMid meet\" \
         role=\"img\" aria-labelledby=\"ontime-title ontime-desc\" xmlns=\"http://www.w3.org/2000/svg\">\
         <title id=\"ontime-title\">Actions of {child}'s plans done by their due date</title>\
         <desc id=\"ontime-desc\">At the latest point, {done} of the {due} actions due had been done on time. The table below the chart gives every figure.</desc>\
         <defs><pattern id=\"hatch\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">\
         <rect width=\"8\" height=\"8\" fill=\"#ffffff\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"8\" stroke=\"#005a30\" stroke-width=\"4\"/></pattern></defs>",
        child = esc(child),
        done = latest.done_on_time,
        due = latest.due,
    );
    let base = y_at(0.0);
    let full = y_at(10.0);
    for (label, v) in [("0%", 0.0f32), ("50%", 5.0), ("100%", 10.0)] {
        let y = y_at(v);
        s.push_str(&format!(
            "<line x1=\"{LEFT}\" y1=\"{y}\" x2=\"{x2}\" y2=\"{y}\" stroke=\"#b1b4b6\" stroke-width=\"1\"/>\
             <text x=\"{tx}\" y=\"{ty}\" font-size=\"14\" text-anchor=\"end\" fill=\"#0b0c0c\">{label}</text>",
            x2 = W - RIGHT,
            tx = LEFT - 8.0,
            ty = y + 5.0,
        ));
    }
    for (i, p) in points.iter().enumerate() {
        let share = if p.due == 0 { 0.0 } else { p.done_on_time as f32 / p.due as f32 };
        let x = LEFT + slot * i as f32 + (slot - bar) / 2.0;
        let h = (base - full) * share;
        let cx = x + bar / 2.0;
        s.push_str(&format!(
            "<rect x=\"{x:.1}\" y=\"{full:.1}\" width=\"{bar:.1}\" height=\"{outline:.1}\" fill=\"none\" stroke=\"#0b0c0c\" stroke-width=\"1\"/>\
             <rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{bar:.1}\" height=\"{h:.1}\" fill=\"url(#hatch)\" stroke=\"#005a30\" stroke-width=\"2\"/>\
             <text x=\"{cx:.1}\" y=\"{ty:.1}\" font-size=\"13\" text-anchor=\"middle\" fill=\"#0b0c0c\">{d} of {t}</text>\
             <text x=\"{cx:.1}\" y=\"{td}\" font-size=\"12\" text-anchor=\"middle\" fill=\"#0b0c0c\">{day}</text>",
            outline = base - full,
            y = base - h,
            ty = full - 8.0,
            d = p.done_on_time,
            t = p.due,
            td = H - BOTTOM + 22.0,
            day = esc(&short(&p.on)),
        ));
    }
    s.push_str("</svg>");
    Some(s)
}

#[derive(Template)]
#[template(path = "plan_timeline.html")]
struct TimelinePage<'a> {
    page: &'a Page,
    t: &'a ChildTimeline,
    safety_svg: Option<String>,
    on_time_svg: Option<String>,
}

impl TimelinePage<'_> {
    fn date(&self, d: &NaiveDate) -> String {
        view::long_date(d)
    }
    /// The entry's kind; a conference in the nation's words (issue 15).
    fn kind(&self, e: &TimelineEntry) -> String {
        match e.kind {
            TimelineKind::Conference => self.page.words().meeting_title(),
            TimelineKind::PlanVersion => "Plan".to_owned(),
            TimelineKind::CoreGroup => "Core group".to_owned(),
            TimelineKind::ActionDue => "Action".to_owned(),
        }
    }
    fn avg(&self, v: &f32) -> String {
        format!("{v:.1}")
    }
}

pub async fn show(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path((family_id, child_id)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let t = plan_people::timeline(&state.ops, &ctx.actor, &family_id, &child_id).await?;
    let page = ctx.page(&format!("{}'s timeline", t.child_name), "/families");
    let safety_svg = safety_svg(&t.child_name, &t.safety);
    let on_time_svg = on_time_svg(&t.child_name, &t.on_time);
    Ok(view::render(&TimelinePage { page: &page, t: &t, safety_svg, on_time_svg }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cg_03_the_safety_chart_is_one_image_with_words_for_every_value() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let svg = safety_svg("Amy <b>", &[(d("2026-11-20"), 3, 4.0), (d("2027-01-08"), 5, 6.5)]).unwrap();
        assert!(svg.contains("role=\"img\"") && svg.contains("<title") && svg.contains("<desc"));
        assert!(svg.contains("Amy &lt;b&gt;"), "text is escaped");
        assert!(svg.contains(">6.5<") && svg.contains(">3<"), "values are written as text");
        assert!(svg.contains("stroke-dasharray"), "a dashed line tells the series apart without colour");
        assert!(safety_svg("Amy", &[]).is_none());
        let bars = on_time_svg("Amy", &[OnTime { on: d("2026-12-01"), due: 3, done_on_time: 2 }]).unwrap();
        assert!(bars.contains("2 of 3") && bars.contains("url(#hatch)"));
    }
}
