#!/usr/bin/env python3
"""Writes train13-{zh,en,ko}.jsonl and holdout13-{zh,en,ko}.jsonl from tpl13_{zh,en,ko}.py.

Round 12, issue #17 item 2: an independent set written blind (the writer did not read the
triage rules, the engine or any other set; labels follow ../shared/data/TRIAGE.md only).

Each situation in S of a tpl13 file is (category, priority, channel, subject, body). Slots:
{amt} {coin} {net} {txid} {addr} {uid} {time} {date} {days} {n} {oid} {fiat} {seed} {ip}
{mail} {phone} {coin2} {usdt} {xrp}; [[a|b|c]] is a wording choice (rendering k takes option k mod count).
Every situation is written once (rendering 0); a third of them (all P1 situations first, then
the others in a fixed hash order) get a second rendering (rendering 1) with fresh values and
the other wording (a neutral opener and closer when the
situation has no [[a|b]] choice). The split goes by sha256 of the situation's subject + body template: 70 %
train13, 30 % holdout13, so both renderings of one situation land in the same file.

Deterministic, stdlib only. --check exits 1 if a written file differs from what it would write.
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
CATS = {"account", "deposit", "withdrawal", "trading", "security", "technical", "compliance",
        "general"}
PRIOS = {"P1", "P2", "P3", "P4"}
CHANNELS = {"chat", "email", "web", "phone", "social"}

B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
BECH = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
HEX = "0123456789abcdef"

COIN_NETS = {
    "USDT": ("TRC20", "ERC20", "BEP20", "Solana", "Polygon"),
    "USDC": ("ERC20", "Solana", "Polygon", "Arbitrum"),
    "ETH": ("ERC20", "Arbitrum", "Optimism"),
    "BTC": ("Bitcoin",),
    "SOL": ("Solana",),
    "XRP": ("XRP Ledger",),
    "TRX": ("TRC20",),
    "DOGE": ("Dogecoin",),
    "BNB": ("BEP20",),
}
COIN_RANGE = {
    "USDT": (40, 60000, 0), "USDC": (40, 40000, 0), "ETH": (0.05, 25, 3), "BTC": (0.002, 3, 4),
    "SOL": (1, 400, 2), "XRP": (30, 25000, 0), "TRX": (100, 90000, 0), "DOGE": (100, 80000, 0),
    "BNB": (0.1, 40, 3),
}
COIN2 = ("BTC", "ETH", "SOL", "XRP", "DOGE", "PEPE", "ARB", "LINK", "TON", "ADA")


def load_words():
    with open(os.path.join(HERE, "..", "bip39-english.txt"), encoding="utf-8") as f:
        return [w.strip() for w in f if w.strip()]


def address(rng, net):
    if net == "TRC20":
        return "T" + "".join(rng.choice(B58) for _ in range(33))
    if net == "Bitcoin":
        return "bc1q" + "".join(rng.choice(BECH) for _ in range(38))
    if net == "Solana":
        return "".join(rng.choice(B58) for _ in range(44))
    if net == "XRP Ledger":
        return "r" + "".join(rng.choice(B58) for _ in range(33))
    if net == "Dogecoin":
        return "D" + "".join(rng.choice(B58) for _ in range(33))
    return "0x" + "".join(rng.choice(HEX) for _ in range(40))


def txid(rng, net):
    h = "".join(rng.choice(HEX) for _ in range(64))
    if net in ("ERC20", "BEP20", "Polygon", "Arbitrum", "Optimism"):
        return "0x" + h
    if net == "Solana":
        return "".join(rng.choice(B58) for _ in range(87))
    return h


def amount(rng, coin):
    lo, hi, dec = COIN_RANGE[coin]
    v = rng.uniform(lo, hi)
    if dec == 0:
        v = int(v)
        if v > 1000:
            v = v - v % 10
        return f"{v:,}" if rng.random() < 0.5 else str(v)
    return f"{v:.{dec}f}".rstrip("0").rstrip(".")


def slots(rng, words, lang):
    coin = rng.choice(sorted(COIN_NETS))
    net = rng.choice(COIN_NETS[coin])
    fiat = rng.choice((300, 500, 800, 1200, 2000, 3500, 5000, 8000, 12000, 20000, 45000))
    if lang == "ko":
        fiat *= 1000
    elif lang == "zh":
        fiat *= 7
    user = rng.choice(("kim", "lee", "wang", "li", "chen", "park", "john", "mei", "anna", "hz"))
    dom = rng.choice(("gmail.com", "naver.com", "qq.com", "163.com", "outlook.com", "daum.net"))
    return {
        "coin": coin,
        "net": net,
        "amt": amount(rng, coin),
        "addr": address(rng, net),
        "txid": txid(rng, net),
        "uid": str(rng.randint(10000000, 999999999)),
        "time": f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}",
        "date": f"{rng.randint(1, 12)}/{rng.randint(1, 28)}",
        "days": str(rng.randint(2, 9)),
        "n": str(rng.randint(2, 6)),
        "oid": str(rng.randint(10**17, 10**18 - 1)),
        "fiat": f"{fiat:,}",
        "seed": " ".join(rng.sample(words, 12)),
        "ip": f"{rng.randint(31, 223)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
        "mail": f"{user[0]}***{user[-1]}@{dom}",
        "phone": rng.choice(("+82 10-****-", "+86 1**-****-", "+1 ***-***-", "+66 8*-***-"))
        + f"{rng.randint(0, 9999):04d}",
        "coin2": rng.choice(COIN2),
        "usdt": amount(rng, "USDT"),
        "xrp": amount(rng, "XRP"),
    }


# Neutral openers/closers for a second rendering of a situation without [[a|b]] choices, so
# that it is still worded differently; none of them carries a label cue.
OPEN = {
    "zh": ("你好，", "在吗？", "客服你好，", "打扰一下，", "您好 "),
    "en": ("Hi, ", "Hello support, ", "hey ", "Good day. ", "hi team, "),
    "ko": ("안녕하세요, ", "문의드립니다. ", "저기요 ", "상담원님, ", "수고하십니다. "),
}
CLOSE = {
    "zh": ("谢谢", "麻烦回复一下", "（手机打字见谅）", "等你们消息", "辛苦了"),
    "en": (" thanks", " pls reply", " (sent from my phone)", " waiting for your answer", " regards"),
    "ko": (" 감사합니다", " 답변 부탁드려요", " (폰으로 써서 오타 양해)", " 연락 기다릴게요", " 수고하세요"),
}
ALT = re.compile(r"\[\[(.*?)\]\]", re.S)


def render(text, k, vals):
    text = ALT.sub(lambda m: m.group(1).split("|")[k % len(m.group(1).split("|"))], text)
    return text.format(**vals)


def reword(lang, text, k, has_alt, rng, chan):
    if k == 0 or has_alt:
        return text
    if chan == "web":  # a web form starts with its own fields: no greeting before them
        return text + rng.choice(CLOSE[lang])
    return rng.choice(OPEN[lang]) + text + rng.choice(CLOSE[lang])


def load_tpl(lang, rnd):
    path = os.path.join(HERE, f"tpl{rnd}_{lang}.py")
    spec = importlib.util.spec_from_file_location(f"tpl{rnd}_{lang}", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.S


def build(lang, words, rnd):
    sits = load_tpl(lang, rnd)
    seen = set()
    for i, s in enumerate(sits):
        cat, prio, chan, subj, body = s
        if cat not in CATS or prio not in PRIOS or chan not in CHANNELS:
            raise SystemExit(f"tpl{rnd}_{lang} #{i}: bad label {s[:3]}")
        if (subj, body) in seen:
            raise SystemExit(f"tpl{rnd}_{lang} #{i}: duplicate situation")
        seen.add((subj, body))

    def key(i):
        s = sits[i]
        return hashlib.sha256((s[3] + "\n" + s[4]).encode("utf-8")).hexdigest()

    n_second = (len(sits) + 2) // 3
    p1 = [i for i, s in enumerate(sits) if s[1] == "P1"]
    rest = sorted((i for i, s in enumerate(sits) if s[1] != "P1"), key=key)
    second = set((p1 + rest)[:n_second])

    out = {"train": [], "holdout": []}
    for i, s in enumerate(sits):
        cat, prio, chan, subj, body = s
        h = key(i)
        part = "train" if int(h[:8], 16) % 100 < 70 else "holdout"
        for k in ((0, 1) if i in second else (0,)):
            rng = random.Random(int(h[:16], 16) + 7919 * k)
            vals = slots(rng, words, lang)
            row = {
                "id": f"t{rnd}-{lang}-{i + 1:04d}{'ab'[k]}",
                "lang": lang,
                "channel": chan,
                "subject": render(subj, k, vals),
                "body": reword(lang, render(body, k, vals), k, "[[" in subj + body, rng, chan),
                "category": cat,
                "priority": prio,
            }
            out[part].append(json.dumps(row, ensure_ascii=False))
    return out


def main(rnd="13"):
    """Writes (or with --check compares) round rnd's files: tpl{rnd}_* -> train{rnd}-*, holdout{rnd}-*."""
    check = "--check" in sys.argv[1:]
    words = load_words()
    differ = False
    for lang in LANGS:
        if not os.path.exists(os.path.join(HERE, f"tpl{rnd}_{lang}.py")):
            continue
        out = build(lang, words, rnd)
        for part, rows in out.items():
            path = os.path.join(HERE, f"{part}{rnd}-{lang}.jsonl")
            text = "".join(r + "\n" for r in rows)
            if check:
                try:
                    with open(path, encoding="utf-8") as f:
                        old = f.read()
                except OSError:
                    old = None
                if old != text:
                    print(f"differs: {os.path.basename(path)}", file=sys.stderr)
                    differ = True
            else:
                with open(path, "w", encoding="utf-8") as f:
                    f.write(text)
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
