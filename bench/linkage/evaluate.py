#!/usr/bin/env python3
"""Score linkage output against the truth.

    evaluate.py PAIRS.csv TRUTH.csv

PAIRS.csv has a header with left_id,right_id (further columns such as match_probability are
ignored); TRUTH.csv has left_id,right_id. Ids are compared after stripping whitespace;
duplicate pairs count once. Prints one JSON line:
{"precision": ..., "recall": ..., "f1": ..., "tp": ..., "fp": ..., "fn": ..., "pairs": ..., "truth": ...}
"""

import csv
import json
import sys


def read_pairs(path: str) -> set[tuple[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f, skipinitialspace=True)
        try:
            header = [h.strip() for h in next(reader)]
        except StopIteration:
            sys.exit(f"{path}: empty file (no header)")
        try:
            li, ri = header.index("left_id"), header.index("right_id")
        except ValueError:
            sys.exit(f"{path}: header must contain left_id and right_id, got {header}")
        pairs = {(row[li].strip(), row[ri].strip()) for row in reader if len(row) > max(li, ri)}
        return {(l, r) for l, r in pairs if l and r}


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    found, truth = read_pairs(argv[0]), read_pairs(argv[1])
    tp = len(found & truth)
    fp = len(found) - tp
    fn = len(truth) - tp
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print(json.dumps({
        "precision": round(precision, 6), "recall": round(recall, 6), "f1": round(f1, 6),
        "tp": tp, "fp": fp, "fn": fn, "pairs": len(found), "truth": len(truth),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
