//! What the Children in Need census needs of each demo child (issue 15): a UPN or the reason
//! there is none, and one episode from the day the case opened, with a referral source, a
//! primary need, an assessment, the enquiry of a case still at the enquiry stage, and the
//! closure of a closed case. Deterministic for the seed and the family's index, and valid by
//! the DfE's rules (the demo authority's export has no errors: tested in the store).

use super::{splitmix64, Demo, DemoFamily};
use chrono::Duration;
use confer_domain::census::{Assessment, RecordedEnquiry, RecordedEpisode};
use confer_domain::model::{Birth, CaseStage, ChildId};
use fastrand::Rng;

/// One demo child's census details.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChildCensusSeed {
    pub child_id: ChildId,
    pub upn: Option<String>,
    pub upn_unknown: Option<String>,
    pub episodes: Vec<RecordedEpisode>,
}

/// Referral sources, weighted roughly as England's referrals come in (police and schools most).
const SOURCES: &[(&str, u32)] = &[
    ("6", 30),
    ("2A", 18),
    ("3B", 6),
    ("3A", 4),
    ("3E", 4),
    ("5A", 10),
    ("5D", 5),
    ("1A", 7),
    ("1C", 2),
    ("4", 3),
    ("8", 4),
    ("9", 2),
    ("5C", 5),
];

fn weighted(rng: &mut Rng, items: &[(&'static str, u32)]) -> &'static str {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut pick = rng.u32(0..total);
    for (item, w) in items {
        if pick < *w {
            return item;
        }
        pick -= w;
    }
    items[0].0
}

impl Demo {
    /// The census details of each child of the family at `index`.
    ///
    /// A child who had an earlier plan ([`Demo::earlier_plan`]) has that episode first: referred,
    /// assessed, and closed the day the review ended the plan.
    pub fn census(
        &self,
        family: &DemoFamily,
        index: u32,
        calendar: &dyn confer_domain::calendar::WorkingCalendar,
    ) -> Vec<ChildCensusSeed> {
        let earlier = self.earlier_plan(family, index, calendar);
        let mut rng = Rng::with_seed(splitmix64(splitmix64(self.options.seed ^ 0xC1_75EA) ^ index as u64));
        let case = &family.case;
        let opened = case.opened_on;
        let source = weighted(&mut rng, SOURCES);
        let (need, closure) = match case.stage {
            CaseStage::ChildInNeedPlan => (["N4", "N5", "N3"][rng.usize(0..3)], None),
            CaseStage::Closed => {
                // Closed between 30 days after opening and today.
                let span = (self.today - opened).num_days().max(31);
                let closed = (opened + Duration::days(rng.i64(30..=span))).min(self.today);
                (["N1", "N4", "N5"][rng.usize(0..3)], Some((closed, ["RC7", "RC3", "RC5"][rng.usize(0..3)])))
            }
            _ => ("N1", None),
        };
        let enquiry_open = case.stage == CaseStage::Enquiry;
        family
            .children
            .iter()
            .enumerate()
            .map(|(k, c)| {
                let (upn, upn_unknown) = match c.birth {
                    Birth::Born(dob) if self.today.years_since(dob).unwrap_or(0) >= 6 => {
                        // A fictional UPN: "Z" and twelve digits from the family and child (the
                        // DfE's check letter is not computed: this is not a real pupil).
                        (Some(format!("Z{:09}{:03}", index % 1_000_000_000, k % 1000)), None)
                    }
                    Birth::Born(_) => (None, Some("UN6".to_owned())),
                    Birth::Unborn { .. } => (None, Some("UN6".to_owned())),
                };
                let assessment = Assessment {
                    start: opened,
                    authorised: Some(opened + Duration::days(10)).filter(|d| *d <= self.today),
                    factors: vec![["2B", "3B", "4B", "10A", "22A"][(index as usize + k) % 5].to_owned()],
                };
                let episode = RecordedEpisode {
                    referral_date: opened,
                    referral_source: source.to_owned(),
                    primary_need: Some(need.to_owned()),
                    nfa: false,
                    closure_date: closure.map(|(d, _)| d),
                    closure_reason: closure.map(|(_, r)| r.to_owned()),
                    assessments: vec![assessment],
                    enquiries: if enquiry_open {
                        vec![RecordedEnquiry { start: opened, icpc_not_required: false }]
                    } else {
                        Vec::new()
                    },
                };
                let mut episodes = Vec::new();
                if let Some(e) = earlier.filter(|e| matches!(c.birth, Birth::Born(b) if b < e.referral)) {
                    episodes.push(RecordedEpisode {
                        referral_date: e.referral,
                        referral_source: source.to_owned(),
                        primary_need: Some("N1".to_owned()),
                        nfa: false,
                        closure_date: Some(e.ended),
                        closure_reason: Some("RC7".to_owned()),
                        assessments: vec![Assessment {
                            start: e.referral,
                            authorised: Some(e.referral + Duration::days(10)),
                            factors: vec!["2B".to_owned()],
                        }],
                        enquiries: Vec::new(),
                    });
                }
                episodes.push(episode);
                ChildCensusSeed { child_id: c.id.clone(), upn, upn_unknown, episodes }
            })
            .collect()
    }
}
