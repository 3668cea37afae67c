#!/usr/bin/env python3
"""Writes the round 7 dev sets (brief K, issue 17 item 4) from b1-b4.py and un4.py:
tests/data/kb_dev4.jsonl + kb_dev4_holdout.jsonl (answerable) and kb_unanswerable4.jsonl +
kb_unanswerable4_holdout.jsonl. About 30 % of each goes to the held-out file, chosen by a hash
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
    import b1, b2, b3, b4, un4  # noqa: E401
    tune, hold = [], []
    for mod in (b1, b2, b3, b4):
        for slug, qs in mod.Q.items():
            for lang, q in qs:
                (hold if held(q) else tune).append({"q": q, "lang": lang, "article": slug})
    write("kb_dev4.jsonl", tune)
    write("kb_dev4_holdout.jsonl", hold)
    ut = [{"q": q, "lang": l, "split": "train"} for l, q in un4.U if not held(q)]
    uh = [{"q": q, "lang": l, "split": "holdout"} for l, q in un4.U if held(q)]
    write("kb_unanswerable4.jsonl", ut)
    write("kb_unanswerable4_holdout.jsonl", uh)
    print("dev4 %d + %d held out, unanswerable4 %d + %d held out"
          % (len(tune), len(hold), len(ut), len(uh)))


if __name__ == "__main__":
    main()
