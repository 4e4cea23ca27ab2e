//! Reading confer's PDFs back in tests, with an independent reader (lopdf): the text through
//! each font's /ToUnicode map, the title, the structure tree and the embedded font. Shared by
//! the tests of every crate that makes PDFs (the `test-support` feature), so each reads them
//! the same way.

use lopdf::{Document, Object};
use std::collections::BTreeSet;

/// Every structure element type in the tree, read from /StructTreeRoot down.
pub fn struct_types(doc: &Document) -> BTreeSet<String> {
    let catalog = doc.catalog().expect("catalog");
    let root = catalog.get(b"StructTreeRoot").expect("a /StructTreeRoot");
    let mut out = BTreeSet::new();
    let mut stack = vec![root.clone()];
    while let Some(o) = stack.pop() {
        let o = match &o {
            Object::Reference(id) => doc.get_object(*id).expect("object").clone(),
            other => other.clone(),
        };
        match o {
            Object::Dictionary(d) => {
                if let Ok(s) = d.get(b"S").and_then(|s| s.as_name()) {
                    out.insert(String::from_utf8_lossy(s).into_owned());
                }
                if let Ok(k) = d.get(b"K") {
                    stack.push(k.clone());
                }
            }
            Object::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    out
}

/// The page text, decoded through each font's /ToUnicode map, a line for each text object.
/// (lopdf's own `extract_text` does not parse the PostScript header comments krilla writes in
/// the CMap, so the map's `bfchar`/`bfrange` entries are read here; everything else is lopdf's
/// reading of the file.)
pub fn text_of(doc: &Document) -> String {
    text_with(doc, '\n')
}

/// The PDF read back: its page text with the lines joined by single spaces (so a wrapped
/// phrase reads whole), and the document for further checks.
pub fn pdf_text(bytes: &[u8]) -> (String, Document) {
    let doc = Document::load_mem(bytes).expect("lopdf reads the PDF");
    let text = text_with(&doc, ' ').split_whitespace().collect::<Vec<_>>().join(" ");
    (text, doc)
}

/// The page text, `line_end` after each text object.
fn text_with(doc: &Document, line_end: char) -> String {
    let mut out = String::new();
    for (_, page) in doc.get_pages() {
        let fonts = doc.get_page_fonts(page).expect("fonts");
        let maps: std::collections::BTreeMap<Vec<u8>, std::collections::HashMap<u16, String>> = fonts
            .iter()
            .map(|(name, font)| {
                let map = font
                    .get(b"ToUnicode")
                    .and_then(|r| r.as_reference())
                    .map(|id| {
                        let s = doc.get_object(id).unwrap().as_stream().unwrap();
                        parse_cmap(&String::from_utf8_lossy(&s.decompressed_content().unwrap_or(s.content.clone())))
                    })
                    .unwrap_or_default();
                (name.clone(), map)
            })
            .collect();
        let content = doc.get_and_decode_page_content(page).expect("content");
        let mut current: Option<&std::collections::HashMap<u16, String>> = None;
        for op in content.operations {
            match op.operator.as_str() {
                "Tf" => current = op.operands[0].as_name().ok().and_then(|n| maps.get(n)),
                "Tj" | "TJ" => {
                    let mut strings = Vec::new();
                    for o in &op.operands {
                        match o {
                            Object::String(b, _) => strings.push(b.clone()),
                            Object::Array(a) => {
                                strings.extend(a.iter().filter_map(|x| x.as_str().ok().map(<[u8]>::to_vec)))
                            }
                            _ => {}
                        }
                    }
                    for b in strings {
                        for pair in b.chunks(2) {
                            let code = u16::from_be_bytes([pair[0], *pair.get(1).unwrap_or(&0)]);
                            if let Some(t) = current.and_then(|m| m.get(&code)) {
                                out.push_str(t);
                            }
                        }
                    }
                }
                "ET" => out.push(line_end),
                _ => {}
            }
        }
    }
    out
}

fn parse_cmap(text: &str) -> std::collections::HashMap<u16, String> {
    let hex = |s: &str| -> Vec<u8> {
        let s = s.trim().trim_start_matches('<').trim_end_matches('>');
        (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
    };
    let utf16 = |b: Vec<u8>| -> String {
        let units: Vec<u16> = b.chunks(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
        String::from_utf16_lossy(&units)
    };
    let mut map = std::collections::HashMap::new();
    let mut mode = "";
    for line in text.lines() {
        let line = line.trim();
        if line.ends_with("beginbfchar") {
            mode = "char";
        } else if line.ends_with("beginbfrange") {
            mode = "range";
        } else if line.starts_with("end") {
            mode = "";
        } else if mode == "char" {
            let parts: Vec<&str> = line.split_whitespace().collect();
            if parts.len() == 2 {
                let code = hex(parts[0]);
                map.insert(u16::from_be_bytes([code[0], code[1]]), utf16(hex(parts[1])));
            }
        } else if mode == "range" {
            let parts: Vec<&str> = line.split_whitespace().collect();
            if parts.len() == 3 && parts[2].starts_with('<') {
                let (a, b, dst) = (hex(parts[0]), hex(parts[1]), hex(parts[2]));
                let (a, b) = (u16::from_be_bytes([a[0], a[1]]), u16::from_be_bytes([b[0], b[1]]));
                let start = u16::from_be_bytes([dst[0], dst[1]]);
                for (i, code) in (a..=b).enumerate() {
                    map.insert(code, utf16((start + i as u16).to_be_bytes().to_vec()));
                }
            }
        }
    }
    map
}

pub fn has_embedded_truetype(doc: &Document) -> bool {
    doc.objects.values().any(|o| match o {
        Object::Dictionary(d) => {
            d.get(b"Type").and_then(|t| t.as_name()).ok() == Some(b"FontDescriptor".as_slice()) && d.has(b"FontFile2")
        }
        _ => false,
    })
}

pub fn title_of(doc: &Document) -> Option<String> {
    let info = doc.trailer.get(b"Info").ok()?;
    let info = doc.dereference(info).ok()?.1.as_dict().ok()?;
    lopdf::decode_text_string(info.get(b"Title").ok()?).ok()
}
