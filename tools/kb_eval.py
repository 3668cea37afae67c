#!/usr/bin/env python3
"""Retrieval quality of the knowledge base search: runs every question of labeled sets
({"q", "lang", "article": slug}) through `sealctl kb search` on a fresh store initialised with
the starter set, and prints recall@1 and recall@3 overall and per question language. A hit
counts when a returned article has the labeled slug (the topic, in whatever language the search
returned; the share returned in the question's own language is printed too). Questions with no
"article" (tests/data/kb_unanswerable.jsonl) count as right when the search returns nothing.

usage: tools/kb_eval.py [--sealctl PATH] [--data DIR] [--lang-hint] [--misses] [--jobs N]
                        [--split train|holdout] [--fail-under R1,R3,NONE] FILE...
  (no FILE: tests/data/kb_questions.jsonl)
  --split        of the unanswerable set, keep only this split
  --fail-under   exit 1 when recall@1, recall@3 (answerable questions) or the share of
                 unanswerable questions answered with no article is under these
"""
import argparse
import concurrent.futures
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
    ap.add_argument("files", nargs="*")
    ap.add_argument("--sealctl")
    ap.add_argument("--questions", help="same as one FILE (kept for older callers)")
    ap.add_argument("--data")
    ap.add_argument("--lang-hint", action="store_true")
    ap.add_argument("--misses", action="store_true", help="print the questions missed at 3")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--split", choices=("train", "holdout"))
    ap.add_argument("--fail-under", metavar="R1,R3,NONE")
    args = ap.parse_args()
    files = list(args.files) + ([args.questions] if args.questions else [])
    if not files:
        files = [os.path.join(ROOT, "tests", "data", "kb_questions.jsonl")]
    gate = None
    if args.fail_under:
        gate = [float(x) for x in args.fail_under.split(",")]
        if len(gate) != 3:
            ap.error("--fail-under needs three numbers: R1,R3,NONE")
    sealctl = find_sealctl(args.sealctl)
    qs = []
    for f in files:
        for line in open(f, encoding="utf-8"):
            if not line.strip():
                continue
            q = json.loads(line)
            if args.split and q.get("split") and q["split"] != args.split:
                continue
            qs.append(q)
    tmp = None
    data = args.data
    if not data:
        tmp = tempfile.mkdtemp(prefix="kb_eval.")
        data = os.path.join(tmp, "data")
        subprocess.run([sealctl, "--offline", "--data", data, "init"], check=True,
                       stdout=subprocess.DEVNULL)

    def run(q):
        cmd = [sealctl, "--offline", "--data", data, "--json", "kb", "search", "--text",
               q["q"], "--limit", "3"]
        if args.lang_hint and q["lang"] in ("zh", "en", "ko"):
            cmd += ["--lang", q["lang"]]
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        return json.loads(out) if out.strip() else []

    stats = {}
    none = [0, 0]
    misses = []
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as ex:
            results = list(ex.map(run, qs))
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    for q, hits in zip(qs, results):
        slugs = [h.get("slug", "") for h in hits]
        if not q.get("article"):
            none[0] += 1
            none[1] += not hits
            if hits:
                misses.append((q, slugs))
            continue
        r1 = bool(slugs[:1]) and slugs[0] == q["article"]
        r3 = q["article"] in slugs[:3]
        qlang = "zh" if q["lang"] == "zh-Hant" else q["lang"]
        same = bool(hits) and (q["lang"] == "mixed" or hits[0]["lang"] == qlang)
        for key in ("all", q["lang"]):
            s = stats.setdefault(key, [0, 0, 0, 0])
            s[0] += 1
            s[1] += r1
            s[2] += r3
            s[3] += same
        if not r1:
            misses.append((q, slugs))
    ok = True
    for key in (["all"] if "all" in stats else []) + sorted(k for k in stats if k != "all"):
        n, r1, r3, same = stats[key]
        print("%-8s n=%3d recall@1=%.3f recall@3=%.3f top1_in_question_lang=%.3f"
              % (key, n, r1 / n, r3 / n, same / n))
    if none[0]:
        print("unanswerable n=%3d no_article=%.3f" % (none[0], none[1] / none[0]))
    if gate:
        if "all" in stats:
            n, r1, r3, _ = stats["all"]
            ok &= r1 / n >= gate[0] and r3 / n >= gate[1]
        if none[0]:
            ok &= none[1] / none[0] >= gate[2]
    if args.misses:
        for q, slugs in misses:
            print("MISS [%s] %s -> want %s, got %s" % (q["lang"], q["q"], q.get("article", "-"),
                                                       ",".join(slugs)))
    if not ok:
        print("kb_eval: under the gate %s" % args.fail_under, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
