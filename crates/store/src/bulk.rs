//! Many rows in one statement, for the demo's bulk load (issue 12): a batch of families is
//! written with one multi-row INSERT per table (in chunks that stay under both databases'
//! limits on bound values) instead of one INSERT per row, so the load costs a few hundred
//! round trips to the database per batch fewer. Portable SQL, `INSERT … VALUES (…), (…)`,
//! but not the same placeholders ([`placeholder`]).

use crate::{Result, Tx};

/// One bound value.
pub(crate) enum V {
    Text(String),
    Opt(Option<String>),
    Int(i64),
}

impl From<&str> for V {
    fn from(s: &str) -> V {
        V::Text(s.to_owned())
    }
}
impl From<String> for V {
    fn from(s: String) -> V {
        V::Text(s)
    }
}
impl From<Option<String>> for V {
    fn from(s: Option<String>) -> V {
        V::Opt(s)
    }
}
impl From<i64> for V {
    fn from(n: i64) -> V {
        V::Int(n)
    }
}

/// At most this many values are bound in one statement (SQLite takes 32,766 since 3.32,
/// PostgreSQL 65,535).
const MAX_BINDS: usize = 16_000;

/// The rows of one table waiting to be inserted together.
pub(crate) struct Rows {
    table: &'static str,
    columns: &'static [&'static str],
    values: Vec<V>,
}

impl Rows {
    pub(crate) fn new(table: &'static str, columns: &'static [&'static str]) -> Rows {
        Rows { table, columns, values: Vec::new() }
    }

    /// Adds a row: exactly one value per column, in the columns' order.
    pub(crate) fn push<const N: usize>(&mut self, row: [V; N]) {
        debug_assert_eq!(N, self.columns.len(), "a row of {} has one value per column", self.table);
        self.values.extend(row);
    }

    /// Inserts every row pushed, in as few statements as the limits allow, in `tx`.
    pub(crate) async fn insert(self, tx: &mut Tx) -> Result<()> {
        let width = self.columns.len();
        if self.values.is_empty() || width == 0 {
            return Ok(());
        }
        let per_statement = (MAX_BINDS / width).max(1);
        let anonymous = anonymous_placeholders(tx);
        let mut values = self.values.into_iter().peekable();
        while values.peek().is_some() {
            let chunk: Vec<V> = values.by_ref().take(per_statement * width).collect();
            let rows = chunk.len() / width;
            let mut sql = String::with_capacity(64 + rows * width * 6);
            sql.push_str("INSERT INTO ");
            sql.push_str(self.table);
            sql.push_str(" (");
            sql.push_str(&self.columns.join(", "));
            sql.push_str(") VALUES ");
            for r in 0..rows {
                if r > 0 {
                    sql.push_str(", ");
                }
                sql.push('(');
                for c in 0..width {
                    if c > 0 {
                        sql.push_str(", ");
                    }
                    placeholder(&mut sql, anonymous, r * width + c + 1);
                }
                sql.push(')');
            }
            let mut q = sqlx::query(&sql);
            for v in chunk {
                q = match v {
                    V::Text(s) => q.bind(s),
                    V::Opt(s) => q.bind(s),
                    V::Int(n) => q.bind(n),
                };
            }
            // The statement text differs with the number of rows: not worth keeping prepared.
            q.persistent(false).execute(&mut **tx).await?;
        }
        Ok(())
    }
}

/// Whether the statements of `tx` take SQLite's anonymous `?` placeholders rather than `$n`.
pub(crate) fn anonymous_placeholders(tx: &Tx) -> bool {
    tx.backend_name() == "SQLite"
}

/// Appends the placeholder of the `n`th value (from 1). SQLite reads `$n` as a parameter NAME
/// and finds each name again in a list of the names seen so far, when it parses the statement
/// and again when each value is bound: a statement of thousands of values then costs
/// thousands squared (1.9 s for one INSERT of 980 rows of 16 values). Its anonymous `?` is
/// numbered in order at no cost; PostgreSQL has `$n`, numbered, at no cost.
pub(crate) fn placeholder(sql: &mut String, anonymous: bool, n: usize) {
    if anonymous {
        sql.push('?');
    } else {
        sql.push('$');
        sql.push_str(&n.to_string());
    }
}
