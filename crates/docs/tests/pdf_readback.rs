//! The PDFs read back by an independent library (lopdf): the text is there (Welsh diacritics
//! too), the structure tree tags headings, paragraphs, lists and tables, the document language
//! and title are set, and the font is embedded (issue 14; LANG-03, LANG-04, MEET-04, PLAN-06).

use confer_docs::doc::Doc;
use confer_docs::testing::{has_embedded_truetype, struct_types, text_of, title_of};
use confer_docs::{html, pdf, PrintSize};
use confer_domain::conference::{confidentiality_statement, DocumentLanguage};
use lopdf::Document;

fn sample(language: DocumentLanguage) -> Doc {
    let mut d = Doc::new(
        match language {
            DocumentLanguage::Welsh => "Cofnod y gynhadledd amddiffyn plant",
            DocumentLanguage::English => "Record of the child protection conference",
        },
        language,
    );
    d.list(vec!["This copy is for: Sam Example".into(), "Version: 2".into()]);
    d.notice(confidentiality_statement(language));
    d.heading("Trafodaeth: beth sy'n gweithio'n dda");
    d.para("Mae'r teulu'n byw ger y bont; mae Gwŷn yn mynd i'r ysgol bob dydd. Ŵyr a ŷd.");
    d.table(
        "Decisions",
        vec!["Who".into(), "Detail".into()],
        vec![vec!["Child A".into(), "A child protection plan, because of neglect".into()]],
    );
    d.subheading("Next steps");
    d.list(vec!["One".into(), "Two".into()]);
    d
}

#[test]
fn lang_04_welsh_pdf_has_language_title_text_structure_and_embedded_font_meet_04() {
    let bytes = pdf::render(&sample(DocumentLanguage::Welsh), PrintSize::Standard).expect("pdf");
    let doc = Document::load_mem(&bytes).expect("lopdf reads it");
    let catalog = doc.catalog().unwrap();
    let lang = catalog.get(b"Lang").and_then(|l| l.as_str()).expect("/Lang");
    assert_eq!(lang, b"cy");
    assert_eq!(title_of(&doc).as_deref(), Some("Cofnod y gynhadledd amddiffyn plant"));
    let types = struct_types(&doc);
    for t in ["H1", "H2", "H3", "P", "L", "LI", "Lbl", "LBody", "Table", "TR", "TH", "TD"] {
        assert!(types.contains(t), "{t} missing from the structure tree: {types:?}");
    }
    assert!(has_embedded_truetype(&doc), "the font is embedded (FontFile2)");
    let text = text_of(&doc);
    assert!(text.contains("Gwŷn"), "Welsh ŷ in the text: {text}");
    assert!(text.contains("Ŵyr"), "Welsh Ŵ in the text: {text}");
    assert!(text.contains("gyfrinachol"), "MEET-04 statement in Welsh: {text}");
    // The XMP metadata carries the title too.
    let xmp = catalog.get(b"Metadata").and_then(|m| m.as_reference()).expect("XMP metadata");
    let xmp = doc.get_object(xmp).unwrap().as_stream().unwrap().get_plain_content().unwrap();
    assert!(String::from_utf8_lossy(&xmp).contains("Cofnod y gynhadledd"));
}

#[test]
fn lang_03_large_print_is_at_least_16_point() {
    let standard = pdf::render(&sample(DocumentLanguage::English), PrintSize::Standard).unwrap();
    let large = pdf::render(&sample(DocumentLanguage::English), PrintSize::Large).unwrap();
    let sizes = |bytes: &[u8]| -> Vec<f32> {
        let doc = Document::load_mem(bytes).unwrap();
        let mut out = Vec::new();
        for (_, id) in doc.get_pages() {
            let content = doc.get_and_decode_page_content(id).unwrap();
            for op in content.operations {
                if op.operator == "Tf" {
                    if let Some(s) = op.operands.get(1).and_then(|o| o.as_float().ok()) {
                        out.push(s);
                    }
                }
            }
        }
        out
    };
    let large_sizes = sizes(&large);
    let standard_sizes = sizes(&standard);
    // The body text is the most common size; the page number is an artifact.
    let body = |v: &[f32]| {
        let mut counts = std::collections::BTreeMap::<i64, usize>::new();
        for s in v {
            *counts.entry((*s * 10.0) as i64).or_default() += 1;
        }
        counts.into_iter().max_by_key(|(_, n)| *n).map(|(s, _)| s as f32 / 10.0).unwrap()
    };
    assert!(body(&large_sizes) >= 16.0, "large print body {:?}", body(&large_sizes));
    assert!((11.0..=12.0).contains(&body(&standard_sizes)), "standard body {:?}", body(&standard_sizes));
    assert!(
        Document::load_mem(&large).unwrap().get_pages().len()
            > Document::load_mem(&standard).unwrap().get_pages().len() - 1
    );
}

#[test]
fn a_long_record_runs_over_many_pages_with_every_line_in_the_tree() {
    let mut d = Doc::new("Record of the child protection conference", DocumentLanguage::English);
    for i in 0..120 {
        d.heading(format!("Section {i}"));
        d.para("The family met the chair before the conference and talked about what is working well and what the worries are. ".repeat(3));
    }
    let bytes = pdf::render(&d, PrintSize::Standard).unwrap();
    let doc = Document::load_mem(&bytes).unwrap();
    assert!(doc.get_pages().len() > 10);
    let text = text_of(&doc);
    assert!(text.contains("Section 119"));
    assert!(text.contains("Page 1 of"), "page numbers (as artifacts)");
}

#[test]
fn characters_the_font_lacks_do_not_break_the_pdf() {
    let mut d = Doc::new("Test", DocumentLanguage::English);
    d.para("Emoji 🙂 and CJK 中文 and a tab\there.");
    d.para("");
    d.table("Empty", vec!["A".into(), "B".into()], vec![vec![String::new()]]);
    let bytes = pdf::render(&d, PrintSize::Large).expect("still written");
    Document::load_mem(&bytes).unwrap();
}

#[test]
fn lang_04_html_version_has_language_title_headings_lists_and_tables() {
    let h = html::render(&sample(DocumentLanguage::Welsh), PrintSize::Large);
    assert!(h.contains("<html lang=\"cy\">"));
    assert!(h.contains("<title>Cofnod y gynhadledd amddiffyn plant</title>"));
    assert!(h.contains("<h1>") && h.contains("<h2>") && h.contains("<ul>") && h.contains("<th scope=\"col\">"));
    assert!(h.contains("<caption>Decisions</caption>"));
    assert!(h.contains("Gwŷn"));
    assert!(h.contains("gyfrinachol"));
    let mut d = Doc::new("<script>", DocumentLanguage::English);
    d.para("a & b <b>");
    let h = html::render(&d, PrintSize::Standard);
    assert!(!h.contains("<script>") && h.contains("a &amp; b &lt;b&gt;"));
}
