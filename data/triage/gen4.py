#!/usr/bin/env python3
"""Build train4-{lang}.jsonl / holdout4-{lang}.jsonl from tpl4_{lang}.py.

Deterministic, stdlib only.  Every hand-written situation is written once;
about a third of them (every P1 situation first, then others in hash order)
get a second rendering with fresh placeholder values (amounts, coins,
networks, TXIDs, addresses, seed words, keys, UIDs, times) and another way
of writing (case, punctuation, spacing, script, greetings, typos).  The
split is decided by a hash of the situation's template text, so both
renderings of one situation land on the same side: 70 % train4, 30 %
holdout4.

Template files define T = [(channel, subject, body, category, priority)
or (..., lang)].  Placeholders are {name} for the names in FILL below.

Run from anywhere: python3 data/triage/gen4.py
"""
import hashlib
import importlib.util
import json
import os
import random
import re

HERE = os.path.dirname(os.path.abspath(__file__))
BIP39 = os.path.join(HERE, "..", "..", "..", "shared", "data", "bip39-english.txt")
LANGS = ("zh", "en", "ko")
CATS = {"account", "deposit", "withdrawal", "trading", "security",
        "technical", "compliance", "general"}
PRIS = {"P1", "P2", "P3", "P4"}
CHANNELS = {"chat", "email", "web", "phone", "social"}

B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
HEX = "0123456789abcdef"
AN = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def _words():
    path = BIP39
    if not os.path.exists(path):
        path = "/work/shared/data/bip39-english.txt"
    with open(path, encoding="utf-8") as f:
        return [w.strip() for w in f if w.strip()]


WORDS = _words()

COINS = ["BTC", "ETH", "USDT", "USDC", "SOL", "XRP", "TRX", "BNB", "DOGE",
         "ADA", "TON", "LTC", "DOT", "AVAX", "MATIC", "ARB", "LINK", "PEPE"]
NETS = ["TRC20", "ERC20", "BEP20", "Solana", "Arbitrum One", "Polygon",
        "Optimism", "Base", "TON", "Avalanche C-Chain"]
EXCH = ["Binance", "OKX", "Bybit", "Coinbase", "Kraken", "Upbit", "Bithumb",
        "KuCoin", "Gate", "MEXC", "MAX", "BitoPro", "HTX", "Bitget", "Coinone",
        "Korbit"]


def _hexs(r, n):
    return "".join(r.choice(HEX) for _ in range(n))


def _addr(r):
    k = r.randrange(4)
    if k == 0:
        return "T" + "".join(r.choice(B58) for _ in range(33))
    if k == 1:
        return "0x" + "".join(r.choice("0123456789abcdefABCDEF") for _ in range(40))
    if k == 2:
        return "bc1q" + "".join(r.choice("023456789acdefghjklmnpqrstuvwxyz") for _ in range(38))
    return "".join(r.choice(B58) for _ in range(r.choice((43, 44))))


def _amt(r):
    k = r.randrange(5)
    if k == 0:
        return str(r.randrange(10, 999))
    if k == 1:
        return "{:,}".format(r.randrange(1000, 250000))
    if k == 2:
        return "{:.2f}".format(r.uniform(0.01, 9.99))
    if k == 3:
        return "{:.4f}".format(r.uniform(0.0005, 3))
    return str(r.randrange(1, 60) * 100)


def _time(r):
    h, m = r.randrange(24), r.randrange(60)
    k = r.randrange(3)
    if k == 0:
        return "%02d:%02d" % (h, m)
    if k == 1:
        return "%d:%02d" % (h, m)
    return "%d%s" % ((h % 12) or 12, "am" if h < 12 else "pm")


