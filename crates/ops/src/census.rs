//! England's Children in Need census (issue 15), for the pages and the command line: a
//! child's census details (read and saved at the family's version), and the return for a
//! collection year: made from what confer holds, checked by the DfE's rules, written as XML
//! or CSV, and every export audited (who, which year, the digest of the bytes).

use crate::{Ops, OpsError, Result};
use chrono::NaiveDate;
use confer_domain::access::{decide, Action, Actor, Decision, Target};
use confer_domain::census::{assemble, validate, CensusForm, CensusReturn, CensusYear, Finding, Header, Severity};
use confer_domain::{Authority, AuthorityId, Nation, UserId};
use confer_store::census::{self as store, ChildCensus};
use confer_store::families::ChangeError;
use sha2::{Digest, Sha256};

/// Who asks: a person signed in (the access policy decides), or the server's operator at the
/// command line (who holds the database itself).
#[derive(Debug, Clone, Copy)]
pub enum By<'a> {
    Person(&'a Actor),
    Operator,
}

impl By<'_> {
    fn audit_name(&self) -> &str {
        match self {
            By::Person(a) => a.user_id.as_str(),
            By::Operator => crate::accounts::OPERATOR,
        }
    }
}

fn allow_returns(by: By<'_>, authority: &AuthorityId) -> Result<()> {
    match by {
        By::Operator => Ok(()),
        By::Person(actor) => match decide(actor, Action::ExportReturns, Target::Authority(authority)) {
            Decision::Allow => Ok(()),
            Decision::Forbidden => Err(OpsError::Forbidden),
            Decision::NotFound => Err(OpsError::NotFound),
        },
    }
}

async fn allow_record(ops: &Ops, actor: &Actor, action: Action, family_id: &str) -> Result<()> {
    let Some(authority) = confer_store::families::family_authority(&ops.db, family_id).await? else {
        return Err(OpsError::NotFound);
    };
    let relationships = confer_store::families::relationships(&ops.db, &actor.user_id, family_id).await?;
    match decide(actor, action, Target::Record { authority_id: &authority, relationships: &relationships }) {
        Decision::Allow => Ok(()),
        Decision::Forbidden => Err(OpsError::Forbidden),
        Decision::NotFound => Err(OpsError::NotFound),
    }
}

/// A child's census details, for the census page (a read of the family's record, logged).
pub async fn child(ops: &Ops, actor: &Actor, family_id: &str, child_id: &str) -> Result<ChildCensus> {
    allow_record(ops, actor, Action::EditFamilyRecord, family_id).await?;
    if confer_store::families::family_of_child(&ops.db, child_id).await?.as_deref() != Some(family_id) {
        return Err(OpsError::NotFound);
    }
    confer_store::families::log_read(&ops.db, &actor.authority_id, &actor.user_id, family_id, "family.census.read")
        .await?;
    Ok(store::of_child(&ops.db, child_id).await?)
}

/// Why the census form was not saved.
#[derive(Debug)]
pub enum SaveCensusError {
    /// What to fix, by field (the form is shown again with what was typed).
    Invalid(confer_domain::validate::FormErrors),
    Ops(OpsError),
}

impl From<OpsError> for SaveCensusError {
    fn from(e: OpsError) -> Self {
        SaveCensusError::Ops(e)
    }
}

/// Saves a child's census details (the identifiers and one episode) at the family's version.
pub async fn save_child(
    ops: &Ops,
    actor: &Actor,
    family_id: &str,
    child_id: &str,
    form: &CensusForm,
    version: i64,
) -> std::result::Result<i64, SaveCensusError> {
    let current = child(ops, actor, family_id, child_id).await?;
    let existing = current.episodes.iter().find(|e| e.id == form.episode_id.trim()).map(|e| &e.episode);
    if !form.episode_id.trim().is_empty() && existing.is_none() {
        return Err(OpsError::NotFound.into());
    }
    let checked = form.check(ops.clock.today(), existing).map_err(SaveCensusError::Invalid)?;
    let change = store::CensusChange {
        upn: checked.upn,
        upn_unknown: checked.upn_unknown,
        death_date: checked.death_date,
        episode: checked.episode,
    };
    match store::save_child(&ops.db, family_id, child_id, version, &change, &actor.user_id).await {
        Ok(v) => Ok(v),
        Err(ChangeError::Conflict { current_version }) => Err(OpsError::Conflict { current_version }.into()),
        Err(ChangeError::Invalid(e)) => Err(OpsError::invalid("", e.message).into()),
        Err(ChangeError::Store(e)) => Err(OpsError::from(e).into()),
    }
}

