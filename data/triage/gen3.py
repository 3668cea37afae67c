#!/usr/bin/env python3
"""Writes holdout3-{zh,en,ko}.jsonl from the hand-written situations in tpl3_{zh,en,ko}.py.

Held out: written from ../shared/data/TRIAGE.md only, independently of the triage rules and of
the earlier sets. Every situation is written out once; the rest of the 200 tickets per language
are a second rendering of some situations (P1 ones first) with fresh values (amounts, coins,
networks, TXIDs, addresses, seed words, keys, UIDs, times) and another way of writing (see
STYLES_*). Deterministic: fixed seed, `python3 data/triage/gen3.py` rewrites the three files.
"""

import importlib.util
import json
import os
import random
import re
import string

HERE = os.path.dirname(os.path.abspath(__file__))
PER_LANG = 200
SEED = 20261203

CATEGORIES = {"account", "deposit", "withdrawal", "trading", "security", "technical",
              "compliance", "general"}
PRIORITIES = {"P1", "P2", "P3", "P4"}
CHANNELS = ["chat", "chat", "chat", "email", "web", "web", "phone", "social"]

# (coin, network, address kind)
COINS = [
    ("USDT", "TRC20", "trx"), ("USDT", "ERC20", "eth"), ("USDT", "BEP20", "eth"),
    ("ETH", "ERC20", "eth"), ("ETH", "Arbitrum", "eth"), ("BTC", "Bitcoin", "btc"),
    ("SOL", "Solana", "sol"), ("USDC", "Polygon", "eth"), ("BNB", "BEP20", "eth"),
    ("TRX", "TRC20", "trx"), ("DOGE", "Dogecoin", "doge"), ("LTC", "Litecoin", "ltc"),
]
AMOUNT = {"USDT": (50, 25000, 0), "USDC": (20, 12000, 2), "ETH": (0.05, 18, 4),
          "BTC": (0.002, 1.6, 5), "SOL": (1, 400, 2), "BNB": (0.1, 40, 3),
          "TRX": (300, 90000, 0), "DOGE": (200, 60000, 0), "LTC": (0.5, 90, 3)}
B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
WORDS = ("orbit velvet canyon pledge rural tiger absorb humble snack oyster glide ranch "
         "melon cabin drift elbow frost jungle kettle lunar maple noble pepper quartz "
         "ribbon salmon timber usual vivid walnut yellow zebra anchor bamboo cactus dolphin "
         "eager fabric garlic harbor island jacket kidney ladder magnet napkin olive").split()
CITIES = ["Lagos", "Sao Paulo", "Frankfurt", "Jakarta", "Kyiv", "Hanoi", "Istanbul", "Lima",
          "Manila", "Moscow", "Dhaka", "Nairobi", "Bucharest", "Karachi"]
JUNK = ["PEPE2", "MOONX", "SHIBAI", "FLOKIZ", "BABYDOGE3", "TURBOCAT", "XAIX"]
FAKE = ["binnance-support.help", "secure-sealdesk-login.com", "verify-wallet-center.net",
        "exchange-kyc-update.org", "account-unlock-desk.io", "sealdesk.co-login.app"]


def addr(rng, kind):
    if kind == "eth":
        return "0x" + "".join(rng.choice("0123456789abcdef") for _ in range(40))
    if kind == "trx":
        return "T" + "".join(rng.choice(B58) for _ in range(33))
    if kind == "btc":
        return "bc1q" + "".join(rng.choice("023456789acdefghjklmnpqrstuvwxyz") for _ in range(38))
    if kind == "sol":
        return "".join(rng.choice(B58) for _ in range(rng.randint(43, 44)))
    if kind == "doge":
        return "D" + "".join(rng.choice(B58) for _ in range(33))
    return "ltc1q" + "".join(rng.choice("023456789acdefghjklmnpqrstuvwxyz") for _ in range(38))


def amount(rng, coin):
    lo, hi, dec = AMOUNT[coin]
    v = rng.uniform(lo, hi)
    if dec == 0:
        return f"{int(v):,}" if rng.random() < 0.5 else str(int(v))
    return f"{v:.{dec}f}".rstrip("0").rstrip(".")


