#!/usr/bin/env python3
"""Write the kb_dev6 / kb_unanswerable6 question sets (issue #17 item 4, round 9).

Hand-written, by an independent writer who read only kb/*.md; see README.md here.
Deterministic: the same lists give the same bytes. Each question goes to the dev file or
to the holdout file by the sha256 of its UTF-8 text (70 / 30).

    python3 data/kb/questions6/gen6.py          # write the four files
    python3 data/kb/questions6/gen6.py --check  # exit 1 if a file differs
"""
import hashlib
import json
import os
import re
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
OUT = os.path.join(ROOT, "tests", "data")
LANGS = ("zh", "zh-Hant", "en", "ko")
# minimum answerable questions per article per language, and unanswerable per language
MIN_PER_ARTICLE = {"en": 7, "ko": 7, "zh": 6, "zh-Hant": 3}
MIN_UNANSWERABLE = {"en": 60, "ko": 60, "zh": 60, "zh-Hant": 30}

# article slug -> lang -> questions
A = {}

A["account-close"] = {
    "en": [
        "how do i delete my account permanently",
        "want to close my acct but theres like 0.0003 btc dust left in it, does that block closing?",
        "Close account button does nothing. I finished KYC months ago if that matters, I just want out",
        "if I deactivate my account now can I sign up again later with the same passport",
        "quit this exchange. delete everything about me",
        "after I close the account do you keep my ID photos or are they wiped?",
        "tried Settings > Account > Close account and it complains I still have an open futures position?? i dont even trade futures anymore",
    ],
    "ko": [
        "회원 탈퇴 어떻게 해요",
        "계정 삭제하고 싶은데 잔고 조금 남아있으면 탈퇴 안되나요",
        "탈퇴하면 개인정보 다 지워지나요? 신분증 사진은 남아있는지 궁금",
        "탈퇴하고 나서 같은 명의로 바로 재가입 가능?",
        "계정 해지 누르니까 미체결 주문 있다고 안 넘어가요",
        "이 거래소 이제 안 쓸래요 account 없애 주세요",
        "회원탈퇴 하려고 했더니 선물 포지션 정리하라고 나오네요 어떻게 해야 돼요",
    ],
    "zh": [
        "怎么注销账号",
        "我想把账户彻底删掉，里面还剩一点点USDT能直接注销吗",
        "注销以后我的身份证信息你们还留着吗？留多久",
        "销户之后多久才能用同一个身份证重新注册",
        "不想玩了，帮我把号删了",
        "点注销账户提示还有未平仓合约，我早就不玩合约了啊",
    ],
    "zh-Hant": [
        "請問要怎麼刪除帳號？",
        "帳戶註銷後個資會保留多久",
        "我想銷戶但裡面還有幾塊USDT，要先提領出來嗎",
    ],
}

A["account-password-reset"] = {
    "en": [
        "forgot my password lol",
        "forgot pasword, can't get in, how do i set a new one",
        "locked out after typing the wrong password like 6 times, how long is the lockout",
        "where do I reset my login password? I signed up with my phone number, not email",
        "password reset steps? do I need my authenticator code for it too",
        "cant remember pw, login page keeps saying incorrect password",
        "I did KYC and turned on 2FA months ago, everything fine, I just forgot the login password. what now",
    ],
    "ko": [
        "비밀번호 까먹었어요",
        "비번 찾기 어떻게 하나요",
        "비밀번호 여러번 틀려서 계정 잠겼는데 언제 풀려요",
        "로그인 비번이 기억 안나요 휴대폰 번호로 가입했어요",
        "비밀번호 재설정 하려는데 OTP 코드도 입력해야 되나요",
        "password 잊어버림 ㅠㅠ reset 어디서 함",
        "로그인 화면에서 비밀번호 찾기 눌렀는데 그 다음에 뭐 해야 돼요",
    ],
    "zh": [
        "忘记密码了怎么办",
        "密马忘了登不上去",
        "密码输错好几次被锁了，要等多久才能再试",
        "登录密码怎么重置？我是用手机号注册的",
        "找回密码的时候还要输谷歌验证码吗",
        "password忘了，在哪里reset",
    ],
    "zh-Hant": [
        "忘記登入密碼了，要怎麼重設",
        "密碼打錯太多次帳號被鎖住，多久可以再試",
        "唔記得密碼，點樣重設呀",
    ],
}

