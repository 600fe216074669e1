"""Validate DDAS deliveries against the standard's JSON Schema (draft 2020-12), formats included.

    validate_ddas.py SCHEMA.json DELIVERY.json [DELIVERY.json ...]

For each delivery: every violation is printed with its path in the document and the message,
and the run fails (exit 1); a valid delivery prints its counts of vroegsignalen and
vroegsignaalzaken, and a delivery without any vroegsignaal fails too (an empty export proves
nothing). Used by scripts/test-api on an `eropaf signals export-ddas` of the demo town, and on
the standard's own example (data/ddas/meervoudigVoorbeeld.json) as a check of the validator.

Formats are asserted, not just annotated: Draft202012Validator with a FormatChecker. Before any
file is read the script checks that the checker knows every format the schema uses and refuses
an impossible date and a malformed date-time (jsonschema skips a format silently when its
optional helper package is missing, which would make this gate pass for the wrong reason).
"""

import json
import re
import sys

from jsonschema import Draft202012Validator, FormatChecker


def formats_in(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "format" and isinstance(value, str):
                yield value
            else:
                yield from formats_in(value)
    elif isinstance(node, list):
        for value in node:
            yield from formats_in(value)


def path_of(error):
    path = "$"
    for part in error.absolute_path:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def check_format_checker(schema, checker):
    problems = []
    for fmt in sorted(set(formats_in(schema))):
        if fmt not in checker.checkers:
            problems.append(f"the FormatChecker cannot check format '{fmt}' (missing helper package?)")
    bad = {"date": "2025-02-30", "date-time": "2025-02-05 10:30", "time": "25:61:00Z", "email": "geen-adres"}
    for fmt, value in bad.items():
        if fmt in checker.checkers and checker.conforms(value, fmt):
            problems.append(f"the FormatChecker accepts {value!r} as {fmt}")
    return problems


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    Draft202012Validator.check_schema(schema)
    checker = FormatChecker()
    problems = check_format_checker(schema, checker)
    if problems:
        for p in problems:
            print(f"validator: {p}")
        return 1
    validator = Draft202012Validator(schema, format_checker=checker)

    failed = False
    for name in argv[2:]:
        try:
            with open(name, encoding="utf-8") as f:
                doc = json.load(f)
        except (OSError, ValueError) as e:
            print(f"{name}: not readable as JSON: {e}")
            failed = True
            continue
        errors = sorted(validator.iter_errors(doc), key=lambda e: [str(p) for p in e.absolute_path])
        for e in errors:
            # A message can quote a whole object; keep the line readable.
            message = re.sub(r"\s+", " ", e.message)
            if len(message) > 300:
                message = message[:300] + "…"
            print(f"{name}: {path_of(e)}: {message}")
        leveringen = doc.get("leveringen") if isinstance(doc, dict) else None
        leveringen = leveringen if isinstance(leveringen, list) else []
        count = lambda key: sum(len(l.get(key) or []) for l in leveringen if isinstance(l, dict))
        signals, cases = count("vroegsignalen"), count("vroegsignaalzaken")
        if errors:
            print(f"{name}: INVALID, {len(errors)} violations of the DDAS schema")
            failed = True
        elif signals == 0:
            print(f"{name}: valid, but without any vroegsignaal (nothing was checked)")
            failed = True
        else:
            print(f"{name}: valid DDAS delivery: {len(leveringen)} leveringen, {signals} vroegsignalen, {cases} vroegsignaalzaken")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
