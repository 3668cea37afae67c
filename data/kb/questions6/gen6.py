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

A["security-2fa-reset"] = {
    "en": [
        "lost my phone, no google authenticator anymore",
        "got a new iphone and the authenticator app didn't bring my codes over",
        "how do I reset 2FA without the old device",
        "I wrote down the 16 character backup key, how do I restore it on the new phone",
        "2FA reset submitted 2 days ago, still under review",
        "after my google auth reset why are withdrawals locked for 48h",
        "dropped my phone in the sea, cant get otp codes. it wants a selfie holding my ID, is that normal",
    ],
    "ko": [
        "OTP 앱 깔린 폰을 잃어버렸어요",
        "휴대폰 바꿨는데 구글 OTP 옮기는 거 깜빡함",
        "OTP 초기화 어떻게 해요",
        "백업키 16자리 적어둔 거 있어요 어떻게 복구해요",
        "OTP 초기화 신청했는데 심사 얼마나 걸려요",
        "구글 인증기 초기화하고 출금 48시간 막혔어요 왜요",
        "폰 액정 나가서 2fa 코드 못 봄 ㅠ",
    ],
    "zh": [
        "手机丢了谷歌验证器没了",
        "换手机了谷歌验证码没迁移过来",
        "怎么重置2FA",
        "有16位备份密钥怎么恢复",
        "重置谷歌验证提交了，多久审核",
        "重置2FA后为什么48小时不能提币",
    ],
    "zh-Hant": [
        "手機掉了，Google驗證器無法使用怎麼辦",
        "換新手機後二次驗證碼拿不到",
        "重置2FA要手持證件自拍嗎",
    ],
}

A["security-account-hacked"] = {
    "en": [
        "someone logged into my account from russia",
        "i see withdrawals i didnt make!!!",
        "how do i freeze my account right now",
        "got a 'new device login' email but it wasn't me",
        "there are orders I never placed, is my account compromised?",
        "unknown API key showed up under Devices and API keys, I never made one",
        "froze my account after the hack, how do i unfreeze it now",
    ],
    "ko": [
        "누가 제 계정에 로그인했어요",
        "제가 안 한 출금 기록이 있어요",
        "계정 동결 어떻게 해요 급해요",
        "모르는 기기에서 로그인 알림 옴",
        "해킹당한 거 같아요 제가 안 넣은 주문이 막 들어가 있음",
        "동결한 계정 해제하려면 어떻게 해요",
        "계정 털림 ㅠㅠ 뭐부터 해야 돼요",
    ],
    "zh": [
        "账号被盗了",
        "有人异地登录我的账户",
        "有不是我操作的提币记录",
        "怎么冻结账户",
        "号被黑了，莫名其妙多了很多订单",
        "冻结的账户怎么解冻",
    ],
    "zh-Hant": [
        "帳號被盜，有陌生裝置登入",
        "有不是我做的提領紀錄，怎麼凍結帳戶",
        "我個帳戶俾人登入咗，點算",
    ],
}

A["security-phishing"] = {
    "en": [
        "got an email from 'support' asking for my 2fa code, is it real",
        "is this telegram admin really your staff?",
        "how do I set an anti phishing code",
        "someone called me saying I must move my funds to a safe account",
        "i logged in on a site that looked exactly like yours but the url was weird, what now",
        "how do i verify an email really came from you",
        "sms with a link saying my account will be suspended unless I verify, scam?",
    ],
    "ko": [
        "고객센터라면서 OTP 번호 달라는 전화 왔어요",
        "텔레그램 관리자 진짜 직원인가요",
        "피싱 방지 코드 설정 어디서 해요",
        "안전 계좌로 코인 옮기라는 연락 받음",
        "가짜 사이트에 로그인한 것 같아요",
        "이메일이 진짜 거래소에서 온 건지 확인하는 법",
        "문자로 링크 왔는데 계정 정지된다고 함 피싱?",
    ],
    "zh": [
        "有人冒充客服要我的验证码",
        "电报上的管理员是真的客服吗",
        "防钓鱼码在哪设置",
        "有人叫我把钱转到安全账户",
        "不小心在假网站登录了",
        "怎么确认邮件是官方发的",
    ],
    "zh-Hant": [
        "有人自稱客服要我提供簡訊驗證碼，是詐騙嗎",
        "防釣魚碼要怎麼設定",
        "點了假冒官網的連結還登入了，怎麼辦",
    ],
}

A["security-secret-exposed"] = {
    "en": [
        "i pasted my seed phrase in this chat by accident",
        "sent my 12 words to a 'support agent' on discord",
        "someone has my private key what do i do",
        "I took a screenshot of my recovery phrase and it synced to the cloud, is my wallet safe",
        "a website asked me to enter my mnemonic to 'validate' my wallet and I did",
        "how do I revoke token approvals after my seed leaked",
        "metamask private key leaked, funds already gone, here is the tx hash, can you freeze them",
    ],
    "ko": [
        "시드 구문을 채팅에 붙여넣었어요",
        "니모닉 12단어를 다른 사람한테 보냄",
        "개인키 유출됐어요 어떻게 해요",
        "복구 구문 사진 찍은 게 클라우드에 올라감",
        "지갑 인증한다고 사이트에 시드 입력했어요",
        "프라이빗키 털려서 코인 빠져나갔어요 txid 있어요",
        "seed phrase 노출되면 새 지갑 만들어야 해요?",
    ],
    "zh": [
        "助记词发到聊天里了",
        "私钥泄露了怎么办",
        "把助记词截图存到相册了安全吗",
        "一个网站让我输入助记词验证钱包，我输了",
        "私钥被盗币已经被转走，能冻结吗",
        "助记词泄露后怎么取消代币授权",
    ],
    "zh-Hant": [
        "不小心把助記詞貼給別人了",
        "私鑰外洩了要怎麼處理",
        "我將恢復短語影咗相發咗出去，點算",
    ],
}

