#!/usr/bin/env python3
"""Write the round-11 labelled triage sets (train11 / holdout11) from tpl11_{zh,en,ko}.py.

Every hand-written situation is written once; about a third of them (all P1 ones first,
then the others spread over the categories) get a second rendering with fresh amounts,
coins, networks, TXIDs, addresses, UIDs, times and another wording (opening, closing,
subject and a few phrase swaps).  A situation and its second rendering land in the same
file: the split is by sha256 of the situation text (70 % train11, 30 % holdout11).

Deterministic, stdlib only.  Usage:
  python3 data/triage/gen11.py           # write data/triage/{train11,holdout11}-{lang}.jsonl
  python3 data/triage/gen11.py --check   # exit 1 if the written files differ
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
CATEGORIES = ("account", "deposit", "withdrawal", "trading", "security", "technical",
              "compliance", "general")
PRIORITIES = ("P1", "P2", "P3", "P4")
CHANNELS = ("chat", "email", "web", "phone", "social")
TRAIN_PERCENT = 70

B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
HEX = "0123456789abcdef"
B32 = "abcdefghijklmnopqrstuvwxyz234567"

# (coin, network, address kind, amount range, decimals)
PAIRS = [
    ("USDT", "TRC20", "tron", (40, 25000), 2),
    ("USDT", "ERC20", "evm", (100, 30000), 2),
    ("USDT", "BEP20", "evm", (30, 9000), 2),
    ("USDC", "Solana", "sol", (25, 12000), 2),
    ("USDC", "Polygon", "evm", (20, 8000), 2),
    ("ETH", "Arbitrum One", "evm", (0.05, 9), 4),
    ("ETH", "ERC20", "evm", (0.1, 14), 4),
    ("BTC", "Bitcoin", "btc", (0.002, 1.6), 5),
    ("SOL", "Solana", "sol", (1, 300), 3),
    ("XRP", "XRP Ledger", "xrp", (50, 40000), 1),
    ("TON", "TON", "ton", (10, 5000), 2),
    ("BNB", "BEP20", "evm", (0.2, 40), 3),
    ("DOGE", "Dogecoin", "doge", (200, 90000), 0),
    ("TRX", "TRC20", "tron", (500, 200000), 0),
]
SYMBOLS = ["BTCUSDT", "ETHUSDT", "SOLUSDT", "DOGEUSDT", "XRPUSDT", "PEPEUSDT", "WIFUSDT",
           "BNBUSDT", "LINKUSDT", "SUIUSDT"]
NEWCOINS = ["ZKJ", "MOVE", "HMSTR", "ORDI", "JUP", "ENA", "W", "NOT", "ZRO", "SAGA", "TNSR"]
BANKS = {
    "zh": ["工商银行", "建设银行", "招商银行", "农业银行", "中国银行", "玉山銀行", "國泰世華", "中信銀行"],
    "en": ["Chase", "Revolut", "Barclays", "Wise", "HSBC", "Monzo", "Wells Fargo", "N26"],
    "ko": ["카카오뱅크", "국민은행", "신한은행", "토스뱅크", "우리은행", "하나은행", "농협"],
}


def load_words():
    path = os.path.join(HERE, "..", "bip39-english.txt")
    with open(path, encoding="utf-8") as f:
        words = [w.strip() for w in f if w.strip()]
    assert len(words) == 2048
    return words


WORDS = load_words()


def rand_str(rng, alphabet, n):
    return "".join(rng.choice(alphabet) for _ in range(n))


def address(rng, kind):
    if kind == "tron":
        return "T" + rand_str(rng, B58, 33)
    if kind == "evm":
        return "0x" + rand_str(rng, HEX, 40)
    if kind == "btc":
        return "bc1q" + rand_str(rng, "qpzry9x8gf2tvdw0s3jn54khce6mua7l", 38)
    if kind == "sol":
        return rand_str(rng, B58, 44)
    if kind == "xrp":
        return "r" + rand_str(rng, B58, 33)
    if kind == "ton":
        return "UQ" + rand_str(rng, B58 + "-_", 46)
    if kind == "doge":
        return "D" + rand_str(rng, B58, 33)
    raise ValueError(kind)


def amount(rng, lo, hi, dec):
    v = rng.uniform(lo, hi)
    if dec == 0:
        return f"{int(v):,}"
    s = f"{v:,.{dec}f}"
    return s.rstrip("0").rstrip(".") if "." in s else s


def fiat(rng, lang):
    if lang == "zh":
        k = rng.random()
        if k < 0.6:
            return f"{rng.randrange(5, 900) * 100}元"
        if k < 0.85:
            return f"新台幣{rng.randrange(3, 400) * 1000:,}元"
        return f"{rng.randrange(2, 300) * 100}港币"
    if lang == "ko":
        k = rng.random()
        if k < 0.7:
            return f"{rng.randrange(10, 3000) * 10000:,}원"
        return f"{rng.randrange(5, 900)}만원"
    cur = rng.choice(["$", "$", "€", "£", "A$"])
    return f"{cur}{rng.randrange(50, 20000):,}"


def context(rng, lang):
    coin, net, kind, (lo, hi), dec = rng.choice(PAIRS)
    coin2, net2, kind2, (lo2, hi2), dec2 = rng.choice([p for p in PAIRS if p[0] != coin and p[1] != net])
    evm_tx = kind == "evm"
    txid = rand_str(rng, HEX, 64)
    seed = [rng.choice(WORDS) for _ in range(24)]
    month, day = rng.randrange(1, 13), rng.randrange(1, 29)
    h, m = rng.randrange(0, 24), rng.randrange(0, 60)
    h2 = (h + rng.randrange(1, 9)) % 24
    unet, unet2 = rng.sample(["TRC20", "ERC20", "BEP20", "Solana", "Polygon", "Arbitrum One", "TON"], 2)
    return {
        "usd": amount(rng, 30, 30000, 2), "unet": unet, "unet2": unet2,
        "coin": coin, "net": net, "addr": address(rng, kind),
        "amt": amount(rng, lo, hi, dec),
        "amt2": amount(rng, lo, hi, dec),
        "coin2": coin2, "net2": net2, "addr2": address(rng, kind2),
        "amtb": amount(rng, lo2, hi2, dec2),
        "txid": ("0x" + txid) if evm_tx else txid,
        "hash": rand_str(rng, HEX, 64),
        "uid": str(rng.randrange(10_000_000, 999_999_999)),
        "uid2": str(rng.randrange(10_000_000, 999_999_999)),
        "order": str(rng.randrange(10**17, 10**19)),
        "time": f"{h:02d}:{m:02d}", "time2": f"{h2:02d}:{rng.randrange(0, 60):02d}",
        "date": f"2025-{month:02d}-{day:02d}",
        "month": str(month), "day": str(day),
        "n": str(rng.randrange(2, 9)), "n2": str(rng.randrange(10, 60)),
        "hours": str(rng.randrange(3, 72)), "days": str(rng.randrange(2, 15)),
        "pct": f"{rng.randrange(1, 60)}.{rng.randrange(0, 10)}",
        "lev": str(rng.choice([3, 5, 10, 20, 25, 50, 75, 100, 125])),
        "sym": rng.choice(SYMBOLS), "newcoin": rng.choice(NEWCOINS),
        "price": f"{rng.uniform(0.01, 99000):,.2f}",
        "ip": f"{rng.randrange(11, 223)}.{rng.randrange(0, 256)}.{rng.randrange(0, 256)}.{rng.randrange(1, 255)}",
        "key": rand_str(rng, B58, 64), "keyshort": rand_str(rng, B58, 6),
        "secret": rand_str(rng, B58, 64), "totp": rand_str(rng, B32.upper(), 32),
        "code": f"{rng.randrange(0, 1_000_000):06d}",
        "seed12": " ".join(seed[:12]), "seed24": " ".join(seed),
        "seed6": " ".join(seed[:6]),
        "phone4": f"{rng.randrange(0, 10000):04d}",
        "ts": str(1_740_000_000_000 + rng.randrange(0, 20_000_000_000)),
        "fiat": fiat(rng, lang), "fiat2": fiat(rng, lang),
        "bank": rng.choice(BANKS[lang]),
        "case": f"{rng.choice(['CR', 'LE', 'REF', 'INV'])}-{rng.randrange(2024, 2026)}-{rng.randrange(1000, 99999)}",
    }


PLACEHOLDER = re.compile(r"\{([a-z0-9]+)\}")


def render(text, ctx):
    def sub(m):
        return ctx[m.group(1)] if m.group(1) in ctx else m.group(0)
    return PLACEHOLDER.sub(sub, text)


# Second-rendering wording: openers, closers and phrase swaps per language.
REWORD = {
    "en": {
        "open": ["Hi,", "Hello support,", "Hey", "Good morning,", "To whom it may concern,", "hi team -",
                 "Dear support team,", ""],
        "close": ["Thanks.", "Regards", "thx", "Please advise.", "Waiting for your reply.", "", "cheers",
                  "Thank you in advance."],
        "swap": [("Please ", "Pls "), ("please", "pls"), ("I have ", "I've "), ("cannot", "can't"),
                 ("I am ", "I'm "), ("do not", "don't"), ("did not", "didn't"), ("It is ", "It's "),
                 ("yesterday", "last night"), ("right now", "now"), ("account", "acct"),
                 ("Thank you", "Thanks")],
    },
    "zh": {
        "open": ["你好，", "您好，", "客服你好，", "在吗？", "你好客服，", "客服您好：", "哈喽，", ""],
        "close": ["谢谢", "麻烦尽快回复", "辛苦了", "谢谢！", "等你们回复", "", "急，谢谢", "麻烦了"],
        "swap": [("请", "麻烦"), ("帮我", "帮忙"), ("现在", "目前"), ("昨天", "昨晚"), ("为什么", "为啥"),
                 ("怎么", "如何"), ("已经", "都"), ("請", "麻煩"), ("現在", "目前"), ("為什麼", "為何"),
                 ("账户", "账号"), ("帳戶", "帳號")],
    },
    "ko": {
        "open": ["안녕하세요.", "수고하십니다.", "문의드립니다.", "안녕하세요 고객센터님,", "저기요", "", "급합니다.",
                 "안녕하세요, 질문 있어요."],
        "close": ["감사합니다.", "빠른 답변 부탁드립니다.", "확인 부탁드려요", "", "감사해요", "부탁드립니다.",
                  "답변 기다리겠습니다.", "ㅠㅠ"],
        "swap": [("해주세요", "부탁드립니다"), ("어떻게", "어찌"), ("지금", "현재"), ("어제", "어젯밤"),
                 ("계정", "계좌"), ("확인해 주세요", "확인 부탁드립니다"), ("했는데", "했는데요"),
                 ("입니다", "이에요"), ("왜", "어째서")],
    },
}
ALT_SUBJECT = {
    "en": ["", "urgent", "question", "help", "support request", "Re: my ticket", "issue with my account"],
    "zh": ["", "急", "咨询", "求助", "问题反馈", "请处理", "帳戶問題"],
    "ko": ["", "긴급", "문의", "도와주세요", "문의드립니다", "확인 요청", "질문"],
}


def reword(rng, lang, body, subject, channel):
    conf = REWORD[lang]
    swaps = [s for s in conf["swap"] if s[0] in body]
    rng.shuffle(swaps)
    for old, new in swaps[:3]:
        body = body.replace(old, new, 1)
    opener, closer = rng.choice(conf["open"]), rng.choice(conf["close"])
    sep = "" if lang == "zh" else " "
    if opener and not body.startswith(opener):
        body = opener + sep + body
    if closer and not body.rstrip().endswith(closer):
        body = body.rstrip() + sep + closer
    subject = rng.choice([s for s in ALT_SUBJECT[lang] if s != subject] + [subject])
    channel = rng.choice([c for c in CHANNELS if c != channel])
    return body, subject, channel


def load_templates(lang):
    path = os.path.join(HERE, f"tpl11_{lang}.py")
    spec = importlib.util.spec_from_file_location(f"tpl11_{lang}", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    rows = mod.SITUATIONS
    seen = set()
    for i, row in enumerate(rows):
        cat, pri, channel, subject, body = row
        where = f"tpl11_{lang}.py situation {i}"
        assert cat in CATEGORIES, where
        assert pri in PRIORITIES, where
        assert channel in CHANNELS, where
        assert body not in seen, where + " duplicate"
        seen.add(body)
        assert not (pri == "P1" and cat != "security"), where
        for name in PLACEHOLDER.findall(subject + body):
            assert name in context(random.Random(0), lang), where + " placeholder " + name
    return rows


def in_train(text):
    return int(hashlib.sha256(text.encode("utf-8")).hexdigest()[:8], 16) % 100 < TRAIN_PERCENT


def second_selection(rows):
    """Indices of the situations that get a second rendering: all P1, then round-robin by
    category over the rest until about a third of the situations are chosen."""
    want = round(len(rows) / 3)
    chosen = [i for i, r in enumerate(rows) if r[1] == "P1"]
    rest = {}
    for i, r in enumerate(rows):
        if r[1] != "P1":
            rest.setdefault(r[0], []).append(i)
    cats = sorted(rest)
    k = 0
    while len(chosen) < want and any(rest.values()):
        cat = cats[k % len(cats)]
        if rest[cat]:
            lst = rest[cat]
            # deterministic pick spread over the list: every 3rd from the front
            chosen.append(lst.pop(min(2, len(lst) - 1)))
        k += 1
    return set(chosen)


def build(lang):
    rows = load_templates(lang)
    second = second_selection(rows)
    out = {"train": [], "holdout": []}
    for i, (cat, pri, channel, subject, body) in enumerate(rows):
        side = "train" if in_train(body) else "holdout"
        base = hashlib.sha256(f"gen11|{lang}|{body}".encode("utf-8")).hexdigest()
        renders = [0, 1] if i in second else [0]
        for r in renders:
            rng = random.Random(f"{base}|{r}")
            ctx = context(rng, lang)
            b, s, ch = render(body, ctx), render(subject, ctx), channel
            if r == 1:
                b, s, ch = reword(rng, lang, b, s, ch)
            out[side].append({
                "id": f"w11-{lang}-{i + 1:04d}-{r}", "lang": lang, "channel": ch,
                "subject": s, "body": b, "category": cat, "priority": pri,
            })
    files = {}
    for side, name in (("train", "train11"), ("holdout", "holdout11")):
        files[os.path.join(HERE, f"{name}-{lang}.jsonl")] = "".join(
            json.dumps(t, ensure_ascii=False) + "\n" for t in out[side])
    return files


def main(argv):
    check = "--check" in argv[1:]
    langs = [a for a in argv[1:] if a in LANGS] or [
        l for l in LANGS if os.path.exists(os.path.join(HERE, f"tpl11_{l}.py"))]
    differ = False
    for lang in langs:
        for path, text in build(lang).items():
            old = None
            if os.path.exists(path):
                with open(path, encoding="utf-8") as f:
                    old = f.read()
            if check:
                if old != text:
                    print(f"differs: {os.path.relpath(path)}", file=sys.stderr)
                    differ = True
            elif old != text:
                with open(path, "w", encoding="utf-8") as f:
                    f.write(text)
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
