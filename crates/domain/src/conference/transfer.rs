//! A transfer-in conference (TIME-02): the child arrives on a plan made by another authority.
//! The conference records which authority and when the plan began there, so the chair and
//! the record can follow the plan's history. (DOMAIN.md has no TRANS-* rules; this is what a
//! careful chair expects to see at a transfer-in conference.)

use super::{Acting, ConferenceError, ConferenceKind, ConferenceState, Duty, Outcome};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Where a transferred child's plan was made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransferFrom {
    /// The authority the child moved from.
    pub authority: String,
    /// The day the child protection plan began there.
    pub plan_started_on: NaiveDate,
}

impl TransferFrom {
    /// Checks what the request says of the transfer: the authority named, the plan's start not
    /// in the future and not after this authority was told of the move.
    pub fn new(
        authority: &str,
        plan_started_on: Option<NaiveDate>,
        notified_on: Option<NaiveDate>,
        today: NaiveDate,
    ) -> Outcome<TransferFrom> {
        let authority = authority.trim();
        if authority.is_empty() {
            return Err(ConferenceError::Missing { what: "the name of the authority the child moved from" });
        }
        let Some(started) = plan_started_on else {
            return Err(ConferenceError::Missing { what: "the date the child protection plan began there" });
        };
        if started > today {
            return Err(ConferenceError::BadDate {
                what: "The date the plan began",
                date: started,
                problem: "is in the future",
            });
        }
        if notified_on.is_some_and(|n| started > n) {
            return Err(ConferenceError::BadDate {
                what: "The date the plan began",
                date: started,
                problem: "is after this authority was told the child moved in",
            });
        }
        Ok(TransferFrom { authority: authority.to_owned(), plan_started_on: started })
    }
}

impl super::Conference {
    /// TIME-02: records where a transferred child's plan was made (before the meeting).
    pub fn record_transfer_from(&mut self, who: &Acting, from: TransferFrom, today: NaiveDate) -> Outcome {
        self.require(who, Duty::Request, "record where the child moved from")?;
        if self.kind != ConferenceKind::TransferIn {
            return Err(ConferenceError::WrongState {
                action: "record where the child moved from",
                state: self.state,
                hint: "Only a transfer-in conference records the authority the child moved from.",
            });
        }
        self.require_state(
            &[ConferenceState::Requested, ConferenceState::Scheduled],
            "record where the child moved from",
            "It is recorded before the meeting.",
        )?;
        let from = TransferFrom::new(&from.authority, Some(from.plan_started_on), self.transfer_notified_on, today)?;
        self.transfer_from = Some(from);
        Ok(())
    }

    pub fn transfer_from(&self) -> Option<&TransferFrom> {
        self.transfer_from.as_ref()
    }
}