A["technical-api-keys"] = {
    "en": [
        "how to create an api key",
        "{\"code\":-1022,\"msg\":\"Signature for this request is not valid.\"} what am i doing wrong",
        "getting http 429 too many requests",
        "my api key stopped working after a few months, i wasn't using it",
        "want to enable withdrawal permission for my bot but it says IP whitelist required",
        "lost my api secret, can I see it again",
        "what's the rate limit on the REST API",
    ],
    "ko": [
        "API 키 어디서 만들어요",
        "api 서명 오류 invalid signature 떠요",
        "429 에러 계속 나옴",
        "API 시크릿 다시 볼 수 있어요?",
        "봇에 출금 권한 주려니까 IP 화이트리스트 하래요",
        "안 쓰던 API 키가 만료됐어요",
        "API 요청 한도가 분당 얼마예요",
    ],
    "zh": [
        "API密钥怎么创建",
        "接口返回invalid signature",
        "报429是什么意思",
        "API secret忘记保存了还能看吗",
        "机器人要提现权限但要绑IP白名单",
        "API 每分钟能请求多少次",
    ],
    "zh-Hant": [
        "API金鑰要在哪裡建立",
        "API一直回傳簽名錯誤",
        "量化機器人被限頻429了",
    ],
}

A["technical-app-login-error"] = {
    "en": [
        "app keeps crashing when I open it",
        "app says network error but my wifi is fine",
        "after updating ios the app wont open",
        "login fails in the app but works on the website",
        "app stuck on the loading screen forever",
        "android app crashed, how do I clear the cache",
        "app login fails and codes are rejected, my phone's time is set manually",
    ],
    "ko": [
        "앱이 자꾸 꺼져요",
        "앱 실행하면 튕겨요",
        "네트워크 오류 뜨고 로그인 안 됨",
        "앱 업데이트 후 안 열려요",
        "앱 로딩만 계속 돌아요",
        "VPN 켜야 접속되나요? 앱이 안 열림",
        "휴대폰 시간 수동으로 해놨더니 로그인 실패",
    ],
    "zh": [
        "App一直闪退",
        "打开App显示网络错误",
        "App更新后打不开了",
        "App转圈圈一直加载",
        "安卓App怎么清缓存",
        "App登录报错，网页版正常",
    ],
    "zh-Hant": [
        "App一直閃退怎麼辦",
        "App打開顯示錯誤，要清除快取嗎",
        "手機時間不準會導致登入失敗？",
    ],
}

A["trading-fees"] = {
    "en": [
        "what are your trading fees",
        "maker taker fee?",
        "how do I get a fee discount",
        "where can I see my fee tier",
        "is the fee cheaper if I pay it with your token",
        "charged 0.1% on my market buy, thought it was 0.08",
        "how is the vip level calculated",
    ],
    "ko": [
        "거래 수수료 얼마예요",
        "메이커 테이커 수수료 차이",
        "수수료 할인 받는 방법",
        "내 수수료 등급 어디서 봐요",
        "플랫폼 토큰으로 수수료 내면 할인돼요?",
        "0.1% 떼갔는데 왜 0.08 아니에요",
        "vip 등급 어떻게 올려요",
    ],
    "zh": [
        "交易手续费多少",
        "挂单吃单费率",
        "用平台币抵扣手续费有折扣吗",
        "我的费率等级在哪看",
        "VIP等级怎么算",
        "为什么扣了0.1%手续费不是0.08",
    ],
    "zh-Hant": [
        "現貨交易手續費是多少",
        "Maker和Taker費率差多少",
        "用平台幣付手續費有打折嗎",
    ],
}

A["trading-liquidation"] = {
    "en": [
        "got liquidated",
        "why was my position liquidated, price never hit my liq price on the chart",
        "how to avoid liquidation on futures",
        "what is maintenance margin",
        "where do liquidation fees go",
        "20x leverage, liquidated in minutes",
        "got rekt on my long, can you explain",
    ],
    "ko": [
        "강제청산 당했어요",
        "청산가 안 닿았는데 청산됨",
        "선물 청산 안 당하려면",
        "유지 증거금이 뭐예요",
        "청산 수수료는 어디로 가요",
        "레버리지 50배 했다가 청산",
        "롱 포지션 강청 ㅠ",
    ],
    "zh": [
        "爆仓了",
        "为什么被强平了，价格没到强平价",
        "怎么避免爆仓",
        "维持保证金是什么",
        "强平手续费去哪了",
        "插针把我扫了",
    ],
    "zh-Hant": [
        "合約被強制平倉了",
        "怎樣降低爆倉風險",
        "為什麼強平用標記價格而不是最新成交價",
    ],
}

A["trading-order-not-filled"] = {
    "en": [
        "limit order not filled",
        "price touched my limit but the order didnt fill",
        "order partially filled, rest still open",
        "funds frozen in open orders",
        "how to cancel my limit order",
        "buy order below market price just sitting there",
        "want to buy right now not wait",
    ],
    "ko": [
        "지정가 주문 체결 안 돼요",
        "가격 닿았는데 체결 안 됨",
        "부분 체결 나머지 어떻게 돼요",
        "미체결 주문 때문에 잔고 묶임",
        "주문 취소 어떻게 해요",
        "현재가보다 낮게 매수 걸었는데 안 사짐",
        "바로 사고 싶으면 어떻게 해요",
    ],
    "zh": [
        "限价单不成交",
        "价格到了为什么没成交",
        "只成交了一部分",
        "挂单资金被冻结",
        "怎么撤单",
        "买单挂低了一直挂着",
    ],
    "zh-Hant": [
        "限價單一直沒有成交",
        "委託只成交一部分，剩下的呢",
        "掛單的資金被凍結，要怎麼釋放",
    ],
}