A["account-register"] = {
    "en": [
        "how do I sign up",
        "signup verification email never came, already checked spam",
        "the sms code expired before I typed it in, how long is it valid",
        "can I open a second account in my own name just to keep savings separate",
        "registering with my phone number, the 6 digit code doesnt arrive and resend is greyed out",
        "new here, how do i make an account in the app",
        "code for email verification not received on gmail, tapped resend twice, nothing. hotmail also nothing",
    ],
    "ko": [
        "회원가입 어떻게 해요",
        "가입할 때 인증번호 문자가 안 와요",
        "이메일 인증코드 안옴 스팸함에도 없음",
        "인증번호 몇분 동안 유효해요? 입력하려니까 만료됐대요",
        "한 사람이 계정 두개 만들어도 되나요",
        "sign up 하는데 인증번호 재전송 버튼이 안 눌려요",
        "처음인데 앱에서 계정 만드는 방법 알려주세요",
    ],
    "zh": [
        "怎么注册账号",
        "注册收不到验证码",
        "邮箱验证码一直没收到，垃圾箱也看了",
        "短信验证码多久过期啊，我输进去说已失效",
        "一个人能注册两个账户吗",
        "新用户，用手机号注册，重新发送按钮是灰的点不了",
    ],
    "zh-Hant": [
        "註冊時簡訊驗證碼一直收不到",
        "請問怎麼開戶註冊？",
        "同一個人可以開兩個帳號嗎",
    ],
}

A["compliance-account-restricted"] = {
    "en": [
        "account restricted for compliance review, how long does it take",
        "they want proof of source of funds, which documents count",
        "why is my account under AML review? nobody tells me the reason",
        "got an email asking me to explain the purpose of a transaction. where do i upload the answer",
        "can I just send my bank statements in live chat for the review?",
        "withdrawals blocked, email says compliance review, uploaded my payslips 3 days ago and still nothing",
        "funds frozen cuz of anti money laundering check??? i only bought some memecoins",
    ],
    "ko": [
        "계정이 컴플라이언스 심사 중이라고 출금 제한 걸렸어요",
        "자금 출처 증빙 뭐 내야 돼요",
        "AML 심사 얼마나 걸려요",
        "심사 사유는 왜 안 알려줘요",
        "거래 목적 설명하라는 메일 받았는데 서류 채팅으로 보내도 되나요",
        "급여명세서랑 은행 거래내역 냈는데 아직 제한 안 풀림",
        "자금세탁방지 심사 때문에 거래 막혔어요 ㅠ",
    ],
    "zh": [
        "账户被合规审查了，提现和交易都被限制",
        "要我提供资金来源证明，工资单可以吗",
        "反洗钱审核要多久",
        "为什么审查我账户又不说原因",
        "审查邮件让说明交易用途，材料能直接在聊天里发吗",
        "AML review卡住了，银行流水已经交了五天了",
    ],
    "zh-Hant": [
        "帳戶被合規審查限制出金，要多久才會解除",
        "要求提供資金來源證明，可以交薪資單嗎",
        "反洗錢審核點解唔話我知原因",
    ],
}

A["compliance-kyc-verification"] = {
    "en": [
        "kyc rejected, says document blurry",
        "what ID can I use for verification, do you take a driving licence",
        "how long does identity verification take? submitted 2 hours ago",
        "selfie step keeps failing in the app",
        "verificaton failed, name mismatch. my passport has a middle name my account doesnt",
        "failed KYC 5 times now, what next",
        "can I upload my expired passport for KYC? the new one comes next month",
    ],
    "ko": [
        "신원인증 거절됐어요 사진 흐리대요",
        "KYC 몇 분 걸려요",
        "여권 말고 운전면허증으로 인증 돼요?",
        "셀카 인증이 계속 실패함",
        "이름 불일치로 인증 실패, 영문 이름 순서가 달라서 그런가",
        "kyc 5번 실패했는데 이제 어떻게 해요",
        "신분증 빛반사 때문에 거절됐다는데 어떻게 찍어야 돼요",
    ],
    "zh": [
        "实名认证被拒了说照片模糊",
        "KYC要多久审核完",
        "驾照能做身份认证吗",
        "人脸识别一直过不了",
        "认证失败说姓名不一致",
        "身份认证失败5次了怎么办",
    ],
    "zh-Hant": [
        "身分驗證被退件，說證件反光",
        "KYC審核要多久？已經送出兩小時了",
        "護照過期了還可以拿來認證嗎",
    ],
}

A["deposit-fiat-bank"] = {
    "en": [
        "how do I deposit KRW by bank transfer",
        "sent money from my wife's bank account, will it go through?",
        "forgot to put the reference code in the bank transfer, what happens now",
        "international wire, how many days to arrive",
        "first fiat deposit arrived but it says I can't withdraw it for 72h??",
        "domestic bank transfer made 1 hour ago on a tuesday still not in my balance",
        "top up in local currency from my bank, is there some code i have to write in the transfer note",
    ],
    "ko": [
        "원화 입금 어떻게 해요",
        "가족 명의 계좌로 입금했는데 반영되나요",
        "입금자 코드 안 적고 이체했어요",
        "은행 이체 했는데 30분 넘게 안 들어와요",
        "해외 송금으로 입금하면 며칠 걸려요",
        "첫 원화 입금했는데 72시간 출금 제한이래요",
        "친구 계좌에서 대신 입금해줘도 돼요?",
    ],
    "zh": [
        "怎么用银行卡转账充值法币",
        "用我老婆的银行卡转的钱能到账吗",
        "银行转账忘了写附言编码",
        "国际电汇几天到账",
        "第一次法币充值到了但说72小时不能提现",
        "工作日银行转账，半小时了还没到账",
    ],
    "zh-Hant": [
        "銀行轉帳入金多久會到？",
        "用朋友的戶口轉帳入金可以嗎",
        "匯款忘記填附言代碼怎麼辦",
    ],
}

