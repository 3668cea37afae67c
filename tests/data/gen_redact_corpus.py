#!/usr/bin/env python3
"""Generate the labelled redaction corpus (tests/data/redact_corpus.jsonl) and its held-out part
(tests/data/redact_heldout.jsonl). Deterministic (fixed seeds); re-run after editing and commit
the output. Each line: {"id", "text", "kinds": {kind: min count}, "secrets": [substrings of text
that must not survive]}. "kinds" empty means a negative: the text must come back unchanged.

The held-out part is written by different templates, separators and fillers than the training
part (same kinds of disguise), and is only run at the end (unit test
test_redact_heldout_corpus) so that tuning on the training part does not leak into it.
"""
import hashlib
import json
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
WORDS = open(os.path.join(HERE, "..", "..", "data", "bip39-english.txt")).read().split()
WSET = set(WORDS)
B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

ZW = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"]
BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]
CYR = {"a": "\u0430", "e": "\u0435", "o": "\u043e", "p": "\u0440", "c": "\u0441", "x": "\u0445",
       "y": "\u0443", "i": "\u0456", "j": "\u0458", "s": "\u0455", "h": "\u04bb"}
GRK = {"o": "\u03bf", "a": "\u03b1", "i": "\u03b9", "k": "\u03ba", "v": "\u03bd", "t": "\u03c4",
       "x": "\u03c7", "u": "\u03c5"}


def mnemonic(rng, n):
    ent_bits = n * 11 * 32 // 33
    ent = rng.getrandbits(ent_bits).to_bytes(ent_bits // 8, "big")
    cs = n * 11 - ent_bits
    h = hashlib.sha256(ent).digest()
    bits = int.from_bytes(ent, "big") << cs | (h[0] >> (8 - cs))
    return [WORDS[(bits >> (11 * (n - 1 - i))) & 2047] for i in range(n)]


def b58(b):
    n = int.from_bytes(b, "big")
    s = ""
    while n:
        n, r = divmod(n, 58)
        s = B58[r] + s
    for c in b:
        if c:
            break
        s = "1" + s
    return s


def b58check(payload):
    return b58(payload + hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4])


def wif(rng, compressed):
    k = rng.getrandbits(256).to_bytes(32, "big")
    return b58check(b"\x80" + k + (b"\x01" if compressed else b""))


def xprv(rng):
    body = (bytes.fromhex("0488ade4") + bytes([rng.randrange(4)]) + rng.getrandbits(32).to_bytes(4, "big")
            + rng.getrandbits(32).to_bytes(4, "big") + rng.getrandbits(256).to_bytes(32, "big")
            + b"\x00" + rng.getrandbits(256).to_bytes(32, "big"))
    return b58check(body)


def luhn_complete(prefix, n, rng):
    d = prefix + "".join(str(rng.randrange(10)) for _ in range(n - len(prefix) - 1))
    for c in "0123456789":
        s = 0
        for i, ch in enumerate(reversed(d + c)):
            v = int(ch)
            if i % 2:
                v *= 2
                if v > 9:
                    v -= 9
            s += v
        if s % 10 == 0:
            return d + c


def card(rng):
    kind = rng.choice(["visa", "mc", "mc2", "amex", "disc", "up", "jcb", "visa19"])
    if kind == "visa":
        return luhn_complete("4", 16, rng), [4, 4, 4, 4]
    if kind == "visa19":
        return luhn_complete("4", 19, rng), [4, 4, 4, 4, 3]
    if kind == "mc":
        return luhn_complete("5" + str(rng.randint(1, 5)), 16, rng), [4, 4, 4, 4]
    if kind == "mc2":
        return luhn_complete(str(rng.randint(2221, 2720)), 16, rng), [4, 4, 4, 4]
    if kind == "amex":
        return luhn_complete(rng.choice(["34", "37"]), 15, rng), [4, 6, 5]
    if kind == "disc":
        return luhn_complete("6011", 16, rng), [4, 4, 4, 4]
    if kind == "up":
        return luhn_complete("62" + str(rng.randint(10, 99)), 16, rng), [4, 4, 4, 4]
    return luhn_complete(str(rng.randint(3528, 3589)), 16, rng), [4, 4, 4, 4]