A["withdrawal-fees"] = {
    "en": [
        "withdrawal fee usdt",
        "why is erc20 withdrawal so expensive",
        "minimum withdrawal amount",
        "is the fee a percentage of the amount",
        "cheapest network to withdraw",
        "internal transfer fee between two accounts",
        "fee changed since yesterday",
    ],
    "ko": [
        "출금 수수료 얼마예요",
        "이더리움 네트워크 출금 수수료 왜 비싸요",
        "최소 출금 수량",
        "수수료가 금액 비례예요?",
        "제일 싼 출금 네트워크",
        "거래소 내부 이체 수수료",
        "출금 수수료가 어제랑 달라요",
    ],
    "zh": [
        "提币手续费多少",
        "ERC20提现手续费太贵了",
        "最小提现数量",
        "手续费按比例收吗",
        "哪个网络提币最便宜",
        "站内转账要手续费吗",
    ],
    "zh-Hant": [
        "提領USDT手續費多少",
        "最低提領數量是多少",
        "站內轉帳要收手續費嗎",
    ],
}

A["withdrawal-limits"] = {
    "en": [
        "daily withdrawal limit?",
        "how do I raise my withdrawal limit",
        "it only lets me withdraw 2 btc worth per day, why",
        "when does the 24h withdrawal limit reset, midnight?",
        "is the withdrawal limit per coin or for everything combined",
        "need to withdraw more than 100 BTC equivalent a day, what level do I need",
        "'exceeds daily withdrawal limit' when I try to take out my ETH",
    ],
    "ko": [
        "하루 출금 한도 얼마예요",
        "출금 한도 올리는 법",
        "하루에 2비트 상당밖에 출금이 안 돼요",
        "출금 한도 초기화 몇 시에 돼요",
        "출금 한도가 코인별이에요 합산이에요",
        "3단계 인증하면 한도 얼마까지 올라가요",
        "일일 출금 한도 초과라고 떠요",
    ],
    "zh": [
        "每天提现额度多少",
        "怎么提高提币额度",
        "一天只能提2个BTC等值吗",
        "提现额度几点重置",
        "额度是每个币种分开算的吗",
        "提示超出24小时提现限额",
    ],
    "zh-Hant": [
        "每日提領上限是多少",
        "要怎麼提高出金額度",
        "提領額度是所有幣種合計嗎",
    ],
}

A["withdrawal-pending"] = {
    "en": [
        "withdrawal pending for 3 hours",
        "my withdrawal says under review, why",
        "first withdrawal to a new address is stuck on pending",
        "withdraw shows processing forever",
        "where can I find the txid of my withdrawal",
        "pending more than 6 hours now, what should I do",
        "large withdrawal in review, how long",
    ],
    "ko": [
        "출금 3시간째 대기 중",
        "출금이 심사 중으로 떠요",
        "새 주소로 처음 출금했는데 안 나가요",
        "출금 처리 중에서 안 바뀜",
        "출금 txid 어디서 봐요",
        "6시간 넘게 출금 대기예요",
        "큰 금액 출금했더니 검토 중이래요",
    ],
    "zh": [
        "提现一直在处理中",
        "提币审核中要多久",
        "第一次往新地址提币卡住了",
        "提现3个小时还没到",
        "提现记录里的TxID在哪看",
        "大额提现一直审核",
    ],
    "zh-Hant": [
        "提領一直顯示處理中",
        "出金審核中要等多久",
        "提幣超過6小時還沒完成",
    ],
}

A["withdrawal-wrong-address"] = {
    "en": [
        "sent to the wrong address",
        "withdrew usdt on the wrong network",
        "can you cancel my withdrawal, I put the wrong address",
        "accidentally withdrew to an address on your own exchange, can you get it back",
        "sent usdt via bep20 to an erc20 only address",
        "typo in the withdrawal address, coins gone?",
        "recover funds sent to the wrong wallet",
    ],
    "ko": [
        "주소 잘못 입력해서 출금했어요",
        "네트워크 잘못 선택해서 USDT 출금함",
        "잘못 보낸 출금 취소 돼요?",
        "실수로 같은 거래소 주소로 출금했는데 복구 가능?",
        "bep20으로 erc20 전용 주소에 보냈어요",
        "출금 주소 오타 났어요 코인 날아감?",
        "엉뚱한 지갑으로 보낸 코인 되찾는 방법",
    ],
    "zh": [
        "提币地址填错了",
        "提现选错网络了",
        "提错地址能撤回吗",
        "误提到了本交易所别人的地址",
        "用BEP20提到只支持ERC20的地址",
        "提币地址打错一位，币还能找回吗",
    ],
    "zh-Hant": [
        "提領地址填錯了怎麼辦",
        "出金選錯網路，幣還找得回來嗎",
        "提幣到錯的錢包，可以取消嗎",
    ],
}

# Messier questions, added to each article: long ones, typos, slang, mixed languages, coin and
# network spellings, screen and error texts, and irrelevant details that name another
# article's topic.
X = {}

X["account-close"] = {
    "en": [
        "hi. I got my 2fa reset done last week (thanks), and now i've decided i'm done with crypto. how do I deactivate the account for good, and is there anything I need to do with my balances first",
        "delet acount plz",
    ],
    "ko": [
        "탈퇴 ㄱㄱ 어디서 함",
        "KYC 인증은 예전에 다 했고 지금 잔고 0이에요. 그냥 회원 탈퇴하고 싶은데 설정 어디 메뉴에 있는지 알려주세요",
    ],
    "zh": [
        "我account要close掉，balance都提完了，在哪个菜单操作",
        "以前买币被套惨了，现在不想再碰了。账户里的钱全部转出去了，挂单也撤了，注销账号的入口在哪？注销了还能恢复吗",
    ],
    "zh-Hant": [
        "想註銷帳戶，註銷後可以反悔恢復嗎",
    ],
}

X["account-password-reset"] = {
    "en": [
        "i remember my email and i have my google authenticator, just not the password. where's the forgot password thing",
        "Too many failed attempts. Please try again later. <- how much later??",
    ],
    "ko": [
        "비번 5번 틀렸더니 '로그인 시도 횟수 초과' 떠요 얼마나 기다려야 됨",
        "계정은 휴대폰 번호로 만들었고 OTP도 켜놨는데 비밀번호만 생각이 안 나요. 새 비밀번호 설정하는 순서 좀",
    ],
    "zh": [
        "登陆密码忘记了，手机号还能收到短信，怎么改个新密码",
        "提示“密码错误次数过多，请稍后再试”，要等几分钟",
    ],
    "zh-Hant": [
        "登入密碼忘了，手機還收得到驗證碼，怎麼設新密碼",
    ],
}

