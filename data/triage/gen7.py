#!/usr/bin/env python3
"""gen7: render the hand-written round-8 triage situations (tpl7_{zh,en,ko}.py).

Deterministic, standard library only.  Every situation is written once; about a
third of them (all P1 situations first, then the others in a fixed hash order)
get a second rendering with fresh amounts, coins, networks, TXIDs, addresses,
seed words, keys, UIDs and times, and another way of writing (traditional
characters / homophone typos for zh, lower case / no punctuation / typos for
en, unspaced / casual markers for ko).  Each situation and its second rendering
go to the same side of the split: sha256 of the situation's template text
decides, 70 % train7-{lang}.jsonl, 30 % holdout7-{lang}.jsonl.

Usage: python3 data/triage/gen7.py [outdir]   (default: the directory of this file)
"""
import hashlib
import json
import os
import random
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import importlib  # noqa: E402

MODS = {}
for _lang in ("zh", "en", "ko"):
    try:
        MODS[_lang] = importlib.import_module("tpl7_" + _lang)
    except ModuleNotFoundError:
        print(f"gen7: tpl7_{_lang}.py missing, skipped", file=sys.stderr)

CATS = {"account", "deposit", "withdrawal", "trading", "security", "technical",
        "compliance", "general"}
PRIOS = {"P1", "P2", "P3", "P4"}
CHANNELS = {"chat", "email", "web", "phone", "social"}


def _words():
    for p in (os.path.join(HERE, "..", "bip39-english.txt"),
              os.path.join(HERE, "..", "..", "..", "shared", "data", "bip39-english.txt")):
        if os.path.exists(p):
            with open(p, encoding="utf-8") as f:
                w = [x.strip() for x in f if x.strip()]
            if len(w) == 2048:
                return w
    raise SystemExit("gen7: bip39-english.txt not found")


BIP39 = _words()
HEX = "0123456789abcdef"
B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
B32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"

COINS = ["BTC", "ETH", "SOL", "XRP", "TRX", "BNB", "ADA", "DOGE", "LTC", "DOT", "AVAX", "LINK",
         "TON", "ARB", "OP", "MATIC"]
STABLES = ["USDT", "USDC"]
NETS = ["TRC20", "ERC20", "BEP20", "Arbitrum", "Polygon", "Solana", "Optimism", "TON"]
MEMO_COINS = ["XRP", "XLM", "EOS", "ATOM", "TON", "HBAR"]
EXCHANGES = ["Binance", "OKX", "Bybit", "Coinbase", "Kraken", "Upbit", "Bithumb", "KuCoin",
             "Gate", "Bitget", "HTX", "MEXC"]
WALLETS = ["MetaMask", "Trust Wallet", "Ledger", "Phantom", "TokenPocket", "imToken",
           "OKX Wallet", "Exodus", "Trezor"]
CITIES = ["Lagos", "Kyiv", "Sao Paulo", "Jakarta", "Hanoi", "Manila", "Istanbul", "Bucharest",
          "Amsterdam", "Moscow", "Nairobi", "Lima", "Frankfurt", "Singapore", "Dubai"]
FIATS = ["USD", "EUR", "KRW", "TWD", "HKD", "CNY", "GBP", "SGD"]


def _addr(r):
    k = r.randrange(4)
    if k == 0:
        return "T" + "".join(r.choice(B58) for _ in range(33))
    if k == 1:
        return "0x" + "".join(r.choice(HEX) for _ in range(40))
    if k == 2:
        return "bc1q" + "".join(r.choice(B32) for _ in range(38))
    return "".join(r.choice(B58) for _ in range(r.randrange(32, 45)))


def _amt(r):
    k = r.randrange(5)
    if k == 0:
        return str(r.randrange(50, 900))
    if k == 1:
        return f"{r.randrange(1, 99)},{r.randrange(0, 1000):03d}"
    if k == 2:
        return f"{r.randrange(1000, 60000)}"
    if k == 3:
        return f"{r.randrange(0, 20)}.{r.randrange(1, 99):02d}"
    return f"{r.randrange(1, 9)}.{r.randrange(1000, 99999)}"


