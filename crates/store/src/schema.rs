//! The schema as the database itself describes it: every table with its columns' names,
//! nullability and type family. The two migration histories (one per backend) must describe
//! the same schema; `tests/schema.rs` compares them, so a column added to one history only
//! fails the test command.

use crate::kernel::db::Backend;
use crate::{args, Store, StoreError};
use std::collections::BTreeMap;

/// A column's type, by the family both backends share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum TypeFamily {
    Integer,
    Float,
    Text,
    Boolean,
    Bytes,
    /// A type neither family covers, named as the backend names it.
    Other,
}

impl TypeFamily {
    /// SQLite's declared type or PostgreSQL's `data_type`, by family.
    pub fn of(declared: &str) -> TypeFamily {
        let t = declared.trim().to_ascii_lowercase();
        match t.as_str() {
            "integer" | "bigint" | "int" | "smallint" | "int8" | "int4" | "int2" => TypeFamily::Integer,
            "real" | "double precision" | "double" | "float" | "float8" | "float4" | "numeric" => TypeFamily::Float,
            "text" | "character varying" | "varchar" | "character" | "char" => TypeFamily::Text,
            "boolean" | "bool" => TypeFamily::Boolean,
            "blob" | "bytea" => TypeFamily::Bytes,
            _ if t.starts_with("varchar") || t.starts_with("character varying") => TypeFamily::Text,
            _ => TypeFamily::Other,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub ty: TypeFamily,
    /// The declared type, for the report.
    pub declared: String,
    pub nullable: bool,
}

/// Table → column → what it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Schema {
    pub tables: BTreeMap<String, BTreeMap<String, Column>>,
}

impl Schema {
    /// Every way `other` differs from this schema, one line each ("households.extra: only in
    /// postgres"), empty when they describe the same tables and columns.
    pub fn differences(&self, other: &Schema, mine: &str, theirs: &str) -> Vec<String> {
        let mut out = Vec::new();
        for (table, cols) in &self.tables {
            let Some(other_cols) = other.tables.get(table) else {
                out.push(format!("table {table}: only in {mine}"));
                continue;
            };
            for (name, c) in cols {
                match other_cols.get(name) {
                    None => out.push(format!("{table}.{name}: only in {mine}")),
                    Some(o) => {
                        if c.ty != o.ty {
                            out.push(format!("{table}.{name}: type {} in {mine}, {} in {theirs}", c.declared, o.declared));
                        }
                        if c.nullable != o.nullable {
                            let word = |n: bool| if n { "nullable" } else { "NOT NULL" };
                            out.push(format!("{table}.{name}: {} in {mine}, {} in {theirs}", word(c.nullable), word(o.nullable)));
                        }
                    }
                }
            }
            for name in other_cols.keys().filter(|n| !cols.contains_key(*n)) {
                out.push(format!("{table}.{name}: only in {theirs}"));
            }
        }
        for table in other.tables.keys().filter(|t| !self.tables.contains_key(*t)) {
            out.push(format!("table {table}: only in {theirs}"));
        }
        out
    }
}

impl Store {
    /// The schema of this database as its catalogue describes it (tables of the current
    /// schema; SQLite's own tables left out).
    pub async fn schema(&self) -> Result<Schema, StoreError> {
        let mut tx = self.pool().begin_read().await?;
        let mut schema = Schema::default();
        match self.backend() {
            Backend::Sqlite => {
                let tables = tx.fetch_all("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name", &[]).await?;
                for t in &tables {
                    let table = t.text("name")?;
                    // An INTEGER PRIMARY KEY is the rowid: never null, though SQLite reports notnull = 0.
                    let cols = tx.fetch_all("SELECT name, type, \"notnull\", pk FROM pragma_table_info($1) ORDER BY cid", &args![table.as_str()]).await?;
                    let entry = schema.tables.entry(table).or_default();
                    for c in &cols {
                        let declared = c.text("type")?;
                        let nullable = c.i64("notnull")? == 0 && c.i64("pk")? == 0;
                        entry.insert(c.text("name")?, Column { ty: TypeFamily::of(&declared), declared, nullable });
                    }
                }
            }
            Backend::Postgres => {
                let cols = tx
                    .fetch_all(
                        "SELECT table_name::text AS table_name, column_name::text AS column_name, data_type::text AS data_type, is_nullable::text AS is_nullable \
                         FROM information_schema.columns c WHERE table_schema = current_schema() \
                         AND EXISTS (SELECT 1 FROM information_schema.tables t WHERE t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE') \
                         ORDER BY table_name, ordinal_position",
                        &[],
                    )
                    .await?;
                for c in &cols {
                    let declared = c.text("data_type")?;
                    let column = Column { ty: TypeFamily::of(&declared), declared, nullable: c.text("is_nullable")? == "YES" };
                    schema.tables.entry(c.text("table_name")?).or_default().insert(c.text("column_name")?, column);
                }
            }
        }
        Ok(schema)
    }
}
