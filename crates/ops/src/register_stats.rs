//! Child protection register statistics of Wales, Scotland and Northern Ireland (issue 15),
//! for the returns page and the command line: the nation's figures for its year, from the
//! same data as England's returns, as CSV in the nation's words; every file audited (who,
//! the year, the digest of the bytes).

use crate::census::By;
use crate::{Ops, OpsError, Result};
use confer_domain::access::{decide, Action, Decision, Target};
use confer_domain::register_stats::{figures, Figure, RegisterChild, StatsYear};
use confer_domain::{Authority, AuthorityId, Nation, UserId};
use sha2::{Digest, Sha256};

/// The figures of an authority for a year.
#[derive(Debug, Clone)]
pub struct RegisterStats {
    pub authority: Authority,
    pub year: StatsYear,
    pub figures: Vec<Figure>,
}

/// The figures for the statistical year ending in `year` (31 July in Scotland, 31 March in
/// Wales and Northern Ireland). England's authorities make the census instead.
pub async fn report(ops: &Ops, by: By<'_>, authority: &AuthorityId, year: i32) -> Result<RegisterStats> {
    if let By::Person(actor) = by {
        match decide(actor, Action::ExportReturns, Target::Authority(authority)) {
            Decision::Allow => {}
            Decision::Forbidden => return Err(OpsError::Forbidden),
            Decision::NotFound => return Err(OpsError::NotFound),
        }
    }
    let a = ops.authority(authority).await?;
    if a.nation == Nation::England {
        return Err(OpsError::Declined {
            message: format!("{} is in England: its return is the Children in Need census.", a.name),
        });
    }
    let Some(year) = StatsYear::new(a.nation, year) else {
        return Err(OpsError::invalid("year", "Enter a year from 2000 to 2100: the year the statistics year ends in"));
    };
    let sources = confer_store::register_stats::sources(&ops.db, authority).await?;
    let figures = figures(
        year,
        sources.iter().map(|(s, held)| RegisterChild { child: &s.child, conferences: held, plans: &s.plans }),
    );
    Ok(RegisterStats { authority: a, year, figures })
}

/// The CSV, its SHA-256 (hex) and the figures; audited before it is handed out.
pub async fn export(
    ops: &Ops,
    by: By<'_>,
    authority: &AuthorityId,
    year: i32,
) -> Result<(Vec<u8>, String, RegisterStats)> {
    let stats = report(ops, by, authority, year).await?;
    let bytes = confer_docs::register_stats::csv(stats.year, &stats.authority.name, &stats.figures);
    let digest = hex::encode(Sha256::digest(&bytes));
    let actor = match by {
        By::Person(a) => a.user_id.clone(),
        By::Operator => UserId(crate::accounts::OPERATOR.to_owned()),
    };
    confer_store::census::log_export(
        &ops.db,
        authority,
        &actor,
        &format!("register-stats-{}", stats.year.year),
        serde_json::json!({
            "return": "register-stats",
            "nation": stats.year.nation.as_str(),
            "year": stats.year.year,
            "from": stats.year.start().to_string(),
            "to": stats.year.end().to_string(),
            "format": "csv",
            "sha256": digest,
            "figures": stats.figures.len(),
        }),
    )
    .await?;
    Ok((bytes, digest, stats))
}
