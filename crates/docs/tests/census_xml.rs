//! The census XML parsed back: well-formed, every field of a known return where the
//! specification's tree puts it, escaping that round-trips, and the same bytes twice.

use chrono::NaiveDate;
use confer_docs::census::{csv, xml, Source};
use confer_domain::census::*;

/// A small strict reader for what the writer makes: a declaration, then nested elements with
/// either children or text (no attributes, comments or mixed content: any of those fails).
#[derive(Debug, Clone, PartialEq)]
struct Node {
    name: String,
    text: String,
    children: Vec<Node>,
}

fn unescape(s: &str) -> String {
    assert!(!s.contains('<'), "a raw < in text: {s}");
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let end = rest[i..].find(';').expect("an entity ends with ;") + i;
        out.push(match &rest[i + 1..end] {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            other => panic!("unknown entity {other}"),
        });
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

fn parse(bytes: &[u8]) -> Node {
    let s = std::str::from_utf8(bytes).expect("UTF-8");
    let s = s.strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n").expect("the declaration");
    let (node, rest) = element(s.trim_start());
    assert!(rest.trim().is_empty(), "nothing after the root: {rest:?}");
    node
}

fn element(s: &str) -> (Node, &str) {
    let s = s.strip_prefix('<').expect("an element");
    let end = s.find('>').unwrap();
    let name = &s[..end];
    assert!(name.chars().all(|c| c.is_ascii_alphanumeric()), "a plain name: {name}");
    let mut rest = &s[end + 1..];
    let close = format!("</{name}>");
    let mut node = Node { name: name.to_owned(), text: String::new(), children: Vec::new() };
    if rest.trim_start().starts_with("</") || !rest.trim_start().starts_with('<') {
        let end = rest.find(&close).expect("the element closes");
        node.text = unescape(&rest[..end]);
        rest = &rest[end + close.len()..];
        return (node, rest);
    }
    loop {
        let r = rest.trim_start();
        if let Some(after) = r.strip_prefix(&close) {
            return (node, after);
        }
        let (child, after) = element(r);
        node.children.push(child);
        rest = after;
    }
}

impl Node {
    fn names(&self) -> Vec<&str> {
        self.children.iter().map(|c| c.name.as_str()).collect()
    }
    fn get(&self, name: &str) -> &Node {
        self.children.iter().find(|c| c.name == name).unwrap_or_else(|| panic!("{name} in {}", self.name))
    }
    fn all(&self, name: &str) -> Vec<&Node> {
        self.children.iter().filter(|c| c.name == name).collect()
    }
    fn t(&self, name: &str) -> &str {
        &self.get(name).text
    }
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn known() -> CensusReturn {
    CensusReturn {
        header: Header { year: 2026, reference_date: d("2026-03-31"), lea: "999".into() },
        children: vec![
            CensusChild {
                child_id: "c1".into(),
                family_id: "f1".into(),
                la_child_id: "LA0001".into(),
                upn: Some("A123456789012".into()),
                upn_unknown: None,
                birth_date: Some(d("2015-06-01")),
                expected_birth_date: None,
                sex: "F".into(),
                death_date: Some(d("2026-03-30")),
                ethnicity: "WBRI".into(),
                disabilities: vec!["HEAR".into(), "VIS".into()],
                episodes: vec![Episode {
                    referral_date: d("2025-05-01"),
                    referral_source: "2A".into(),
                    primary_need: Some("N1".into()),
                    closure_date: Some(d("2026-03-30")),
                    closure_reason: Some("RC2".into()),
                    nfa: false,
                    icpc: None,
                    assessments: vec![Assessment {
                        start: d("2025-05-02"),
                        authorised: Some(d("2025-05-20")),
                        factors: vec!["2B".into(), "3B".into()],
                    }],
                    cin_plans: vec![CinPlanDates { start: d("2025-11-20"), end: Some(d("2026-03-30")) }],
                    section47s: vec![Section47 {
                        start: Some(d("2025-05-06")),
                        icpc_target: Some(d("2025-05-27")),
                        icpc: Some(d("2025-05-22")),
                        icpc_not_required: false,
                    }],
                    cp_plans: vec![CpPlan {
                        start: Some(d("2025-05-22")),
                        end: Some(d("2025-11-20")),
                        initial_category: Some("NEG".into()),
                        latest_category: Some("EMO".into()),
                        previous_plans: Some(2),
                        reviews: Some(vec![d("2025-08-21"), d("2025-11-20")]),
                    }],
                }],
            },
            CensusChild {
                child_id: "c2".into(),
                family_id: "f2".into(),
                la_child_id: "LA0002".into(),
                upn: None,
                upn_unknown: Some("UN6".into()),
                birth_date: None,
                expected_birth_date: Some(d("2026-05-01")),
                sex: "U".into(),
                death_date: None,
                ethnicity: "NOBT".into(),
                disabilities: vec!["NONE".into()],
                episodes: vec![Episode {
                    referral_date: d("2025-06-02"),
                    referral_source: "3B".into(),
                    primary_need: None,
                    closure_date: Some(d("2025-06-03")),
                    closure_reason: Some("RC8".into()),
                    nfa: true,
                    icpc: Some(d("2025-06-03")),
                    assessments: vec![],
                    cin_plans: vec![],
                    section47s: vec![],
                    cp_plans: vec![],
                }],
            },
        ],
    }
}

fn source() -> Source {
    Source {
        software_code: "confer".into(),
        release: "0.1.0".into(),
        serial_no: 1,
        date_time: d("2026-03-31").and_hms_opt(0, 0, 0).unwrap(),
    }
}

#[test]
fn census_xml_has_every_field_in_the_specifications_order() {
    let bytes = xml(&known(), &source());
    let m = parse(&bytes);
    assert_eq!(m.name, "Message");
    assert_eq!(m.names(), ["Header", "Children"]);
    let h = m.get("Header");
    assert_eq!(h.names(), ["CollectionDetails", "Source", "Content"]);
    let cd = h.get("CollectionDetails");
    assert_eq!(cd.names(), ["Collection", "Year", "ReferenceDate"]);
    assert_eq!((cd.t("Collection"), cd.t("Year"), cd.t("ReferenceDate")), ("CIN", "2026", "2026-03-31"));
    let s = h.get("Source");
    assert_eq!(s.names(), ["SourceLevel", "LEA", "SoftwareCode", "Release", "SerialNo", "DateTime"]);
    assert_eq!(
        [s.t("SourceLevel"), s.t("LEA"), s.t("SoftwareCode"), s.t("Release"), s.t("SerialNo"), s.t("DateTime")],
        ["L", "999", "confer", "0.1.0", "1", "2026-03-31T00:00:00"]
    );
    assert_eq!(h.get("Content").get("CBDSLevels").t("CBDSLevel"), "Child");
    let children = m.get("Children").all("Child");
    assert_eq!(children.len(), 2);
    let c = children[0];
    assert_eq!(c.names(), ["ChildIdentifiers", "ChildCharacteristics", "CINdetails"]);
    let ids = c.get("ChildIdentifiers");
    assert_eq!(ids.names(), ["LAchildID", "UPN", "PersonBirthDate", "Sex", "PersonDeathDate"]);
    assert_eq!(
        [ids.t("LAchildID"), ids.t("UPN"), ids.t("PersonBirthDate"), ids.t("Sex"), ids.t("PersonDeathDate")],
        ["LA0001", "A123456789012", "2015-06-01", "F", "2026-03-30"]
    );
    let ch = c.get("ChildCharacteristics");
    assert_eq!(ch.t("Ethnicity"), "WBRI");
    let dis: Vec<&str> = ch.get("Disabilities").all("Disability").iter().map(|n| n.text.as_str()).collect();
    assert_eq!(dis, ["HEAR", "VIS"]);
    let e = c.get("CINdetails");
    assert_eq!(
        e.names(),
        [
            "CINreferralDate",
            "ReferralSource",
            "PrimaryNeedCode",
            "CINclosureDate",
            "ReasonForClosure",
            "Assessments",
            "CINPlanDates",
            "Section47",
            "ReferralNFA",
            "ChildProtectionPlans"
        ]
    );
    assert_eq!(
        [
            e.t("CINreferralDate"),
            e.t("ReferralSource"),
            e.t("PrimaryNeedCode"),
            e.t("CINclosureDate"),
            e.t("ReasonForClosure"),
            e.t("ReferralNFA")
        ],
        ["2025-05-01", "2A", "N1", "2026-03-30", "RC2", "false"]
    );
    let a = e.get("Assessments");
    assert_eq!(
        a.names(),
        ["AssessmentActualStartDate", "AssessmentAuthorisationDate", "FactorsIdentifiedAtAssessment"]
    );
    assert_eq!((a.t("AssessmentActualStartDate"), a.t("AssessmentAuthorisationDate")), ("2025-05-02", "2025-05-20"));
    let f: Vec<&str> =
        a.get("FactorsIdentifiedAtAssessment").all("AssessmentFactors").iter().map(|n| n.text.as_str()).collect();
    assert_eq!(f, ["2B", "3B"]);
    let p = e.get("CINPlanDates");
    assert_eq!((p.t("CINPlanStartDate"), p.t("CINPlanEndDate")), ("2025-11-20", "2026-03-30"));
    let s47 = e.get("Section47");
    assert_eq!(s47.names(), ["S47ActualStartDate", "InitialCPCtarget", "DateOfInitialCPC", "ICPCnotRequired"]);
    assert_eq!(
        [s47.t("S47ActualStartDate"), s47.t("InitialCPCtarget"), s47.t("DateOfInitialCPC"), s47.t("ICPCnotRequired")],
        ["2025-05-06", "2025-05-27", "2025-05-22", "false"]
    );
    let cp = e.get("ChildProtectionPlans");
    assert_eq!(
        cp.names(),
        [
            "CPPstartDate",
            "CPPendDate",
            "InitialCategoryOfAbuse",
            "LatestCategoryOfAbuse",
            "NumberOfPreviousCPP",
            "Reviews"
        ]
    );
    assert_eq!(
        [
            cp.t("CPPstartDate"),
            cp.t("CPPendDate"),
            cp.t("InitialCategoryOfAbuse"),
            cp.t("LatestCategoryOfAbuse"),
            cp.t("NumberOfPreviousCPP")
        ],
        ["2025-05-22", "2025-11-20", "NEG", "EMO", "2"]
    );
    let reviews: Vec<&str> = cp.get("Reviews").all("CPPreviewDate").iter().map(|n| n.text.as_str()).collect();
    assert_eq!(reviews, ["2025-08-21", "2025-11-20"], "every review in ONE Reviews group");
    // The unborn child: no UPN but the reason, the expected date, U; an NFA episode with no
    // primary need and a CINdetails-level ICPC.
    let c2 = children[1];
    let ids = c2.get("ChildIdentifiers");
    assert_eq!(ids.names(), ["LAchildID", "UPNunknown", "ExpectedPersonBirthDate", "Sex"]);
    assert_eq!([ids.t("UPNunknown"), ids.t("ExpectedPersonBirthDate"), ids.t("Sex")], ["UN6", "2026-05-01", "U"]);
    let e2 = c2.get("CINdetails");
    assert_eq!(
        e2.names(),
        ["CINreferralDate", "ReferralSource", "CINclosureDate", "ReasonForClosure", "DateOfInitialCPC", "ReferralNFA"]
    );
    assert_eq!((e2.t("DateOfInitialCPC"), e2.t("ReferralNFA")), ("2025-06-03", "true"));
}

#[test]
fn census_xml_escapes_text_and_is_reproducible() {
    let mut r = known();
    r.children[0].la_child_id = "A<&>\"'\u{1}B".into();
    let bytes = xml(&r, &source());
    let m = parse(&bytes);
    let id = m.get("Children").all("Child")[0].get("ChildIdentifiers").t("LAchildID").to_owned();
    assert_eq!(id, "A<&>\"'B", "escaped and read back; the control character dropped");
    assert_eq!(xml(&r, &source()), bytes, "the same return gives the same bytes");
}

#[test]
fn census_csv_one_row_per_episode() {
    let bytes = csv(&known());
    let text = String::from_utf8(bytes).unwrap();
    let lines: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 3);
    assert!(lines[0].starts_with("LAchildID,UPN,UPNunknown,PersonBirthDate"));
    assert_eq!(
        lines[1],
        "LA0001,A123456789012,,2015-06-01,,F,2026-03-30,WBRI,HEAR VIS,2025-05-01,2A,N1,2026-03-30,RC2,,false,2025-05-02,2025-05-20,2B 3B,2025-11-20,2026-03-30,2025-05-06,2025-05-27,2025-05-22,false,2025-05-22,2025-11-20,NEG,EMO,2,2025-08-21 2025-11-20"
    );
    assert_eq!(
        lines[2],
        "LA0002,,UN6,,2026-05-01,U,,NOBT,NONE,2025-06-02,3B,,2025-06-03,RC8,2025-06-03,true,,,,,,,,,,,,,,,"
    );
}
