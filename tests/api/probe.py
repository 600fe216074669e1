#!/usr/bin/env python3
"""Known-good and known-bad calls to Eropaf's JSON API, checked against its OpenAPI document.

schemathesis (run by scripts/test-api) generates requests from the schema; random text rarely
finds a household in the worker's area, so the success paths (a search with hits, a household
page, registering a household) would go untested. This script makes those calls on purpose and
checks each response the way schemathesis does: the status code is documented for the operation,
the body is JSON and valid against the documented schema. It also validates the OpenAPI document
itself as OpenAPI 3.1 (openapi-spec-validator).

Usage: probe.py BASE_URL WORKER_TOKEN PARTNER_TOKEN WORKER_USERNAME
  BASE_URL       e.g. http://127.0.0.1:8080/api/v1
The buurt code for registering a household comes from the worker's own search hits, so the
script works the same against either backend.
Prints one line per check and a closing 'N passed, N failed'; exits 1 on any failure.
"""

import json
import sys
import urllib.error
import urllib.request

from jsonschema import Draft202012Validator
from openapi_spec_validator import OpenAPIV31SpecValidator, validate

BASE, TOKEN, PARTNER_TOKEN, WORKER = sys.argv[1:5]
RESULTS = []  # (ok, name, detail)


def record(ok, name, detail=""):
    RESULTS.append((ok, name, detail))
    print(("ok    " if ok else "FAIL  ") + name + ("" if ok or not detail else "\n      " + detail.replace("\n", "\n      ")))


def call(method, path, body=None, token=TOKEN, raw=None, content_type="application/json"):
    """Returns (status, content type, parsed JSON or None, text, API-Version). A dropped connection raises."""
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    req = urllib.request.Request(BASE + path, data=data, method=method)
    if data is not None and content_type:
        req.add_header("Content-Type", content_type)
    if token:
        req.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            status, headers, text = r.status, r.headers, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        status, headers, text = e.code, e.headers, e.read().decode("utf-8", "replace")
    try:
        parsed = json.loads(text)
    except ValueError:
        parsed = None
    return status, headers.get("Content-Type", ""), parsed, text, headers.get("API-Version")


DOC = call("GET", "/openapi.json", token=None)[2]


def conforms(name, method, template, response, expect=None):
    """Checks one response against the operation METHOD TEMPLATE of the OpenAPI document."""
    status, ctype, parsed, text, version = response
    op = DOC["paths"][template][method.lower()]
    problems = []
    if expect is not None and status not in expect:
        problems.append(f"status {status}, expected {sorted(expect)}")
    documented = op["responses"].get(str(status))
    if documented is None:
        problems.append(f"status {status} is not documented (documented: {', '.join(op['responses'])})")
    if status >= 500:
        problems.append(f"server error {status}")
    # ADR /core/error-handling/problem-details: every 4xx and 5xx is an RFC 9457 problem.
    media = "application/problem+json" if status >= 400 else "application/json"
    if not ctype.startswith(media):
        problems.append(f"content type {ctype!r}, expected {media}")
    elif parsed is None:
        problems.append("body is not JSON")
    elif status >= 400 and not all(parsed.get(m) for m in ("status", "title", "detail")):
        problems.append("problem without status, title and detail")
    if version != DOC["info"]["version"]:
        problems.append(f"API-Version {version!r}, expected {DOC['info']['version']!r} (ADR API-57)")
    schema = ((documented or {}).get("content") or {}).get(media, {}).get("schema")
    if schema is not None and parsed is not None:
        root = dict(schema, components=DOC["components"])
        errors = sorted(Draft202012Validator(root, format_checker=Draft202012Validator.FORMAT_CHECKER).iter_errors(parsed), key=str)
        for e in errors[:5]:
            problems.append(f"schema: {'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}")
    detail = "; ".join(problems)
    if problems:
        detail += f"\nrequest: {method} {template}\nresponse {status}: {text[:400]}"
    record(not problems, f"{method} {template}: {name}", detail)
    return parsed if not problems else None


