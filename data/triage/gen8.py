#!/usr/bin/env python3
"""Render the round-9 independent e-mail / form / phone-note triage set (train8 / holdout8).

Inputs: tpl8_zh.py, tpl8_en.py, tpl8_ko.py (hand-written situations, each labelled by the
shared TRIAGE.md label guide) and the BIP-39 English word list (data/bip39-english.txt,
byte-identical to the shared copy).

Every situation is rendered once; about a third of them (all P1 situations first, then the
others in a fixed hashed order) get a second rendering with fresh amounts, coins, networks,
TXIDs, addresses, seed words, keys, UIDs, times and another way of writing (other wrapper,
other surface style). Both renderings of a situation land in the same split: the split is
sha256 of the situation's template text (70 % train8, 30 % holdout8).

Deterministic, stdlib only.  Usage: gen8.py [--check]   (--check: exit 1 if files differ)
"""
import hashlib
import importlib.util
import json
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
LANGS = ("zh", "en", "ko")
CATS = ("account", "deposit", "withdrawal", "trading", "security", "technical", "compliance",
        "general")
PRIOS = ("P1", "P2", "P3", "P4")
CHANNELS = ("email", "web", "phone")

with open(os.path.join(ROOT, "data", "bip39-english.txt"), encoding="utf-8") as f:
    BIP39 = [w.strip() for w in f if w.strip()]
assert len(BIP39) == 2048

B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
HEX = "0123456789abcdef"
ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

# (coin, network, address kind, amount range, decimals)
COINS = [
    ("USDT", "TRC20", "tron", (50, 60000), 2),
    ("USDT", "ERC20", "evm", (100, 80000), 2),
    ("USDT", "BEP20", "evm", (20, 30000), 2),
    ("USDC", "Solana", "sol", (30, 40000), 2),
    ("USDC", "Arbitrum One", "evm", (40, 25000), 2),
    ("BTC", "Bitcoin", "btc", (0.002, 3.5), 5),
    ("ETH", "ERC20", "evm", (0.05, 40), 4),
    ("ETH", "Arbitrum One", "evm", (0.05, 12), 4),
    ("SOL", "Solana", "sol", (1, 900), 3),
    ("TRX", "TRC20", "tron", (300, 90000), 1),
    ("XRP", "XRP Ledger", "xrp", (40, 30000), 2),
    ("BNB", "BEP20", "evm", (0.2, 60), 4),
    ("DOGE", "Dogecoin", "doge", (200, 150000), 1),
    ("LTC", "Litecoin", "ltc", (1, 300), 3),
    ("TON", "TON", "ton", (10, 8000), 2),
    ("ADA", "Cardano", "ada", (100, 60000), 1),
]
ALTS = ["PEPE", "ARB", "OP", "LINK", "AVAX", "DOT", "MATIC", "SUI", "APT", "WIF", "NEAR", "ATOM"]


def address(rng, kind):
    if kind == "evm":
        return "0x" + "".join(rng.choice(HEX) for _ in range(40))
    if kind == "tron":
        return "T" + "".join(rng.choice(B58) for _ in range(33))
    if kind == "btc":
        if rng.random() < 0.6:
            return "bc1q" + "".join(rng.choice("qpzry9x8gf2tvdw0s3jn54khce6mua7l") for _ in range(38))
        return rng.choice("13") + "".join(rng.choice(B58) for _ in range(33))
    if kind == "sol":
        return "".join(rng.choice(B58) for _ in range(rng.randint(43, 44)))
    if kind == "xrp":
        return "r" + "".join(rng.choice(B58) for _ in range(rng.randint(30, 33)))
    if kind == "doge":
        return "D" + "".join(rng.choice(B58) for _ in range(33))
    if kind == "ltc":
        return "ltc1q" + "".join(rng.choice("qpzry9x8gf2tvdw0s3jn54khce6mua7l") for _ in range(38))
    if kind == "ton":
        return "UQ" + "".join(rng.choice(ALNUM + "-_") for _ in range(46))
    if kind == "ada":
        return "addr1q" + "".join(rng.choice("qpzry9x8gf2tvdw0s3jn54khce6mua7l") for _ in range(52))
    raise ValueError(kind)


def amount(rng, lo, hi, dec):
    v = rng.uniform(lo, hi)
    if dec <= 2 and v > 100 and rng.random() < 0.5:
        v = round(v, -1 if v < 1000 else -2)
        return f"{v:,.0f}" if rng.random() < 0.5 else f"{v:.0f}"
    s = f"{v:.{rng.randint(max(dec - 2, 0), dec)}f}"
    return s.rstrip("0").rstrip(".") if "." in s else s