def fill(tpl, r):
    """Replace {name} slots with fresh values drawn from r.  Equal slots inside one
    ticket get the same value ({coin} twice is the same coin), except {net}/{net2}
    and {ex}/{ex2} which always differ."""
    vals = {}
    nets = r.sample(NETS, 2)
    exs = r.sample(EXCHANGES, 2)
    gen = {
        "amt": lambda: _amt(r),
        "amt2": lambda: _amt(r),
        "usd": lambda: str(r.choice([50, 100, 200, 300, 500, 800, 1000, 1500, 2000, 3000, 5000,
                                     7500, 12000, 25000])),
        "coin": lambda: r.choice(COINS),
        "coin2": lambda: r.choice(COINS),
        "stable": lambda: r.choice(STABLES),
        "memocoin": lambda: r.choice(MEMO_COINS),
        "net": lambda: nets[0],
        "net2": lambda: nets[1],
        "ex": lambda: exs[0],
        "ex2": lambda: exs[1],
        "wallet": lambda: r.choice(WALLETS),
        "city": lambda: r.choice(CITIES),
        "fiat": lambda: r.choice(FIATS),
        "txid": lambda: "".join(r.choice(HEX) for _ in range(64)),
        "addr": lambda: _addr(r),
        "addr2": lambda: _addr(r),
        "seed": lambda: " ".join(r.choice(BIP39) for _ in range(r.choice([12, 12, 24]))),
        "key": lambda: r.choice(["", "0x"]) + "".join(r.choice(HEX) for _ in range(64)),
        "totp": lambda: "".join(r.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(16)),
        "codes": lambda: " ".join(f"{r.randrange(10**7, 10**8)}" for _ in range(5)),
        "pw": lambda: r.choice(["Sunny", "tiger", "Qwe", "Mina", "hello", "Dragon"]) +
        str(r.randrange(10, 9999)) + r.choice(["!", "@", "#", ""]),
        "email": lambda: r.choice(["kim", "lee.j", "mchen", "anna.k", "wang88", "tpark", "jlopez"])
        + str(r.randrange(1, 999)) + "@" + r.choice(["gmail.com", "naver.com", "qq.com",
                                                     "outlook.com", "163.com"]),
        "uid": lambda: str(r.randrange(10**7, 10**9)),
        "uid2": lambda: str(r.randrange(10**7, 10**9)),
        "order": lambda: str(r.randrange(10**15, 10**18)),
        "ticket": lambda: str(r.randrange(100000, 9999999)),
        "time": lambda: f"{r.randrange(0, 24):02d}:{r.randrange(0, 60):02d}",
        "hours": lambda: str(r.randrange(3, 49)),
        "days": lambda: str(r.randrange(2, 10)),
        "mins": lambda: str(r.randrange(2, 59)),
        "ip": lambda: f"{r.randrange(11, 223)}.{r.randrange(0, 256)}.{r.randrange(0, 256)}."
        f"{r.randrange(1, 255)}",
        "pct": lambda: str(r.randrange(2, 40)),
        "lev": lambda: str(r.choice([5, 10, 20, 25, 50, 75, 100, 125])),
        "memo": lambda: str(r.randrange(10**5, 10**10)),
        "phone": lambda: "***" + str(r.randrange(1000, 9999)),
        "sym": lambda: r.choice(COINS[:8]) + "USDT",
    }

    def sub(m):
        name = m.group(1)
        if name not in gen:
            raise SystemExit(f"gen7: unknown slot {{{name}}} in: {tpl[:80]}")
        if name not in vals:
            vals[name] = gen[name]()
        return vals[name]

    return re.sub(r"\{([a-z0-9]+)\}", sub, tpl)


# ---- another way of writing -------------------------------------------------