def fillers(rng):
    coin, net, kind = rng.choice(COINS)
    h = rng.randint(0, 23)
    txid = "".join(rng.choice("0123456789abcdef") for _ in range(64))
    return {
        "coin": coin, "net": net, "addr": addr(rng, kind), "amt": amount(rng, coin),
        "txid": ("0x" + txid) if kind == "eth" else txid,
        "hex": "".join(rng.choice("0123456789abcdef") for _ in range(64)),
        "usdt": str(rng.choice([rng.randint(120, 9999), rng.randint(10000, 250000)])),
        "small": f"{rng.uniform(0.5, 40):.2f}",
        "btc": amount(rng, "BTC"), "eth": amount(rng, "ETH"),
        "eth_addr": addr(rng, "eth"), "trx_addr": addr(rng, "trx"), "btc_addr": addr(rng, "btc"),
        "sol_addr": addr(rng, "sol"),
        "uid": str(rng.randint(10000000, 99999999)),
        "uid2": str(rng.randint(10000000, 99999999)),
        "order": str(rng.randint(10**17, 10**18 - 1)),
        "hh": f"{h:02d}:{rng.randint(0, 59):02d}", "h12": str(rng.randint(1, 11)),
        "n": str(rng.randint(2, 9)), "hours": str(rng.randint(3, 40)),
        "days": str(rng.randint(2, 9)),
        "ip": ".".join(str(rng.randint(1, 254)) for _ in range(4)),
        "city": rng.choice(CITIES), "junk": rng.choice(JUNK), "fake": rng.choice(FAKE),
        "seed": " ".join(rng.sample(WORDS, 12)),
        "seed24": " ".join(rng.sample(WORDS, 24)),
        "totp": "".join(rng.choice(string.ascii_uppercase + "234567") for _ in range(32)),
        "code": f"{rng.randint(0, 999999):06d}",
        "codes": " ".join(f"{rng.randint(0, 99999999):08d}" for _ in range(5)),
        "apikey": "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(64)),
        "price": f"{rng.uniform(0.8, 1.2) * 60000:.1f}",
        "lev": str(rng.choice([10, 20, 50, 75, 100, 125])),
        "card4": f"{rng.randint(0, 9999):04d}", "bank": str(rng.randint(300, 9000)),
        "ver": f"{rng.randint(3, 9)}.{rng.randint(0, 40)}.{rng.randint(0, 9)}",
    }


# Ways of writing applied on top of a situation; none of them changes the meaning.
def _typo_en(rng, s):
    words = [m for m in re.finditer(r"\b[A-Za-z]{6,}\b", s)]
    if not words:
        return s
    m = rng.choice(words)
    w = m.group(0)
    i = rng.randint(1, len(w) - 2)
    k = rng.random()
    if k < 0.4:
        w2 = w[:i] + w[i + 1] + w[i] + w[i + 2:]  # swap
    elif k < 0.7:
        w2 = w[:i] + w[i + 1:]  # drop
    else:
        w2 = w[:i] + w[i] + w[i:]  # double
    return s[:m.start()] + w2 + s[m.end():]


STYLES_EN = {
    "plain": lambda rng, s: s,
    "lower": lambda rng, s: re.sub(r"\S+", lambda m: m.group(0) if len(m.group(0)) > 20
                                   else m.group(0).lower(), s).replace("'", ""),
    "nopunct": lambda rng, s: re.sub(r"[.,;?](?=\s|$)", "", s),
    "shout": lambda rng, s: s.rstrip(".!? ") + rng.choice(["!!!", "!!!!!", " ???", "?!?!"]),
    "typo": _typo_en,
    "greet": lambda rng, s: rng.choice(["hello team, ", "Hi support. ", "sir ", "hey, ",
                                        "Good day. "]) + s + rng.choice([" thx", " Thanks in advance.", " pls reply fast", " regards", ""]),
}