FILL = {
    "amt": _amt,
    "amt2": _amt,
    "coin": lambda r: r.choice(COINS),
    "coin2": lambda r: r.choice(COINS),
    "net": lambda r: r.choice(NETS),
    "net2": lambda r: r.choice(NETS),
    "txid": lambda r: (r.choice(("", "", "0x")) + _hexs(r, 64)),
    "addr": _addr,
    "seed": lambda r: " ".join(r.choice(WORDS) for _ in range(r.choice((12, 12, 24)))),
    "seed12": lambda r: " ".join(r.choice(WORDS) for _ in range(12)),
    "pk": lambda r: r.choice((_hexs(r, 64),
                              r.choice("KL") + "".join(r.choice(B58) for _ in range(51)))),
    "totp": lambda r: "".join(r.choice(B32) for _ in range(r.choice((16, 32)))),
    "backup": lambda r: " ".join("%04d-%04d" % (r.randrange(10000), r.randrange(10000))
                                 for _ in range(r.choice((3, 4, 5)))),
    "apikey": lambda r: "".join(r.choice(AN) for _ in range(64)),
    "apisec": lambda r: "".join(r.choice(AN) for _ in range(64)),
    "code": lambda r: "%06d" % r.randrange(1000000),
    "uid": lambda r: str(r.randrange(10000000, 999999999)),
    "uid2": lambda r: str(r.randrange(10000000, 999999999)),
    "time": _time,
    "time2": _time,
    "date": lambda r: "%d/%d" % (r.randrange(1, 13), r.randrange(1, 29)),
    "oid": lambda r: str(r.randrange(10**17, 10**19)),
    "pct": lambda r: str(r.choice((0.1, 0.2, 0.5, 1, 2, 3, 5, 8, 12, 25))),
    "lev": lambda r: str(r.choice((3, 5, 10, 20, 25, 50, 75, 100, 125))),
    "fiat": lambda r: "{:,}".format(r.randrange(5, 3000) * 100),
    "ex": lambda r: r.choice(EXCH),
    "ex2": lambda r: r.choice(EXCH),
    "pw": lambda r: "".join(r.choice(AN) for _ in range(r.randrange(8, 14))),
    "ip": lambda r: "%d.%d.%d.%d" % (r.randrange(11, 223), r.randrange(256),
                                     r.randrange(256), r.randrange(1, 255)),
    "memo": lambda r: str(r.randrange(100000, 9999999999)),
    "phone4": lambda r: "%04d" % r.randrange(10000),
    "n": lambda r: str(r.randrange(2, 9)),
    "hrs": lambda r: str(r.randrange(3, 72)),
    "days": lambda r: str(r.randrange(2, 15)),
}
PH = re.compile(r"\{(" + "|".join(sorted(FILL, key=len, reverse=True)) + r")\}")


def fill(text, r, memo):
    """Fill placeholders; the same name gets the same value within a ticket."""
    def sub(m):
        k = m.group(1)
        if k not in memo:
            memo[k] = FILL[k](r)
        # keep two coin / network / exchange placeholders distinct
        for a, b in (("coin", "coin2"), ("net", "net2"), ("ex", "ex2"),
                     ("uid", "uid2")):
            if k == b and memo.get(a) == memo[k]:
                while memo[k] == memo[a]:
                    memo[k] = FILL[k](r)
        return memo[k]
    return PH.sub(sub, text)


def literal_map(text, fn):
    """Apply fn to the text between placeholders only."""
    out, pos = [], 0
    for m in PH.finditer(text):
        out.append(fn(text[pos:m.start()]))
        out.append(m.group(0))
        pos = m.end()
    out.append(fn(text[pos:]))
    return "".join(out)


# --- other ways of writing --------------------------------------------------

S2T = dict(zip(
    "这个们为么钱币账户号码现转冻结问题请帮还没时间说话认证验证谁被盗丢应该给从过后点开关让银行卡买卖单资产显示红仓爆强费续汇诉讼"
    "进来发气东车长门见觉对当动务务实际将无么后间题风险错误网络软件设备绑换绍记词语输钥匙图额余数据连线读网页里边样还产币种损亏赔"
    "续约杠杆订价块链达经历间隔扫描签约级别审核处理护照驾驶证书写报告复杂条规则义团队电话邮箱设备登录谢谢麻烦尽快急迟收钱钟吗吧么"
    "头脑该说谎骗诈盗窃号码验证码机质贷术态闪盘够两补涨储标准联递询删"
    "识睁着钓鱼紧异线赚试确统议选择划获战导顺锁陆税乱讯观荐帐",
    "這個們為麼錢幣賬戶號碼現轉凍結問題請幫還沒時間說話認證驗證誰被盜丟應該給從過後點開關讓銀行卡買賣單資產顯示紅倉爆強費續匯訴訟"
    "進來發氣東車長門見覺對當動務務實際將無麼後間題風險錯誤網絡軟件設備綁換紹記詞語輸鑰匙圖額餘數據連線讀網頁裡邊樣還產幣種損虧賠"
    "續約槓桿訂價塊鏈達經歷間隔掃描簽約級別審核處理護照駕駛證書寫報告複雜條規則義團隊電話郵箱設備登錄謝謝麻煩盡快急遲收錢鐘嗎吧麼"
    "頭腦該說謊騙詐盜竊號碼驗證碼機質貸術態閃盤夠兩補漲儲標準聯遞詢刪"
    "識睜著釣魚緊異線賺試確統議選擇劃獲戰導順鎖陸稅亂訊觀薦帳"))
