#!/usr/bin/env python3
"""Generate the KB question sets from the phrasings in this folder (deterministic):

  tests/data/kb_train.jsonl         tpl_train.py + tests/data/kb_questions.jsonl, with variants:
                                    en one letter dropped, zh in traditional (OpenCC s2t),
                                    network names respelled
  tests/data/kb_holdout.jsonl       tpl_holdout.py with OTHER variants: en two letters swapped
                                    or one doubled, zh in Taiwan traditional (s2tw), other
                                    network spellings. Never tune on it.
  tests/data/kb_unanswerable.jsonl  tpl_unanswerable.py, {"split": "train"|"holdout"}

usage: data/kb/questions/gen.py   (from anywhere; needs libopencc.so)
"""
import ctypes
import json
import os
import random
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
sys.path.insert(0, HERE)
import tpl_holdout  # noqa: E402
import tpl_train  # noqa: E402
import tpl_unanswerable  # noqa: E402

_cc = ctypes.CDLL("libopencc.so.1.1")
_cc.opencc_open.restype = ctypes.c_void_p
_cc.opencc_open.argtypes = [ctypes.c_char_p]
_cc.opencc_convert_utf8.restype = ctypes.c_void_p
_cc.opencc_convert_utf8.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t]
_cc.opencc_convert_utf8_free.argtypes = [ctypes.c_void_p]
_handles = {}


def convert(cfg, s):
    h = _handles.get(cfg)
    if h is None:
        h = _handles[cfg] = _cc.opencc_open(cfg.encode())
    b = s.encode()
    p = _cc.opencc_convert_utf8(h, b, len(b))
    out = ctypes.string_at(p).decode()
    _cc.opencc_convert_utf8_free(p)
    return out


NET = re.compile(r"(?i)\b(trc|bep|erc)[- ]?20\b")
TRAIN_NETS = {"trc": ["TRC-20", "trc20", "TRC20"], "bep": ["BEP-20", "bep20"],
              "erc": ["ERC-20", "erc20"]}
HOLD_NETS = {"trc": ["Trc 20", "TRC20", "trc-20"], "bep": ["BEP20", "Bep-20"],
             "erc": ["ERC20", "Erc-20"]}


def net_variants(q, table):
    m = NET.search(q)
    if not m:
        return []
    key = m.group(1).lower()
    return [q[:m.start()] + v + q[m.end():] for v in table[key]
            if v != m.group(0)]


def typo_drop(q, rnd):
    words = q.split(" ")
    idx = [i for i, w in enumerate(words) if len(w) >= 6 and w.isalpha()]
    if not idx:
        return None
    i = rnd.choice(idx)
    w = words[i]
    k = rnd.randrange(1, len(w))
    words[i] = w[:k] + w[k + 1:]
    return " ".join(words)


def typo_swap(q, rnd):
    words = q.split(" ")
    idx = [i for i, w in enumerate(words) if len(w) >= 7 and w.isalpha()]
    if not idx:
        return None
    i = rnd.choice(idx)
    w = words[i]
    k = rnd.randrange(1, len(w) - 1)
    if rnd.random() < 0.5:
        words[i] = w[:k] + w[k + 1] + w[k] + w[k + 2:]
    else:
        words[i] = w[:k] + w[k] + w[k:]
    return " ".join(words)


def expand(tpl, typo, tcfg, nets, seed):
    rnd = random.Random(seed)
    out = []
    for slug, qs in tpl.items():
        for lang, q in qs:
            out.append({"q": q, "lang": lang, "article": slug})
            for v in net_variants(q, nets):
                out.append({"q": v, "lang": lang, "article": slug})
            if lang == "en":
                t = typo(q, rnd)
                if t and t != q:
                    out.append({"q": t, "lang": "en", "article": slug})
            if lang in ("zh", "mixed"):
                t = convert(tcfg, q)
                if t != q:
                    out.append({"q": t, "lang": "zh-Hant" if lang == "zh" else lang,
                                "article": slug})
    return out


def write(path, rows):
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print("%s: %d" % (os.path.relpath(path, ROOT), len(rows)))


def main():
    data = os.path.join(ROOT, "tests", "data")
    base = [json.loads(l) for l in open(os.path.join(data, "kb_questions.jsonl"),
                                        encoding="utf-8") if l.strip()]
    train = base + expand(tpl_train.T, typo_drop, "s2t.json", TRAIN_NETS, 17)
    hold = expand(tpl_holdout.T, typo_swap, "s2tw.json", HOLD_NETS, 4711)
    seen = set(r["q"] for r in train)
    hold = [r for r in hold if r["q"] not in seen]
    unans = ([{"q": q, "lang": l, "split": "train"} for l, q in tpl_unanswerable.TRAIN] +
             [{"q": q, "lang": l, "split": "holdout"} for l, q in tpl_unanswerable.HOLDOUT])
    write(os.path.join(data, "kb_train.jsonl"), train)
    write(os.path.join(data, "kb_holdout.jsonl"), hold)
    write(os.path.join(data, "kb_unanswerable.jsonl"), unans)


if __name__ == "__main__":
    main()
