#!/usr/bin/env python3
"""Round-8 independent triage set (train6 / holdout6), written blind.

Reads the hand-written situations in tpl6_{zh,en,ko}.py (each one labelled by hand against
TRIAGE.md), renders every situation once and a second time for about a third of them (all P1
situations first), with fresh amounts, coins, networks, TXIDs, addresses, seed words, keys,
UIDs, times and another way of writing.  Deterministic, standard library only.

Split: sha256 of the situation text (the template body as written); the first 8 hex digits
mod 100 < 70 -> train6-{lang}.jsonl, else holdout6-{lang}.jsonl.  Both renderings of one
situation land in the same file.

    python3 data/triage/gen6.py            # writes data/triage/{train6,holdout6}-{zh,en,ko}.jsonl
"""

import hashlib
import importlib.util
import json
import os
import random
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
LANGS = ("zh", "en", "ko")
CATEGORIES = ("account", "deposit", "withdrawal", "trading", "security", "technical",
              "compliance", "general")
PRIORITIES = ("P1", "P2", "P3", "P4")
CHANNELS = ("chat", "email", "web", "phone", "social")
TRAIN_PCT = 70


def load_words():
    for p in (os.path.join(ROOT, "..", "shared", "data", "bip39-english.txt"),
              os.path.join(ROOT, "data", "bip39-english.txt")):
        if os.path.exists(p):
            with open(p, encoding="utf-8") as f:
                words = [w.strip() for w in f if w.strip()]
            if len(words) == 2048:
                return words
    sys.exit("gen6: bip39-english.txt (2048 words) not found")


WORDS = load_words()
B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
HEX = "0123456789abcdef"
ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def rs(r, alphabet, n):
    return "".join(r.choice(alphabet) for _ in range(n))


def a_tron(r):
    return "T" + rs(r, B58, 33)


def a_evm(r):
    return "0x" + rs(r, HEX, 40)


def a_btc(r):
    return r.choice(("bc1q" + rs(r, "023456789acdefghjklmnpqrstuvwxyz", 38),
                     "3" + rs(r, B58, 33), "1" + rs(r, B58, 33)))


def a_sol(r):
    return rs(r, B58, 44)


def a_xrp(r):
    return "r" + rs(r, B58, 33)


def a_doge(r):
    return "D" + rs(r, B58, 33)


def a_ton(r):
    return r.choice(("UQ", "EQ")) + rs(r, ALNUM + "-_", 46)


# coin, network, address maker, amount range, decimals
WALLETS = [
    ("USDT", "TRC20", a_tron, (15, 48000), 2), ("USDT", "ERC20", a_evm, (50, 60000), 2),
    ("USDT", "BEP20", a_evm, (10, 20000), 2), ("USDT", "SOL", a_sol, (20, 9000), 2),
    ("USDC", "ERC20", a_evm, (30, 30000), 2), ("USDC", "SOL", a_sol, (10, 12000), 2),
    ("USDC", "Polygon", a_evm, (10, 5000), 2), ("ETH", "ERC20", a_evm, (0.03, 25), 4),
    ("ETH", "Arbitrum", a_evm, (0.02, 8), 4), ("ETH", "Base", a_evm, (0.01, 5), 4),
    ("BTC", "BTC", a_btc, (0.0015, 2.5), 5), ("SOL", "SOL", a_sol, (0.5, 600), 3),
    ("XRP", "XRP", a_xrp, (30, 25000), 1), ("TRX", "TRC20", a_tron, (100, 90000), 0),
    ("BNB", "BEP20", a_evm, (0.05, 40), 3), ("DOGE", "DOGE", a_doge, (200, 80000), 0),
    ("TON", "TON", a_ton, (3, 4000), 2), ("PEPE", "ERC20", a_evm, (2e6, 9e8), 0),
]
NETS = ["TRC20", "ERC20", "BEP20", "SOL", "Polygon", "Arbitrum", "Optimism", "Base", "TON",
        "Avalanche C-Chain"]
NET_ALT = {"TRC20": ["trc20", "TRC-20", "Tron"], "ERC20": ["erc20", "ERC-20", "Ethereum"],
           "BEP20": ["bep20", "BSC", "BEP-20"], "SOL": ["Solana", "sol"],
           "Polygon": ["MATIC", "polygon"], "Arbitrum": ["ARB", "Arbitrum One"],
           "Base": ["base"], "BTC": ["Bitcoin", "btc"], "XRP": ["Ripple", "xrp"],
           "DOGE": ["doge"], "TON": ["ton"]}
