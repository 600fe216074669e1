#!/usr/bin/env python3
"""Link two CSV files with Splink 5 (DuckDB backend), as the reference for Eropaf's linker.

    splink_link.py LEFT.csv RIGHT.csv FIELDS.toml OUT.csv [--threshold 0.5]

Reads the same inputs as `eropaf linkage link`: two CSV files (whitespace after commas is
skipped, every column is a string) and FIELDS.toml, which names the id column (`id = "..."`)
and maps record-linkage roles to columns (`[columns]`, e.g. `surname = "achternaam"`).

From the roles present it builds a good-faith, unsupervised Splink model the way Splink's
documentation and its FEBRL4 example do it:

* cleaning: lowercase, trim, empty -> null; names and keys without punctuation or accents;
  surname prefix joined to the surname ("van den" + "Berg" -> "vandenberg", also for
  "Berg, van den"); initials as letters only (derived from the given names when a side has
  no initials column); phone numbers as digits in national form; postcodes without spaces;
  a house number written into the street ("Dorpsstr 12-A") split off; dates parsed from the
  common formats to ISO;
* comparisons: NameComparison (with term-frequency adjustments) on given name and surname,
  initials (exact / first initial), DateOfBirthComparison, postcode (exact with
  term frequencies, Dutch PC4 area or Damerau-Levenshtein), Jaro-Winkler levels on street,
  locality and extra address line, exact match on house number, house letter/addition,
  region and phone, EmailComparison, Damerau-Levenshtein levels on the identifier;
* prediction blocking: the union of the usual rules (surname + birth date, first initial +
  surname, swapped names, birth date + initial, postcode + house number, street + house
  number, postcode, birth date, phone, email, identifier...), leaving out any rule that on
  these files would generate more than a fixed budget of comparisons;
* training: probability_two_random_records_match from deterministic rules (recall 0.8, as in
  the FEBRL4 example), u by random sampling (1e6 pairs as in that example, 1e7 when there
  are more than 1e8 possible pairs; seed 7), m by expectation
  maximisation on two blocking rules: one on people (birth date, or surname + first initial
  when birth dates are too sparse) and one on addresses (postcode).

Writes OUT.csv with header left_id,right_id,match_probability for every scored pair with
match_probability >= threshold; left_id is always the id from LEFT.csv.
"""

from __future__ import annotations

import argparse
import csv
import logging
import sys
import time

import duckdb
import pyarrow as pa

import splink
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

try:
    import tomllib
except ModuleNotFoundError:  # Python < 3.11
    tomllib = None

# Roles this script understands (those of crates/linkage's fields.toml).
KNOWN_ROLES = {
    "given_name",
    "initials",
    "surname_prefix",
    "surname",
    "birth_date",
    "street",
    "house_number",
    "house_letter",
    "house_number_addition",
    "address_extra",
    "postcode",
    "locality",
    "region",
    "phone",
    "email",
    "identifier",
}

SPACE, EMPTY = "' '", "''"
DATE_FORMATS = ["%Y-%m-%d", "%Y%m%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y/%m/%d"]

log = logging.getLogger("splink_link")


def _clamp_em_m_u() -> None:
    """Splink 5.0.0 raises ValueError when EM drives an m (or u) probability to exactly 0.0,
    which happens when a level holds no true matches at all (say a one-typo date level when
    the data only ever drops dates). Splink clamps m and u to 1e-300 anyway when it turns
    them into match weights; do the same clamp when EM stores them, instead of crashing."""
    from splink.internals import expectation_maximisation as em
    from splink.internals.comparison_level import M_U_CLAMP_MIN

    original = em.populate_m_u_from_lookup

    def populate(fixed, level, column, lookup):
        for rec in lookup.get(column, {}).values():
            for k in ("m_probability", "u_probability"):
                v = rec.get(k)
                if isinstance(v, float) and v < M_U_CLAMP_MIN:
                    rec[k] = M_U_CLAMP_MIN
        return original(fixed, level, column, lookup)

    em.populate_m_u_from_lookup = populate


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("left")
    p.add_argument("right")
    p.add_argument("fields")
    p.add_argument("out")
    p.add_argument("--threshold", type=float, default=0.5)
    p.add_argument("--u-max-pairs", type=float, default=None,
                   help="pairs sampled to estimate u (default: 1e6 as in Splink's FEBRL4 "
                        "example, 1e7 when there are more than 1e8 possible pairs)")
    p.add_argument("--seed", type=int, default=7,
                   help="seed for u sampling (default 7; negative: unseeded)")
    p.add_argument("--recall", type=float, default=0.8,
                   help="assumed recall of the deterministic rules (default 0.8)")
    p.add_argument("--max-block-comparisons", type=float, default=None,
                   help="drop a prediction blocking rule generating more comparisons than "
                        "this (default: max(2e6, 100 x records))")
    p.add_argument("--quiet", action="store_true", help="only warnings from Splink")
    return p.parse_args(argv)