A["deposit-memo-missing"] = {
    "en": [
        "sent XRP without destination tag",
        "forgot the memo on my XLM deposit, how to recover",
        "deposited ATOM but put the wrong memo, funds not showing",
        "i sent TON from tonkeeper to your address but left the comment/memo field empty",
        "how long does memo recovery take",
        "EOS deposit no memo, what do i need to submit",
        "withdrew xrp from another exchange to you and the tag box was left blank. where do I file this? I'm fully KYC verified btw",
    ],
    "ko": [
        "리플 데스티네이션 태그 없이 입금했어요",
        "XLM 메모 안 넣고 보냈는데 복구 되나요",
        "메모 잘못 입력해서 입금 반영 안 됨",
        "태그 누락 복구 신청 어디서 해요",
        "메모 복구 며칠 걸려요",
        "이오스 입금할 때 메모 빼먹음",
        "톤코인 ton 보냈는데 memo를 안 적었어요",
    ],
    "zh": [
        "XRP充值忘填标签了",
        "充币没写memo怎么找回",
        "EOS备注填错了没到账",
        "瑞波币tag漏了，找回需要提供什么资料",
        "memo找回要几天",
        "充ATOM没填备注",
    ],
    "zh-Hant": [
        "XRP入金忘記填Tag，可以找回嗎",
        "充值TON沒有填備註，錢沒到",
        "Memo填錯了要怎麼申請找回",
    ],
}

A["deposit-not-credited"] = {
    "en": [
        "deposit not arrived",
        "sent USDT TRC20 40 mins ago still not showing",
        "btc deposit confirmed on the explorer but my balance is still 0 after 2 hours",
        "how many confirmations do ETH deposits need",
        "I sent usdt on bep20 but the deposit address was erc-20, is it lost",
        "where do I find the txid for my deposit, I sent it from metamask",
        "deposit stuck. tx hash says success on tronscan, you show nothing. I changed my password yesterday if that matters",
    ],
    "ko": [
        "입금이 안 들어와요",
        "USDT 트론으로 보냈는데 아직 반영 안 됨",
        "이더리움 입금 컨펌 몇 개 필요해요",
        "비트코인 입금 블록 익스플로러에선 완료인데 잔고 그대로",
        "bep20으로 보냈는데 입금주소는 erc20이었어요 복구 되나요",
        "코인 입금했는데 1시간째 안 들어옴 txid 있어요",
        "지원 안 하는 네트워크로 입금했어요 ㅠ",
    ],
    "zh": [
        "充值没到账",
        "充U走的trc20，半小时了还没到",
        "以太坊充值要多少个确认",
        "区块浏览器显示成功但余额没变",
        "用BSC链充的USDT但地址是ERC20的，能找回吗",
        "冲值了一个小时还不到账，txid有",
    ],
    "zh-Hant": [
        "入金顯示已確認但帳戶餘額沒變",
        "用錯網路充值USDT，還能找回嗎",
        "充BTC要幾個確認才會到帳",
    ],
}

A["general-contact-support"] = {
    "en": [
        "how do I talk to a human",
        "live chat link?",
        "submitted a ticket yesterday no reply, how long do you usually take",
        "where do i check the status of my support request",
        "is support 24/7? do you have korean speaking agents",
        "what info should i include when contacting support about a problem",
        "customer service email?",
    ],
    "ko": [
        "상담원 연결 어떻게 해요",
        "고객센터 몇 시까지 해요",
        "문의 넣었는데 답변 언제 와요",
        "내 문의 처리 상태 어디서 봐요",
        "채팅 상담 아이콘이 어디 있어요",
        "영어 말고 한국어 상담 돼요?",
        "문의할 때 UID 같은 거 적어야 하나요",
    ],
    "zh": [
        "转人工",
        "在线客服在哪",
        "工单提交了多久回复",
        "怎么查看我提交的工单进度",
        "客服几点下班",
        "联系课服要提供什么信息",
    ],
    "zh-Hant": [
        "請問線上客服在哪裡？",
        "有冇人工客服呀",
        "提交的工單多久會回覆",
    ],
}