/// The return for a year with what its rules found.
#[derive(Debug, Clone)]
pub struct CensusReport {
    pub authority: Authority,
    pub year: CensusYear,
    pub ret: CensusReturn,
    pub findings: Vec<Finding>,
}

impl CensusReport {
    pub fn errors(&self) -> usize {
        self.findings.iter().filter(|f| f.severity == Severity::Error).count()
    }
    pub fn queries(&self) -> usize {
        self.findings.iter().filter(|f| f.severity == Severity::Query).count()
    }
}

/// Makes the return of an English authority for the collection year ending 31 March `year`
/// and runs the rules on it (with the authority's calendar). Reads every child of the
/// authority: the page logs it as a list read; the export logs the export.
pub async fn report(ops: &Ops, by: By<'_>, authority: &AuthorityId, year: i32) -> Result<CensusReport> {
    allow_returns(by, authority)?;
    let Some(year) = CensusYear::new(year) else {
        return Err(OpsError::invalid(
            "year",
            "Enter a year from 2000 to 2100, such as 2026 for the year ending 31 March 2026",
        ));
    };
    let a = ops.authority(authority).await?;
    if a.nation != Nation::England {
        return Err(OpsError::Declined {
            message: format!("The Children in Need census is England's return; {} is in {}.", a.name, a.nation.label()),
        });
    }
    let rules = ops.rules(authority).await?;
    let sources = store::sources(&ops.db, authority).await?;
    let children = sources
        .iter()
        .filter_map(|s| assemble(year, &s.child, &s.episodes, &s.conferences, &s.plans, &rules.calendar))
        .collect();
    let ret = CensusReturn {
        header: Header { year: year.year, reference_date: year.reference_date(), lea: a.code.clone() },
        children,
    };
    let findings = validate(&ret, &rules.calendar);
    Ok(CensusReport { authority: a, year, ret, findings })
}

/// The file's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xml,
    Csv,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Xml => "xml",
            Format::Csv => "csv",
        }
    }
}

/// What an export gave.
#[derive(Debug, Clone)]
pub enum Exported {
    /// The file, its SHA-256 (hex) and what the rules found (queries, and errors when allowed).
    Written { bytes: Vec<u8>, digest: String, report: CensusReport },
    /// Not written: the return has errors and they were not allowed.
    Refused { report: CensusReport },
}

/// The header's DateTime: the collection's reference date at midnight, so the same data and
/// year give the same bytes whenever the file is made (RETURNS.md: returns are reproducible).
pub fn header_date_time(year: CensusYear) -> chrono::NaiveDateTime {
    year.reference_date().and_time(chrono::NaiveTime::MIN)
}

/// Makes the file for the year, refusing when the return has errors unless `allow_errors`;
/// every file made is audited (who, year, format, digest, counts) before it is handed out.
pub async fn export(
    ops: &Ops,
    by: By<'_>,
    authority: &AuthorityId,
    year: i32,
    format: Format,
    allow_errors: bool,
) -> Result<Exported> {
    let report = report(ops, by, authority, year).await?;
    if report.errors() > 0 && !allow_errors {
        return Ok(Exported::Refused { report });
    }
    let bytes = match format {
        Format::Xml => confer_docs::census::xml(
            &report.ret,
            &confer_docs::census::Source {
                software_code: "confer".into(),
                release: env!("CARGO_PKG_VERSION").into(),
                serial_no: 1,
                date_time: header_date_time(report.year),
            },
        ),
        Format::Csv => confer_docs::census::csv(&report.ret),
    };
    let digest = hex::encode(Sha256::digest(&bytes));
    store::log_export(
        &ops.db,
        authority,
        &UserId(by.audit_name().to_owned()),
        &format!("cin-census-{}", report.year.year),
        serde_json::json!({
            "return": "cin-census",
            "year": report.year.year,
            "format": format.as_str(),
            "sha256": digest,
            "children": report.ret.children.len(),
            "errors": report.errors(),
            "queries": report.queries(),
            "allow_errors": allow_errors,
        }),
    )
    .await?;
    Ok(Exported::Written { bytes, digest, report })
}

/// The collection year a day falls in (the year ending the next 31 March).
pub fn year_of(day: NaiveDate) -> i32 {
    use chrono::Datelike;
    if day.month() >= 4 {
        day.year() + 1
    } else {
        day.year()
    }
}