def read_fields(path: str) -> tuple[str, dict[str, str]]:
    with open(path, "rb") as f:
        raw = f.read()
    if tomllib is not None:
        doc = tomllib.loads(raw.decode("utf-8"))
    else:  # the simple subset fields.toml uses: key = "value" and [section]
        doc: dict = {}
        cur = doc
        for line in raw.decode("utf-8").splitlines():
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            if line.startswith("[") and line.endswith("]"):
                cur = doc.setdefault(line[1:-1].strip(), {})
                continue
            k, _, v = line.partition("=")
            cur[k.strip()] = v.strip().strip('"')
    if "id" not in doc or "columns" not in doc:
        sys.exit(f"{path}: needs `id = \"...\"` and a [columns] table")
    roles = {str(k): str(v) for k, v in doc["columns"].items()}
    unknown = sorted(set(roles) - KNOWN_ROLES)
    if unknown:
        log.warning("ignoring unknown roles in %s: %s", path, ", ".join(unknown))
        for k in unknown:
            del roles[k]
    return str(doc["id"]), roles


def read_csv(path: str, id_col: str, roles: dict[str, str]) -> pa.Table:
    """All columns as strings, whitespace after the delimiter skipped, '' kept as ''."""
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f, skipinitialspace=True)
        header = [h.strip() for h in next(reader)]
        rows = list(reader)
    index = {h: i for i, h in enumerate(header)}
    wanted = {"uid": id_col, **roles}
    missing = [c for c in wanted.values() if c not in index]
    if missing:
        sys.exit(f"{path}: missing columns {missing} (header: {header})")
    cols = {}
    for role, col in wanted.items():
        i = index[col]
        cols[role] = pa.array([r[i].strip() if i < len(r) else "" for r in rows], pa.string())
    return pa.table(cols)


