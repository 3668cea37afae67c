#!/usr/bin/env python3
"""Writes data/kb/background.txt: how many customer-written support texts hold each word, the
"background" document frequency that tells a general support word (withdraw, account, 提现,
계정) from a specific one (staking, swift, 质押, 스테이킹). Round 12 measured it as "nothing
fits" evidence and kept no rule (data/kb/README.md, "Round 12, brief K"): the search does not
load the table, so it is not committed (it would only go stale as triage sets are added); run
this script to write it when a later round starts from it.

The texts are the triage corpus (data/triage/train*.jsonl, kinds*.jsonl and
../shared/data/triage-dev.jsonl; never a holdout file), one document per ticket (subject and
body), each word counted once per document. Words are cut like src/kb/kb_tokenize.c (NFKC and
case folding, Latin words lightly stemmed with its stop words dropped, character bigrams of Han
/ Hangul / kana runs); traditional Chinese is not folded here, so a loader should run each
line's word through the KB's own tokeniser (a missed stem or fold only splits a count). Kept:
words in at least MIN_DF documents, the MAX_WORDS most frequent (ties by word), sorted by word.
Deterministic: the same inputs give the same bytes. The triage corpus grows every round: run
the script again after adding triage files, or --check fails.

usage: data/kb/gen_background.py [--check]   (--check: exit 1 when the file is not current)
"""
import glob
import json
import os
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(HERE, "background.txt")
MIN_DF = 2
MAX_WORDS = 12000  # the size limit (about 110 KB)

STOP = set("""a am an and are as at be been but by can could do doe for from ha have hello hi i if
in is it just me my of on or our please pls should so thank thanks that the there they thi to wa we
what when will with would you your""".split())


def sources():
    tri = os.path.join(ROOT, "data", "triage")
    files = sorted(glob.glob(os.path.join(tri, "train*.jsonl")) +
                   glob.glob(os.path.join(tri, "kinds*.jsonl")))
    dev = os.path.join(os.path.dirname(ROOT), "shared", "data", "triage-dev.jsonl")
    if not os.path.isfile(dev):
        sys.exit("gen_background: %s not found (../shared next to the repository)" % dev)
    files.append(dev)
    return [f for f in files if "holdout" not in os.path.basename(f)]


def cclass(ch):
    o = ord(ch)
    if ("a" <= ch <= "z") or ("0" <= ch <= "9"):
        return "w"
    if 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF:
        return "han"
    if 0xAC00 <= o <= 0xD7A3:
        return "hangul"
    if 0x3040 <= o <= 0x30FF:
        return "kana"
    if ch.isalpha() or ch.isdigit():
        return "w"
    return None


def stem(w):
    if not w.isascii() or not w.isalpha() or len(w) < 4:
        return w
    n = len(w)
    if w.endswith("ies") and n > 4:
        return w[:-3] + "y"
    if w.endswith("sses"):
        return w[:-2]
    if w.endswith("ing") and n > 5:
        w = w[:-3]
    elif w.endswith("ied") and n > 4:
        return w[:-3] + "y"
    elif w.endswith("ed") and n > 4:
        w = w[:-2]
    elif w.endswith("ly") and n > 5:
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    if len(w) > 4 and w.endswith("e"):
        w = w[:-1]
    return w


def words(text):
    text = unicodedata.normalize("NFKC", text).casefold()
    out, word, run, runc = [], "", "", None

    def flush_run():
        if len(run) == 1:
            out.append(run)
        out.extend(run[i:i + 2] for i in range(len(run) - 1))

    for ch in text:
        c = cclass(ch)
        if c != "w" and word:
            w = stem(word[:40])
            if w not in STOP:
                out.append(w)
            word = ""
        if c in ("han", "hangul", "kana"):
            if runc != c:
                flush_run()
                run, runc = "", c
            run += ch
            continue
        flush_run()
        run, runc = "", None
        if c == "w":
            word += ch
    if word:
        w = stem(word[:40])
        if w not in STOP:
            out.append(w)
    flush_run()
    return out


def build():
    df, docs = {}, 0
    for f in sources():
        for line in open(f, encoding="utf-8"):
            if not line.strip():
                continue
            t = json.loads(line)
            text = ((t.get("subject") or "") + " " + (t.get("body") or "")).strip()
            if not text:
                continue
            docs += 1
            for w in set(words(text)):
                if " " in w or not w:
                    continue
                df[w] = df.get(w, 0) + 1
    kept = sorted((w for w in df if df[w] >= MIN_DF), key=lambda w: (-df[w], w))[:MAX_WORDS]
    lines = ["# Background document frequency of support words (data/kb/gen_background.py;",
             "# do not edit: regenerate). docs N, then: word df",
             "docs %d" % docs]
    lines += ["%s %d" % (w, df[w]) for w in sorted(kept)]
    return "\n".join(lines) + "\n"


def main():
    text = build()
    if "--check" in sys.argv[1:]:
        cur = open(OUT, encoding="utf-8").read() if os.path.isfile(OUT) else ""
        if cur != text:
            print("gen_background: %s is not current (run data/kb/gen_background.py)" % OUT,
                  file=sys.stderr)
            return 1
        return 0
    with open(OUT, "w", encoding="utf-8") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
