#!/usr/bin/env python3
"""Render the round-7 situations of data/triage/tpl5_{zh,en,ko}.py into labelled JSONL.

    python3 data/triage/gen5.py    # writes data/triage/{train5,holdout5}-{zh,en,ko}.jsonl

Each situation (category, priority, subject, body; labels by ../shared/data/TRIAGE.md) is
rendered twice with fresh amounts, coins, networks, TXIDs, addresses, seed words, keys, 2FA
secrets, codes and UIDs: once as written, once in a second way of writing picked per ticket
(zh: traditional, homophone typos without punctuation, zh/en mixed, chat opener, a long
e-mail with the problem buried inside; en: lower case with a letter typo and no punctuation,
chat opener/closer, a long e-mail; ko: unspaced with ㅠㅠ/;;, ko/en mixed, opener, a long
e-mail). The split is decided by a hash of the situation text before any run: 70 % train5
(tune on these), 30 % holdout5 (summaries only). Deterministic; standard library only.
"""

import hashlib
import importlib.util
import json
import os
import random
import re

HERE = os.path.dirname(os.path.abspath(__file__))
_gen_spec = importlib.util.spec_from_file_location("gen", os.path.join(HERE, "gen.py"))
gen = importlib.util.module_from_spec(_gen_spec)
_gen_spec.loader.exec_module(gen)

COINS = ["BTC", "ETH", "USDT", "SOL", "XRP", "TRX", "USDC", "DOGE", "BNB", "ADA", "LTC",
         "PEPE", "ARB", "MATIC", "TON", "AVAX", "DOT", "LINK", "SHIB", "OP"]
NETS = ["TRC20", "ERC20", "BEP20", "Arbitrum One", "Solana", "Polygon", "Optimism", "Base",
        "TON", "Avalanche C-Chain", "zkSync"]
EXCH = ["Binance", "OKX", "Upbit", "Bithumb", "Coinbase", "Kraken", "Bybit", "HTX", "Gate",
        "KuCoin", "Bitget", "Coinone"]
B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

ZH_TYPO = [("提现", "提線"), ("充值", "冲直"), ("到账", "到帐"), ("登录", "登陆"),
           ("账号", "帐号"), ("已经", "以经"), ("什么", "啥"), ("怎么", "咋"), ("密码", "秘码"),
           ("验证码", "验正码"), ("资金", "姿金"), ("转账", "转帐")]
ZH_MIX = [("提现", "withdraw"), ("充值", "deposit"), ("账户", "account"), ("冻结", "freeze"),
          ("审核", "review"), ("手续费", "fee"), ("合约", "futures"), ("地址", "address"),
          ("验证码", "code"), ("余额", "balance"), ("密码", "password"), ("客服", "support")]
ZH_OPEN = ["在吗", "客服在不在", "亲，", "你好你好，", "有人吗？？", "hello，", "急！！", "打扰了，"]
ZH_CLOSE = ["", "，在线等急", "。谢谢", "！！", "，速回", "？", " 拜托了"]
ZH_MAIL = [("您好：\n我是贵平台的老用户了，用了快三年，一直挺满意的。今天写信是因为出了点事情，"
            "我尽量说清楚。", "\n以上，麻烦尽快回复，我白天要上班，晚上才能看邮件。\n此致"),
           ("客服你们好，先说一下背景，我平时主要做现货定投，偶尔玩一下理财，很少操作别的。",
            "\n我的联系方式就是这个邮箱，有需要补充的材料随时说。谢谢！"),
           ("你好，前几天刚换了新手机，App 也是重新下载的，这些应该没关系，就是交代一下。",
            "\n不好意思写了这么多，希望能尽快处理。")]
EN_OPEN = ["hey ", "hello? ", "Hi team, ", "gm, ", "yo support ", "excuse me, ", "Hi there, "]
EN_CLOSE = ["", " asap", " ???", " thx", " pls reply", " !!!", " Regards."]
EN_MAIL = [("Dear Support,\n\nI hope this finds you well. I have been a customer for a few "
            "years and usually have no complaints, so bear with me while I explain. ",
            "\n\nI would appreciate a reply at your earliest convenience. I work shifts so I "
            "may answer late.\n\nKind regards"),
           ("Hello,\n\nSome background first: I mostly DCA into spot and sometimes use Earn, "
            "nothing fancy. Anyway, here is the thing. ",
            "\n\nLet me know if you need screenshots or anything else from me.\nThanks"),
           ("To whom it may concern,\n\nI changed my phone last week and reinstalled the app, "
            "probably unrelated but mentioning it. ",
            "\n\nSorry for the long message, I just want this sorted.\nBest")]
KO_OPEN = ["안녕하세요 ", "문의 좀 드릴게요 ", "저기요 ", "급합니다 ", "상담원님 ", "hello "]
KO_CLOSE = ["", " ㅠㅠ", " ;;", " 빠른 답변 부탁드려요", " 감사합니다", "!!", " ㅜㅜ"]
KO_MIX = [("출금", "withdraw"), ("입금", "deposit"), ("계정", "account"), ("주문", "order"),
          ("수수료", "fee"), ("잔고", "balance"), ("주소", "address"), ("비밀번호", "password"),
          ("인증", "OTP 인증"), ("선물", "futures")]