def values(rng, lang):
    """Fresh values for one rendering (all consistent within it)."""
    coin, net, kind, (lo, hi), dec = rng.choice(COINS)
    coin2, net2, kind2, (lo2, hi2), dec2 = rng.choice([c for c in COINS if c[0] != coin])
    h, m = rng.randint(0, 23), rng.randint(0, 59)
    mon, day = rng.randint(1, 12), rng.randint(1, 28)
    wd_en = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    v = {
        "coin": coin, "net": net, "addr": address(rng, kind), "addr2": address(rng, kind),
        "amt": amount(rng, lo, hi, dec), "amt2": amount(rng, lo, hi, dec),
        "coin2": coin2, "net2": net2, "addr3": address(rng, kind2),
        "amt3": amount(rng, lo2, hi2, dec2),
        "alt": rng.choice(ALTS),
        "usd": f"{rng.randint(3, 900) * 100:,}",
        "fiat": f"{rng.randint(2, 600) * 100:,}",
        "krw": f"{rng.randint(5, 900) * 100000:,}",
        "cny": f"{rng.randint(2, 400) * 100:,}",
        "txid": "".join(rng.choice(HEX) for _ in range(64)),
        "txid2": "".join(rng.choice(HEX) for _ in range(64)),
        "uid": str(rng.randint(10000000, 999999999)),
        "uid2": str(rng.randint(10000000, 999999999)),
        "order": str(rng.randint(10 ** 17, 10 ** 18 - 1)),
        "order2": str(rng.randint(10 ** 17, 10 ** 18 - 1)),
        "time": f"{h:02d}:{m:02d}",
        "time2": f"{(h + rng.randint(1, 5)) % 24:02d}:{rng.randint(0, 59):02d}",
        "hours": str(rng.randint(3, 70)),
        "days": str(rng.randint(2, 12)),
        "date_en": f"{wd_en[rng.randint(0, 6)]}, {day} {['Jan','Feb','Mar','Apr','May','Jun','Jul','Aug','Sep','Oct','Nov','Dec'][mon - 1]} 2026",
        "date_zh": f"2026年{mon}月{day}日",
        "date_ko": f"2026년 {mon}월 {day}일",
        "mon": str(mon), "day": str(day),
        "lev": str(rng.choice([3, 5, 10, 20, 25, 50, 75, 100, 125])),
        "pct": str(rng.randint(2, 40)),
        "code": f"{rng.randint(0, 999999):06d}",
        "tail": f"{rng.randint(0, 9999):04d}",
        "ip": f"{rng.randint(23, 223)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
        "memo": str(rng.randint(100000, 999999999)),
        "apikey": "".join(rng.choice(ALNUM) for _ in range(64)),
        "apisecret": "".join(rng.choice(ALNUM) for _ in range(64)),
        "pk": "".join(rng.choice(HEX) for _ in range(64)),
        "totp": "".join(rng.choice(B32) for _ in range(rng.choice([16, 32]))),
        "backup": " ".join(f"{rng.randint(0, 99999999):08d}" for _ in range(rng.randint(4, 8))),
        "ticket": str(rng.randint(1000000, 9999999)),
        "city_en": rng.choice(["Lagos", "Frankfurt", "Singapore", "Sao Paulo", "Jakarta",
                               "Istanbul", "Kyiv", "Hanoi", "Dubai", "Manila"]),
        "bank_en": rng.choice(["Chase", "HSBC", "Barclays", "Revolut", "Wise", "ING", "DBS"]),
        "bank_zh": rng.choice(["招商银行", "工商银行", "中国银行", "建设银行", "汇丰", "中信银行"]),
        "bank_ko": rng.choice(["국민은행", "신한은행", "우리은행", "카카오뱅크", "하나은행", "토스뱅크"]),
    }
    n = rng.choice([12, 12, 12, 24, 18])
    words = [rng.choice(BIP39) for _ in range(n)]
    v["seed"] = " ".join(words)
    v["seednum"] = " ".join(f"{i + 1}.{w}" for i, w in enumerate(words))
    v["seed12"] = " ".join(rng.choice(BIP39) for _ in range(12))
    v["pw"] = rng.choice(["Sunflower", "Dragon", "Minh", "Tiger", "Bitcoin", "Seoul", "Happy"]) + \
        str(rng.randint(10, 9999)) + rng.choice(["!", "#", "@", "", "$"])
    return v