def groups(s, sizes):
    out, i = [], 0
    for z in sizes:
        out.append(s[i:i + z])
        i += z
    if i < len(s):
        out.append(s[i:])
    return out


def fullwidth(s):
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else ("\u3000" if c == " " else c)
                   for c in s)


def homoglyph(word, rng, table):
    cs = list(word)
    idx = [i for i, c in enumerate(cs) if c in table]
    for i in rng.sample(idx, min(len(idx), rng.randint(1, 2))) if idx else []:
        cs[i] = table[cs[i]]
    return "".join(cs)


def hex_chunks(h, size):
    return [h[i:i + size] for i in range(0, len(h), size)]


class Corpus:
    def __init__(self, name):
        self.name = name
        self.rows = []

    def add(self, text, kinds, secrets=()):
        for s in secrets:
            assert s in text, (s, text)
        self.rows.append({"id": "%s-%04d" % (self.name, len(self.rows)), "text": text,
                          "kinds": kinds, "secrets": list(secrets)})

    def write(self, path):
        with open(path, "w", encoding="utf-8") as f:
            for r in self.rows:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")


# ---- the training part ------------------------------------------------------------------

TRAIN_WRAP = [
    ("my recovery words are: ", " please help me get my coins back"),
    ("Here is my seed so you can check\n", "\nthanks"),
    ("我的助记词是 ", " 请帮我找回资产"),
    ("助記詞：", "。謝謝"),
    ("제 복구 문구는 ", " 입니다. 도와주세요"),
    ("", ""),
    ("wallet backup -> ", " <- is it valid?"),
]
TRAIN_SEP = [" ", ", ", "\n", " - ", "\t", "、", " | ", "  ", "\r\n", ";", "/"]
# filler words are never BIP-39 words themselves (checked in main)
TRAIN_FILL = ["and", "ok", "x", "um", "yes", "hmm", "uh", "err", "so", "and the"]
TRAIN_OTP_CTX = [
    ("2FA: ", ""), ("my google authenticator code is ", " please hurry"),
    ("验证码：", ""), ("短信验证码是 ", "，请尽快处理"), ("인증번호는 ", " 입니다"),
    ("OTP ", " just arrived"), ("the verification code ", " expires soon"),
    ("谷歌验证码 ", ""), ("인증 코드: ", ""), ("Your code: ", ""),
]
TRAIN_KEY_CTX = [
    ("private key: ", ""), ("my priv key ", " is this safe?"), ("私钥是 ", ""),
    ("개인키 ", " 입니다"), ("exported key:\n", "\nimport it for me"), ("", ""),
    ("secret = ", ""),
]
TRAIN_CARD_CTX = [
    ("card number ", " exp 09/27"), ("I paid with my card ", " and it failed"),
    ("卡号 ", " 被扣款了"), ("카드번호 ", " 로 결제했어요"), ("", ""), ("visa: ", ""),
]
TRAIN_PROSE = [
    "Hello, I made a withdrawal of 500 USDT to my wallet yesterday but it has not arrived yet.",
    "The status shows completed in the app, but my wallet balance did not change.",
    "Could you please check what happened and help me recover the funds?",
    "My account was frozen after I tried to log in from a new phone.",
    "I need to verify my identity again but the upload page keeps failing with an error.",
    "Please unlock my account as soon as possible because I have an open order that will expire.",
    "Someone pretending to be support asked me for my recovery phrase and I almost gave it.",
    "What should I do to protect my wallet and my funds now? Should I move everything?",
    "The price chart shows a sudden drop and my stop order was not executed at the right level.",
    "I lost a lot of money because of this bug and I demand a refund for the difference.",
    "I want to change the phone number on my account because I lost my old sim card.",
    "Why is the deposit address different from last month? Is the old one still valid?",
    "The app crashes every time I open the futures tab on my tablet, please fix it soon.",
    "I sent funds on the wrong network, can you help me recover them? It was about 300 dollars.",
    "Please close my account and send the remaining balance to my bank, thank you.",
    "My friend told me about a bonus program but I cannot find the entry page anywhere.",
    "I am trying to enable two factor login but the code from the app is always rejected.",
    "The verification email never arrived, I checked the spam folder too.",
    "Is there a limit on daily withdrawals for verified users? I need to move a large amount.",
    "Ticket still open after three days, nobody answered my question about the fee.",
    "我昨天提币到钱包，但是一直没有到账，请帮我查一下。",
    "账户被冻结了，我需要重新做实名认证，但是上传照片一直失败。",
    "充值地址和上个月不一样，旧的地址还能用吗？",
    "입금했는데 잔고에 반영이 안 됩니다. 확인 부탁드립니다.",
    "계정이 잠겼어요. 새 휴대폰에서 로그인하려고 했을 뿐입니다.",
    "출금이 스무 시간째 대기 중입니다. 언제 처리되나요?",
]
TRAIN_NEG = [
    "txid: {tx} please check why it is not credited",
    "my deposit tx hash is {tx}, sent 2 hours ago",
    "交易哈希 {tx} 一直未确认",
    "거래 해시 {tx} 확인 부탁드립니다",
    "block hash {tx} and the tx {tx2}",
    "order number {order} was cancelled by itself",
    "订单号 {order} 没有成交",
    "주문번호 {order} 취소 요청합니다",
    "I withdrew {amount} USDT on {date} at {time}",
    "fee was ${amount} instead of $1.00",
    "call me at {phone} any time after 6pm",
    "我的电话是 {phone}",
    "제 번호는 {phone} 입니다",
    "my ETH address is {eth}",
    "BTC address {btc} shows 0 balance",
    "error code {six} appears when I open the app",
    "referral code {six} did not give me the bonus",
    "zip code 94107, street 1200 Market",
    "I have {six} points in the reward program and 2FA is enabled",
    "2FA enabled on {date}, then I tried 3 times in 5 minutes",
    "the 2FA page says version 4.8.2 build 913",
    "my code sent 100 000 USDT to the wrong address",
    "IP 192.168.10.254 and 10.0.0.1 were used to log in",
    "invoice INV-2024-000123 from 2024.05.15 total 1.234.567 KRW",
    "transaction {tx} confirmed in block 840000",
]


