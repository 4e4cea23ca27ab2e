//! Rows inserted many at a time: the demo's bulk load writes each table's rows of a batch of
//! families in a few multi-row INSERTs instead of one statement per row (issue 12: 50,000
//! families in under a minute on SQLite and two on PostgreSQL, where every statement is a
//! round trip).

use crate::{Result, Tx};

/// Values bound in one statement at most: well under SQLite's 32,766 and PostgreSQL's 65,535.
const MAX_BINDS: usize = 4000;

/// A value of a row.
pub(crate) enum Val {
    Text(Option<String>),
    Int(i64),
}

impl From<&str> for Val {
    fn from(s: &str) -> Val {
        Val::Text(Some(s.to_owned()))
    }
}
impl From<String> for Val {
    fn from(s: String) -> Val {
        Val::Text(Some(s))
    }
}
impl From<&String> for Val {
    fn from(s: &String) -> Val {
        Val::Text(Some(s.clone()))
    }
}
impl From<Option<String>> for Val {
    fn from(s: Option<String>) -> Val {
        Val::Text(s)
    }
}
impl From<i64> for Val {
    fn from(n: i64) -> Val {
        Val::Int(n)
    }
}

/// The rows waiting for one table.
pub(crate) struct Table {
    /// `INSERT INTO table (columns…)`.
    insert: &'static str,
    width: usize,
    values: Vec<Val>,
}

impl Table {
    pub(crate) fn new(insert: &'static str, width: usize) -> Table {
        Table { insert, width, values: Vec::new() }
    }

    pub(crate) fn row<const N: usize>(&mut self, row: [Val; N]) {
        debug_assert_eq!(N, self.width, "{}", self.insert);
        self.values.extend(row);
    }

    /// Inserts every waiting row in the caller's transaction, and forgets them.
    pub(crate) async fn write(&mut self, tx: &mut Tx) -> Result<()> {
        let per_statement = (MAX_BINDS / self.width).max(1) * self.width;
        let values = std::mem::take(&mut self.values);
        let mut values = values.into_iter().peekable();
        while values.peek().is_some() {
            let chunk: Vec<Val> = values.by_ref().take(per_statement).collect();
            let rows = chunk.len() / self.width;
            let mut sql = String::with_capacity(self.insert.len() + rows * self.width * 6);
            sql.push_str(self.insert);
            sql.push_str(" VALUES ");
            for r in 0..rows {
                sql.push_str(if r == 0 { "(" } else { ", (" });
                for c in 0..self.width {
                    if c > 0 {
                        sql.push_str(", ");
                    }
                    sql.push('$');
                    sql.push_str(&(r * self.width + c + 1).to_string());
                }
                sql.push(')');
            }
            let mut q = sqlx::query(&sql);
            for v in chunk {
                q = match v {
                    Val::Text(t) => q.bind(t),
                    Val::Int(n) => q.bind(n),
                };
            }
            q.execute(&mut **tx).await?;
        }
        Ok(())
    }
}