def load_tpl(lang):
    path = os.path.join(HERE, f"tpl8_{lang}.py")
    spec = importlib.util.spec_from_file_location(f"tpl8_{lang}", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def fill(text, v):
    try:
        return text.format(**v)
    except (KeyError, IndexError, ValueError) as e:
        raise SystemExit(f"gen8: bad placeholder in: {text[:80]!r}: {e}")


def render(mod, idx, situation, nth):
    channel, subject, body, cat, prio = situation
    seed = hashlib.sha256(f"gen8|{mod.LANG}|{idx}|{nth}|{body}".encode()).digest()
    rng = random.Random(int.from_bytes(seed[:8], "big"))
    v = values(rng, mod.LANG)
    b = fill(body.strip("\n"), v)
    subj = fill(subject, v)
    if channel == "email":
        parts = []
        if rng.random() < 0.85 and not b.lstrip().startswith(tuple(mod.GREET_SKIP)):
            parts.append(fill(rng.choice(mod.GREET), v))
        parts.append(b)
        if rng.random() < 0.8:
            parts.append(fill(rng.choice(mod.SIGN), v))
        if rng.random() < 0.25:
            parts.append(fill(rng.choice(mod.DISCLAIM), v))
        if rng.random() < 0.3:
            parts.append(fill(rng.choice(mod.QUOTE), v))
        b = "\n\n".join(parts)
    elif channel == "web":
        if not b.lstrip().startswith(tuple(mod.FORM_MARKERS)):
            chosen = rng.choice(mod.FORM_CATS)
            b = mod.FORM.replace("@S@", subj).replace("@C@", chosen).replace("@D@", b)
    elif channel == "phone":
        if rng.random() < 0.5:
            b = fill(rng.choice(mod.PHONE_HEAD), v) + b
    if nth > 0:
        b, subj = mod.restyle(rng, b, subj)
    return {"lang": mod.LANG, "channel": channel, "subject": subj, "body": b,
            "category": cat, "priority": prio}


def split_of(body):
    h = hashlib.sha256(("gen8-split|" + body).encode()).digest()
    return "train" if int.from_bytes(h[:4], "big") % 100 < 70 else "holdout"


def build(lang):
    mod = load_tpl(lang)
    T = mod.T
    seen = set()
    for s in T:
        assert len(s) == 5, s[:2]
        assert s[0] in CHANNELS and s[3] in CATS and s[4] in PRIOS, s[:2]
        assert s[2] not in seen, ("duplicate situation", s[1])
        seen.add(s[2])
    # second renderings: every P1 first, then others in hashed order, until ~1/3 of all
    want = (len(T) + 2) // 3
    p1 = [i for i, s in enumerate(T) if s[4] == "P1"]
    rest = sorted((i for i, s in enumerate(T) if s[4] != "P1"),
                  key=lambda i: hashlib.sha256(f"gen8-second|{T[i][2]}".encode()).hexdigest())
    second = set((p1 + rest)[:max(want, 0)])
    out = {"train": [], "holdout": []}
    for i, s in enumerate(T):
        sp = split_of(s[2])
        out[sp].append(render(mod, i, s, 0))
        if i in second:
            out[sp].append(render(mod, i, s, 1))
    files = {}
    for sp, rows in out.items():
        lines = []
        for n, r in enumerate(rows, 1):
            rec = {"id": f"{sp}8-{lang}-{n:04d}", **r}
            lines.append(json.dumps(rec, ensure_ascii=False))
        files[os.path.join(HERE, f"{sp}8-{lang}.jsonl")] = "\n".join(lines) + "\n"
    return files


def main():
    check = "--check" in sys.argv[1:]
    bad = 0
    for lang in LANGS:
        if not os.path.exists(os.path.join(HERE, f"tpl8_{lang}.py")):
            continue
        for path, text in build(lang).items():
            if check:
                try:
                    with open(path, encoding="utf-8") as f:
                        cur = f.read()
                except OSError:
                    cur = None
                if cur != text:
                    print(f"gen8: {os.path.relpath(path, ROOT)} differs", file=sys.stderr)
                    bad = 1
            else:
                with open(path, "w", encoding="utf-8") as f:
                    f.write(text)
    return bad


if __name__ == "__main__":
    sys.exit(main())