def clean_sql(roles: dict[str, str], src: str) -> str:
    """SQL turning the raw role columns of `src` into the cleaned model columns."""

    def txt(role: str) -> str:
        # lowercase, trim, collapse spaces, empty -> null
        return (f"nullif(trim(regexp_replace(lower({role}), '\\s+', ' ', 'g')), '')"
                if role in roles else "cast(null as varchar)")

    def key(expr: str) -> str:
        # letters only, no accents
        return f"nullif(regexp_replace(strip_accents({expr}), '[^a-z]', '', 'g'), '')"

    sel = ["uid"]

    if "given_name" in roles:
        # first given name only (NameComparison compares single names best)
        g = txt("given_name")
        sel.append(f"{key(f'split_part({g}, {SPACE}, 1)')} as given_name")

    if "surname" in roles:
        s = txt("surname")
        # "berg, van den" -> prefix "van den", surname "berg"
        comma_prefix = f"nullif(trim(split_part({s}, ',', 2)), '')"
        comma_surname = f"trim(split_part({s}, ',', 1))"
        prefix = txt("surname_prefix")
        joined = f"coalesce({prefix}, {comma_prefix}, {EMPTY}) || {comma_surname}"
        sel.append(f"{key(joined)} as surname")

    # initials: from the initials column, else from the given names
    if "initials" in roles or "given_name" in roles:
        if "given_name" in roles:
            g = txt("given_name")
            first_letters = f"list_transform(string_split({g}, {SPACE}), lambda x: substr({key('x')}, 1, 1))"
            from_given = f"nullif(array_to_string({first_letters}, {EMPTY}), {EMPTY})"
        else:
            from_given = "cast(null as varchar)"
        ini = key(txt("initials"))
        sel.append(f"coalesce({ini}, {from_given}) as initials")

    if "birth_date" in roles:
        d = txt("birth_date")
        parsed = ", ".join(f"try_strptime({d}, '{f}')" for f in DATE_FORMATS)
        sel.append(f"strftime(cast(coalesce({parsed}) as date), '%Y-%m-%d') as birth_date")

    # street, with a house number written into it split off: "dorpsstr 12-a"
    street_re = "^(.*?[^0-9 ])\\s*([0-9]+)\\s*[-/ ]?\\s*([a-z0-9]{0,4})$"
    if "street" in roles:
        st = txt("street")
        st_name = f"coalesce(nullif(trim(regexp_extract({st}, '{street_re}', 1)), ''), {st})"
        st_num = f"nullif(regexp_extract({st}, '{street_re}', 2), '')"
        st_suf = f"nullif(regexp_extract({st}, '{street_re}', 3), '')"
        sel.append(
            f"nullif(trim(regexp_replace(strip_accents({st_name}), '[^a-z0-9 ]', '', 'g')), '')"
            " as street"
        )
    else:
        st_num = st_suf = "cast(null as varchar)"

    if "house_number" in roles or "street" in roles:
        hn = txt("house_number")
        sel.append(f"coalesce(nullif(regexp_extract({hn}, '[0-9]+'), ''), {st_num}) as house_number")
        # letters/additions after the number, in the number column or the own columns
        hn_suffix = f"nullif(regexp_replace(regexp_replace({hn}, '^[^0-9]*[0-9]+', ''), '[^a-z0-9]', '', 'g'), '')"
        own = f"nullif(coalesce({txt('house_letter')}, '') || coalesce({txt('house_number_addition')}, ''), '')"
        sel.append(
            f"nullif(regexp_replace(coalesce({own}, {hn_suffix}, {st_suf}), '[^a-z0-9]', '', 'g'), '')"
            " as house_suffix"
        )

    if "postcode" in roles:
        sel.append(f"nullif(regexp_replace({txt('postcode')}, '[^a-z0-9]', '', 'g'), '') as postcode")

    for role in ("locality", "address_extra", "region"):
        if role in roles:
            sel.append(f"nullif(trim(regexp_replace(strip_accents({txt(role)}), '[^a-z0-9 ]', '', 'g')), '') as {role}")

    if "phone" in roles:
        digits = f"regexp_replace({txt('phone')}, '[^0-9]', '', 'g')"
        sel.append(
            "nullif(case "
            f"when {digits} like '00%' then '0' || substr({digits}, 5) "
            f"when {digits} like '31%' and length({digits}) = 11 then '0' || substr({digits}, 3) "
            f"else {digits} end, '') as phone"
        )

    if "email" in roles:
        sel.append(f"{txt('email')} as email")

    if "identifier" in roles:
        sel.append(f"nullif(regexp_replace({txt('identifier')}, '[^a-z0-9]', '', 'g'), '') as identifier")

    return f"select {', '.join(sel)} from {src}"


def fill_rates(con: duckdb.DuckDBPyConnection, table: str, cols: list[str]) -> dict[str, float]:
    row = con.execute(
        f"select count(*), {', '.join(f'count({c})' for c in cols)} from {table}"
    ).fetchall()[0]
    n = max(row[0], 1)
    return {c: row[i + 1] / n for i, c in enumerate(cols)}


