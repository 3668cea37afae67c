#!/usr/bin/env python3
"""Render the round-9 blind triage set (brief W3) from tpl9_{zh,en,ko}.py.

Every hand-written situation is rendered once; every P1 situation and then further ones (in
hash order) up to about a third of the language get a second rendering with fresh amounts,
coins, networks, TXIDs, addresses, UIDs and times and another wording (the second option of
each {a|b} alternation, plus a per-language restyle). A situation goes to train9 or holdout9
by sha256 of its template text (both renderings together): 70 % / 30 %.

Deterministic, stdlib only.  --check exits 1 if the files on disk differ from a fresh render.
"""

import hashlib
import importlib.util
import json
import random
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
LANGS = ("zh", "en", "ko")
TRAIN_PCT = 70
SECOND_SHARE = 1 / 3

B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
HEX = "0123456789abcdef"
BECH = "023456789acdefghjklmnpqrstuvwxyz"
# A few real BIP-39 words: a pasted mnemonic must look like one.
WORDS = ("abandon ability able absorb abstract acid acoustic across actor adapt advice aerobic "
         "afford agent album alcohol alley anchor angle animal ankle antenna apart arena armor "
         "artist aspect atom auction autumn avocado badge bamboo banner barrel basket beach "
         "beauty bicycle blanket blossom border bracket breeze bridge bubble cabin cactus "
         "camera canvas carbon casino castle cereal chalk cherry circle citizen clever cloud "
         "coconut comic copper coral cotton cousin cradle crystal cushion dance dawn decade "
         "desert dinosaur dolphin donkey drama eagle echo elbow ember engine enjoy fabric "
         "falcon fancy feather festival fiber fossil frozen galaxy garlic gentle giant ginger "
         "glance harbor hazard hockey hollow honey jungle kettle kiwi ladder lemon lizard "
         "lobster marble meadow mirror monkey noodle ocean olive orbit oyster panda parrot "
         "pepper piano pigeon planet pumpkin puzzle rabbit radar raven ribbon robot rocket "
         "saddle salmon satoshi scatter shadow silver sketch slogan spider sponsor squirrel "
         "stadium sunset tiger tomato tornado toward tunnel turtle umbrella velvet violin "
         "volcano walnut whisper window wolf zebra").split()

# coin, network, address kind, (min, max) amount, decimals
PAIRS = (
    ("USDT", "TRC20", "tron", (20, 9000), 2),
    ("USDT", "ERC20", "evm", (50, 12000), 2),
    ("USDT", "BEP20", "evm", (10, 5000), 2),
    ("USDT", "SOL", "sol", (10, 4000), 2),
    ("USDC", "ERC20", "evm", (50, 8000), 2),
    ("USDC", "SOL", "sol", (10, 3000), 2),
    ("BTC", "BTC", "btc", (0.002, 1.6), 4),
    ("ETH", "ERC20", "evm", (0.02, 12), 3),
    ("ETH", "Arbitrum", "evm", (0.01, 4), 3),
    ("TRX", "TRC20", "tron", (100, 60000), 0),
    ("SOL", "SOL", "sol", (0.5, 180), 2),
    ("BNB", "BEP20", "evm", (0.05, 20), 3),
    ("LTC", "LTC", "ltc", (0.3, 60), 2),
    ("DOGE", "DOGE", "doge", (200, 90000), 0),
)