X["account-register"] = {
    "en": [
        "trying to register with my outlook email, 'verification code invalid or expired' every single time, i type it fast",
        "my brother already has an account, can I register one too with my own email? and can i open a 2nd one for myself",
    ],
    "ko": [
        "회원가입 인증번호 입력했더니 '인증번호가 만료되었습니다' 떠요",
        "가입하려는데 이메일 인증 메일이 네이버 메일로 안 와요 재전송도 눌렀어요",
    ],
    "zh": [
        "刚下载app想注册，手机号填了但是sms code一直收不到，重发也没用",
        "注册的时候显示“验证码已过期”，是多少分钟有效啊",
    ],
    "zh-Hant": [
        "剛下載App想註冊，email驗證碼一直沒寄來",
    ],
}

X["compliance-account-restricted"] = {
    "en": [
        "you guys restricted my account and want 'source of funds'. the money came from selling my car and from trading on another exchange. what proof do you need and how do I send it",
        "compliance review 6 business days now, docs uploaded via the link in the email, any update",
    ],
    "ko": [
        "다른 거래소 거래내역도 자금 출처 증빙으로 인정돼요?",
        "심사 메일에 있는 링크로 서류 올렸는데 영업일 5일 넘게 출금 제한 그대로예요. 주소 증빙도 냈어요",
    ],
    "zh": [
        "账户受限说要资金来源证明，我的钱是在别的平台炒币赚的，交易记录截图可以吗",
        "风控review说要地址证明和交易用途说明，上传到哪里？",
    ],
    "zh-Hant": [
        "帳戶被限制交易，說是反洗錢審查，資料要從哪裡上傳",
    ],
}

X["compliance-kyc-verification"] = {
    "en": [
        "kyc says 'document cropped', I took the photo of the front only, do you need the back too",
        "ID verification pending since yesterday, it said 15 min?? i want to deposit today",
    ],
    "ko": [
        "주민등록증 뒷면도 찍어야 돼요? 앞면만 올렸더니 거절",
        "신원 인증 어제 넣었는데 아직 심사 중이에요 15분이라면서요",
    ],
    "zh": [
        "实名认证提示“证件照片不完整”，是要拍正反两面吗",
        "kyc pending了一天了还没过，高峰期要等多久",
    ],
    "zh-Hant": [
        "實名認證一直失敗，說照片模糊，已經第四次了",
    ],
}

X["deposit-fiat-bank"] = {
    "en": [
        "I wired EUR from my company's bank account, not my personal one. will you accept it or send it back",
        "bank transfer deposit: what is this reference code thing on the deposit page and where do I put it in my banking app",
    ],
    "ko": [
        "회사 법인 계좌에서 원화 입금해도 되나요? 제 명의는 아니에요",
        "토요일에 원화 이체했는데 아직이에요 영업일 기준이라 그런가요",
    ],
    "zh": [
        "公司账户给我转的钱充值法币会被退回吗",
        "周末银行转账充值的，到现在没到，是不是要等工作日",
    ],
    "zh-Hant": [
        "第一次法幣入金成功了，但說72小時內不能提領，為什麼",
    ],
}

X["deposit-memo-missing"] = {
    "en": [
        "Sent 500 xrp from my ledger, forgot the dest tag. the tx is confirmed on xrpscan. I have a screenshot of the send. what now",
        "stellar lumens deposit w/o memo, help",
    ],
    "ko": [
        "업비트에서 리플 출금할 때 데스티네이션 태그 칸을 비워서 보냈어요. 트랜잭션은 완료로 나와요. 어떻게 찾아요",
        "아톰 입금 메모를 다른 숫자로 넣었어요",
    ],
    "zh": [
        "从币安提XRP过来，标签tag没填，txid和截图都有，在充值问题哪里提交",
        "恒星币xlm充值的时候memo复制错了",
    ],
    "zh-Hant": [
        "從別的交易所轉EOS過來沒有填Memo",
    ],
}

X["deposit-not-credited"] = {
    "en": [
        "Sent 1200 usdt trc-20 from okx 3 hours ago, tronscan says CONFIRMED, your app balance still shows 0. I'm KYC level 2 if that helps",
        "eth deposit showing 5/12 confirmations, when will it be credited",
    ],
    "ko": [
        "이더 입금했는데 컨펌 12개 다 찼는데도 잔고 반영이 안 돼요. 1시간 넘었어요",
        "테더 erc-20으로 보냈어야 했는데 트론(trc20)으로 보냄. 입금 주소는 이더리움 주소였어요",
    ],
    "zh": [
        "从欧易提了2000U到你们这，走的波场，tronscan显示成功了三个小时，我这边余额还是0",
        "币安智能链BEP-20充的币，地址选的是以太坊网络，还能找回吗，手续费多少",
    ],
    "zh-Hant": [
        "從錢包轉了USDT過來，區塊瀏覽器顯示成功一個多小時了還沒入帳",
    ],
}

X["general-contact-support"] = {
    "en": [
        "your bot keeps answering me with articles. I want a real person. how",
        "where is Help Center > My requests, I can't find my old tickets",
    ],
    "ko": [
        "챗봇 말고 사람이랑 얘기하고 싶어요",
        "고객센터 새벽에도 돼요? 주말에도 상담 가능?",
    ],
    "zh": [
        "别给我发文章了，我要找真人客服",
        "半夜有客服吗？周末呢",
    ],
    "zh-Hant": [
        "唔該幫我轉真人客服",
    ],
}