def main():
    # The document itself.
    try:
        validate(DOC, cls=OpenAPIV31SpecValidator)
        ok = str(DOC.get("openapi", "")).startswith("3.1")
        record(ok, "openapi.json is a valid OpenAPI 3.1 document", f"openapi = {DOC.get('openapi')!r}")
    except Exception as e:  # noqa: BLE001 - report any validator error as a finding
        record(False, "openapi.json is a valid OpenAPI 3.1 document", str(e)[:800])

    me = conforms("the worker's own account", "GET", "/me", call("GET", "/me"), {200})
    record(bool(me) and me.get("role") == "worker" and me.get("username") == WORKER, "GET /me: token acts as the worker", repr(me))
    conforms("no token", "GET", "/me", call("GET", "/me", token=None), {401})
    conforms("unknown token", "GET", "/me", call("GET", "/me", token="x" * 43), {401})

    # Search until the worker's area gives hits, then open them.
    ids, buurts = [], []
    for letter in "bdhjkmsvwaeglnoprtcfiquxyz":
        hits = conforms(f"surname starting with {letter!r}", "POST", "/households/search", call("POST", "/households/search", {"achternaam": letter}), {200})
        ids += [h["id"] for h in (hits or {}).get("households", [])]
        buurts += [h["buurtCode"] for h in (hits or {}).get("households", [])]
        if len(ids) >= 10:
            break
    record(len(ids) > 0, "search finds households in the worker's area", f"{len(ids)} found")
    for hid in ids[:10]:
        conforms(f"household {hid} from the search", "GET", "/households/{id}", call("GET", f"/households/{hid}"), {200})
    conforms("no such household", "GET", "/households/{id}", call("GET", "/households/999999999"), {404})
    conforms("empty search", "POST", "/households/search", call("POST", "/households/search", {}), {400})
    conforms("invalid postcode", "POST", "/households/search", call("POST", "/households/search", {"postcode": "0000 SA"}), {400})
    conforms("partner may not search", "POST", "/households/search", call("POST", "/households/search", {"achternaam": "b"}, token=PARTNER_TOKEN), {403})
    conforms("body is not JSON", "POST", "/households/search", call("POST", "/households/search", raw=b"{not json"), {400})

    # Register a household in a buurt of the worker's area and read it back.
    record(len(buurts) > 0, "the worker's search hits name their buurt code", repr(buurts[:3]))
    buurt = buurts[0] if buurts else "BU00000000"
    new = {
        "straat": "Proefstraat", "huisnummer": "12a-3", "postcode": "3512 pb", "woonplaats": "Proefdorp", "buurt": buurt,
        "voornamen": "Jan Pieter", "tussenvoegsel": "", "achternaam": "van den Proef", "geboortedatum": "31-12-1960",
        "bsn": "111222333", "telefoon": "06-12345678",
    }
    created = conforms("a valid household", "POST", "/households", call("POST", "/households", new), {201})
    if created:
        h = conforms("the household just registered", "GET", "/households/{id}", call("GET", f"/households/{created['id']}"), {200})
        if h:
            a, m = h["address"], (h["members"] or [{}])[0]
            ok = a["postcode"] == "3512 PB" and a["houseNumber"] == "12A-3" and "Proef" in m.get("name", "") and m.get("hasBsn") is True
            record(ok, "the registered household reads back as registered", json.dumps(h)[:400])
    # Found by the fuzzer (fuzz/regressions/household_json): a Kelvin sign after a surname prefix
    # panicked in the handler. Any documented answer is fine, a dropped connection is not.
    kelvin = dict(new, achternaam="van \u212ax", bsn="")
    try:
        conforms("Kelvin sign after a surname prefix", "POST", "/households", call("POST", "/households", kelvin), {201, 400})
    except (urllib.error.URLError, ConnectionError) as e:
        record(False, "POST /households: Kelvin sign after a surname prefix", f"connection dropped: {e}")
    wrong = dict(new, postcode="0123 SA", geboortedatum="30-02-2026", bsn="123456789")
    err = conforms("invalid fields", "POST", "/households", call("POST", "/households", wrong), {400})
    if err:
        named = {f["name"] for f in err.get("invalid-params", [])}
        record({"postcode", "geboortedatum", "bsn"} <= named, "POST /households: each wrong field is named", repr(named))
    conforms("buurt outside the area", "POST", "/households", call("POST", "/households", dict(new, buurt="BU99999999")), {400, 403, 404})
    conforms("partner may not register", "POST", "/households", call("POST", "/households", new, token=PARTNER_TOKEN), {403})
    conforms("body is not JSON", "POST", "/households", call("POST", "/households", raw=b"{not json"), {400})

    conforms("household number that is no number", "GET", "/households/{id}", call("GET", "/households/abc"), {400})

    failed = sum(1 for ok, _, _ in RESULTS if not ok)
    print(f"{len(RESULTS) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