S2T = dict((t[0], t[1]) for t in """这這 个個 们們 来來 时時 说說 国國 为為 会會 过過 对對 还還 没沒 发發 现現 后後 让讓 从從 钱錢 账賬 户戶 号號 码碼 币幣 转轉 问問 题題 请請 帮幫 谢謝 实實 处處 么麼 吗嗎 经經 给給 单單 价價 买買 卖賣 订訂 风風 险險 冻凍 结結 认認 证證 验驗 设設 绑綁 换換 应應 该該 开開 关關 删刪 网網 络絡 钟鐘 头頭 机機 电電 脑腦 线線 页頁 显顯 示示 种種 额額 费費 续續 资資 产產 变變 动動 记記 录錄 无無 登登 语語 务務 员員 骗騙 诈詐 盗盜 样樣 货貨 银銀 张張 写寫 条條 缴繳 税稅 报報 联聯 态態 复復 杂雜 总總 运運 营營 听聽 见見 觉覺 专專 业業 进進 仓倉 强強 损損 杠槓 杆桿 涨漲 汇匯 兑兌 审審 几幾 长長 东東 西西 统統 错錯 误誤 间間 隔隔 两兩 边邊 拨撥 扫掃 描描 难難 办辦 凭憑 据據 额額 点點 钟鐘 邮郵 件件 箱箱 码碼 给給 让讓 为為 币幣 冲衝 绍紹 里裡 这這 达達 际際 马馬 亿億 万萬 块塊 计計 划劃 释釋 权權 缘緣 签簽 谁誰 们們 确確 认認 标標 链鏈 区區 块塊 软軟 件件 载載 装裝 级級 丢丟 被被 盗盜 黑黑 帐帳 库庫 宝寶 购購 师師 医醫 护護 岁歲 离離 题題 诉訴 讯訊 视視 频頻 错錯 误誤 伤傷 险險 冻凍 闭閉 启啟 笔筆 块塊 达達 补補 营營 厅廳 邮郵 锁鎖 屏屏 码碼 卖賣 儿兒 现現 执執 税稅 门門 闭閉 乱亂 图圖 获獲 顺順 况況""".split())
ZH_TYPO = [("充值", "冲值"), ("到账", "到帐"), ("账户", "帐户"), ("验证码", "验正码"),
           ("在吗", "再吗"), ("已经", "以经"), ("怎么", "怎莫"),
           ("登录", "登陆"), ("是不是", "是步是"), ("为什么", "为啥"), ("好像", "好象")]
EN_TYPO = [("please", "pls"), ("you ", "u "), ("withdrawal", "withdrawl"), ("received", "recieved"),
           ("account", "acount"), ("because", "bc"), ("address", "adress"), ("don't", "dont"),
           ("didn't", "didnt"), ("I'm", "im"), ("can't", "cant"), ("what", "wat"),
           ("really", "rly"), ("the ", "teh ")]
KO_TAIL = ["ㅠㅠ", "ㅜㅜ", "..", "??", "ㅡㅡ", " 빨리요", ""]
KO_TYPO = [("입금", "입긂"), ("했는데", "햇는데"), ("없어요", "없어여"), ("있어요", "있어여"),
           ("해주세요", "해주세여"), ("됐어요", "됬어요"), ("안 돼요", "안되요"), ("왜", "왜케")]


def _protect(text):
    # tokens that must survive a rewrite unchanged: long hex/base58 strings, seed words list
    return re.findall(r"[0-9A-Za-z]{20,}", text)


def restyle(lang, text, r):
    """Another way of writing text; never returns text unchanged."""
    k0 = r.randrange(3)
    for d in range(3):
        t = _restyle(lang, text, r, (k0 + d) % 3)
        if t != text:
            return t
    return text + (" ??" if lang == "en" else "？？" if lang == "zh" else " ㅠㅠ")


def _restyle(lang, text, r, k):
    if lang == "en":
        if k == 0:
            keep = _protect(text)
            t = text.lower()
            for s in keep:
                t = t.replace(s.lower(), s)
            t = re.sub(r"[.,;:!?'\"()]+(\s|$)", r"\1", t)
            t = re.sub(r"[()]", "", t)
            return t
        if k == 1:
            t = text
            for a, b in r.sample(EN_TYPO, 6):
                t = t.replace(a, b)
            return t
        return r.choice(["Hello,\n\n", "Hi team, ", "Dear support,\n", "hey, ", "Good morning. "]) + \
            text + r.choice(["\n\nThanks", " thx", "\nRegards", " thank you", "\n\nBest, M."])
    if lang == "zh":
        if k == 0:
            return "".join(S2T.get(c, c) for c in text)
        if k == 1:
            t = text
            for a, b in ZH_TYPO:
                if r.random() < 0.7:
                    t = t.replace(a, b)
            return t
        t = re.sub(r"[，。！]", " ", text).strip()
        return r.choice(["你好 ", "客服你好，", "在吗 ", "您好，麻烦一下 ", ""]) + t + \
            r.choice(["", " 谢谢", " 急", "！！", " 麻烦了"])
    if lang == "ko":
        if k == 0:
            return text.replace(" ", "")
        if k == 1:
            t = text
            for a, b in KO_TYPO:
                if r.random() < 0.7:
                    t = t.replace(a, b)
            return t.replace(".", "") + r.choice(KO_TAIL)
        return r.choice(["안녕하세요~ ", "저기요 ", "문의드려요. ", "상담원님 ", "hello "]) + text + \
            r.choice(KO_TAIL)
    return text