COIN_NAMES = {
    "zh": {"USDT": ["USDT", "U", "泰达币", "usdt"], "USDC": ["USDC"], "BTC": ["BTC", "比特币", "大饼"],
           "ETH": ["ETH", "以太坊", "姨太"], "TRX": ["TRX", "波场"], "SOL": ["SOL", "索拉纳"],
           "BNB": ["BNB"], "LTC": ["LTC", "莱特币"], "DOGE": ["DOGE", "狗狗币"]},
    "en": {"USDT": ["usdt", "USDT", "tether"], "USDC": ["usdc", "USDC"], "BTC": ["btc", "BTC", "bitcoin"],
           "ETH": ["eth", "ETH"], "TRX": ["trx", "TRX", "tron"], "SOL": ["sol", "SOL", "solana"],
           "BNB": ["bnb"], "LTC": ["ltc", "litecoin"], "DOGE": ["doge"]},
    "ko": {"USDT": ["테더", "USDT", "테더"], "USDC": ["유에스디씨", "USDC"], "BTC": ["비트", "비트코인", "BTC"],
           "ETH": ["이더", "이더리움"], "TRX": ["트론"], "SOL": ["솔라나", "솔"], "BNB": ["바이낸스코인", "BNB"],
           "LTC": ["라이트코인"], "DOGE": ["도지", "도지코인"]},
}
NET_NAMES = {
    "zh": {"TRC20": ["TRC20", "波场链", "trc"], "ERC20": ["ERC20", "以太链", "erc"], "BEP20": ["BSC", "BEP20"],
           "SOL": ["SOL链", "Solana"], "BTC": ["BTC主网", "比特币网络"], "Arbitrum": ["Arbitrum", "ARB链"],
           "LTC": ["LTC主网"], "DOGE": ["DOGE链"]},
    "en": {"TRC20": ["trc20", "TRC20", "tron"], "ERC20": ["erc20", "ERC20", "eth chain"], "BEP20": ["bep20", "bsc"],
           "SOL": ["sol", "solana"], "BTC": ["btc network", "bitcoin mainnet"], "Arbitrum": ["arbitrum", "arb"],
           "LTC": ["ltc network"], "DOGE": ["doge chain"]},
    "ko": {"TRC20": ["트론", "TRC20", "트론망"], "ERC20": ["이더리움망", "ERC20", "이더망"],
           "BEP20": ["바이낸스체인", "BEP20", "BSC"], "SOL": ["솔라나", "솔라나망"], "BTC": ["비트코인망", "BTC망"],
           "Arbitrum": ["아비트럼"], "LTC": ["라이트코인망"], "DOGE": ["도지망"]},
}
COUNTRIES = {
    "zh": ["巴西", "俄罗斯", "尼日利亚", "越南", "荷兰", "土耳其", "印度", "乌克兰", "美国", "阿根廷"],
    "en": ["brazil", "russia", "nigeria", "vietnam", "the netherlands", "turkey", "india", "ukraine",
           "romania", "indonesia"],
    "ko": ["브라질", "러시아", "나이지리아", "베트남", "네덜란드", "터키", "인도", "우크라이나", "미국", "필리핀"],
}
OTHER_EX = {
    "zh": ["币安", "OKX", "火币", "Bybit", "Bitget", "欧易"],
    "en": ["binance", "okx", "kraken", "coinbase", "bybit", "kucoin"],
    "ko": ["업비트", "빗썸", "바이낸스", "코인원", "OKX", "바이빗"],
}
WALLETS = {
    "zh": ["imToken", "TP钱包", "小狐狸钱包", "冷钱包", "Ledger", "TronLink"],
    "en": ["ledger", "metamask", "trust wallet", "trezor", "phantom", "exodus"],
    "ko": ["메타마스크", "렛저", "트러스트월렛", "팬텀", "클립", "트레저"],
}


def rnd_addr(r, kind):
    if kind == "tron":
        return "T" + "".join(r.choice(B58) for _ in range(33))
    if kind == "evm":
        return "0x" + "".join(r.choice(HEX) for _ in range(40))
    if kind == "btc":
        return r.choice(("bc1q" + "".join(r.choice(BECH) for _ in range(38)),
                         "3" + "".join(r.choice(B58) for _ in range(33))))
    if kind == "sol":
        return "".join(r.choice(B58) for _ in range(44))
    if kind == "ltc":
        return "ltc1q" + "".join(r.choice(BECH) for _ in range(38))
    return "D" + "".join(r.choice(B58) for _ in range(33))


def rnd_txid(r, kind):
    h = "".join(r.choice(HEX) for _ in range(64))
    if kind == "evm":
        return "0x" + h
    if kind == "sol":
        return "".join(r.choice(B58) for _ in range(87))
    return h


def fmt_amt(r, lo, hi, dec, lang):
    v = r.uniform(lo, hi)
    if dec == 0 or v >= 100:
        v = round(v) if v < 1000 else round(v, -1) if r.random() < 0.5 else round(v)
        s = f"{int(v):,}" if (lang == "en" and r.random() < 0.6) else str(int(v))
        return s
    return f"{v:.{dec}f}".rstrip("0").rstrip(".")


def values(lang, key, rend):
    r = random.Random(f"gen9/{key}/{rend}")
    coin, net, kind, (lo, hi), dec = r.choice(PAIRS)
    v = {
        "coin": r.choice(COIN_NAMES[lang][coin]),
        "net": r.choice(NET_NAMES[lang][net]),
        "addr": rnd_addr(r, kind),
        "addr2": rnd_addr(r, kind),
        "txid": rnd_txid(r, kind),
        "amt": fmt_amt(r, lo, hi, dec, lang),
        "usd": fmt_amt(r, 30, 25000, 0, lang),
        "small": str(r.choice((5, 8, 10, 12, 15, 20, 25, 30, 40, 50, 60))),
        "uid": str(r.randint(10_000_000, 499_999_999)),
        "uid2": str(r.randint(10_000_000, 499_999_999)),
        "time": f"{r.randint(0, 23):02d}:{r.randint(0, 59):02d}",
        "n": str(r.randint(2, 6)),
        "hrs": str(r.choice((3, 5, 6, 8, 10, 14, 18, 20, 26, 30, 36, 48, 72))),
        "conf": str(r.randint(1, 9)),
        "tag": str(r.randint(100_000, 999_999_999)),
        "code": f"{r.randint(0, 999_999):06d}",
        "pct": str(r.choice((0.5, 1, 1.5, 2, 3, 4, 5, 7, 8, 12))),
        "lev": str(r.choice((5, 10, 20, 25, 50, 75, 100, 125))),
        "price": f"{r.randint(18_000, 109_000):,}",
        "country": r.choice(COUNTRIES[lang]),
        "ex": r.choice(OTHER_EX[lang]),
        "wallet": r.choice(WALLETS[lang]),
        "seed": " ".join(r.choice(WORDS) for _ in range(12)),
        "key": "".join(r.choice(HEX) for _ in range(64)),
        "apikey": "".join(r.choice(B58) for _ in range(48)),
        "ip": f"{r.randint(31, 223)}.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}",
        "last4": f"{r.randint(0, 9999):04d}",
    }
    v["need"] = str(r.choice((12, 15, 20, 30, 64))) if int(v["conf"]) < 12 else "64"
    return v


