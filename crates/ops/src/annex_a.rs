//! Ofsted's Annex A lists (issue 15) for the pages and the command line: List 5 (section 47
//! enquiries and initial conferences), List 6 (children in need) and List 7 (children on a
//! child protection plan) of an English authority for a period the user chooses, made from
//! what confer holds, written as one workbook (XLSX) or a CSV file a list; every file made is
//! audited (who, the period, the format, the SHA-256 of the bytes, the row counts).

use crate::census::By;
use crate::{Ops, OpsError, Result};
use confer_domain::access::{decide, Action, Decision, Target};
use confer_domain::annex_a::{ChildInput, ListNo, Lists, Period};
use confer_domain::{Authority, AuthorityId, Nation, UserId};
use sha2::{Digest, Sha256};

fn allow(by: By<'_>, authority: &AuthorityId) -> Result<()> {
    match by {
        By::Operator => Ok(()),
        By::Person(actor) => match decide(actor, Action::ExportReturns, Target::Authority(authority)) {
            Decision::Allow => Ok(()),
            Decision::Forbidden => Err(OpsError::Forbidden),
            Decision::NotFound => Err(OpsError::NotFound),
        },
    }
}

/// The lists of an authority for a period, with the families they name (for the read log).
#[derive(Debug, Clone)]
pub struct AnnexA {
    pub authority: Authority,
    pub period: Period,
    pub lists: Lists,
    /// The families with a row in any list, sorted, once each.
    pub families: Vec<String>,
}

/// Makes the three lists (England only: Annex A is Ofsted's).
pub async fn report(ops: &Ops, by: By<'_>, authority: &AuthorityId, period: Period) -> Result<AnnexA> {
    allow(by, authority)?;
    let a = ops.authority(authority).await?;
    if a.nation != Nation::England {
        return Err(OpsError::Declined {
            message: format!(
                "Annex A is Ofsted's list for English authorities; {} is in {}.",
                a.name,
                a.nation.label()
            ),
        });
    }
    let sources = confer_store::annex_a::sources(&ops.db, authority).await?;
    let mut families = Vec::new();
    let mut out = Lists::default();
    for s in &sources {
        let before = out.list5.len() + out.list6.len() + out.list7.len();
        confer_domain::annex_a::child_rows(
            &ChildInput {
                child: &s.sources.child,
                episodes: &s.sources.episodes,
                conferences: &s.sources.conferences,
                plans: &s.plans,
                allocated: &s.allocated,
            },
            period,
            &mut out,
        );
        if out.list5.len() + out.list6.len() + out.list7.len() > before {
            families.push(s.sources.child.family_id.clone());
        }
    }
    families.sort_unstable();
    families.dedup();
    Ok(AnnexA { authority: a, period, lists: out, families })
}

/// The file's format: the workbook, or one list as CSV.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Csv(ListNo),
}

impl Format {
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "xlsx" => Some(Format::Xlsx),
            other => other.strip_prefix("csv").and_then(|n| ListNo::parse(n.trim_start_matches('-'))).map(Format::Csv),
        }
    }
    /// As the audit and the download's name say it: "xlsx", "csv-list5".
    pub fn name(self) -> String {
        match self {
            Format::Xlsx => "xlsx".into(),
            Format::Csv(l) => format!("csv-list{}", l.number()),
        }
    }
    pub fn file_name(self, code: &str, period: Period) -> String {
        match self {
            Format::Xlsx => format!("annex-a-{code}-{}-{}.xlsx", period.from, period.to),
            Format::Csv(l) => format!("annex-a-list{}-{code}-{}-{}.csv", l.number(), period.from, period.to),
        }
    }
}

/// A file made.
#[derive(Debug, Clone)]
pub struct Exported {
    pub bytes: Vec<u8>,
    /// SHA-256 of the bytes, hex.
    pub digest: String,
    pub report: AnnexA,
}

/// Writes the file and audits it before it is handed out.
pub async fn export(
    ops: &Ops,
    by: By<'_>,
    authority: &AuthorityId,
    period: Period,
    format: Format,
) -> Result<Exported> {
    let report = report(ops, by, authority, period).await?;
    let bytes = match format {
        Format::Xlsx => confer_docs::annex_a::xlsx(&report.lists, period.to)
            .map_err(|e| OpsError::Internal(format!("Annex A workbook: {e}")))?,
        Format::Csv(list) => confer_docs::annex_a::csv(&report.lists, list),
    };
    let digest = hex::encode(Sha256::digest(&bytes));
    let actor = match by {
        By::Person(a) => a.user_id.clone(),
        By::Operator => UserId(crate::accounts::OPERATOR.to_owned()),
    };
    confer_store::census::log_export(
        &ops.db,
        authority,
        &actor,
        &format!("annex-a-{}-{}", period.from, period.to),
        serde_json::json!({
            "return": "annex-a",
            "from": period.from.to_string(),
            "to": period.to.to_string(),
            "format": format.name(),
            "sha256": digest,
            "list5": report.lists.list5.len(),
            "list6": report.lists.list6.len(),
            "list7": report.lists.list7.len(),
        }),
    )
    .await?;
    Ok(Exported { bytes, digest, report })
}
