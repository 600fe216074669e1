//! What the store's test binaries share: the fixed clock and a fresh database on each backend.

use time::macros::datetime;
use time::OffsetDateTime;

pub const NOW: OffsetDateTime = datetime!(2026-11-28 10:00 UTC);

pub fn sqlite_url(name: &str) -> String {
    let dir = std::env::temp_dir().join(format!("eropaf-test-{}-{name}-{}", std::process::id(), NOW.unix_timestamp()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    format!("sqlite://{}", dir.join("eropaf.db").display())
}

pub fn postgres_url(name: &str) -> String {
    store::testing::shared().expect("PostgreSQL cluster").new_unique_database(name).expect("database")
}
