# shellcheck shell=bash
# A throwaway PostgreSQL cluster for a test script, through the `eropaf-pg` helper
# (crates/store/src/bin/eropaf-pg.rs, built on store::testing like the Rust tests' clusters).
# Source this file, then:
#   build_throwaway_pg            # cargo build --release -p store --bin eropaf-pg
#   start_throwaway_pg DIR        # sets THROWAWAY_PG_URL to an empty database
#   stop_throwaway_pg             # stops the server and removes the cluster (also fine to call twice)
# The helper runs until its stdin closes: fd 9 of this script is that pipe, so the cluster also
# goes when the script dies.

THROWAWAY_PG_BIN=
THROWAWAY_PG_PID=
THROWAWAY_PG_URL=

build_throwaway_pg() {
  echo "== cargo build --release -p store --bin eropaf-pg =="
  cargo build --release -p store --bin eropaf-pg --locked
  THROWAWAY_PG_BIN="$(cargo metadata --format-version 1 --no-deps --locked |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')/release/eropaf-pg"
  [ -x "$THROWAWAY_PG_BIN" ] || { echo "error: no eropaf-pg at $THROWAWAY_PG_BIN" >&2; exit 1; }
}

start_throwaway_pg() {
  local dir=$1
  rm -f "$dir/pg.url"
  exec 9> >("$THROWAWAY_PG_BIN" >"$dir/pg.url" 2>"$dir/pg.err")
  THROWAWAY_PG_PID=$!
  for _ in $(seq 1200); do
    THROWAWAY_PG_URL=$(head -n 1 "$dir/pg.url" 2>/dev/null || true)
    [ -n "$THROWAWAY_PG_URL" ] && { echo "   PostgreSQL: $THROWAWAY_PG_URL"; return 0; }
    kill -0 "$THROWAWAY_PG_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "error: the throwaway PostgreSQL cluster did not start:" >&2
  cat "$dir/pg.err" >&2
  exit 1
}

stop_throwaway_pg() {
  [ -n "$THROWAWAY_PG_PID" ] || return 0
  exec 9>&-
  for _ in $(seq 300); do kill -0 "$THROWAWAY_PG_PID" 2>/dev/null || break; sleep 0.1; done
  THROWAWAY_PG_PID=
  THROWAWAY_PG_URL=
}