def pairs_for_rule(con, cols: list[str] | tuple[str, str]) -> int:
    """Exact number of left x right comparisons an equi-join blocking rule generates."""
    if isinstance(cols, tuple):  # swapped names: l.a = r.b and l.b = r.a
        a, b = cols
        sql = (f"select coalesce(sum(l.n * r.n), 0) from "
               f"(select {a} x, {b} y, count(*) n from clean_left where {a} is not null and {b} is not null group by all) l "
               f"join (select {b} x, {a} y, count(*) n from clean_right where {a} is not null and {b} is not null group by all) r "
               f"using (x, y)")
    else:
        keys = ", ".join(cols)
        nn = " and ".join(f"{c} is not null" for c in cols)
        sql = (f"select coalesce(sum(l.n * r.n), 0) from "
               f"(select {keys}, count(*) n from clean_left where {nn} group by all) l "
               f"join (select {keys}, count(*) n from clean_right where {nn} group by all) r "
               f"using ({keys})")
    return int(con.execute(sql).fetchall()[0][0])


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    _clamp_em_m_u()
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    t0 = time.monotonic()

    id_col, roles = read_fields(args.fields)
    left_raw = read_csv(args.left, id_col, roles)
    right_raw = read_csv(args.right, id_col, roles)

    con = duckdb.connect()
    con.register("raw_left", left_raw)
    con.register("raw_right", right_raw)
    con.execute(f"create table clean_left as {clean_sql(roles, 'raw_left')}")
    con.execute(f"create table clean_right as {clean_sql(roles, 'raw_right')}")
    con.unregister("raw_left")
    con.unregister("raw_right")
    n_left = con.execute("select count(*) from clean_left").fetchall()[0][0]
    n_right = con.execute("select count(*) from clean_right").fetchall()[0][0]

    # A column is usable only when both sides have it (a good-faith user drops a column
    # that a completeness chart shows empty on one side).
    model_cols = [c for c in con.table("clean_left").columns if c != "uid"]
    fl = fill_rates(con, "clean_left", model_cols)
    fr = fill_rates(con, "clean_right", model_cols)
    usable = {c for c in model_cols if fl[c] > 0 and fr[c] > 0}
    log.info("fill rates (left/right): %s",
             ", ".join(f"{c} {fl[c]:.2f}/{fr[c]:.2f}" for c in model_cols))

    def has(*cols: str) -> bool:
        return all(c in usable for c in cols)

    # ---- comparisons -------------------------------------------------------------------
    comparisons = []
    if has("given_name"):
        comparisons.append(cl.NameComparison("given_name").configure(term_frequency_adjustments=True))
    if has("surname"):
        comparisons.append(cl.NameComparison("surname").configure(term_frequency_adjustments=True))
    if has("initials") and "initials" in roles:
        comparisons.append(cl.CustomComparison(
            output_column_name="initials",
            comparison_levels=[
                cll.NullLevel("initials"),
                cll.ExactMatchLevel("initials"),
                cll.CustomLevel("substr(initials_l, 1, 1) = substr(initials_r, 1, 1)")
                .configure(label_for_charts="First initial equal"),
                cll.ElseLevel(),
            ],
        ))
    if has("birth_date"):
        comparisons.append(cl.DateOfBirthComparison(
            "birth_date", input_is_string=True, datetime_format="%Y-%m-%d",
            invalid_dates_as_null=True,
        ))
    if has("postcode"):
        dutch = con.execute(
            "select avg(case when regexp_full_match(postcode, '[0-9]{4}[a-z]{2}') then 1 else 0 end) "
            "from (select postcode from clean_left union all select postcode from clean_right) "
            "where postcode is not null"
        ).fetchall()[0][0] or 0
        if dutch > 0.5:  # "1234ab": exact, same PC4 area, one typo
            comparisons.append(cl.CustomComparison(
                output_column_name="postcode",
                comparison_levels=[
                    cll.NullLevel("postcode"),
                    cll.ExactMatchLevel("postcode").configure(tf_adjustment_column="postcode"),
                    cll.DamerauLevenshteinLevel("postcode", 1),
                    cll.CustomLevel("substr(postcode_l, 1, 4) = substr(postcode_r, 1, 4)")
                    .configure(label_for_charts="Same PC4 area"),
                    cll.ElseLevel(),
                ],
            ))
        else:
            comparisons.append(cl.DamerauLevenshteinAtThresholds("postcode", [1, 2])
                               .configure(term_frequency_adjustments=True))
    if has("street"):
        comparisons.append(cl.JaroWinklerAtThresholds("street", [0.95, 0.88]))
    if has("house_number"):
        comparisons.append(cl.ExactMatch("house_number").configure(term_frequency_adjustments=True))
    if has("house_suffix"):
        comparisons.append(cl.ExactMatch("house_suffix"))
    if has("address_extra"):
        comparisons.append(cl.JaroWinklerAtThresholds("address_extra", [0.95, 0.88]))
    if has("locality"):
        comparisons.append(cl.JaroWinklerAtThresholds("locality", [0.95, 0.88])
                           .configure(term_frequency_adjustments=True))
    if has("region"):
        comparisons.append(cl.ExactMatch("region"))
    if has("phone"):
        comparisons.append(cl.ExactMatch("phone"))
    if has("email"):
        comparisons.append(cl.EmailComparison("email"))
    if has("identifier"):
        comparisons.append(cl.DamerauLevenshteinAtThresholds("identifier", [1, 2]))
    if not comparisons:
        sys.exit("no usable columns: fields.toml maps no role present on both sides")

    # ---- prediction blocking -----------------------------------------------------------
    initial = "initials" if has("initials") else None
    if initial:
        con.execute("alter table clean_left add column first_initial varchar")
        con.execute("alter table clean_right add column first_initial varchar")
        for t in ("clean_left", "clean_right"):
            con.execute(f"update {t} set first_initial = substr(initials, 1, 1)")
        usable.add("first_initial")

    candidates: list[list[str] | tuple[str, str]] = [
        ["identifier"],
        ["surname", "birth_date"],
        ["given_name", "surname"],
        ["first_initial", "surname"],
        ("given_name", "surname"),  # swapped given name and surname
        ["birth_date", "first_initial"],
        ["birth_date"],
        ["postcode", "house_number"],
        ["street", "house_number"],
        ["street", "locality"],
        ["street", "region"],
        ["postcode"],
        ["phone"],
        ["email"],
    ]
    budget = args.max_block_comparisons or max(2e6, 100.0 * (n_left + n_right))
    rules, used_rules = [], []
    for cols in candidates:
        if not has(*cols):
            continue
        n = pairs_for_rule(con, cols)
        name = (f"swap({cols[0]},{cols[1]})" if isinstance(cols, tuple) else "+".join(cols))
        if n > budget:
            log.info("blocking rule %s: %d comparisons > budget %d, left out", name, n, budget)
            continue
        log.info("blocking rule %s: %d comparisons", name, n)
        used_rules.append(name)
        if isinstance(cols, tuple):
            a, b = cols
            rules.append(f"l.{a} = r.{b} and l.{b} = r.{a}")
        else:
            rules.append(block_on(*cols))
    if not rules:
        sys.exit("no blocking rule fits the comparison budget")

    # ---- model -------------------------------------------------------------------------
    settings = SettingsCreator(
        link_type="link_only",
        unique_id_column_name="uid",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=rules,
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )
    db_api = DuckDBAPI(connection=con)
    sdf_left = db_api.register("clean_left", dataset_display_name="left")
    sdf_right = db_api.register("clean_right", dataset_display_name="right")
    linker = Linker([sdf_left, sdf_right], settings,
                    log_level=logging.WARNING if args.quiet else logging.INFO)

    # probability two random records match, from deterministic rules
    deterministic = []
    if has("identifier"):
        deterministic.append(block_on("identifier"))
    name_cols = ["given_name"] if has("given_name") else (["initials"] if has("initials") else [])
    if has("surname", "birth_date") and name_cols:
        deterministic.append(block_on(*name_cols, "surname", "birth_date"))
    if has("surname", "postcode", "house_number") and name_cols:
        deterministic.append(block_on(*name_cols, "surname", "postcode", "house_number"))
    if not deterministic:
        deterministic = [rules[0]]
    linker.training.estimate_probability_two_random_records_match(deterministic, recall=args.recall)

    linker.training.estimate_u_using_random_sampling(
        max_pairs=args.u_max_pairs or (1e7 if n_left * n_right > 1e8 else 1e6),
        seed=None if args.seed < 0 else args.seed,
    )

    # EM: one session blocked on people, one on addresses
    both_dob = min(fl.get("birth_date", 0), fr.get("birth_date", 0)) if has("birth_date") else 0
    em_rules = []
    if both_dob >= 0.5:
        em_rules.append(block_on("birth_date"))
    elif has("surname", "first_initial"):
        em_rules.append(block_on("surname", "first_initial"))
    elif has("surname"):
        em_rules.append(block_on("surname"))
    if has("postcode"):
        em_rules.append(block_on("postcode"))
    elif has("street", "house_number"):
        em_rules.append(block_on("street", "house_number"))
    for br in em_rules:
        linker.training.estimate_parameters_using_expectation_maximisation(
            br, estimate_without_term_frequencies=True
        )

    # ---- predict and write -------------------------------------------------------------
    pred = linker.inference.predict(threshold_match_probability=args.threshold)
    out = args.out.replace("'", "''")
    con.execute(
        f"""
        copy (
            select
                case when source_dataset_l = 'left' then uid_l else uid_r end as left_id,
                case when source_dataset_l = 'left' then uid_r else uid_l end as right_id,
                match_probability
            from {pred.physical_name}
            where match_probability >= {args.threshold!r}
            order by left_id, right_id
        ) to '{out}' (format csv, header true)
        """
    )
    n_pairs = con.execute(f"select count(*) from {pred.physical_name} "
                      f"where match_probability >= {args.threshold!r}").fetchall()[0][0]
    log.info(
        "splink %s: %d x %d records, %d comparisons, %d pairs >= %.2f, rules [%s], %.1f s",
        splink.__version__, n_left, n_right, len(comparisons), n_pairs, args.threshold,
        "; ".join(used_rules), time.monotonic() - t0,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
