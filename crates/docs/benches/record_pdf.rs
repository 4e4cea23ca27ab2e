//! Benchmark (issue 14): a record PDF of about 40 pages, written with the tagged structure and
//! the embedded font, must take under 200 ms. `cargo bench -p confer-docs` prints the time.

use confer_docs::doc::Doc;
use confer_docs::{pdf, PrintSize};
use confer_domain::conference::{confidentiality_statement, DocumentLanguage};
use std::time::Instant;

fn record() -> Doc {
    let mut d = Doc::new("Record of the child protection conference", DocumentLanguage::English);
    d.list(vec!["This copy is for: A parent".into(), "Version: 1".into()]);
    d.notice(confidentiality_statement(DocumentLanguage::English));
    for i in 0..40 {
        d.heading(format!("Discussion {}", i + 1));
        d.para(
            "The social worker said the children are attending school most days and the home is warm. \
             The health visitor described the younger child's weight as steady since the last visit. \
             The parents said they want help with the older child's bedtime routine and with money.",
        );
        d.list(vec![
            "Attendance at school has improved since September.".into(),
            "The family have been referred to the housing officer.".into(),
        ]);
        if i % 6 == 0 {
            d.table(
                "Actions",
                vec!["Action".into(), "Who".into(), "By".into()],
                (0..4).map(|n| vec![format!("Action {n}"), "Social worker".into(), "1 March 2027".into()]).collect(),
            );
        }
    }
    d
}

fn main() {
    let doc = record();
    let first = pdf::render(&doc, PrintSize::Standard).expect("pdf");
    // The page tree's /Count (the pages dictionary is written uncompressed).
    let text = String::from_utf8_lossy(&first);
    let pages: usize = text
        .split("/Count ")
        .skip(1)
        .filter_map(|rest| rest.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok())
        .max()
        .unwrap_or(0);
    let runs = 10;
    let mut best = f64::MAX;
    let mut total = 0.0;
    for _ in 0..runs {
        let t = Instant::now();
        let bytes = pdf::render(&doc, PrintSize::Standard).expect("pdf");
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        std::hint::black_box(bytes);
        best = best.min(ms);
        total += ms;
    }
    println!(
        "record PDF: {} bytes, {pages} pages; best {best:.1} ms, mean {:.1} ms over {runs} runs",
        first.len(),
        total / runs as f64
    );
}