def wrap(rng, pre_suf, body):
    pre, suf = rng.choice(pre_suf)
    return pre + body + suf


def seed_train(c, rng):
    shapes = ["sep", "zw_between", "zw_inside", "fullwidth", "homoglyph", "upper", "lines",
              "numbered", "filler1", "filler2", "glued", "mixed", "bidi", "greek", "nbsp"]
    for i in range(240):
        shape = shapes[i % len(shapes)]
        n = rng.choice([12, 12, 15, 18, 24])
        w = mnemonic(rng, n)
        sep = rng.choice(TRAIN_SEP)
        r = list(w)
        if shape == "zw_between":
            body = rng.choice(ZW[:5]).join(r) if rng.random() < .5 else \
                "".join(x + rng.choice(ZW[:5]) + " " for x in r).strip()
        elif shape == "zw_inside":
            r = [x[:len(x) // 2] + rng.choice(ZW) + x[len(x) // 2:] for x in r]
            body = sep.join(r)
        elif shape == "fullwidth":
            r = [fullwidth(x) for x in r]
            body = rng.choice(["\u3000", " ", "\uff0c"]).join(r)
        elif shape == "homoglyph":
            r = [homoglyph(x, rng, CYR) for x in r]
            body = sep.join(r)
        elif shape == "greek":
            r = [homoglyph(x, rng, GRK) for x in r]
            body = sep.join(r)
        elif shape == "upper":
            r = [x.upper() if rng.random() < .5 else x.title() for x in r]
            body = sep.join(r)
        elif shape == "lines":
            body = rng.choice(["\n", "\r\n", "\n\n"]).join(r)
        elif shape == "numbered":
            fmt = rng.choice(["{}. {}", "{}) {}", "{}.{}", "#{} {}", "({}) {}"])
            r = [fmt.format(k + 1, x) for k, x in enumerate(w)]
            body = rng.choice([" ", "\n", ", "]).join(r)
        elif shape in ("filler1", "filler2"):
            k = 1 if shape == "filler1" else 2
            f = rng.choice(TRAIN_FILL[:-1])
            out = []
            for j, x in enumerate(r):
                out.append(x)
                if j + 1 < len(r):
                    out.extend([f] * k if rng.random() < .5 else
                               [rng.choice(TRAIN_FILL[:-1]) for _ in range(k)])
            body = " ".join(out)
        elif shape == "glued":
            body = "".join(r)
        elif shape == "mixed":
            r = [fullwidth(x) if j % 3 == 0 else homoglyph(x, rng, CYR) if j % 3 == 1 else
                 x[:2] + "\u200b" + x[2:] for j, x in enumerate(r)]
            body = " ".join(r)
        elif shape == "bidi":
            r = [x + rng.choice(BIDI) for x in r]
            body = sep.join(r)
        elif shape == "nbsp":
            body = rng.choice(["\u00a0", "\u2009", "\u202f", "\u3000"]).join(r)
        else:
            body = sep.join(r)
        text = wrap(rng, TRAIN_WRAP, body)
        secrets = [x for x in r[2:-2] if len(x) >= 3 and text.count(x) == body.count(x)][:6]
        c.add(text, {"seed_phrase": 1}, secrets)


def key_train(c, rng):
    shapes = ["plain", "g8", "g4", "g16", "upper", "fullwidth", "zw", "0x", "lines8", "colon",
              "wif", "wifc", "wif_g", "xprv", "xprv_g", "dash8"]
    for i in range(200):
        shape = shapes[i % len(shapes)]
        h = "%064x" % rng.getrandbits(256)
        if shape == "plain":
            body, sec = h, [h[8:40]]
        elif shape in ("g8", "g4", "g16", "lines8", "colon", "dash8"):
            size = {"g8": 8, "g4": 4, "g16": 16, "lines8": 8, "colon": 8, "dash8": 8}[shape]
            sep = {"lines8": "\n", "colon": ":", "dash8": "-"}.get(shape, rng.choice([" ", "  "]))
            ch = hex_chunks(h, size)
            body, sec = sep.join(ch), ch[1:-1]
        elif shape == "upper":
            body = h.upper()
            sec = [body[8:40]]
        elif shape == "fullwidth":
            body = fullwidth(h)
            sec = [body[8:40]]
        elif shape == "zw":
            body = rng.choice(ZW[:4]).join(hex_chunks(h, rng.choice([4, 8, 16])))
            sec = [body[10:30]]
        elif shape == "0x":
            body = "0x" + h
            sec = [h[8:40]]
        elif shape in ("wif", "wifc"):
            body = wif(rng, shape == "wifc")
            sec = [body[5:40]]
        elif shape == "wif_g":
            w = wif(rng, rng.random() < .5)
            ch = [w[j:j + 4] for j in range(0, len(w), 4)]
            body, sec = rng.choice([" ", "-"]).join(ch), [" ".join(ch[2:6])] if False else ch[2:-2]
        elif shape == "xprv":
            body = xprv(rng)
            sec = [body[10:90]]
        else:
            x = xprv(rng)
            ch = [x[j:j + 8] for j in range(0, len(x), 8)]
            body, sec = " ".join(ch), ch[2:-2]
        text = wrap(rng, TRAIN_KEY_CTX, body)
        sec = [s for s in sec if text.count(s) == 1]
        c.add(text, {"private_key": 1}, sec)


def card_train(c, rng):
    seps = [" ", "-", ".", "  ", "\u00a0", "\u200b", "/", "_", "", "\u3000", " - "]
    for i in range(200):
        num, sizes = card(rng)
        sep = seps[i % len(seps)]
        gs = groups(num, sizes)
        if i % 7 == 3:
            gs = [fullwidth(g) for g in gs]
        body = sep.join(gs)
        text = wrap(rng, TRAIN_CARD_CTX, body)
        sec = [body] if sep == "" else [g for g in gs[1:-1] if text.count(g) == 1]
        c.add(text, {"card_number": 1}, sec)


def otp_train(c, rng):
    for i in range(200):
        code = "%06d" % rng.randrange(10 ** 6)
        style = i % 9
        if style == 0:
            body = " ".join(code)
        elif style == 1:
            body = code[:3] + " " + code[3:]
        elif style == 2:
            body = code[:2] + " " + code[2:4] + " " + code[4:]
        elif style == 3:
            body = "-".join(code)
        elif style == 4:
            body = fullwidth(code)
        elif style == 5:
            body = "\u200b".join(code)
        elif style == 6:
            body = code[:3] + "-" + code[3:]
        elif style == 7:
            body = ".".join(code) if rng.random() < .5 else "  ".join(code)
        else:
            body = code
        text = wrap(rng, TRAIN_OTP_CTX, body)
        sec = [body] if text.count(body) == 1 else []
        c.add(text, {"otp_code": 1}, sec)


def neg_fill(rng, t):
    tx = "%064x" % rng.getrandbits(256)
    return t.format(
        tx=tx if rng.random() < .5 else "0x" + tx, tx2="%064x" % rng.getrandbits(256),
        order=str(rng.randint(10 ** 11, 10 ** 12 - 1)) if rng.random() < .5 else
        "2024%02d%02d%06d" % (rng.randint(1, 12), rng.randint(1, 28), rng.randrange(10 ** 6)),
        amount=rng.choice(["1,234.56", "4,111.11", "0.005", "12 500", "999.99", "250"]),
        date=rng.choice(["2024-05-15", "15.05.2024", "2024/05/15", "May 15"]),
        time=rng.choice(["12:30:45", "09:15", "23:59:59"]),
        phone=rng.choice(["+1 415 555 0100", "010-1234-5678", "+86 138 0013 8000",
                          "+82 10-5555-0101", "(212) 555-0199"]),
        eth="0x" + "%040x" % rng.getrandbits(160),
        btc=rng.choice(["1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy",
                        "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"]),
        six="%06d" % rng.randrange(10 ** 6))


def neg_train(c, rng):
    for t in TRAIN_NEG:
        for _ in range(4):
            c.add(neg_fill(rng, t), {})
    for i in range(160):
        k = rng.randint(1, 5)
        c.add(" ".join(rng.sample(TRAIN_PROSE, k)), {})
    # prose with many BIP-39 words, and list words below the threshold
    for i in range(40):
        w = rng.sample(WORDS, rng.randint(3, 10))
        c.add("I like the words " + ", ".join(w) + " in my notes.", {})


# ---- the held-out part (different templates, separators, fillers) -------------------------

HO_WRAP = [
    ("pls keep safe: ", ""), ("钱包恢复短语 ", " 能恢复吗"), ("니모닉: ", " 맞나요?"),
    ("> ", " <"), ("backup words (do not share)\n", "\n-- sent from my phone"),
]
HO_FILL = ["well", "foo", "eh", "hey", "oh", "aha", "lol"]


def heldout(c, rng):
    for i in range(100):
        n = rng.choice([12, 18, 24, 15])
        w = mnemonic(rng, n)
        kind = i % 10
        if kind == 0:
            body = "\u2063".join(w)                          # invisible separator U+2063
        elif kind == 1:
            body = " ".join("\U0001d41a" and "".join(chr(0x1D41A + ord(ch) - 97) for ch in x)
                            for x in w)                         # mathematical bold letters
        elif kind == 2:
            body = " ".join(x.capitalize() + "\u200d" for x in w)
        elif kind == 3:
            f = rng.choice(HO_FILL)
            body = (" " + f + " ").join(w)
        elif kind == 4:
            body = "\n".join("%d - %s" % (j + 1, x) for j, x in enumerate(w))
        elif kind == 5:
            body = ",".join(homoglyph(x, rng, CYR).upper() if False else homoglyph(x, rng, CYR)
                            for x in w)
        elif kind == 6:
            body = "".join(x.capitalize() for x in w)
        elif kind == 7:
            body = "\u3000".join(fullwidth(x.upper()) for x in w)
        elif kind == 8:
            out = []
            for j, x in enumerate(w):
                out.append(x)
                out.extend([rng.choice(HO_FILL), rng.choice(HO_FILL)] if j + 1 < n else [])
            body = " ".join(out)
        else:
            body = " ".join(x[0] + "\u00ad" + x[1:] for x in w)
        text = wrap(rng, HO_WRAP, body)
        c.add(text, {"seed_phrase": 1}, [])
    for i in range(60):
        h = "%064x" % rng.getrandbits(256)
        kind = i % 6
        if kind == 0:
            body = "\n".join(hex_chunks(h.upper(), 16))
        elif kind == 1:
            body = " ".join(hex_chunks(h, 2))
        elif kind == 2:
            body = "\u2060".join(hex_chunks(h, 8))
        elif kind == 3:
            body = fullwidth(" ".join(hex_chunks(h, 8)))
        elif kind == 4:
            w = wif(rng, True)
            body = " ".join(w[j:j + 13] for j in range(0, len(w), 13))
        else:
            x = xprv(rng)
            body = "\n".join(x[j:j + 37] for j in range(0, len(x), 37))
        c.add(rng.choice(["key ", "exported: ", "", "私钥 "]) + body, {"private_key": 1}, [])
    for i in range(60):
        num, sizes = card(rng)
        sep = ["\u2009", "\u2024", ".", " . ", "\u2012", "\uff0d", "\u00a0\u00a0"][i % 7]
        body = sep.join(groups(num, sizes))
        c.add(rng.choice(["my card ", "卡号：", "카드 ", "cc# "]) + body + " thanks", {"card_number": 1}, [])
    for i in range(60):
        code = "%06d" % rng.randrange(10 ** 6)
        body = [" ".join(code), "\u2009".join(code), code[:2] + "-" + code[2:4] + "-" + code[4:],
                fullwidth(" ".join(code)), code[:3] + "\u00a0" + code[3:], "\u200c".join(code)][i % 6]
        pre = rng.choice(["2fa code ", "OTP: ", "校验码 ", "보안코드 ", "authenticator says ",
                          "MFA "])
        c.add(pre + body, {"otp_code": 1}, [])
    negs = [
        "my txid is {tx} (sent from binance)", "区块哈希 {tx}", "order #{order} shipped",
        "I deposited {amount} USDT at {time} on {date}", "phone {phone}, email me instead",
        "address {eth} received nothing", "error code {six}, please advise",
        "The weather is nice and I hope the team can solve the issue quickly, thanks a lot.",
        "I would like to ask about the new listing schedule and the trading fee discount.",
        "Could you explain why my limit order was partially filled at a worse price?",
        "请问新币上线的时间是什么时候？手续费有折扣吗？",
        "지정가 주문이 일부만 체결되었어요. 이유가 궁금합니다.",
        "tracking number 1Z999AA10123456784 for the hardware wallet delivery",
        "IBAN DE89 3704 0044 0532 0130 00 for the refund please",
        "my national id ends with 1234 and I was born in 1990",
    ]
    for t in negs:
        for _ in range(5):
            c.add(neg_fill(rng, t), {})


def main():
    for f in TRAIN_FILL + HO_FILL:
        assert not (set(f.split()) & WSET), f
    train = Corpus("t")
    rng = random.Random(20240513)
    seed_train(train, rng)
    key_train(train, rng)
    card_train(train, rng)
    otp_train(train, rng)
    neg_train(train, rng)
    train.write(os.path.join(HERE, "redact_corpus.jsonl"))
    ho = Corpus("h")
    heldout(ho, random.Random(77120513))
    ho.write(os.path.join(HERE, "redact_heldout.jsonl"))
    print(len(train.rows), "training rows,", len(ho.rows), "held-out rows")


if __name__ == "__main__":
    main()
