//! The one error of the operations layer. Each adapter maps each variant to one answer
//! (the web: one HTTP status per variant, the same on the API and the pages).

use confer_domain::conference::ConferenceError;
use confer_store::versioned::SaveError;
use confer_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum OpsError {
    /// Not there, another tenant's, or the person has no relationship to it: all answer the
    /// same, so nothing is said about a record the person may not reach.
    #[error("not found")]
    NotFound,
    /// The person may see it but may not do this.
    #[error("not allowed")]
    Forbidden,
    /// Someone else saved first; nothing was saved over their change.
    #[error("someone else changed this since you last saw it (it is now at version {current_version})")]
    Conflict { current_version: i64 },
    /// The domain's rules said no, with their reason.
    #[error(transparent)]
    Refused(#[from] ConferenceError),
    /// The input names something that cannot be used (a user of another authority, a child
    /// not in the family, a time that is not a time): `field` names what to fix.
    #[error("{message}")]
    Invalid { field: &'static str, message: String },
    /// A value that must be unique is taken (from the database's constraint, by its name).
    #[error("{message}")]
    Duplicate { message: String },
    /// An account operation the rules refuse as things stand, with the reason and what to do
    /// (an account that may not hold a token): nothing was made or changed. The account's
    /// counterpart of [`OpsError::Refused`], answered the same way.
    #[error("{message}")]
    Declined { message: String },
    /// The database cannot be reached.
    #[error("the database is not available")]
    Unavailable,
    /// A fault of the service (logged, never shown).
    #[error("internal error: {0}")]
    Internal(String),
}

impl OpsError {
    pub fn invalid(field: &'static str, message: impl Into<String>) -> OpsError {
        OpsError::Invalid { field, message: message.into() }
    }
}

impl From<StoreError> for OpsError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => OpsError::NotFound,
            StoreError::Unavailable(_) => OpsError::Unavailable,
            StoreError::Conflict(message) => OpsError::Duplicate { message },
            StoreError::InvalidInput(message) => OpsError::Invalid { field: "", message },
            other => OpsError::Internal(describe(&other)),
        }
    }
}

/// Every versioned save is answered the same way: the domain's refusal as its own error maps.
impl<E: Into<OpsError>> From<SaveError<E>> for OpsError {
    fn from(e: SaveError<E>) -> Self {
        match e {
            SaveError::NotFound => OpsError::NotFound,
            SaveError::Conflict { current_version } => OpsError::Conflict { current_version },
            SaveError::Refused(r) => r.into(),
            SaveError::Store(s) => s.into(),
        }
    }
}

/// The error and its sources, for the log (never personal data: sqlx errors name tables, not values).
pub fn describe(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(inner) = src {
        s.push_str(": ");
        s.push_str(&inner.to_string());
        src = inner.source();
    }
    s
}