COINS2 = ["BTC", "ETH", "SOL", "XRP", "DOGE", "PEPE", "ARB", "OP", "LINK", "TON", "WIF", "SUI",
          "ADA", "AVAX", "ORDI", "TRUMP", "ENA"]
EXCHANGES = ["Binance", "OKX", "Bybit", "Coinbase", "Kraken", "KuCoin", "Gate", "Bitget",
             "MEXC", "HTX", "Upbit", "Bithumb", "MAX", "BitoPro", "HashKey", "Crypto.com",
             "Luno", "Bitso", "WazirX", "Coins.ph"]
WALLET_APPS = ["MetaMask", "Trust Wallet", "OKX Wallet", "Phantom", "TokenPocket", "imToken",
               "Ledger", "Tonkeeper", "Exodus"]
REMOTE_APPS = ["AnyDesk", "TeamViewer", "RustDesk", "QuickSupport", "UltraViewer"]
CITIES = ["Lagos", "Moscow", "Hanoi", "Jakarta", "Istanbul", "Kyiv", "Sao Paulo", "Manila",
          "Frankfurt", "Amsterdam", "Dubai", "Bucharest", "Nairobi", "Lima", "Phnom Penh"]
DEVICES = ["iPhone 13", "iPhone 15 Pro", "Samsung S23", "Redmi Note 12", "Windows PC",
           "MacBook", "Pixel 7", "OPPO A78", "vivo Y36", "Huawei P40", "Linux Chrome"]
PHISH = ["{b}-support-verify.com", "secure-{b}-login.net", "{b}-help-desk.org",
         "{b}.account-unlock.io", "app-{b}-security.com", "{b}-airdrop-claim.xyz",
         "wallet-{b}-sync.top"]
PHISH_B = ["exch", "sealx", "coin-ex", "bitex", "cryptox", "xchg"]
NAMES = {"zh": ["kelvin.wong", "ahfai88", "chanmeimei", "leo_tw", "jasonlin0912", "amy.chen",
                "xiaoming1990", "tsai.yuting", "mandy_hk", "wuyifan77"],
         "en": ["rajesh.k", "chinedu.okafor", "mariaf.lopez", "jose.santos", "aisha.b",
                "nguyen.van.an", "kwame.mensah", "priya1990", "juan.p", "ahmed.r"],
         "ko": ["minsu0712", "jiyeon.k", "parkjh", "leesy93", "kimdh_", "hoon.choi",
                "sujin2", "yoonj", "taehyun.k", "nari_j"]}
MAILS = ["gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "naver.com", "qq.com",
         "163.com", "icloud.com"]


def fmt_amount(r, lo, hi, dec, style):
    v = r.uniform(lo, hi)
    if r.random() < 0.5:
        v = r.choice((lo, lo * 2, lo * 5)) if v < lo * 5 else v
        if hi >= 100:
            v = round(v, -1) if v < 1000 else round(v, -2)
    s = f"{v:,.{dec}f}" if style == 1 and v >= 1000 else f"{v:.{dec}f}"
    if dec and "." in s:
        s = s.rstrip("0").rstrip(".")
    if style == 2 and v >= 1000 and dec <= 2:
        s = f"{v / 1000:.1f}".rstrip("0").rstrip(".") + "k"
    return s


def fiat(r, lang, style):
    if lang == "zh":
        n = r.choice((800, 1500, 3000, 5000, 12000, 20000, 38000, 66000, 150000))
        kind = r.choice(("hkd", "twd", "cny"))
        if kind == "hkd":
            return r.choice((f"{n:,}港幣", f"HK${n:,}", f"{n}蚊"))
        if kind == "twd":
            return r.choice((f"NT${n * 4:,}", f"台幣{n * 4}", f"{n * 4}元台幣"))
        return r.choice((f"{n}元", f"{n}块", f"¥{n}", f"{n // 10000}万" if n >= 10000 else f"{n}元"))
    if lang == "en":
        return r.choice((f"₦{r.choice((85, 150, 420, 900, 2500)) * 1000:,}",
                         f"₹{r.choice((4, 12, 25, 60, 150)) * 1000:,}",
                         f"PHP {r.choice((3, 8, 15, 40, 95)) * 1000:,}",
                         f"R${r.choice((300, 800, 1500, 4200, 9000)):,}".replace(",", "."),
                         f"{r.choice((2, 6, 15, 40))}00 dollars",
                         f"KES {r.choice((5, 20, 70, 150)) * 1000:,}",
                         f"MXN {r.choice((1, 3, 9, 25)) * 1000:,}",
                         f"{r.choice((30, 80, 150))}k naira"))
    n = r.choice((5, 10, 30, 50, 120, 300, 500, 1000, 2500))
    return r.choice((f"{n}만원", f"{n * 10000:,}원", f"{n}만 원", f"{n * 10000}원"))


