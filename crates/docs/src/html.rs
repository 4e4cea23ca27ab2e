//! The accessible HTML version of a document: one page, its language on `<html lang>`, a
//! title, headings in order, lists, tables with a caption and header cells, no script, text
//! that reflows (WCAG 1.4.10) and large print as a larger base size.

use crate::doc::{Block, Doc};
use crate::PrintSize;

/// Escapes text for HTML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

pub fn render(doc: &Doc, size: PrintSize) -> String {
    let base = match size {
        PrintSize::Standard => "1.1875rem",
        PrintSize::Large => "1.75rem",
    };
    let mut h = String::with_capacity(4096);
    h.push_str("<!DOCTYPE html>\n");
    h.push_str(&format!("<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n", doc.lang_tag()));
    h.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    h.push_str(&format!("<title>{}</title>\n", escape(&doc.title)));
    h.push_str(&format!(
        "<style>body{{font-family:Arial,sans-serif;font-size:{base};line-height:1.5;color:#0b0c0c;\
         max-width:40em;margin:0 auto;padding:1em}}table{{border-collapse:collapse;width:100%}}\
         th,td{{border:1px solid #505a5f;padding:.3em;text-align:left;vertical-align:top}}\
         .notice{{border-left:.3em solid #0b0c0c;padding-left:.8em;font-weight:bold}}\
         .table-wrap{{overflow-x:auto}}</style>\n"
    ));
    h.push_str("</head>\n<body>\n<main>\n");
    h.push_str(&format!("<h1>{}</h1>\n", escape(&doc.title)));
    for b in &doc.blocks {
        match b {
            Block::Heading(level, t) => {
                let l = (*level).clamp(2, 6);
                h.push_str(&format!("<h{l}>{}</h{l}>\n", escape(t)));
            }
            Block::Paragraph(t) => h.push_str(&format!("<p>{}</p>\n", escape(t))),
            Block::Notice(t) => h.push_str(&format!("<p class=\"notice\">{}</p>\n", escape(t))),
            Block::List(items) => {
                h.push_str("<ul>\n");
                for i in items {
                    h.push_str(&format!("<li>{}</li>\n", escape(i)));
                }
                h.push_str("</ul>\n");
            }
            Block::Table { caption, header, rows } => {
                h.push_str("<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"");
                h.push_str(&escape(caption));
                h.push_str("\">\n<table>\n");
                h.push_str(&format!("<caption>{}</caption>\n<thead><tr>", escape(caption)));
                for c in header {
                    h.push_str(&format!("<th scope=\"col\">{}</th>", escape(c)));
                }
                h.push_str("</tr></thead>\n<tbody>\n");
                for r in rows {
                    h.push_str("<tr>");
                    for c in r {
                        h.push_str(&format!("<td>{}</td>", escape(c)));
                    }
                    h.push_str("</tr>\n");
                }
                h.push_str("</tbody>\n</table>\n</div>\n");
            }
        }
    }
    h.push_str("</main>\n</body>\n</html>\n");
    h
}