A["general-listing-airdrop"] = {
    "en": [
        "when will you list PEPE",
        "coin is getting delisted, can i still withdraw it after",
        "didnt get my airdrop, snapshot was last week",
        "a 'listing agent' wants 50k USDT to get our token listed on your exchange, is that official?",
        "how much notice do you give before a delisting",
        "where are new listings announced",
        "airdrop distribution time?",
    ],
    "ko": [
        "에어드랍 언제 들어와요",
        "상폐되면 코인 어떻게 돼요",
        "신규 상장 공지 어디서 봐요",
        "상장 보장해준다는 사람 있는데 진짜예요?",
        "스냅샷 끝났는데 에어드랍 못 받았어요",
        "상장폐지 후 출금 며칠까지 가능해요",
        "상폐 공지는 얼마나 전에 나와요",
    ],
    "zh": [
        "空投什么时候发",
        "下架后币还能提吗",
        "新币上线在哪里看公告",
        "有人说交钱保证上币，靠谱吗",
        "快照过了空投没收到",
        "下币提前几天通知",
    ],
    "zh-Hant": [
        "下架之後還能提領多久",
        "空投快照過了一週還沒收到",
        "新幣上架會提前公告嗎",
    ],
}

# --- end of answerable lists ---

# unanswerable: lang -> questions no article in kb/ answers
U = {"en": [], "ko": [], "zh": [], "zh-Hant": []}

# --- end of unanswerable lists ---


def norm(q):
    """The form two questions must not share: case, spaces and punctuation ignored."""
    return re.sub(r"[\W_]+", "", q.lower())


def is_holdout(q):
    """30 % of the questions, chosen by the sha256 of the text."""
    return int.from_bytes(hashlib.sha256(q.encode("utf-8")).digest()[:8], "big") % 100 >= 70


def slugs():
    out = set()
    for name in os.listdir(os.path.join(ROOT, "kb")):
        m = re.match(r"^([a-z0-9-]+)\.(zh|zh-Hant|en|ko)\.md$", name)
        if m:
            out.add(m.group(1))
    return out


def validate():
    errs = []
    known = slugs()
    for art in sorted(known - set(A)):
        errs.append("article %s has no questions" % art)
    for art in sorted(set(A) - known):
        errs.append("unknown article %s" % art)
    seen = {}
    for art, by_lang in A.items():
        for lang in LANGS:
            qs = by_lang.get(lang, [])
            if len(qs) < MIN_PER_ARTICLE[lang]:
                errs.append("%s %s: %d < %d" % (art, lang, len(qs), MIN_PER_ARTICLE[lang]))
        for lang in by_lang:
            if lang not in LANGS:
                errs.append("%s: unknown lang %s" % (art, lang))
    for lang in LANGS:
        if len(U.get(lang, [])) < MIN_UNANSWERABLE[lang]:
            errs.append("unanswerable %s: %d < %d" % (lang, len(U.get(lang, [])),
                                                      MIN_UNANSWERABLE[lang]))
    for where, q in all_questions():
        if q != q.strip() or not q or "\n" in q:
            errs.append("%s: bad text %r" % (where, q))
        k = norm(q)
        if k in seen:
            errs.append("repeated: %r (%s) and (%s)" % (q, seen[k], where))
        seen[k] = where
    return errs


def all_questions():
    for art, by_lang in A.items():
        for lang, qs in by_lang.items():
            for q in qs:
                yield "%s/%s" % (art, lang), q
    for lang, qs in U.items():
        for q in qs:
            yield "unanswerable/%s" % lang, q


def render():
    files = {"kb_dev6.jsonl": [], "kb_dev6_holdout.jsonl": [],
             "kb_unanswerable6.jsonl": [], "kb_unanswerable6_holdout.jsonl": []}
    for art in sorted(A):
        for lang in LANGS:
            for q in A[art].get(lang, []):
                name = "kb_dev6_holdout.jsonl" if is_holdout(q) else "kb_dev6.jsonl"
                files[name].append({"q": q, "lang": lang, "article": art})
    for lang in LANGS:
        for q in U.get(lang, []):
            name = ("kb_unanswerable6_holdout.jsonl" if is_holdout(q)
                    else "kb_unanswerable6.jsonl")
            files[name].append({"q": q, "lang": lang, "article": None})
    return {name: "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
            for name, rows in files.items()}


def main(argv):
    check = "--check" in argv[1:]
    errs = validate()
    if errs:
        for e in errs:
            print("gen6: " + e, file=sys.stderr)
        return 2
    out = render()
    differ = []
    for name, text in sorted(out.items()):
        path = os.path.join(OUT, name)
        if check:
            try:
                with open(path, encoding="utf-8") as f:
                    if f.read() != text:
                        differ.append(name)
            except OSError:
                differ.append(name)
        else:
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
    if differ:
        print("gen6: differ: " + " ".join(differ), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
