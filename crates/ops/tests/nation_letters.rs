//! Issue 15: the letters and e-mails of an authority say its nation's own words. A Scottish
//! council's invitation letter (a tagged PDF on the print list, INV-01) and e-mail invite to a
//! child protection planning meeting; a Northern Irish Trust's to a child protection case
//! conference; neither says "child protection conference". England's letter is unchanged.
//! Runs on SQLite, and on PostgreSQL with CONFER_TEST_DATABASE=postgres.

use confer_domain::Nation;
use confer_ops::documents;
use confer_ops::Ops;
use confer_store::clock::Clock;
use confer_store::testing::{self, World};
use lopdf::{Document, Object};
use sqlx::Row;

/// A family in an authority of the nation, invited to an initial conference: the father (no
/// e-mail address) gets the letter on the print list, the mother an e-mail. Returns the
/// letter's text and title, and the mother's e-mails (subject, body).
async fn invited(nation: Nation) -> (String, String, Vec<(String, String)>) {
    let db = testing::fresh_db().await;
    let w = World::in_nation(&db, nation).await;
    w.professional("p-school", None).await;
    let f = w
        .family("brook")
        .child("amy", "Amy", "2015-01-01")
        .mother("mum", "Mandy")
        .with_adult(|a| a.email = Some("mandy.brook@family.example".into()))
        .father("dad", "Dan")
        .professionals(&["p-school"])
        .create()
        .await;
    f.invited_conference(&w).await;
    let ops = Ops::new(db.clone(), Clock::system());
    let letters = documents::print_list(&ops, Some(&w.authority.id)).await.unwrap();
    assert_eq!(letters.len(), 1, "{letters:?}");
    assert_eq!(letters[0].sent.kind, "invitation-letter");
    let (text, doc) = pdf_text(&letters[0].bytes);
    let title = title_of(&doc);
    let mails = sqlx::query("SELECT subject, body FROM outbox WHERE recipient = $1")
        .bind("mandy.brook@family.example")
        .fetch_all(db.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| (r.try_get::<String, _>("subject").unwrap(), r.try_get::<String, _>("body").unwrap()))
        .collect();
    (text, title, mails)
}

#[tokio::test]
async fn a_scottish_councils_letter_and_email_invite_to_a_child_protection_planning_meeting_inv_01() {
    let (text, title, mails) = invited(Nation::Scotland).await;
    assert_eq!(title, "Invitation to a child protection planning meeting");
    assert!(text.contains("You are invited to a child protection planning meeting about your family"), "{text}");
    assert!(text.contains("What happens at the meeting"), "{text}");
    assert!(!text.to_lowercase().contains("child protection conference"), "{text}");
    assert!(!text.contains("conference"), "no conference in a Scottish letter: {text}");
    assert!(!mails.is_empty(), "the mother is e-mailed");
    for (subject, body) in &mails {
        assert!(subject.contains("child protection planning meeting"), "{subject}");
        assert!(!body.contains("child protection conference"), "{body}");
    }
}

#[tokio::test]
async fn a_northern_irish_trusts_letter_and_email_invite_to_a_child_protection_case_conference_inv_01() {
    let (text, title, mails) = invited(Nation::NorthernIreland).await;
    assert_eq!(title, "Invitation to a child protection case conference");
    assert!(text.contains("What happens at the case conference"), "{text}");
    assert!(!text.contains("child protection conference"), "{text}");
    assert!(!text.contains("case case"), "{text}");
    assert!(!mails.is_empty(), "the mother is e-mailed");
    for (subject, body) in &mails {
        assert!(subject.contains("child protection case conference"), "{subject}");
        assert!(!body.contains("child protection conference") && !body.contains("case case"), "{body}");
    }
}

#[tokio::test]
async fn an_english_letter_keeps_englands_words_inv_01() {
    let (text, title, _) = invited(Nation::England).await;
    assert_eq!(title, "Invitation to a child protection conference");
    assert!(text.contains("What happens at the conference"), "{text}");
}

fn title_of(doc: &Document) -> String {
    let info = doc.trailer.get(b"Info").expect("an Info dictionary");
    let info = doc.dereference(info).unwrap().1.as_dict().unwrap();
    lopdf::decode_text_string(info.get(b"Title").unwrap()).unwrap()
}

/// The page text through each font's /ToUnicode map (as crates/docs/tests/pdf_readback.rs
/// reads it), lines joined by spaces so a wrapped mark reads whole.
fn pdf_text(bytes: &[u8]) -> (String, Document) {
    let doc = Document::load_mem(bytes).expect("lopdf reads the bundle");
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
                "ET" => out.push(' '),
                _ => {}
            }
        }
    }
    (out.split_whitespace().collect::<Vec<_>>().join(" "), doc)
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