def make_values(r, lang, style):
    coin, net, amaker, (lo, hi), dec = r.choice(WALLETS)
    net_s = r.choice(NET_ALT.get(net, [net])) if style else net
    net2 = r.choice([n for n in NETS if n != net])
    coin2 = r.choice([c for c in COINS2 if c != coin])
    hh, mm = r.randrange(24), r.randrange(60)
    if style == 0:
        tm = f"{hh:02d}:{mm:02d}"
    elif lang == "zh":
        tm = r.choice((f"{hh}點{mm}分", f"{hh}点{mm:02d}", f"{hh}:{mm:02d}"))
    elif lang == "ko":
        tm = r.choice((f"{hh}시 {mm}분", f"{hh}시{mm}분", f"{hh}:{mm:02d}"))
    else:
        tm = r.choice((f"{hh}.{mm:02d}", f"{hh:02d}{mm:02d}hrs", f"{hh}:{mm:02d}"))
    nseed = r.choice((12, 12, 12, 24)) if style == 0 else r.choice((12, 18, 24))
    seed = " ".join(r.choice(WORDS) for _ in range(nseed))
    if style and r.random() < 0.3:
        seed = ", ".join(seed.split())
    pk = r.choice((rs(r, HEX, 64), "0x" + rs(r, HEX, 64), r.choice("KL") + rs(r, B58, 51)))
    totp = rs(r, B32, r.choice((16, 32)))
    if style and r.random() < 0.5:
        totp = " ".join(totp[i:i + 4] for i in range(0, len(totp), 4))
    name = r.choice(NAMES[lang])
    v = {
        "coin": coin, "net": net_s, "net2": net2, "coin2": coin2,
        "amt": fmt_amount(r, lo, hi, dec, style), "amt2": fmt_amount(r, lo, hi, dec, style),
        "usd": fmt_amount(r, 20, 50000, 2, style), "xrp": fmt_amount(r, 30, 25000, 1, style),
        "addr": amaker(r), "addr2": amaker(r),
        "txid": ("0x" if net in ("ERC20", "BEP20", "Polygon", "Arbitrum", "Base") and r.random() < 0.6
                 else "") + rs(r, HEX, 64),
        "seed": seed, "pk": pk, "totp": totp,
        "backup": " ".join(rs(r, "0123456789", 8) for _ in range(r.choice((3, 4, 5)))),
        "apikey": rs(r, ALNUM, 64), "apisec": rs(r, ALNUM, 64),
        "pw": r.choice(("Qwer", "Abc", "Love", "Hk", "Tw", "Kim", "Sun", "Pass")) +
        rs(r, "0123456789", r.choice((3, 4, 6))) + r.choice(("!", "@", "#", "", "$")),
        "uid": str(r.randrange(10 ** 7, 10 ** 10)), "uid2": str(r.randrange(10 ** 7, 10 ** 10)),
        "oid": str(r.randrange(10 ** 17, 10 ** 18)), "code": f"{r.randrange(10 ** 6):06d}",
        "time": tm, "n": str(r.randrange(2, 9)), "hrs": str(r.choice((2, 3, 5, 6, 8, 12, 18, 20, 30, 36, 48, 72))),
        "days": str(r.randrange(2, 15)), "pct": str(r.choice((2, 3, 5, 8, 12, 15, 20, 30, 40))),
        "lev": str(r.choice((3, 5, 10, 20, 25, 50, 75, 100, 125))),
        "fiat": fiat(r, lang, style), "ex": r.choice(EXCHANGES), "wallet": r.choice(WALLET_APPS),
        "remote": r.choice(REMOTE_APPS), "city": r.choice(CITIES), "dev": r.choice(DEVICES),
        "ip": ".".join(str(r.randrange(1, 255)) for _ in range(4)),
        "site": r.choice(PHISH).format(b=r.choice(PHISH_B)),
        "email": f"{name}{r.choice(('', str(r.randrange(10, 99))))}@{r.choice(MAILS)}",
        "phone": r.choice(("+852 ", "+886 9", "+86 13", "+82 10-", "+234 80", "+91 98", "+63 9",
                           "+55 11 9")) + rs(r, "0123456789", 8),
        "pair": f"{coin2}/USDT",
    }
    return v


PH = re.compile(r"\{([a-z0-9]+)\}")