X["general-listing-airdrop"] = {
    "en": [
        "the announcement said airdrop for holders at snapshot, I held the token the whole time, it's been 5 days. still nothing",
        "my coin got delisted and trading is off, I didn't sell in time. can I still get it out, until when",
    ],
    "ko": [
        "에드랍 조건 다 맞췄는데 일주일째 안 들어와요",
        "상폐된 코인 아직 지갑에 있는데 언제까지 빼야 돼요",
    ],
    "zh": [
        "这个币要下架了，我没来得及卖，之后还能提到钱包吗，有期限吗",
        "空投说快照后发放，已经过了一周还没到账",
    ],
    "zh-Hant": [
        "有人說付錢就能保證我們的幣上架，是你們的人嗎",
    ],
}

X["security-2fa-reset"] = {
    "en": [
        "changed phones, didn't move google authenticator, now login asks for the 6 digit code I dont have. password is fine",
        "2fa reset: it says upload selfie w/ ID. I did that 4 days ago, status still 'reviewing'",
    ],
    "ko": [
        "구글 OTP 백업 키 안 적어놨는데 폰 초기화했어요",
        "OTP 리셋 신청하고 3일 지났는데 아직 심사 중",
    ],
    "zh": [
        "换了新手机忘了转移Google Authenticator，现在登录要6位验证码进不去，密码是对的",
        "谷歌验证器的备份key没存，手机刷机了",
    ],
    "zh-Hant": [
        "手機重置後Google Authenticator的驗證碼都不見了",
    ],
}

X["security-account-hacked"] = {
    "en": [
        "woke up to 3 withdrawal emails for ETH I never made, balance almost 0, please help FREEZE IT",
        "hacked? login alert from a device in Vietnam, changed nothing myself. what should I do first",
    ],
    "ko": [
        "새벽에 제가 안 한 로그인 알림이 와서 확인해 보니 처음 보는 주문이 잔뜩 있어요 어떡해요",
        "누가 제 계정으로 USDT 출금 했어요 계정 잠가 주세요",
    ],
    "zh": [
        "早上醒来收到提币成功的邮件，不是我提的，账户被盗了怎么办，先冻结",
        "登录记录里有个陌生设备在国外登录，我的号是不是被黑了",
    ],
    "zh-Hant": [
        "收到異常登入通知，不是我本人，要先做什麼",
    ],
}

X["security-phishing"] = {
    "en": [
        "a guy on whatsapp says he's from your security team and my account will be frozen unless I send him my SMS code. real?",
        "website looked legit, logged in, then realised the domain was misspelled. what do I do now",
    ],
    "ko": [
        "카톡으로 거래소 직원이라고 하면서 보안 때문에 코인을 안전 계좌로 옮기래요 진짜예요?",
        "피싱 방지 코드가 없는 메일이 왔는데 이거 가짜죠?",
    ],
    "zh": [
        "微信上有人说是你们官方客服，让我把USDT转到安全账户避免冻结，是真的吗",
        "收到一封邮件没有我设置的防钓鱼码，是不是假的",
    ],
    "zh-Hant": [
        "有人在Telegram自稱官方管理員，要我給驗證碼",
    ],
}

X["security-secret-exposed"] = {
    "en": [
        "pretty sure i just typed my whole recovery phrase into the support form instead of my question, is my trust wallet done for",
        "gave my phantom private key to someone who said he'd help me claim an airdrop. what now",
    ],
    "ko": [
        "메타마스크 시드 12개 단어를 문의 양식에 실수로 적어서 보냈어요 지갑 위험한가요",
        "에어드랍 받게 해준다고 해서 개인키 알려줬는데 어떡하죠",
    ],
    "zh": [
        "刚才不小心把小狐狸钱包的12个助记词发给你们客服了，钱包还安全吗",
        "有人说帮我领空投，我把私钥给他了，现在怎么办",
    ],
    "zh-Hant": [
        "剛剛把錢包助記詞傳給自稱客服的人了",
    ],
}

X["technical-api-keys"] = {
    "en": [
        "python bot getting 'invalid signature' on POST /order, GET works fine. timestamp from time.time()*1000",
        "my server got temporarily IP banned after lots of 429s, how to avoid",
    ],
    "ko": [
        "자동매매 봇 돌리는데 HTTP 429 뜨다가 IP 밴 먹었어요",
        "api key 만들었는데 secret key 복사 안 하고 창 닫음",
    ],
    "zh": [
        "量化程序下单一直报签名错误，查询接口没问题，时间戳是毫秒",
        "api被封ip了，之前一直报429",
    ],
    "zh-Hant": [
        "API Secret忘記複製就關掉了，還能再看到嗎",
    ],
}

X["technical-app-login-error"] = {
    "en": [
        "app opens then instantly closes on my samsung, android 14, app version 5.2.1. website works",
        "'Network connection failed, please try again' on the app every time, on hotel wifi",
    ],
    "ko": [
        "갤럭시에서 앱 켜자마자 꺼져요 업데이트도 해봤어요",
        "앱에서 '네트워크 연결 실패' 계속 떠요 와이파이 잘 되는데",
    ],
    "zh": [
        "苹果手机app一打开就闪退，已经是最新版了",
        "app一直提示“网络连接失败，请重试”，wifi是好的",
    ],
    "zh-Hant": [
        "App一直轉圈登入不了，要重新安裝嗎",
    ],
}

X["trading-fees"] = {
    "en": [
        "bought 1000 usdt worth of btc and paid 1 usdt fee, is that maker or taker",
        "does paying fees in your platform token actually save anything, how much",
    ],
    "ko": [
        "비트 시장가로 샀는데 수수료가 0.1% 나갔어요 지정가는 더 싸요?",
        "거래량 많으면 수수료 내려가요? 30일 기준?",
    ],
    "zh": [
        "现货买btc扣的手续费怎么算的，maker和taker分别多少",
        "交易量大手续费能降吗，按多少天算",
    ],
    "zh-Hant": [
        "手續費等級怎麼升級，看幾天的交易量",
    ],
}

