#!/usr/bin/env python3
"""Writes the round-12 labelled triage sets (train12 / holdout12) from tpl12_{zh,en,ko}.py.

Hand-written, blind (see README.md, "holdout12 / train12"). Deterministic, stdlib only.
Every situation is rendered once; about a third of them (all P1 situations first) get a second
rendering with fresh values (amounts, coins, networks, TXIDs, addresses, UIDs, times) and the
other wording of every [a|b] choice. The split is by sha256 of the situation text: 70 % train12,
30 % holdout12, so both renderings of a situation land in the same file.

usage: gen12.py [--check]   (--check exits 1 if the written files differ)
"""
import hashlib
import importlib.util
import json
import os
import random
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
LANGS = ("zh", "en", "ko")
CATS = ("account", "deposit", "withdrawal", "trading", "security", "technical", "compliance",
        "general")
PRIOS = ("P1", "P2", "P3", "P4")
CHANNELS = ("chat", "email", "web", "phone", "social")

# (coin, network, address kind, amount range)
ASSETS = (
    ("USDT", "TRC20", "tron", (50, 9000, 2)),
    ("USDT", "ERC20", "evm", (100, 12000, 2)),
    ("USDT", "BEP20", "evm", (20, 5000, 2)),
    ("USDC", "Polygon", "evm", (30, 7000, 2)),
    ("USDC", "Solana", "sol", (40, 6000, 2)),
    ("ETH", "ERC20", "evm", (0.05, 6, 4)),
    ("ETH", "Arbitrum One", "evm", (0.02, 3, 4)),
    ("BTC", "Bitcoin", "btc", (0.002, 0.9, 5)),
    ("SOL", "Solana", "sol", (0.5, 120, 3)),
    ("XRP", "XRP Ledger", "xrp", (30, 9000, 1)),
    ("TRX", "TRC20", "tron", (200, 60000, 0)),
    ("BNB", "BEP20", "evm", (0.1, 25, 3)),
    ("DOGE", "Dogecoin", "doge", (100, 80000, 0)),
    ("LTC", "Litecoin", "ltc", (0.5, 90, 3)),
)
B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
BECH = "023456789acdefghjklmnpqrstuvwxyz"


def load_words():
    path = os.path.join(HERE, "..", "bip39-english.txt")
    with open(path, encoding="utf-8") as f:
        words = [w.strip() for w in f if w.strip()]
    assert len(words) == 2048, "bip39 list must have 2048 words"
    return words


def address(r, kind):
    if kind == "evm":
        return "0x" + "".join(r.choice("0123456789abcdef") for _ in range(40))
    if kind == "tron":
        return "T" + "".join(r.choice(B58) for _ in range(33))
    if kind == "btc":
        return "bc1q" + "".join(r.choice(BECH) for _ in range(38))
    if kind == "sol":
        return "".join(r.choice(B58) for _ in range(44))
    if kind == "xrp":
        return "r" + "".join(r.choice(B58) for _ in range(33))
    if kind == "doge":
        return "D" + "".join(r.choice(B58) for _ in range(33))
    return "ltc1q" + "".join(r.choice(BECH) for _ in range(38))


def values(r, words):
    coin, net, kind, (lo, hi, dec) = r.choice(ASSETS)
    amt = round(r.uniform(lo, hi), dec)
    amt_s = ("{:,.%df}" % dec).format(amt) if dec else "{:,}".format(int(amt))
    txid = "".join(r.choice("0123456789abcdef") for _ in range(64))
    if kind == "evm":
        txid = "0x" + txid
    h, m = r.randrange(24), r.randrange(60)
    mon, day = r.randrange(1, 13), r.randrange(1, 29)
    fiat = r.choice((120, 250, 300, 480, 500, 750, 1000, 1500, 2000, 3500, 5000, 8000))
    return {
        "coin": coin, "net": net, "amt": amt_s, "txid": txid, "addr": address(r, kind),
        "uid": str(r.randrange(10000000, 999999999)),
        "uid2": str(r.randrange(10000000, 999999999)),
        "time": "%02d:%02d" % (h, m), "hour": str(h % 12 + 1), "min": str(m),
        "date": "%d/%d" % (mon, day), "mon": str(mon), "day": str(day),
        "code": "%06d" % r.randrange(1000000),
        "order": str(r.randrange(10**17, 10**18)),
        "fiat": str(fiat), "last4": "%04d" % r.randrange(10000),
        "pct": str(r.choice((3, 5, 8, 10, 12, 15, 20, 25, 30))),
        "n": str(r.randrange(2, 9)),
        "usd": "{:,}".format(r.randrange(200, 30000)),
        "seed": " ".join(r.choice(words) for _ in range(12)),
        "seed24": " ".join(r.choice(words) for _ in range(24)),
    }


