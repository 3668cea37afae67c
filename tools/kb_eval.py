#!/usr/bin/env python3
"""Retrieval quality of the knowledge base search: runs every question of a labeled set
(tests/data/kb_questions.jsonl: {"q", "lang", "article": slug}) through `sealctl kb search`
on a fresh store initialised with the starter set, and prints recall@1 and recall@3 overall
and per question language. A hit counts when a returned article has the labeled slug (the
topic, in whatever language the search returned; the share returned in the question's own
language is printed too).

usage: tools/kb_eval.py [--sealctl PATH] [--questions FILE] [--data DIR] [--lang-hint]
                        [--misses]
  --lang-hint  pass the question's language as --lang (default: the search detects it)
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def find_sealctl(given):
    cands = [given] if given else []
    if os.environ.get("SD_BIN"):
        cands.append(os.path.join(os.environ["SD_BIN"], "sealctl"))
    cands += [os.path.join(ROOT, "build", "tools", "sealctl"), shutil.which("sealctl") or ""]
    for c in cands:
        if c and os.path.isfile(c) and os.access(c, os.X_OK):
            return c
    sys.exit("kb_eval: sealctl not found (use --sealctl or SD_BIN)")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sealctl")
    ap.add_argument("--questions", default=os.path.join(ROOT, "tests", "data",
                                                        "kb_questions.jsonl"))
    ap.add_argument("--data")
    ap.add_argument("--lang-hint", action="store_true")
    ap.add_argument("--misses", action="store_true", help="print the questions missed at 3")
    args = ap.parse_args()
    sealctl = find_sealctl(args.sealctl)
    tmp = None
    data = args.data
    if not data:
        tmp = tempfile.mkdtemp(prefix="kb_eval.")
        data = os.path.join(tmp, "data")
        subprocess.run([sealctl, "--offline", "--data", data, "init"], check=True,
                       stdout=subprocess.DEVNULL)
    qs = [json.loads(l) for l in open(args.questions, encoding="utf-8") if l.strip()]
    stats = {}
    misses = []
    try:
        for q in qs:
            cmd = [sealctl, "--offline", "--data", data, "--json", "kb", "search", "--text",
                   q["q"], "--limit", "3"]
            if args.lang_hint and q["lang"] in ("zh", "en", "ko"):
                cmd += ["--lang", q["lang"]]
            out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
            hits = json.loads(out)
            slugs = [h.get("slug", "") for h in hits]
            r1 = bool(slugs[:1]) and slugs[0] == q["article"]
            r3 = q["article"] in slugs[:3]
            same = bool(hits) and (q["lang"] == "mixed" or hits[0]["lang"] == q["lang"])
            for key in ("all", q["lang"]):
                s = stats.setdefault(key, [0, 0, 0, 0])
                s[0] += 1
                s[1] += r1
                s[2] += r3
                s[3] += same
            if not r3:
                misses.append((q, slugs))
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    for key in ["all"] + sorted(k for k in stats if k != "all"):
        n, r1, r3, same = stats[key]
        print("%-6s n=%3d recall@1=%.3f recall@3=%.3f top1_in_question_lang=%.3f"
              % (key, n, r1 / n, r3 / n, same / n))
    if args.misses:
        for q, slugs in misses:
            print("MISS [%s] %s -> want %s, got %s" % (q["lang"], q["q"], q["article"],
                                                       ",".join(slugs)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
