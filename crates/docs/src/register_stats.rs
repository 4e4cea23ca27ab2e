//! Register statistics of Wales, Scotland and Northern Ireland as CSV: one row a figure, in
//! the nation's words, with the body the figures are for (a local authority, or an HSC
//! Trust in Northern Ireland) and the year.

use crate::census::csv_row;
use confer_domain::register_stats::{words, Figure, StatsYear};

/// The CSV: Nation, Local authority (or HSC Trust), Year start, Year end, Measure, Breakdown, Number.
pub fn csv(year: StatsYear, body_name: &str, figures: &[Figure]) -> Vec<u8> {
    let w = words(year.nation);
    let mut out = String::new();
    let head = ["Nation", w.body, "Year start", "Year end", "Measure", "Breakdown", "Number"];
    csv_row(&head.iter().map(|h| (*h).to_owned()).collect::<Vec<_>>(), &mut out);
    for f in figures {
        csv_row(
            &[
                year.nation.label().to_owned(),
                body_name.to_owned(),
                year.start().to_string(),
                year.end().to_string(),
                f.measure.clone(),
                f.breakdown.clone(),
                f.value.to_string(),
            ],
            &mut out,
        );
    }
    out.into_bytes()
}