def _zh_typo(rng, s):
    pairs = [("已经", "以经"), ("什么", "啥"), ("怎么", "咋"), ("账号", "帐号"), ("现在", "现再"),
             ("一下", "一哈"), ("谢谢", "3q"), ("没有", "木有"), ("帳號", "賬號")]
    rng.shuffle(pairs)
    for a, b in pairs:
        if a in s:
            return s.replace(a, b, 1)
    return s


STYLES_ZH = {
    "plain": lambda rng, s: s,
    "nopunct": lambda rng, s: re.sub(r"[，。、]|[,.](?=\s|$)", " ", s).strip(),
    "urgent": lambda rng, s: s.rstrip("。!！?？ ") + rng.choice(["！！！", "???", "，急急急", "！！快点回复"]),
    "typo": _zh_typo,
    "greet": lambda rng, s: rng.choice(["在吗？", "你好，", "客服你好 ", "hi ", "您好，"]) + s
    + rng.choice(["", " 谢谢", "，麻烦了", " 辛苦了"]),
}

STYLES_KO = {
    "plain": lambda rng, s: s,
    "nospace": lambda rng, s: s.replace(" ", ""),
    "cry": lambda rng, s: s.rstrip(".!? ") + rng.choice([" ㅠㅠ", "ㅠㅠㅠ", " ;;", "..ㅜㅜ", " 제발요ㅠ"]),
    "greet": lambda rng, s: rng.choice(["안녕하세요 ", "저기요 ", "상담원님 ", "문의드립니다. "]) + s
    + rng.choice(["", " 감사합니다", " 빨리 답변 부탁드려요", " 수고하세요"]),
    "nopunct": lambda rng, s: re.sub(r"[.,](?=\s|$)", "", s),
}

STYLES = {"en": STYLES_EN, "zh": STYLES_ZH, "ko": STYLES_KO}


def load(lang):
    path = os.path.join(HERE, f"tpl3_{lang}.py")
    spec = importlib.util.spec_from_file_location(f"tpl3_{lang}", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.SITUATIONS


def render(rng, lang, sit, style):
    f = fillers(rng)
    body = sit["body"].format(**f)
    subject = sit["subject"].format(**f)
    body = STYLES[lang][style](rng, body)
    channel = sit.get("channel") or rng.choice(CHANNELS)
    if channel in ("chat", "phone", "social") and not sit.get("keep_subject"):
        subject = ""
    return {"lang": sit.get("lang", lang), "channel": channel, "subject": subject, "body": body,
            "category": sit["category"], "priority": sit["priority"]}


def build(lang):
    rng = random.Random(f"{SEED}-{lang}")
    sits = load(lang)
    assert len(sits) <= PER_LANG
    style_names = list(STYLES[lang])
    tickets = []
    for s in sits:
        style = "plain" if rng.random() < 0.55 else rng.choice(style_names)
        tickets.append(render(rng, lang, s, style))
    seen = {t["body"] for t in tickets}
    # second renderings: P1 situations first (fund safety weighs most), then the others
    extra = PER_LANG - len(sits)
    p1 = [s for s in sits if s["priority"] == "P1"]
    rest = [s for s in sits if s["priority"] != "P1"]
    rng.shuffle(p1)
    rng.shuffle(rest)
    n_p1 = min(len(p1), extra * 2 // 5)
    queue = p1[:n_p1] + rest
    while len(tickets) < PER_LANG:
        s = queue.pop(0)
        for _ in range(8):  # a second rendering must read differently from every ticket so far
            style = rng.choice([x for x in style_names if x != "plain"])
            t = render(rng, lang, s, style)
            if t["body"] not in seen:
                seen.add(t["body"])
                tickets.append(t)
                break
    rng.shuffle(tickets)
    out = []
    for i, t in enumerate(tickets, 1):
        out.append({"id": f"h3-{lang}-{i:04d}", **t})
    return out


def main():
    for lang in ("zh", "en", "ko"):
        rows = build(lang)
        for r in rows:
            assert r["category"] in CATEGORIES and r["priority"] in PRIORITIES, r
        with open(os.path.join(HERE, f"holdout3-{lang}.jsonl"), "w", encoding="utf-8") as fh:
            for r in rows:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
