"""The rendering and held-out split shared by the dev set writers (dev3/gen3.py, dev4/gen4.py):
every question of the answerable modules ({slug: [(lang, q), ...]} as Q) and of the
unanswerable list ([(lang, q), ...]) goes to the tuning file or, for about 30 % chosen by a
hash of the question before any search was run on them, to the _holdout file (never tune on
the _holdout files)."""
import hashlib
import json
import os

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "tests", "data")


def held(q):
    return int(hashlib.sha256(q.encode()).hexdigest(), 16) % 10 < 3


def write(name, rows):
    with open(os.path.join(OUT, name), "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def write_sets(n, answerable, unanswerable):
    """Write kb_devN.jsonl, kb_devN_holdout.jsonl, kb_unanswerableN.jsonl and
    kb_unanswerableN_holdout.jsonl; print their sizes."""
    tune, hold = [], []
    for mod in answerable:
        for slug, qs in mod.Q.items():
            for lang, q in qs:
                (hold if held(q) else tune).append({"q": q, "lang": lang, "article": slug})
    write("kb_dev%d.jsonl" % n, tune)
    write("kb_dev%d_holdout.jsonl" % n, hold)
    ut = [{"q": q, "lang": l, "split": "train"} for l, q in unanswerable if not held(q)]
    uh = [{"q": q, "lang": l, "split": "holdout"} for l, q in unanswerable if held(q)]
    write("kb_unanswerable%d.jsonl" % n, ut)
    write("kb_unanswerable%d_holdout.jsonl" % n, uh)
    print("dev%d %d + %d held out, unanswerable%d %d + %d held out"
          % (n, len(tune), len(hold), n, len(ut), len(uh)))