NAME = re.compile(r"\{([^{}|]*)\}")
ALT = re.compile(r"\{([^{}]*\|[^{}]*)\}")


def render_text(text, vals, rend):
    """Fill {name} placeholders first, then pick option rend of each {a|b} alternation."""
    def name(m):
        if m.group(1) not in vals:
            raise KeyError(f"unknown placeholder {m.group(0)} in {text!r}")
        return vals[m.group(1)]

    def alt(m):
        opts = m.group(1).split("|")
        return opts[rend % len(opts)]
    out = ALT.sub(alt, NAME.sub(name, text))
    assert "{" not in out and "}" not in out, text
    return out


def restyle(text, style, key):
    """Second wording for situations whose text has no {a|b} alternation."""
    r = random.Random(f"gen9/restyle/{key}")
    for a, b in style.get("swap", ()):
        pat = re.compile(rf"\b{re.escape(a)}\b" if a.isascii() else re.escape(a))
        if pat.search(text):
            text = pat.sub(b, text)
            break
    pre, suf = style.get("prefix", ()), style.get("suffix", ())
    if pre and r.random() < 0.5:
        text = r.choice(pre) + text
    elif suf:
        text = text + r.choice(suf)
    return text


def load(lang):
    path = HERE / f"tpl9_{lang}.py"
    spec = importlib.util.spec_from_file_location(f"tpl9_{lang}", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


CATS = {"account", "deposit", "withdrawal", "trading", "security", "technical", "compliance", "general"}
CHANNELS = ("chat", "chat", "chat", "web", "email", "social", "phone")


def build(lang):
    mod = load(lang)
    sits = mod.SITUATIONS
    style = getattr(mod, "RESTYLE", {})
    keys = set()
    rows = []
    for i, s in enumerate(sits):
        cat, pri, ch, subj, body = s[:5]
        assert cat in CATS and pri in ("P1", "P2", "P3", "P4"), (lang, i, s)
        assert ch in (None, "chat", "email", "web", "phone", "social"), (lang, i, s)
        key = subj + "\x1f" + body
        assert key not in keys, ("duplicate situation", lang, i, s)
        keys.add(key)
        h = hashlib.sha256(f"{lang}\x1f{key}".encode()).hexdigest()
        rows.append((i, cat, pri, ch, subj, body, key, h, s[5] if len(s) > 5 else lang))
    # second renderings: every P1 first, then others in hash order up to a third
    target = round(len(rows) * SECOND_SHARE)
    second = {row[0] for row in rows if row[2] == "P1"}
    for row in sorted(rows, key=lambda x: x[7]):
        if len(second) >= target:
            break
        second.add(row[0])
    out = {"train": [], "holdout": []}
    for i, cat, pri, ch, subj, body, key, h, tlang in rows:
        split = "train" if int(h[:8], 16) % 100 < TRAIN_PCT else "holdout"
        for rend in (0, 1) if i in second else (0,):
            vals = values(lang, key, rend)
            b = render_text(body, vals, rend)
            sj = render_text(subj, vals, rend)
            if rend == 1 and "|" not in body + subj:
                b = restyle(b, style, key)
            r = random.Random(f"gen9/ch/{key}/{rend}")
            channel = ch or r.choice(CHANNELS)
            if channel == "email" and not sj and r.random() < 0.7:
                channel = "web"
            out[split].append({
                "id": f"w9-{lang}-{i + 1:04d}{'ab'[rend]}",
                "lang": tlang, "channel": channel, "subject": sj, "body": b,
                "category": cat, "priority": pri,
            })
    return out, len(rows), len(second)


def main(argv):
    check = "--check" in argv
    bad = False
    for lang in (x for x in LANGS if (HERE / f"tpl9_{x}.py").exists()):
        out, n, n2 = build(lang)
        for split in ("train", "holdout"):
            path = HERE / f"{split}9-{lang}.jsonl"
            text = "".join(json.dumps(o, ensure_ascii=False) + "\n" for o in out[split])
            if check:
                if not path.exists() or path.read_text(encoding="utf-8") != text:
                    print(f"gen9: {path.name} differs", file=sys.stderr)
                    bad = True
            else:
                path.write_text(text, encoding="utf-8")
        if not check:
            tot = out["train"] + out["holdout"]
            p1 = sum(o["priority"] == "P1" for o in tot)
            print(f"{lang}: {n} situations, {n2} rendered twice, {len(tot)} tickets "
                  f"(train {len(out['train'])}, holdout {len(out['holdout'])}), P1 {p1 / len(tot):.0%}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