def fill(text, v, where):
    def sub(m):
        k = m.group(1)
        if k not in v:
            sys.exit(f"gen6: unknown placeholder {{{k}}} in {where}")
        return v[k]
    return PH.sub(sub, text)


# ---- "another way of writing": per-language restyling of the template text (placeholders kept)

def swap_some(s, pairs, r):
    """Each (a, b) of pairs replaces a with b in s with probability 0.7 (one draw per pair)."""
    for a, b in pairs:
        if r.random() < 0.7:
            s = s.replace(a, b)
    return s


def on_text(t, f):
    """Apply f to the parts of t outside placeholders."""
    parts = PH.split(t)
    out = []
    for i, p in enumerate(parts):
        out.append(f(p) if i % 2 == 0 else "{" + p + "}")
    return "".join(out)


ZH_PUNCT = re.compile(r"[，。！？!?,、；;：:\"“”…~～]+")
KO_PUNCT = re.compile(r"[.,!?~…]+")


# a small traditional <-> simplified table (only characters the situations use often)
T2S = dict(zip("帳號錢這個們見點為說問題幣產轉還時嗎會對應該認證碼機戶鎖凍結麼處理審張開後從來過裡邊讓發現"
               "貼網買賣單幾無關實圖訊萬給謝請確態錯體價經進頭聯繫縮寫辦錄換綁聽碼寶險額",
               "帐号钱这个们见点为说问题币产转还时吗会对应该认证码机户锁冻结么处理审张开后从来过里边让发现"
               "贴网买卖单几无关实图讯万给谢请确态错体价经进头联系缩写办录换绑听码宝险额"))
S2T = {v: k for k, v in T2S.items()}


def swap_script(s):
    n_t = sum(1 for c in s if c in T2S)
    n_s = sum(1 for c in s if c in S2T)
    table = T2S if n_t >= n_s else S2T
    return "".join(table.get(c, c) for c in s)


def restyle_zh(t, r):
    k = r.randrange(8)
    if k >= 6:  # the same customer on a phone set to the other script
        return on_text(t, swap_script)
    if k == 0:  # voice-to-text: no punctuation, spaces where the breath was
        return on_text(t, lambda s: ZH_PUNCT.sub(" ", s)).strip()
    if k == 1:
        return r.choice(("你好 ", "您好，", "hello ", "喂 ", "唔該 ", "請問一下，")) + t
    if k == 2:
        return t + r.choice((" 急急急", " 在线等 挺急的", "，謝謝", " 麻煩盡快回覆", "！！！", " 求求了",
                             " 快啲覆我", " 等了好耐"))
    if k == 3:
        return on_text(t, lambda s: s.replace("，", " ").replace("。", "。。"))
    if k == 4:
        return r.choice(("客服 ", "人工 ", "轉人工 ", "@客服 ")) + on_text(t, lambda s: s.replace("！", "!!"))
    return t.replace("。", "\n", 1) if "。" in t else t + " ??"


EN_TYPO = ((" the ", " teh "), (" please ", " plz "), (" I ", " i "), ("n't", "nt"), (" you ", " yu "),
           (" account", " acct"), (" because ", " bcoz "), (" and ", " n "), ("I'm", "im"))


def restyle_en(t, r):
    k = r.randrange(9)
    if k >= 7:  # thumbs on a small keyboard
        return on_text(t, lambda s: swap_some(s, EN_TYPO, r))
    if k == 0:  # voice-to-text run-on
        return on_text(t, lambda s: re.sub(r"[.,!?;:]+", "", s).lower()).strip()
    if k == 1:
        return on_text(t, lambda s: s.upper())
    if k == 2:
        return (r.choice(("Dear Sir/Madam, ", "Dear Support Team,\n", "Good day, ", "Hello sir, ",
                          "Respected team, ")) + t +
                r.choice((" Kindly revert asap.", "\nThanks and regards", " Kindly do the needful.",
                          " Awaiting your urgent response.", " God bless.")))
    if k == 3:
        return r.choice(("1 star. ", "Worst app ever. ", "⭐ ", "2/5 ")) + t
    if k == 4:
        return ("---------- Forwarded message ---------\nFrom: me\nSubject: Re: Re: ticket\n\n"
                "> Thank you for contacting us, we have received your request.\n\n" + t)
    if k == 5:
        return on_text(t, lambda s: s.replace(" you ", " u ").replace(" are ", " r ")
                       .replace("please", "pls").replace("Please", "Pls").replace(" my ", " ma "))
    return t + r.choice((" ??", " !!!", " pls help", " urgent", " reply fast"))


