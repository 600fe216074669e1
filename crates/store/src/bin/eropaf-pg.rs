//! A throwaway PostgreSQL cluster for the test scripts (`scripts/test-browser`, `scripts/test-api`
//! run their journeys on PostgreSQL too): starts one with `store::testing`, creates an empty
//! database `eropaf`, prints its URL on stdout, and runs until its stdin closes; then it stops
//! the server and removes the cluster. A script starts it with its stdin on a pipe the script
//! holds open, so the cluster goes when the script ends, however it ends.
//!
//!   exec 3> >(target/release/eropaf-pg >"$WORK/pg.url")   # closing fd 3 ends it

use std::io::Write;

fn main() {
    let cluster = match store::testing::PgCluster::start() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("eropaf-pg: {e}");
            std::process::exit(1);
        }
    };
    let url = match cluster.new_database("eropaf") {
        Ok(u) => u,
        Err(e) => {
            eprintln!("eropaf-pg: {e}");
            std::process::exit(1);
        }
    };
    let mut out = std::io::stdout();
    if writeln!(out, "{url}").and_then(|()| out.flush()).is_err() {
        std::process::exit(1);
    }
    // Wait for end of input; anything written is ignored.
    let _ = std::io::copy(&mut std::io::stdin().lock(), &mut std::io::sink());
    drop(cluster);
}
