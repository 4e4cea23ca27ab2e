//! A posted form read as name/value pairs, for pages whose forms carry a varying set of fields
//! (a step's own fields, a question per line). One reader for all of them.

use crate::error::AppError;

/// The fields of a posted form, in the order sent (a name may repeat).
pub type Pairs = Vec<(String, String)>;

/// Reads a URL-encoded form body; a body that is not one is a bad request, said plainly.
pub fn pairs_of(body: &[u8]) -> Result<Pairs, AppError> {
    serde_urlencoded::from_bytes(body).map_err(|_| AppError::BadRequest("The form could not be read.".into()))
}

/// The first value sent under `k`, trimmed; empty when it was not sent.
pub fn field(p: &Pairs, k: &str) -> String {
    p.iter().find(|(n, _)| n == k).map(|(_, v)| v.trim().to_owned()).unwrap_or_default()
}
