#!/usr/bin/env python3
"""Writes the round 8 dev sets (brief K, issue 17 item 4) from c1-c3.py and un5.py:

  tests/data/kb_dev5.jsonl, kb_dev5_holdout.jsonl                 answerable
  tests/data/kb_unanswerable5.jsonl, kb_unanswerable5_holdout.jsonl  no article fits

A question goes to the held-out file when blake2s("kb-dev5\\0" + question) mod 100 < 30,
decided before any search ran on it: never tune on the _holdout files. The script refuses a
question that an earlier set's tuning/train file already holds (same text after case folding and spaces squeezed),
a slug with no article, and a language with fewer than 4 questions for an article.
Deterministic: the same sources give byte-identical files.

usage: python3 data/kb/questions/dev5/gen5.py
"""
import glob
import hashlib
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", "..", ".."))
OUT = os.path.join(ROOT, "tests", "data")
LANGS = ("zh", "zh-Hant", "en", "ko", "mixed")
MIN_PER_LANG = 4
sys.path.insert(0, HERE)


def norm(q):
    return " ".join(q.casefold().split())


def in_holdout(q):
    h = hashlib.blake2s(("kb-dev5\0" + q).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(h, "big") % 100 < 30


def earlier_questions():
    seen = set()
    for path in glob.glob(os.path.join(OUT, "kb_*.jsonl")):
        # held-out files (kb_holdout2, kb_unanswerable2, *_holdout) are not read here
        if "holdout2" in path or "unanswerable2" in path or "_holdout" in path:
            continue
        if "dev5" in path or "unanswerable5" in path:
            continue
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    seen.add(norm(json.loads(line)["q"]))
    return seen


def dump(name, rows):
    with open(os.path.join(OUT, name), "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def main():
    import c1, c2, c3, un5  # noqa: E401
    slugs = {os.path.basename(p).split(".")[0] for p in glob.glob(os.path.join(ROOT, "kb", "*.md"))}
    old = earlier_questions()
    mine = set()
    errors = []

    def check(q):
        n = norm(q)
        if n in old:
            errors.append("already in an earlier set: " + q)
        if n in mine:
            errors.append("twice in dev5: " + q)
        mine.add(n)

    tune, hold = [], []
    for mod in (c1, c2, c3):
        for slug, by_lang in mod.Q.items():
            if slug not in slugs:
                errors.append("no article " + slug)
            for lang in LANGS:
                qs = by_lang.get(lang, [])
                if len(qs) < MIN_PER_LANG:
                    errors.append("%s %s: %d questions" % (slug, lang, len(qs)))
                for q in qs:
                    check(q)
                    row = {"q": q, "lang": lang, "article": slug}
                    (hold if in_holdout(q) else tune).append(row)
    covered = {s for mod in (c1, c2, c3) for s in mod.Q}
    for s in sorted(slugs - covered - {"README"}):
        errors.append("article with no questions: " + s)
    ut, uh = [], []
    for lang, q in un5.U:
        if lang not in LANGS:
            errors.append("bad language %s: %s" % (lang, q))
        check(q)
        if in_holdout(q):
            uh.append({"q": q, "lang": lang, "split": "holdout"})
        else:
            ut.append({"q": q, "lang": lang, "split": "train"})
    if errors:
        sys.exit("gen5: " + "\ngen5: ".join(errors))
    dump("kb_dev5.jsonl", tune)
    dump("kb_dev5_holdout.jsonl", hold)
    dump("kb_unanswerable5.jsonl", ut)
    dump("kb_unanswerable5_holdout.jsonl", uh)
    print("dev5 %d + %d held out, unanswerable5 %d + %d held out"
          % (len(tune), len(hold), len(ut), len(uh)))


if __name__ == "__main__":
    main()