# ---- generation ------------------------------------------------------------

def situations():
    out = []
    for lang, mod in MODS.items():
        seen = set()
        for i, s in enumerate(mod.SITUATIONS):
            if len(s) == 5:
                channel, subject, body, cat, prio = s
                tlang = lang
            else:
                channel, subject, body, cat, prio, tlang = s
            if cat not in CATS or prio not in PRIOS or channel not in CHANNELS:
                raise SystemExit(f"gen7: bad label in {lang} #{i}: {s}")
            if tlang not in ("zh", "en", "ko", "mixed"):
                raise SystemExit(f"gen7: bad lang in {lang} #{i}")
            if body in seen:
                raise SystemExit(f"gen7: duplicate situation in {lang} #{i}")
            seen.add(body)
            out.append((lang, i, channel, subject, body, cat, prio, tlang))
    return out


def h(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else HERE
    os.makedirs(outdir, exist_ok=True)
    sits = situations()
    stats = {}
    for lang in MODS:
        mine = [s for s in sits if s[0] == lang]
        want = round(len(mine) / 3)
        p1 = [s for s in mine if s[6] == "P1"]
        rest = sorted((s for s in mine if s[6] != "P1"), key=lambda s: h("again|" + s[4]))
        again = {s[1] for s in (p1 + rest)[:max(want, len(p1))]}
        rows = {"train": [], "holdout": []}
        for s in mine:
            _, i, channel, subject, body, cat, prio, tlang = s
            side = "train" if int(h(body)[:8], 16) % 100 < 70 else "holdout"
            r1 = random.Random(h("r1|" + body))
            rows[side].append({"id": f"t7-{lang}-{i + 1:03d}a", "lang": tlang, "channel": channel,
                               "subject": fill(subject, r1), "body": fill(body, r1),
                               "category": cat, "priority": prio})
            if i in again:
                r2 = random.Random(h("r2|" + body))
                if channel == "phone":  # an agent's call note: fresh values, same voice
                    ch2 = "phone"
                    sub2 = fill(subject, r2)
                    body2 = {"en": "Call note. ", "zh": "来电记录。", "ko": "통화 메모. "}[lang] + \
                        fill(body, r2)
                else:
                    ch2 = r2.choice(["chat", "email", "web", "social", channel, channel])
                    sub2 = fill(subject, r2)
                    if r2.random() < 0.4:
                        sub2 = ""
                    elif lang == "en":
                        sub2 = sub2.lower()
                    body2 = restyle(lang, fill(body, r2), r2)
                rows[side].append({"id": f"t7-{lang}-{i + 1:03d}b", "lang": tlang,
                                   "channel": ch2, "subject": sub2, "body": body2,
                                   "category": cat, "priority": prio})
        for side, lst in rows.items():
            name = os.path.join(outdir, f"{side}7-{lang}.jsonl")
            with open(name, "w", encoding="utf-8") as f:
                for row in lst:
                    f.write(json.dumps(row, ensure_ascii=False) + "\n")
        allrows = rows["train"] + rows["holdout"]
        p1 = sum(1 for x in allrows if x["priority"] == "P1")
        cats = {}
        for x in allrows:
            cats[x["category"]] = cats.get(x["category"], 0) + 1
        stats[lang] = (len(mine), len(again), len(rows["train"]), len(rows["holdout"]),
                       p1 / len(allrows), cats)
    for lang, (n, a, tr, ho, p1s, cats) in stats.items():
        print(f"{lang}: {n} situations, {a} second renderings, train {tr}, holdout {ho}, "
              f"P1 {100 * p1s:.0f} %, " + " ".join(f"{k} {v}" for k, v in sorted(cats.items())))


if __name__ == "__main__":
    main()