KO_MAIL = [("안녕하세요. 거래소를 2년 넘게 이용하고 있는 회원입니다. 평소에는 문의할 일이 없었는데 "
            "이번에 일이 생겨서 길게 적어봅니다. ", "\n회사 다니느라 답장이 늦을 수 있습니다. 확인 "
            "부탁드립니다."),
           ("담당자님께, 저는 주로 현물만 조금씩 사는 편이고 다른 기능은 거의 안 씁니다. 본론으로 "
            "들어가면, ", "\n필요한 자료 있으면 말씀해 주세요. 수고하세요."),
           ("안녕하세요, 지난주에 폰을 바꿔서 앱을 다시 깔았는데 이건 상관없을 수도 있고요. ",
            "\n글이 길어서 죄송합니다. 확인 부탁드려요.")]


def fillers(rng):
    f = gen.fillers(rng)
    f["coin"] = rng.choice(COINS)
    f["coin2"] = rng.choice(COINS)
    f["net"] = rng.choice(NETS)
    f["net2"] = rng.choice(NETS)
    f["exch"] = rng.choice(EXCH)
    f["code"] = "%06d" % rng.randint(0, 999999)
    f["secret"] = "".join(rng.choice(B32) for _ in range(rng.choice([16, 32])))
    f["days"] = str(rng.randint(2, 20))
    f["mins"] = str(rng.randint(2, 50))
    f["price"] = "%.4g" % rng.uniform(0.05, 70000)
    return f


def en_typo(rng, s):
    words = s.split(" ")
    idx = [i for i, w in enumerate(words) if w.isalpha() and len(w) > 4]
    for _ in range(min(len(idx), rng.choice([1, 1, 2]))):
        i = rng.choice(idx)
        w = words[i]
        j = rng.randrange(1, len(w) - 2)
        op = rng.randrange(3)
        if op == 0:
            words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2:]
        elif op == 1:
            words[i] = w[:j] + w[j + 1:]
        else:
            words[i] = w[:j] + w[j] + w[j:]
    return " ".join(words)


def second(lang, rng, subject, body):
    """A second way of writing the same situation."""
    if lang == "zh":
        style = rng.randrange(5)
        if style == 0:
            subject = "".join(gen.S2T.get(c, c) for c in subject)
            body = "".join(gen.S2T.get(c, c) for c in body)
        elif style == 1:
            for a, b in ZH_TYPO:
                if rng.random() < 0.7:
                    body = body.replace(a, b)
            body = re.sub(r"[，。！？、；,.!?]+", " ", body)
        elif style == 2:
            for a, b in ZH_MIX:
                if rng.random() < 0.5:
                    body = body.replace(a, b, 1)
            body = rng.choice(ZH_OPEN) + body + rng.choice(ZH_CLOSE)
        elif style == 3:
            body = rng.choice(ZH_OPEN) + body + rng.choice(ZH_CLOSE)
            if rng.random() < 0.5:
                body = "".join(gen.S2T.get(c, c) for c in body)
        else:
            o, c = rng.choice(ZH_MAIL)
            body = o + body + c
    elif lang == "en":
        style = rng.randrange(4)
        if style == 0:
            body = en_typo(rng, body.lower().replace("'", ""))
            body = re.sub(r"[,.;:!?]+(\s|$)", r"\1", body)
            subject = subject.lower()
        elif style == 1:
            body = rng.choice(EN_OPEN) + en_typo(rng, body) + rng.choice(EN_CLOSE)
        elif style == 2:
            o, c = rng.choice(EN_MAIL)
            body = o + body + c
        else:
            body = en_typo(rng, body.lower()) + rng.choice(EN_CLOSE)
    else:
        style = rng.randrange(4)
        if style == 0:
            body = "".join("" if ch == " " and rng.random() < 0.6 else ch for ch in body)
            body += rng.choice(KO_CLOSE[1:3] + KO_CLOSE[6:])
        elif style == 1:
            for a, b in KO_MIX:
                if rng.random() < 0.45:
                    body = body.replace(a, b, 1)
            body = rng.choice(KO_OPEN) + body + rng.choice(KO_CLOSE)
        elif style == 2:
            o, c = rng.choice(KO_MAIL)
            body = o + body + c
        else:
            body = rng.choice(KO_OPEN) + body.replace(".", "").replace("요 ", "요") + \
                rng.choice(KO_CLOSE)
    return subject.strip(), body.strip()


def load(lang):
    path = os.path.join(HERE, "tpl5_%s.py" % lang)
    spec = importlib.util.spec_from_file_location("tpl5", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.T


def split_of(body):
    h = hashlib.sha256(body.encode("utf-8")).digest()
    return "holdout5" if h[0] % 10 < 3 else "train5"


def main():
    channels = ["chat", "email", "web", "phone", "social"]
    for lang in ("zh", "en", "ko"):
        out = {"train5": [], "holdout5": []}
        for n, (cat, prio, subject, body) in enumerate(load(lang), 1):
            kind = split_of(body)
            for v in range(2):
                tid = "%s-%s-%03d-%d" % (kind, lang, n, v)
                rng = random.Random(tid)
                f = fillers(rng)
                s, b = subject.format(**f), body.format(**f)
                if v == 1:
                    s, b = second(lang, rng, s, b)
                out[kind].append({"id": tid, "lang": lang, "channel": rng.choice(channels),
                                  "subject": s, "body": b, "category": cat,
                                  "priority": "P%d" % prio})
        for kind, rows in out.items():
            path = os.path.join(HERE, "%s-%s.jsonl" % (kind, lang))
            with open(path, "w", encoding="utf-8") as fh:
                for r in rows:
                    fh.write(json.dumps(r, ensure_ascii=False) + "\n")
            print("%s-%s.jsonl: %d tickets" % (kind, lang, len(rows)))


if __name__ == "__main__":
    main()