X["trading-liquidation"] = {
    "en": [
        "had a 10x long on ETH perp, there was a wick down on the last price that didn't hit my liq, but an hour later I got liquidated anyway. how does it decide",
        "how much margin do i need to add so my BTC short doesn't get liquidated",
    ],
    "ko": [
        "비트 숏 20배 들어갔다가 청산당했는데 청산가 계산 어떻게 해요",
        "순간 급등 꼬리 때문에 청산된 거 아니에요? 마크 가격이 뭔데요",
    ],
    "zh": [
        "合约开了20倍做多eth，插了一根针下来，最新价到了我的强平价但没爆，后来又爆了，按什么价格算的",
        "想补保证金防止爆仓，在哪加",
    ],
    "zh-Hant": [
        "合約倉位被強平，是用標記價格算的嗎",
    ],
}

X["trading-order-not-filled"] = {
    "en": [
        "put a limit buy for SOL at 140, chart wicked to 139.8, my order is still open. why",
        "my usdt balance shows less available, apparently its locked in open orders? how to get it back",
    ],
    "ko": [
        "솔라나 140에 지정가 매수 걸었는데 차트상 139까지 찍었는데도 미체결이에요",
        "주문 일부만 체결되고 나머지는 미체결 주문에 그대로 있어요",
    ],
    "zh": [
        "挂了个买单SOL 140，K线明明到过139.8，委托还在当前委托里",
        "可用余额变少了，说是被挂单冻结，怎么释放",
    ],
    "zh-Hant": [
        "價格明明碰到了，我的掛單卻沒成交",
    ],
}

X["withdrawal-fees"] = {
    "en": [
        "withdrawing 20 usdt and the fee is 5 usdt on erc-20?? is there a cheaper network like tron or solana",
        "I'm KYC verified level 2, why does withdrawing still cost a fee, and what's the minimum for BTC",
    ],
    "ko": [
        "USDT 20개 출금하는데 이더리움 네트워크 수수료가 너무 커요 트론으로 하면 싸요?",
        "친구도 이 거래소 쓰는데 내부 이체하면 수수료 무료예요?",
    ],
    "zh": [
        "提20U走ERC20要扣好几U手续费，换TRC20或者SOL链会不会便宜",
        "转给朋友同一个交易所的账户要手续费吗，多久到",
    ],
    "zh-Hant": [
        "為什麼提領手續費跟數量無關，是固定的嗎",
    ],
}

X["withdrawal-limits"] = {
    "en": [
        "only verified email and phone so far, can i withdraw 5 btc today or is there a cap",
        "hit my limit this morning at 10am, when can I withdraw again? rolling or daily reset",
    ],
    "ko": [
        "이메일 휴대폰 인증만 했는데 하루 출금 얼마까지 돼요",
        "출금 한도 100 BTC보다 더 필요해요 주소 증빙 내면 올려줘요?",
    ],
    "zh": [
        "只绑了邮箱和手机，一天能提多少",
        "提现额度不够用，想升级到三级认证需要什么",
    ],
    "zh-Hant": [
        "提領時顯示超過每日限額，怎麼辦",
    ],
}

X["withdrawal-pending"] = {
    "en": [
        "withdrew 0.5 btc to my ledger 4 hours ago, status 'Under review', no txid yet. first time using this address",
        "usdt withdrawal processing for 40 min, normal? network is tron",
    ],
    "ko": [
        "비트코인 출금 4시간째 '심사 중'이고 TxID도 없어요 처음 쓰는 주소예요",
        "출금 완료라는데 txid 어디서 확인해요",
    ],
    "zh": [
        "提btc到冷钱包四个小时了还是“审核中”，没有txid，第一次用这个地址",
        "提现状态一直显示处理中，已经超过6个小时了，提现编号要发给谁",
    ],
    "zh-Hant": [
        "大額提領一直在審核中，通常要多久",
    ],
}

X["withdrawal-wrong-address"] = {
    "en": [
        "withdrew 300 USDT to my friend but copied the wrong address from telegram. tx is confirmed. can you reverse it",
        "sent ETH on arbitrum to a binance deposit address that only supports ethereum mainnet, who do I ask",
    ],
    "ko": [
        "바이낸스 입금 주소가 ERC20인데 BEP20 네트워크로 USDT 출금했어요 어떻게 하죠",
        "출금 주소 한 글자 틀리게 보냈는데 취소 안 되나요",
    ],
    "zh": [
        "提U到朋友地址，复制错了一个地址，已经上链了能追回吗",
        "我从你们这提币到币安，选了BSC链，但币安那个地址只支持ERC20，怎么办",
    ],
    "zh-Hant": [
        "提幣時網路選錯了，交易已經上鏈，還能追回嗎",
    ],
}

for _art, _by_lang in X.items():
    for _lang, _qs in _by_lang.items():
        A[_art][_lang] = A[_art][_lang] + _qs

# --- end of answerable lists ---

