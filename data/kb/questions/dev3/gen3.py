#!/usr/bin/env python3
"""Writes the round 6 dev sets (brief K, issue 17 item 4) from a1-a4.py and un.py:
tests/data/kb_dev3.jsonl + kb_dev3_holdout.jsonl (answerable) and kb_unanswerable3.jsonl +
kb_unanswerable3_holdout.jsonl. About 30 % of each goes to the held-out file, chosen by a hash
of the question before any search was run on them (never tune on the _holdout files)."""
import hashlib
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "..", "..", "tests", "data")
sys.path.insert(0, HERE)


def held(q):
    return int(hashlib.sha256(q.encode()).hexdigest(), 16) % 10 < 3


def write(name, rows):
    with open(os.path.join(OUT, name), "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def main():
    import a1, a2, a3, a4, un  # noqa: E401
    tune, hold = [], []
    for mod in (a1, a2, a3, a4):
        for slug, qs in mod.Q.items():
            for lang, q in qs:
                (hold if held(q) else tune).append({"q": q, "lang": lang, "article": slug})
    write("kb_dev3.jsonl", tune)
    write("kb_dev3_holdout.jsonl", hold)
    ut = [{"q": q, "lang": l, "split": "train"} for l, q in un.U if not held(q)]
    uh = [{"q": q, "lang": l, "split": "holdout"} for l, q in un.U if held(q)]
    write("kb_unanswerable3.jsonl", ut)
    write("kb_unanswerable3_holdout.jsonl", uh)
    print("dev3 %d + %d held out, unanswerable3 %d + %d held out"
          % (len(tune), len(hold), len(ut), len(uh)))


if __name__ == "__main__":
    main()