KO_CASUAL = (("습니다", "슴다"), ("해주세요", "해주셈"), ("주세요", "주세여"), ("에요", "에여"),
             ("어요", "어여"), ("는데", "는뎅"), ("했", "햇"), ("없", "업"), ("뭐", "머"))


def restyle_ko(t, r):
    k = r.randrange(8)
    if k >= 6:  # mobile-keyboard spelling and a softer ending
        return on_text(t, lambda s: swap_some(s, KO_CASUAL, r))
    if k == 0:  # unspaced mobile typing
        return on_text(t, lambda s: s.replace(" ", "")).strip()
    if k == 1:
        return r.choice(("안녕하세요 고객센터 담당자님. ", "저기요 ", "상담원 연결좀 ", "문의드립니다. ",
                         "ㅎㅇ ")) + t
    if k == 2:
        return t + r.choice((" ㅠㅠ", " ㅠㅠㅠ 빨리요", " 답변 부탁드립니다.", " ㄹㅇ급함", " 제발요",
                             " 확인 좀요"))
    if k == 3:
        return on_text(t, lambda s: KO_PUNCT.sub(" ", s)).strip()
    if k == 4:
        return on_text(t, lambda s: s.replace("요.", "요..").replace("다.", "다..."))
    return t.replace(". ", "\n", 1) if ". " in t else t + "??"


RESTYLE = {"zh": restyle_zh, "en": restyle_en, "ko": restyle_ko}


def h(s):
    return hashlib.sha256(s.encode("utf-8")).hexdigest()


def load_tpl(lang):
    path = os.path.join(HERE, f"tpl6_{lang}.py")
    spec = importlib.util.spec_from_file_location(f"tpl6_{lang}", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    out = []
    seen = set()
    for i, s in enumerate(mod.S):
        if len(s) != 5:
            sys.exit(f"gen6: {lang} #{i}: want (category, priority, channel, subject, body)")
        cat, pri, ch, subj, body = s
        if cat not in CATEGORIES or pri not in PRIORITIES or ch not in CHANNELS:
            sys.exit(f"gen6: {lang} #{i}: bad label {cat} {pri} {ch}")
        if body in seen:
            sys.exit(f"gen6: {lang} #{i}: duplicate situation")
        seen.add(body)
        out.append(s)
    return out


def main():
    stats = {}
    for lang in LANGS:
        sits = load_tpl(lang)
        n2 = round(len(sits) / 3)
        order = sorted(range(len(sits)), key=lambda i: (sits[i][1] != "P1", h("again" + sits[i][4])))
        again = set(order[:n2])
        files = {"train6": [], "holdout6": []}
        for i, (cat, pri, ch, subj, body) in enumerate(sits):
            split = "train6" if int(h(body)[:8], 16) % 100 < TRAIN_PCT else "holdout6"
            for rnd in ((0, 1) if i in again else (0,)):
                r = random.Random(int(h(f"gen6/{lang}/{rnd}/{body}")[:16], 16))
                v = make_values(r, lang, rnd)
                b, sj, chan = body, subj, ch
                if rnd:
                    for _ in range(8):  # another way of writing: retry until the text differs
                        b = RESTYLE[lang](body, r)
                        if b != body:
                            break
                    sj = r.choice((subj, "", subj.upper() if lang == "en" else subj))
                    chan = r.choice(CHANNELS)
                tb, ts = fill(b, v, f"{lang} #{i}"), fill(sj, v, f"{lang} #{i} subject")
                files[split].append({"id": f"s6-{lang}-{i + 1:03d}{'b' if rnd else 'a'}",
                                     "lang": lang, "channel": chan, "subject": ts, "body": tb,
                                     "category": cat, "priority": pri})
        for name, rows in files.items():
            with open(os.path.join(HERE, f"{name}-{lang}.jsonl"), "w", encoding="utf-8") as f:
                for row in rows:
                    f.write(json.dumps(row, ensure_ascii=False) + "\n")
            stats[(name, lang)] = len(rows)
        p1 = sum(1 for s in sits if s[1] == "P1")
        cats = {}
        for s in sits:
            cats[s[0]] = cats.get(s[0], 0) + 1
        print(f"{lang}: {len(sits)} situations, P1 {p1} ({100 * p1 / len(sits):.0f} %), "
              f"second rendering {n2}; train6 {stats[('train6', lang)]} rows, "
              f"holdout6 {stats[('holdout6', lang)]} rows")
        print("    " + ", ".join(f"{c} {cats.get(c, 0)}" for c in CATEGORIES))


if __name__ == "__main__":
    main()