# Neutral openers and closers for the second rendering (they change wording, never the label).
OPEN = {"zh": ("你好，", "在吗 ", "客服你好 ", "麻烦问一下，"),
        "en": ("hi ", "hello, ", "hey so ", "um hi, "),
        "ko": ("안녕하세요 ", "저기요 ", "문의드려요 ", "수고하십니다 ")}
CLOSE = {"zh": (" 谢谢", " 麻烦了", " 谢谢啦", " 辛苦了"),
         "en": (" thanks", " thank you", " cheers", " thx"),
         "ko": (" 감사합니다", " 부탁드려요", " 수고하세요", " 답변 기다릴게요")}

CHOICE = re.compile(r"\[([^\[\]]*\|[^\[\]]*)\]")
SLOT = re.compile(r"\{([a-z0-9]+)\}")


def render(text, vals, pick):
    text = CHOICE.sub(lambda m: m.group(1).split("|")[pick % len(m.group(1).split("|"))], text)
    return SLOT.sub(lambda m: vals[m.group(1)], text)


def load(lang):
    path = os.path.join(HERE, "tpl12_%s.py" % lang)
    spec = importlib.util.spec_from_file_location("tpl12_" + lang, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    seen = set()
    for s in mod.SITUATIONS:
        cat, prio, ch, subj, body = s
        assert cat in CATS and prio in PRIOS and ch in CHANNELS, s
        key = subj + "\x00" + body
        assert key not in seen, "duplicate situation: %r" % body[:60]
        seen.add(key)
        for m in SLOT.finditer(subj + body):
            assert m.group(1) in values(random.Random(0), ["x"] * 2048), m.group(0)
    return mod.SITUATIONS


def digest(s):
    return hashlib.sha256((s[3] + "\n" + s[4]).encode("utf-8")).hexdigest()


def build(lang, words):
    sits = load(lang)
    n2 = round(len(sits) / 3)
    p1 = [s for s in sits if s[1] == "P1"]
    rest = sorted((s for s in sits if s[1] != "P1"), key=digest)
    second = set(digest(s) for s in (p1 + rest)[:n2])
    out = {"train": [], "holdout": []}
    for s in sits:
        cat, prio, ch, subj, body = s
        d = digest(s)
        split = "train" if int(d[:8], 16) % 100 < 70 else "holdout"
        rounds = (0, 1) if d in second else (0,)
        for k in rounds:
            r = random.Random(int(d[8:24], 16) + 7919 * k)
            vals = values(r, words)
            chan = ch if k == 0 else CHANNELS[(CHANNELS.index(ch) + 1 + r.randrange(2)) % 5]
            text = render(body, vals, k)
            if k:
                if not text.startswith(">"):
                    text = r.choice(OPEN[lang]) + text
                text = text + r.choice(CLOSE[lang])
            out[split].append({"lang": lang, "channel": chan,
                               "subject": render(subj, vals, k), "body": text,
                               "category": cat, "priority": prio})
    files = {}
    for split, rows in out.items():
        name = "%s12-%s.jsonl" % (split, lang)
        lines = []
        for i, row in enumerate(rows, 1):
            row = dict([("id", "%s12-%s-%04d" % (split[0], lang, i))] + list(row.items()))
            lines.append(json.dumps(row, ensure_ascii=False))
        files[name] = "\n".join(lines) + "\n"
    return files


def main():
    check = "--check" in sys.argv[1:]
    words = load_words()
    differ = False
    for lang in LANGS:
        if not os.path.exists(os.path.join(HERE, "tpl12_%s.py" % lang)):
            continue
        for name, text in build(lang, words).items():
            path = os.path.join(HERE, name)
            old = None
            if os.path.exists(path):
                with open(path, encoding="utf-8") as f:
                    old = f.read()
            if old != text:
                differ = True
                if check:
                    print("differs: " + name)
                else:
                    with open(path, "w", encoding="utf-8") as f:
                        f.write(text)
    return 1 if (check and differ) else 0


if __name__ == "__main__":
    sys.exit(main())
