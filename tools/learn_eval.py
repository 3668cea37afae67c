#!/usr/bin/env python3
"""Held-out effect of the learned triage (issue 17 item 3).

In a fresh data dir: measure data/triage/holdout-*.jsonl with tools/triage_eval.py (rules
alone: the model is empty), then file every data/triage/train-*.jsonl ticket with
`sealctl ticket create` and correct it with `sealctl ticket set ID --category C --priority P
--reason R` where the rules got it wrong (--mode corrections, what a desk does), or confirm
every label (--mode all: agents review each ticket), and measure the holdout sets again.
Prints one line per set and mode: before -> after for category, priority and P1 recall, on
the holdout sets and on the train sets themselves (the corrected phrasing, triaged again).

    tools/learn_eval.py --sealctl build/tools/sealctl [--mode corrections|all|both]
Standard library only. Runs offline; nothing leaves the temporary data dir, removed at the end.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "data", "triage")
LANGS = ("zh", "en", "ko")
# holdout: text the model never saw; train: the corrected tickets' own text, triaged again
# (does the desk repeat a mistake it was corrected on?).
KINDS = ("holdout", "train")


def run(argv):
    p = subprocess.run(argv, capture_output=True, text=True, check=False)
    if p.returncode:
        raise SystemExit("failed (%d): %s\n%s" % (p.returncode, " ".join(argv[:6]), p.stderr))
    return p.stdout


def measure(args, d, lang, kind="holdout"):
    out = run([sys.executable, os.path.join(HERE, "triage_eval.py"), "--sealctl", args.sealctl,
               "--jobs", "2", "--data", d, os.path.join(DATA, "%s-%s.jsonl" % (kind, lang))])
    return dict(line.split("=") for line in out.split())


def train(args, d, mode, langs):
    n_set = 0
    for lang in langs:
        with open(os.path.join(DATA, "train-%s.jsonl" % lang), encoding="utf-8") as f:
            for line in f:
                t = json.loads(line)
                ctl = [args.sealctl, "--offline", "--data", d, "--json"]
                got = json.loads(run(ctl + ["ticket", "create", "--channel", t["channel"],
                                            "--subject", t.get("subject") or "ticket",
                                            "--body", t["body"]]))
                if mode == "corrections" and got["category"] == t["category"] and \
                        got["priority"] == t["priority"]:
                    continue
                run(ctl + ["ticket", "set", str(got["id"]), "--category", t["category"],
                           "--priority", t["priority"], "--reason", "triage review"])
                n_set += 1
    return n_set


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sealctl", default=os.path.join(HERE, "..", "build", "tools", "sealctl"))
    ap.add_argument("--mode", choices=("corrections", "all", "both"), default="both")
    ap.add_argument("--langs", default=",".join(LANGS), help="zh,en,ko (default: all three)")
    ap.add_argument("--keep", action="store_true", help="keep the data dir (its path on stderr)")
    args = ap.parse_args()
    langs = tuple(args.langs.split(","))
    modes = ("corrections", "all") if args.mode == "both" else (args.mode,)
    for mode in modes:
        d = tempfile.mkdtemp(prefix="sdlearn.")
        try:
            run([args.sealctl, "--offline", "--data", d, "init"])
            before = {(k, lang): measure(args, d, lang, k) for k in KINDS for lang in langs}
            n = train(args, d, mode, langs)
            after = {(k, lang): measure(args, d, lang, k) for k in KINDS for lang in langs}
        finally:
            if args.keep:
                print("data dir kept: %s" % d, file=sys.stderr)
            else:
                shutil.rmtree(d, ignore_errors=True)
        for k in KINDS:
            for lang in langs:
                b, a = before[(k, lang)], after[(k, lang)]
                print("mode=%s examples=%d %s-%s category %s -> %s, priority %s -> %s, "
                      "p1_recall %s -> %s" % (mode, n, k, lang, b["category_accuracy"],
                                              a["category_accuracy"], b["priority_accuracy"],
                                              a["priority_accuracy"], b["p1_recall"],
                                              a["p1_recall"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
