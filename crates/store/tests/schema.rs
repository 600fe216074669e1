//! The two migration histories (SQLite and PostgreSQL) describe one schema: the same tables,
//! and in each the same columns with the same nullability and type family. A column added to
//! one history only, or declared differently, fails here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use store::schema::{Column, Schema, TypeFamily};
use store::Store;

/// A migrated database on each backend: (url, store) for SQLite and PostgreSQL.
async fn migrated_pair(name: &str) -> ((String, Store), (String, Store)) {
    let (sqlite_url, postgres_url) = (common::sqlite_url(name), common::postgres_url(name));
    let sqlite = Store::connect(&sqlite_url).await.unwrap();
    sqlite.migrate().await.unwrap();
    let postgres = Store::connect(&postgres_url).await.unwrap();
    postgres.migrate().await.unwrap();
    ((sqlite_url, sqlite), (postgres_url, postgres))
}

/// DDL around the store, as a migration that drifted would leave the schema.
async fn execute(url: &str, sql: &str) {
    use sqlx::Connection;
    if url.starts_with("sqlite://") {
        let mut c = sqlx::SqliteConnection::connect(url).await.unwrap();
        sqlx::raw_sql(sql).execute(&mut c).await.unwrap();
    } else {
        let mut c = sqlx::PgConnection::connect(url).await.unwrap();
        sqlx::raw_sql(sql).execute(&mut c).await.unwrap();
    }
}

#[tokio::test]
async fn both_histories_describe_the_same_schema() {
    let ((_, sqlite), (_, postgres)) = migrated_pair("parity").await;
    let (a, b) = (sqlite.schema().await.unwrap(), postgres.schema().await.unwrap());
    assert!(a.tables.len() >= 40, "{} tables", a.tables.len());
    assert!(a.tables["households"].contains_key("support"));
    let diff = a.differences(&b, "sqlite", "postgres");
    assert!(diff.is_empty(), "the migration histories differ:\n{}", diff.join("\n"));
}

#[tokio::test]
async fn a_column_in_one_history_only_or_declared_differently_is_named() {
    let ((sqlite_url, sqlite), (postgres_url, postgres)) = migrated_pair("drift").await;
    execute(&sqlite_url, "ALTER TABLE households ADD COLUMN nickname TEXT").await;
    execute(&postgres_url, "ALTER TABLE persons ADD COLUMN extra BIGINT NOT NULL DEFAULT 0").await;
    execute(&postgres_url, "ALTER TABLE addresses ALTER COLUMN locality DROP NOT NULL").await;
    execute(&postgres_url, "ALTER TABLE signals ALTER COLUMN amount_eur TYPE TEXT").await;
    let diff = sqlite.schema().await.unwrap().differences(&postgres.schema().await.unwrap(), "sqlite", "postgres");
    for expected in [
        "households.nickname: only in sqlite",
        "persons.extra: only in postgres",
        "addresses.locality: NOT NULL in sqlite, nullable in postgres",
        "signals.amount_eur: type INTEGER in sqlite, text in postgres",
    ] {
        assert!(diff.iter().any(|d| d == expected), "missing {expected:?} in {diff:#?}");
    }
    assert_eq!(diff.len(), 4, "{diff:#?}");
}

#[test]
fn a_table_in_one_schema_only_is_named() {
    let column = Column { ty: TypeFamily::of("BIGINT"), declared: "BIGINT".into(), nullable: false };
    let mut a = Schema::default();
    a.tables.entry("teams".into()).or_default().insert("id".into(), column.clone());
    let mut b = a.clone();
    b.tables.entry("goals".into()).or_default().insert("id".into(), column);
    assert_eq!(a.differences(&b, "sqlite", "postgres"), vec!["table goals: only in postgres".to_string()]);
    assert!(a.differences(&a, "sqlite", "postgres").is_empty());
    assert_eq!(TypeFamily::of("INTEGER"), TypeFamily::of("bigint"));
    assert_eq!(TypeFamily::of("REAL"), TypeFamily::of("double precision"));
    assert_ne!(TypeFamily::of("TEXT"), TypeFamily::of("boolean"));
}