TW_WORDS = [("账户", "帳戶"), ("賬戶", "帳戶"), ("软件", "軟體"), ("軟件", "軟體"),
            ("网络", "網路"), ("網絡", "網路"), ("信息", "訊息"), ("登录", "登入"),
            ("登錄", "登入"), ("手机", "手機"), ("视频", "影片"), ("质押", "質押"),
            ("客服", "客服"), ("短信", "簡訊"), ("郵箱", "信箱"), ("邮箱", "信箱")]


def zh_trad(s):
    for a, b in TW_WORDS:
        s = s.replace(a, b)
    return "".join(S2T.get(c, c) for c in s)


def zh_casual(s):
    s = s.replace("。", " ").replace("，", " ").replace("！", "!!").replace("？", "??")
    return re.sub(" +", " ", s).strip()


EN_TYPO = [("withdrawal", "withdrawl"), ("receive", "recieve"), ("account", "acount"),
           ("please", "pls"), ("because", "bc"), ("you", "u"), ("address", "adress"),
           ("already", "allready"), ("deposit", "deposite"), ("transfer", "tranfer"),
           ("immediately", "immediatly"), ("thanks", "thx"), ("are", "r"),
           ("money", "moeny"), ("someone", "some one")]


def en_lower_nopunct(s):
    s = s.lower()
    s = re.sub(r"[.,;:!?']", "", s)
    return re.sub(" +", " ", s)


def en_typos(s, r):
    for a, b in EN_TYPO:
        if r.random() < 0.6:
            s = re.sub(r"\b%s\b" % a, b, s)
            s = re.sub(r"\b%s\b" % a.capitalize(), b, s)
    return s


KO_CASUAL = [("습니다", "음"), ("주세요", "줘"), ("이에요", "임"), ("예요", "임"),
             ("었어요", "었음"), ("했어요", "했음"), ("해요", "해"), ("어요", "어"),
             ("아요", "아"), ("나요", "나"), ("돼요", "돼"), ("네요", "네")]


def ko_casual(s):
    for a, b in KO_CASUAL:
        s = s.replace(a, b)
    return s


KO_SUFFIX = [" ㅠㅠ", " ;;", " ㅜㅜ", " 빨리요", " 답변좀요", " 제발요", " ㅠ"]
KO_PREFIX = ["저기요 ", "안녕하세요 ", "급해요 ", "상담원님 ", "질문요 ", ""]


def restyle(lang, subj, body, r):
    """Return (subject, body) written another way (applied to literal text)."""
    if lang == "zh":
        k = r.randrange(4)
        if k == 0:
            f = zh_trad
        elif k == 1:
            f = zh_casual
        elif k == 2:
            def f(s):
                return zh_casual(zh_trad(s))
        else:
            f = None
        if f:
            subj, body = literal_map(subj, f), literal_map(body, f)
        pre = r.choice(["", "", "在吗 ", "你好，", "客服 ", "急！", "hi "])
        post = r.choice(["", "", " 谢谢", " 急急急", " 麻烦了", " 在线等"])
        if k in (0, 2):
            pre, post = zh_trad(pre), zh_trad(post)
        return subj, pre + body + post
    if lang == "en":
        k = r.randrange(4)
        if k == 0:
            body = literal_map(body, en_lower_nopunct)
            subj = literal_map(subj, en_lower_nopunct)
        elif k == 1:
            body = literal_map(body, lambda s: en_typos(s, r))
        elif k == 2:
            body = literal_map(body, lambda s: en_lower_nopunct(en_typos(s, r)))
        else:
            body = literal_map(body, lambda s: s.replace("\n", " "))
        pre = r.choice(["", "", "hi ", "Hello team, ", "hey ", "Dear support, ", "yo "])
        post = r.choice(["", "", " thanks", " pls reply asap", " ty", " Regards"])
        return subj, pre + body + post
    # ko
    k = r.randrange(4)
    if k in (2, 3):
        body = literal_map(body, ko_casual)
    if k in (0, 3):
        # unspaced, but a pasted value keeps its spaces on both sides
        body = literal_map(body, lambda s: re.sub(r"(?<=\S) (?=\S)", "", s))
    elif k == 1:
        body = literal_map(body, lambda s: s.replace("요.", "요").replace(".", ""))
    pre = r.choice(KO_PREFIX)
    post = r.choice(KO_SUFFIX + ["", ""])
    return subj, pre + body + post


