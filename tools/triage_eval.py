#!/usr/bin/env python3
"""Measure triage accuracy on a labelled JSON Lines file (see ../shared/data/TRIAGE.md).

For every ticket it runs a classifier command with the subject and body joined by a newline
as one argument, reads the JSON it prints ({"category": "...", "priority": "P2", ...}) and
prints exactly three lines on stdout:

    category_accuracy=0.xxx
    priority_accuracy=0.xxx
    p1_recall=0.xxx

On stderr it also prints p1_false_positives (tickets labelled P2-P4 that came out P1) and
p1_precision, so recall is not bought by over-firing. Confusion details and failures go to stderr. By default the command is
    SEALCTL --offline --data DIR triage --text TEXT --json
Use --cmd to run anything else: a template split like a shell command line (no shell runs)
in which the argument "{text}" is replaced by the ticket text, e.g.
    --cmd './driver --text {text}'
Standard library only; runs with plain python3.
"""

import argparse
import collections
import concurrent.futures
import json
import shlex
import subprocess
import sys

CATEGORIES = ("account", "deposit", "withdrawal", "trading", "security", "technical",
              "compliance", "general")


def parse_priority(v):
    """Accept "P2", "p2", 2 or "2"; return 1..4 or None."""
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return v if 1 <= v <= 4 else None
    if isinstance(v, str):
        s = v.strip().upper()
        if s.startswith("P"):
            s = s[1:]
        if s in ("1", "2", "3", "4"):
            return int(s)
    return None


def build_argv(args, text):
    if args.cmd:
        tmpl = shlex.split(args.cmd)
        if not any("{text}" in a for a in tmpl):
            tmpl.append("{text}")
        return [a.replace("{text}", text) for a in tmpl]
    return [args.sealctl, "--offline", "--data", args.data, "triage", "--text", text, "--json"]


def classify(args, ticket):
    """Run the command for one ticket; return (category, priority, error)."""
    text = "%s\n%s" % (ticket.get("subject") or "", ticket.get("body") or "")
    argv = build_argv(args, text)
    try:
        proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              timeout=args.timeout, check=False)
    except (OSError, subprocess.TimeoutExpired) as e:
        return None, None, "cannot run %s: %s" % (argv[0], e)
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        return None, None, "exit %d: %s" % (proc.returncode, err[-1] if err else "")
    try:
        out = json.loads(proc.stdout.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        return None, None, "bad JSON output: %s" % e
    if not isinstance(out, dict):
        return None, None, "JSON output is not an object"
    cat = out.get("category")
    prio = parse_priority(out.get("priority"))
    if cat not in CATEGORIES or prio is None:
        return None, None, "missing or invalid category/priority in %r" % (out,)
    return cat, prio, None


def load(path):
    tickets = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                t = json.loads(line)
            except ValueError as e:
                raise SystemExit("%s:%d: bad JSON: %s" % (path, n, e))
            want_p = parse_priority(t.get("priority"))
            if t.get("category") not in CATEGORIES or want_p is None:
                raise SystemExit("%s:%d: missing or invalid category/priority" % (path, n))
            t["_prio"] = want_p
            t["_line"] = n
            tickets.append(t)
    if not tickets:
        raise SystemExit("%s: no tickets" % path)
    return tickets


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("jsonl", help="labelled tickets, one JSON object a line")
    ap.add_argument("--sealctl", default="sealctl", help="path of sealctl (default: on PATH)")
    ap.add_argument("--data", default=".", help="sealctl --data directory (default: .)")
    ap.add_argument("--cmd", help="command template; '{text}' is replaced by the ticket text")
    ap.add_argument("--jobs", type=int, default=8, help="commands run in parallel (default 8)")
    ap.add_argument("--timeout", type=float, default=30.0, help="seconds per command")
    ap.add_argument("--verbose", "-v", action="store_true",
                    help="list every misclassified ticket on stderr")
    ap.add_argument("--fail-under", metavar="CAT,PRIO,P1",
                    help="exit 1 if any measure is below these values, e.g. 0.90,0.85,0.98")
    args = ap.parse_args()
    floors = None
    if args.fail_under:
        try:
            floors = [float(x) for x in args.fail_under.split(",")]
        except ValueError:
            floors = []
        if len(floors) != 3:
            ap.error("--fail-under needs three numbers: CAT,PRIO,P1")

    tickets = load(args.jsonl)
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as ex:
        results = list(ex.map(lambda t: classify(args, t), tickets))

    cat_ok = prio_ok = p1 = p1_ok = failed = p1_false = 0
    confusion = collections.Counter()
    prio_confusion = collections.Counter()
    for t, (cat, prio, err) in zip(tickets, results):
        want_c, want_p = t["category"], t["_prio"]
        if err:
            failed += 1
            print("line %d (%s): %s" % (t["_line"], t.get("id", "?"), err), file=sys.stderr)
        cat_ok += cat == want_c
        prio_ok += prio == want_p
        if want_p == 1:
            p1 += 1
            p1_ok += prio == 1
        else:
            p1_false += prio == 1
        confusion[(want_c, cat or "ERROR")] += 1
        prio_confusion[(want_p, prio or 0)] += 1
        if args.verbose and not err and (cat != want_c or prio != want_p):
            print("line %d (%s): want %s/P%d got %s/P%d" % (
                t["_line"], t.get("id", "?"), want_c, want_p, cat, prio), file=sys.stderr)

    n = len(tickets)
    measures = (cat_ok / n, prio_ok / n, p1_ok / p1 if p1 else 1.0)
    print("category_accuracy=%.3f" % measures[0])
    print("priority_accuracy=%.3f" % measures[1])
    print("p1_recall=%.3f" % measures[2])

    print("tickets=%d failed_commands=%d p1_labelled=%d" % (n, failed, p1), file=sys.stderr)
    # P1 precision: recall must not be bought by calling everything P1.
    print("p1_false_positives=%d (of %d labelled P2-P4) p1_precision=%.3f" % (
        p1_false, n - p1, p1_ok / (p1_ok + p1_false) if p1_ok + p1_false else 1.0),
        file=sys.stderr)
    if not p1:
        print("no P1 tickets in the file: p1_recall reported as 1.000", file=sys.stderr)
    wrong = [(k, v) for k, v in confusion.items() if k[0] != k[1]]
    if wrong:
        print("category confusion (want -> got: count):", file=sys.stderr)
        for (w, g), v in sorted(wrong, key=lambda kv: -kv[1]):
            print("  %s -> %s: %d" % (w, g, v), file=sys.stderr)
    wrong = [(k, v) for k, v in prio_confusion.items() if k[0] != k[1]]
    if wrong:
        print("priority confusion (want -> got: count):", file=sys.stderr)
        for (w, g), v in sorted(wrong, key=lambda kv: -kv[1]):
            print("  P%d -> %s: %d" % (w, "P%d" % g if g else "ERROR", v), file=sys.stderr)
    if floors and any(m < f for m, f in zip(measures, floors)):
        for name, m, f in zip(("category_accuracy", "priority_accuracy", "p1_recall"),
                              measures, floors):
            if m < f:
                print("FAIL %s: %s=%.3f is below %.3f" % (args.jsonl, name, m, f),
                      file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