# unanswerable: lang -> questions no article in kb/ answers
U = {"en": [], "ko": [], "zh": [], "zh-Hant": []}
U["en"] = [
    # features the exchange does not have in the articles
    "can I withdraw to my bank via SWIFT wire",
    "how do I cash out EUR to my bank account, whats the fee",
    "do you have a debit card I can spend crypto with",
    "staking rewards for ETH, what APY",
    "where is the staking page, my SOL should be earning something",
    "copy trading? want to follow a pro trader",
    "tax report export for 2025, need it for my accountant",
    "can I download all my trades as CSV for taxes",
    "how does P2P trading work here, seller didn't release the usdt",
    "can i buy btc with my credit card or apple pay",
    "do you offer a savings / earn product with fixed interest",
    "launchpad subscription, how do I commit tokens",
    "is there a demo account / paper trading mode",
    "options trading available? want to buy BTC calls",
    "can I borrow usdt against my btc (crypto loan)",
    "grid trading bot built into the app?",
    "referral link, how much commission do I get for inviting friends",
    "convert small balances (dust) into BNB or your token",
    "can I create sub-accounts for my team",
    "corporate / business account opening requirements",
    "do you have proof of reserves? merkle tree audit?",
    "what is the funding rate on BTC perpetual and when is it charged",
    "how do I set a price alert notification for ETH",
    "does the BTC deposit address accept lightning network invoices",
    "NFT marketplace where? i want to sell my jpeg",
    "OTC desk for buying 2M USDT in one go",
    "dark mode on the website",
    "is there a desktop app for mac",
    "trailing stop order how to place one on spot",
    # account matters no article covers
    "how do i change the email on my account, old one was hacked... i mean closed by gmail",
    "need to change my registered phone number, lost the old sim but I still have 2FA app",
    "change my nickname / display name",
    "got married, need to update the legal name on my verified account",
    "my dad passed away and had crypto on your exchange, how do the heirs get access",
    "minimum age to open an account? I'm 16",
    "are US residents allowed to use the exchange",
    "can I change my account's country of residence after moving to Germany",
    "how do I turn off marketing emails",
    # other companies' products
    "how do i update firmware on my Ledger Nano X",
    "metamask says 'insufficient funds for gas' when swapping on uniswap",
    "coinbase locked my account, can you help",
    "how do I add a custom token to trust wallet",
    "binance futures funding rate right now?",
    "my trezor shows wrong PIN, reset?",
    # price and investment advice
    "will btc hit 150k this year",
    "should I buy SOL now or wait for a dip",
    "which coin will 10x next, give me your top picks",
    "is it too late to buy pepe",
    "best leverage for a beginner to make money fast?",
    "should i sell my eth before the merge... i mean before the next upgrade",
    # coins and networks no article answers
    "how to stake DOT for validator rewards",
    "ordinals / BRC-20 inscriptions, can i deposit them",
    "is USDC on Base network supported for deposit? list of supported chains please",
    "do you run a Bitcoin lightning node for instant withdrawals",
    # title words asking something else
    "how long does a KRW withdrawal to my korean bank account take",
    "is there a trading fee on the P2P market",
    "can my deposit get insured like FDIC if the exchange goes bust",
    "how do I set a separate fund password / withdrawal PIN",
    "how do I change the language of the app to Japanese",
    "the liquidation insurance fund, how big is it right now, is it published anywhere",
    "limit on how many API keys I can create, and can I label them",
    # off-topic
    "whats the weather in Seoul tomorrow",
    "write me a poem about bitcoin",
    "who won the champions league final",
]

U["ko"] = [
    "해외 송금으로 원화 말고 달러 출금 가능해요?",
    "원화 출금 은행 계좌로 어떻게 해요 수수료 있어요?",
    "체크카드 발급돼요? 코인으로 결제하고 싶어요",
    "스테이킹 이자율 얼마예요",
    "이더 스테이킹 보상 언제 들어와요",
    "카피 트레이딩 기능 있나요",
    "세금 신고용 거래내역 엑셀로 뽑을 수 있어요?",
    "연말정산 때 코인 수익 신고 서류 주세요",
    "P2P 거래 판매자가 코인을 안 풀어줘요",
    "신용카드로 비트코인 살 수 있어요?",
    "코인 예치하면 이자 주는 상품 있어요?",
    "런치패드 참여 방법",
    "모의투자 기능 있나요",
    "옵션 거래 되나요 콜옵션 사고 싶어요",
    "비트 맡기고 USDT 대출 받을 수 있나요",
    "그리드 봇 앱에 있어요?",
    "친구 초대 리워드 몇 퍼센트예요",
    "소액 잔고 먼지 코인 한꺼번에 바꾸는 기능",
    "서브 계정 만들 수 있어요?",
    "법인 계정 가입 가능한가요",
    "준비금 증명 proof of reserves 공개하나요",
    "펀딩비 언제 정산돼요",
    "가격 알림 설정 어떻게 해요",
    "라이트닝 네트워크로 비트코인 입금 돼요?",
    "NFT 마켓 있나요",
    "대량 OTC 거래 문의",
    "웹사이트 다크모드 없나요",
    "PC용 프로그램 있어요?",
    "트레일링 스탑 주문 어떻게 걸어요",
    "가입한 이메일 주소 바꾸고 싶어요",
    "휴대폰 번호 변경하려면 어떻게 해요 번호 바꿨어요",
    "닉네임 변경 가능한가요",
    "개명했는데 인증된 이름 바꿀 수 있나요",
    "돌아가신 아버지 계정에 코인이 있는데 상속 어떻게 해요",
    "미성년자도 가입 돼요? 17살이에요",
    "미국 거주자도 이용 가능한가요",
    "광고 문자 수신 거부 어떻게 해요",
    "업비트에서 원화 출금 왜 막혔어요",
    "빗썸 수수료 쿠폰 어디서 받아요",
    "레저 나노 펌웨어 업데이트 방법",
    "메타마스크에서 유니스왑 스왑할 때 가스비 부족 뜸",
    "트러스트월렛에 토큰 추가하는 법",
    "비트코인 올해 얼마까지 가요",
    "지금 솔라나 사도 돼요?",
    "다음 10배 갈 코인 추천 좀",
    "리플 존버하는 게 맞을까요",
    "초보 레버리지 몇 배가 돈 벌기 좋아요",
    "도트 스테이킹 검증인 보상",
    "BRC-20 오디널스 입금 되나요",
    "베이스 네트워크 USDC 지원해요? 지원 체인 목록 주세요",
    "거래소 망하면 예금자 보호처럼 보장돼요?",
    "앱 언어 일본어로 바꾸는 법",
    "보험 기금 잔액 공개돼요?",
    "API 키 최대 몇 개까지 만들 수 있어요",
    "P2P 거래도 수수료 있나요",
    "자금 비밀번호(출금 PIN) 따로 설정하는 법",
    "내일 서울 날씨 어때요",
    "비트코인에 대한 시 써줘",
    "점심 메뉴 추천해줘",
    "손흥민 어제 골 넣었어?",
    "원화 마켓 말고 BTC 마켓에서 거래하면 뭐가 달라요",
    "staking 하면 lock 기간 있어요?",
    "earn 상품 중도 해지 되나요",
    "코인 선물하기 기능 있어요? 친구한테 기프트카드처럼",
]