# --- build -----------------------------------------------------------------

def load(lang):
    path = os.path.join(HERE, "tpl4_%s.py" % lang)
    if not os.path.exists(path):
        return None
    spec = importlib.util.spec_from_file_location("tpl4_" + lang, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.T


def check(lang, T):
    seen = set()
    for i, t in enumerate(T):
        assert len(t) in (5, 6), (lang, i, t)
        ch, subj, body, cat, pri = t[:5]
        assert ch in CHANNELS, (lang, i, ch)
        assert cat in CATS, (lang, i, cat)
        assert pri in PRIS, (lang, i, pri)
        if len(t) == 6:
            assert t[5] in ("zh", "en", "ko", "mixed"), (lang, i, t[5])
        for m in re.finditer(r"\{([a-z0-9]+)\}", subj + body):
            assert m.group(1) in FILL, (lang, i, m.group(0))
        key = body.strip()
        assert key not in seen, ("duplicate situation", lang, i)
        seen.add(key)


def hfrac(text):
    h = hashlib.sha256(text.encode("utf-8")).digest()
    return int.from_bytes(h[:8], "big") / 2.0**64


def build(lang, T):
    check(lang, T)
    r = random.Random("sealdesk-gen4-" + lang)
    rows = []
    for i, t in enumerate(T):
        ch, subj, body, cat, pri = t[:5]
        tl = t[5] if len(t) == 6 else lang
        memo = {}
        s, b = fill(subj, r, memo), fill(body, r, memo)
        rows.append((i, "a", {"id": "t4-%s-%04d" % (lang, i + 1), "lang": tl,
                              "channel": ch, "subject": s, "body": b,
                              "category": cat, "priority": pri}))
    # second rendering: all P1 first, then the rest in hash order, ~1/3 in all
    want = round(len(T) / 3)
    order = [i for i, t in enumerate(T) if t[4] == "P1"]
    rest = sorted((i for i, t in enumerate(T) if t[4] != "P1"),
                  key=lambda i: hfrac("b" + T[i][2]))
    pick = (order + rest)[:max(want, len(order))]
    chans = sorted(CHANNELS)
    for i in sorted(pick):
        ch, subj, body, cat, pri = T[i][:5]
        tl = T[i][5] if len(T[i]) == 6 else lang
        subj2, body2 = restyle(lang, subj, body, r)
        if r.random() < 0.3:
            subj2 = ""
        ch2 = ch if r.random() < 0.5 else r.choice(chans)
        memo = {}
        s, b = fill(subj2, r, memo), fill(body2, r, memo)
        rows.append((i, "b", {"id": "t4-%s-%04db" % (lang, i + 1), "lang": tl,
                              "channel": ch2, "subject": s, "body": b,
                              "category": cat, "priority": pri}))
    rows.sort(key=lambda x: (x[0], x[1]))
    train, hold = [], []
    for i, _, row in rows:
        (train if hfrac(T[i][2]) < 0.7 else hold).append(row)
    for name, part in (("train4", train), ("holdout4", hold)):
        with open(os.path.join(HERE, "%s-%s.jsonl" % (name, lang)), "w",
                  encoding="utf-8") as f:
            for row in part:
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
    return len(T), len(pick), len(train), len(hold)


def main():
    for lang in LANGS:
        T = load(lang)
        if T is None:
            continue
        n, b, tr, ho = build(lang, T)
        p1 = sum(1 for t in T if t[4] == "P1")
        print("%s: %d situations (%d P1, %.0f%%), %d second renderings, "
              "train4 %d, holdout4 %d" % (lang, n, p1, 100.0 * p1 / n, b, tr, ho))


if __name__ == "__main__":
    main()