U["zh"] = [
    "可以电汇提现到银行卡吗",
    "法币怎么提到银行账户，到账要多久",
    "有没有U卡，能刷卡消费的那种",
    "质押ETH年化多少",
    "理财产品在哪买，活期有利息吗",
    "有跟单功能吗，想跟大佬的单",
    "能导出去年的税务报表吗",
    "交易记录能导出excel吗，报税用",
    "C2C买币商家不放币怎么办",
    "能用信用卡买币吗",
    "支付宝或微信可以直接买USDT吗",
    "打新launchpad怎么参与",
    "有模拟盘吗，想先练练",
    "期权在哪里交易",
    "可以抵押BTC借U吗",
    "网格机器人在app哪里",
    "邀请返佣比例多少",
    "小额资产能一键兑换吗，碎币太多了",
    "能开子账户吗",
    "企业账户怎么开",
    "你们有储备金证明吗",
    "资金费率多久收一次",
    "怎么设置价格提醒",
    "支持闪电网络充值BTC吗",
    "有NFT市场吗",
    "大宗OTC怎么交易",
    "网页有夜间模式吗",
    "有没有电脑客户端",
    "移动止盈止损怎么设置",
    "怎么修改绑定的邮箱",
    "手机号换了，怎么换绑新手机号",
    "昵称能改吗",
    "身份证上的名字改了，实名信息能更新吗",
    "家人去世了，账户里的币怎么继承",
    "未成年能注册吗，我16岁",
    "大陆用户还能用吗",
    "怎么关闭营销短信",
    "怎么设置资金密码",
    "币安的资金费率现在多少",
    "小狐狸钱包swap提示gas不足",
    "imToken怎么添加自定义代币",
    "Ledger冷钱包固件怎么升级",
    "OKX账户被冻结了你们能帮忙吗",
    "比特币今年能涨到多少",
    "现在适合抄底SOL吗",
    "推荐几个百倍币",
    "新手开几倍杠杆最赚钱",
    "狗狗币还能拿吗",
    "DOT怎么质押拿节点奖励",
    "铭文BRC20能充进来吗",
    "支持Base链的USDC吗，支持哪些链有列表吗",
    "交易所倒闭的话资产有保险吗",
    "app怎么切换成日语",
    "风险保障基金现在有多少钱，有公开吗",
    "API最多能建几个，可以备注名字吗",
    "C2C交易收手续费吗",
    "明天北京天气怎么样",
    "帮我写一首关于比特币的诗",
    "世界杯谁夺冠了",
    "今晚吃什么好",
    "质押的币有锁仓期吗，能随时赎回吗",
    "合约带单员怎么申请",
]

U["zh-Hant"] = [
    "可以電匯出金到銀行帳戶嗎",
    "台幣出金要多久到帳",
    "有沒有加密貨幣簽帳卡",
    "質押收益年化多少",
    "有跟單交易嗎",
    "可以匯出交易紀錄報稅嗎",
    "P2P交易賣家不放幣怎麼辦",
    "可以用信用卡買幣嗎",
    "有活存或定存理財嗎",
    "有模擬交易嗎",
    "可以抵押比特幣借款嗎",
    "邀請好友返佣多少",
    "可以開子帳戶嗎",
    "公司帳戶怎麼申請",
    "有公開儲備金證明嗎",
    "資金費率多久收一次",
    "怎麼設定價格提醒",
    "支援閃電網路入金嗎",
    "要怎麼更改綁定的電子郵件",
    "換了手機號碼，要怎麼更新",
    "結婚改姓，實名資料可以改嗎",
    "家人過世，帳戶資產怎麼繼承",
    "未滿18歲可以開戶嗎",
    "幣安的提領費是多少",
    "Ledger錢包的PIN碼忘了",
    "比特幣會漲到多少",
    "現在可以買以太幣嗎",
    "推薦會翻倍的幣",
    "支援Base鏈USDC嗎",
    "交易所倒閉資產有保障嗎",
    "明天台北會下雨嗎",
    "點樣換App語言做日文",
]

# longer ones that name an article's topic in passing but ask what no article answers
U["en"] += [
    "I passed KYC and my withdrawal limit is fine, but do you report my trades to the tax office automatically?",
    "my deposit arrived fine, thanks. separate question: how do I move my BTC into an earn/staking wallet to get interest",
    "got liquidated last night on a 5x long. anyway, I want to try copy trading instead, where do I find lead traders",
    "is the app on Huawei AppGallery? no google play on my phone",
    "withdrawal fee aside, can I withdraw USDT straight to a PayPal account",
    "my api key works fine, but is there a websocket endpoint for order book depth and what's its URL",
]
U["ko"] += [
    "출금은 잘 됐고요, 혹시 받은 에어드랍 코인 세금 신고는 어떻게 하나요",
    "KYC 끝났는데 이제 스테이킹은 어디서 해요",
    "청산당해서 이제 선물 말고 카피트레이딩 해보려는데 어디 있어요",
    "앱은 잘 되는데 애플워치 앱도 있나요",
    "API 웹소켓 주소 알려주세요 호가 실시간으로 받고 싶어요",
    "수수료 말고 궁금한 건데 페이팔로 USDT 출금 되나요",
]
U["zh"] += [
    "实名认证过了，提币也正常，就想问下你们会不会把交易数据报给税务局",
    "充值已经到了谢谢，另外想问币怎么转到理财账户吃利息",
    "昨晚合约爆仓了，算了不玩了，想试试跟单，带单员在哪找",
    "华为手机没有谷歌商店，有没有华为应用市场版本",
    "API用得好好的，想问websocket深度行情推送地址是什么",
    "提现手续费先不管，USDT能直接提到PayPal吗",
]
U["zh-Hant"] += [
    "KYC已經通過，想問你們會不會把交易資料報給國稅局",
    "剛入金成功，想問怎麼把幣轉去賺利息",
]

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
