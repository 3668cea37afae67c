#!/usr/bin/env python3
"""Write the independent held-out KB question set kb_holdout3 (issue #17 item 4).

Hand-written lists below, written blind from kb/*.md only (see README.md here). Writes
  tests/data/kb_holdout3.jsonl               answerable: {"q", "lang", "article"}
  tests/data/kb_holdout3_unanswerable.jsonl  unanswerable: {"q", "lang", "article": null, "split": "holdout"}
Deterministic: same order, same bytes every run.

    python3 data/kb/questions3/gen_holdout3.py          # write both files
    python3 data/kb/questions3/gen_holdout3.py --check  # exit 1 if the files differ
"""

import json
import os
import re
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
OUT_ANS = os.path.join(ROOT, "tests", "data", "kb_holdout3.jsonl")
OUT_UNANS = os.path.join(ROOT, "tests", "data", "kb_holdout3_unanswerable.jsonl")
KB_DIR = os.path.join(ROOT, "kb")

LANGS = ("zh", "en", "ko")
MIN_PER_ARTICLE = 8
MIN_UNANSWERABLE = 30

# Each list: questions its article alone answers. In zh, entries marked with a trailing
# comment "# T" are traditional Chinese (Taiwan / Hong Kong wording); they still carry lang zh.
Q = {
    "account-close": {
        "en": [
            "how do i get rid of my account for good",
            "I'm quitting crypto. Before I go, what has to happen to the coins still sitting in my wallet here so you'll let me shut the profile down?",
            "cancel membership",
            "tried to remove my acount but it says balance not zero, I only have 0.0003 USDT dust left",
            "if I close my account can I sign up again next week with the same passport?",
            "do you still keep my ID documents after I leave the platform?",
            "deactivate acct pls",
            "where is the button to terminate my profile? looked everywhere in Settings",
            "can I shut my account while I still have a BTC perp open",
        ],
        "zh": [
            "不想玩了，怎么把号销掉",
            "账号能永久删掉吗？删了还能恢复不",
            "我只剩一点零头USDT，能直接注销吗",
            "销户以后我的身份证资料你们还留着吗",
            "注消账户前要不要先把合约平仓",  # homophone typo 注消
            "帳號要怎麼刪除？設定裡面找不到",  # T
            "我想把帳戶停用，以後都不會再登入了",  # T
            "點樣cancel個account？唔想再用呢個平台",  # T (HK)
            "销号后多久可以拿同一个身份重新开户",
        ],
        "ko": [
            "회원탈퇴 어디서 해요",
            "계정 없애고 싶은데 코인 조금 남아있으면 탈퇴 안 되나요?",
            "탈퇴하면 제 신분증 정보는 바로 지워지나요",
            "탈퇴후에 같은 명의로 바로 재가입 가능?",
            "이 거래소 이제 안 쓰려고요. 계정 완전히 삭제해 주세요",
            "선물 포지션 열려있는데 탈퇴 되나요",
            "account 삭제 방법 알려주세요",
            "계정해지하면나중에복구할수있나요",
        ],
    },
    "account-password-reset": {
        "en": [
            "forgot my pasword and the app logged me out after the update, how do I get back in",
            "I can't remember the password I set last year and the login page keeps saying incorrect. How do I make a new one?",
            "pw reset",
            "locked out after typing the wrong password like 6 times, how long do I have to wait?",
            "the forgot-password flow is asking for my google authenticator code too, is that normal?",
            "how do I set a new login password if I only registered with my phone number",
            "what's the recovery process if you forget your sign-in credentials",
            "keep getting 'wrong password' and I have no idea what it was, how to change it without logging in",
        ],
        "zh": [
            "很久没登录了，密码完全忘了，怎么进去",
            "登录密马想不起来了",  # homophone typo 密马
            "输错好几次密码被锁了，要等多久才能再试",
            "重设登录密码的时候还要填2FA吗",
            "我是用手机号注册的，忘了密码怎么弄个新的",
            "忘記密碼了，要怎麼重新設定？",  # T
            "登入密碼一直顯示錯誤，想直接重設一個",  # T
            "唔記得咗登入密碼，點算？",  # T (HK)
        ],
        "ko": [
            "오랜만에 들어왔는데 비번 까먹었어요",
            "비밀번호 틀려서 잠겼는데 언제 풀려요?",
            "로그인 비밀번호 재설정 하는법",
            "비밀번호찾기 누르면 뭐 입력해야돼요",
            "비번 잊어버려서 새로 만들려는데 OTP 코드도 필요해요?",
            "예전에 만든 비밀번호가 기억이 안 나서 몇 주째 접속을 못 하고 있습니다. 어떻게 해야 하나요",
            "password 몇 번 틀렸더니 로그인이 막혔어요",
            "휴대폰 번호로 가입했는데 비번 리셋 어떻게 해요",
        ],
    },
    "account-register": {
        "en": [
            "how do I sign up, never used an exchange before",
            "new here, can I open an account with just my mobile number, no email?",
            "the code for creating my account never arrived in my inbox, waited 10 min already",
            "signup code expired before I could type it in",
            "can I make a second account with another email for myself?",
            "registraton SMS not arriving",
            "how long is the 6 digit code valid when making an accout",
            "Resend button is greyed out on the sign up screen",
        ],
        "zh": [
            "怎么注册",
            "新用戶開戶步驟是什麼？",  # T
            "注册收不到邮箱验证码",
            "短信验证码过期了，账号建不了",
            "一个人可以开两个号吗",
            "註冊的時候驗證碼一直沒收到，垃圾郵件也沒有",  # T
            "用手機號碼可以開戶嗎？還是一定要email？",  # T
            "我想開個新account，收唔到SMS code點算",  # T (HK)
            "注册验正码十分钟就失效了吗",  # homophone typo 验正码
        ],
        "ko": [
            "회원가입 어떻게 하나요",
            "가입할때 인증번호가 안와요",
            "가입 중에 인증코드 시간 초과됐어요",
            "한 사람이 계정 두개 만들어도 되나요",
            "휴대폰 번호로도 가입 돼요?",
            "이메일인증메일이안와요",
            "sign up 할 때 재전송 버튼이 안 눌려요",
            "처음인데 계정 만드는 방법 좀 알려주세요",
        ],
    },
    "compliance-account-restricted": {
        "en": [
            "why did u lock my funds and ask for bank statements?? I'm not a criminal",
            "got an email asking for source of funds, what documents count?",
            "account under AML review, how long does that take after I upload everything",
            "you restricted my trading and won't tell me why. what's the actual reason?",
            "can I just send the salary slip here in chat for the review?",
            "I moved 80k over from another exchange last week and now withdrawals are blocked and some team wants my trade history from there. What exactly do they need and when do I get access back?",
            "They asked me to explain the purpose of a transfer, is that a normal request",
            "proof of adress requested for a compliance check, where do I upload it",
        ],
        "zh": [
            "为什么要我提供资金来源证明",
            "账户被风控审查了，要交什么材料",
            "反洗钱审查材料都交了，一般要多久",
            "审核邮件让我上传工资单，可以直接在聊天里发吗",
            "被合规限制交易，能告诉我具体原因吗",
            "帳戶被限制出金，說要審查資金來源，大概要多久？",  # T
            "收到郵件要我交銀行流水同地址證明，點解要查我？",  # T (HK)
            "账户被审合了，提不了币也交易不了",  # homophone typo 审合
        ],
        "ko": [
            "자금출처 증빙 내라는데 뭐 내면 돼요",
            "AML 심사 서류 다 냈는데 얼마나 걸려요",
            "계정 제한 걸렸는데 정확한 사유가 뭔가요",
            "급여명세서 채팅으로 보내도 되나요?",
            "큰돈 입금했더니 출금이 막히고 서류 내라고 합니다",
            "컴플 심사중이라는데 거래도 안돼요",
            "거래목적 설명하라는 메일 받았어요 왜죠",
            "심사 메일에서 주소증빙 달라는데 어디로 올리나요",
        ],
    },
    "compliance-kyc-verification": {
        "en": [
            "I've tried to verify my identity three times now with my national ID card and every time it says rejected, the photos looked ok to me. What are you looking for?",
            "what docs do I need for kyc",
            "can i use my driver's license instead of a passport?",
            "identity verification has been pending for a day, is that normal?",
            "rejected for glare?? I took the photo under my desk lamp",
            "the face scan step won't let me upload a photo from my gallery",
            "failed the verification 5 times what now",
            "my passport expired last month, can I still verify with it?",
            "Name on my ID has a middle name but the one on my account doesn't, is that why it got declined?",
        ],
        "zh": [
            "身份证正反面都拍了三次，每次提交都显示审核未通过，到底要怎么拍",
            "KYC 要准备什么证件",
            "身份认证审核要多久",
            "驾照可以拿来做实名吗",
            "证件照拍糊了被拒，能重新交吗",
            "實名認證被退回，說照片反光",  # T
            "護照過期了還能用來做身分驗證嗎？",  # T
            "身份認證試咗五次都唔過，點算？",  # T (HK)
            "实民认证要正反两面吗",  # homophone typo 实民
        ],
        "ko": [
            "주민등록증 앞뒤로 찍어서 세번이나 올렸는데 계속 거절이라고 떠요 뭐가 문제인가요",
            "KYC 할 때 필요한 서류",
            "운전면허증으로 본인인증 가능한가요",
            "신원인증 얼마나 걸려요? 하루 지났어요",
            "실시간 셀카 말고 갤러리 사진은 안 되나요",
            "신분증 사진이 흐리다고 반려됨",
            "여권 유효기간 지났는데 인증되나요",
            "kyc5번실패했어요",
        ],
    },
    "deposit-fiat-bank": {
        "en": [
            "how do I put dollars in from my bank, I don't have any crypto yet",
            "sent a wire from my wife's account, will it go through?",
            "forgot to write the reference code on my bank transfer",
            "how long does a domestic bank deposit take on a weekday",
            "international SWIFT transfer, 2 days and still not in, normal?",
            "I topped up with cash via bank transfer for the first time and now it says I can't withdraw it for 3 days?",
            "top up with bank tranfer",
            "can I fund my account in local currency from my bank",
        ],
        "zh": [
            "怎么用银行卡转钱进来",
            "用朋友的银行账户给我转账可以吗",
            "银行汇款忘了写附言编码",
            "國際電匯要幾天才入帳？",  # T
            "法币冲值怎么弄",  # homophone typo 冲值
            "銀行轉帳入金要多久才會到？",  # T
            "用屋企人個戶口過數入金得唔得？",  # T (HK)
            "第一次用銀行入金，為什麼錢不能馬上提領？",  # T
        ],
        "ko": [
            "코인 처음 사보려는데 원화는 어떻게 넣어요",
            "엄마 계좌로 입금해도 되나요",
            "입금자코드 안 적고 이체했어요",
            "계좌이체 했는데 언제 들어와요",
            "해외송금으로 입금하면 며칠 걸려요",
            "첫 원화입금 후 출금이 왜 막혀있죠",
            "krw 충전 방법",
            "주말에 은행에서보냈는데아직반영이안됨",
        ],
    },
    "deposit-memo-missing": {
        "en": [
            "sent 300 XRP from Bitstamp but I only pasted the address, forgot the destination tag. It's been a day. Are my coins lost?",
            "deposited XLM without the memo, not showing up",
            "i put the wrong memo for my EOS deposit",
            "ATOM deposit missing, I didn't know there was a memo field",
            "Moved TON from Tonkeeper with no comment/memo, how do I get it back",
            "how long does a memo recovery request take",
            "what do i need to submit for a tagless ripple deposit?",
            "forgot the tag number when moving stellar lumens in",
        ],
        "zh": [
            "从别的交易所提了300个XRP过来，只填了地址没填标签，一天了没到，币还在吗",
            "转EOS没写备注怎么办",
            "memo填错了币没到",
            "瑞波币充值没带tag",
            "TON充值漏了备注，多久能找回",
            "充值XLM忘記填Memo，錢還拿得回來嗎？",  # T
            "轉ATOM入嚟冇填memo，點算",  # T (HK)
            "忘了备住，币没到账",  # homophone typo 备住
        ],
        "ko": [
            "빗썸에서 리플 300개 보냈는데 주소만 넣고 데스티네이션 태그를 안 넣었어요. 하루째 안 들어와요",
            "메모 없이 XLM 보냈는데 복구되나요",
            "이오스 메모 잘못 입력함",
            "톤코인 메모 빼먹고 입금",
            "데스티네이션태그누락",
            "메모 누락 복구 얼마나 걸려요",
            "아톰 입금했는데 memo를 안 적었네요",
            "xrp 태그 없이 보냈을 때 뭐 제출해야 해요",
        ],
    },
    "deposit-not-credited": {
        "en": [
            "So I bought USDT on Coinbase, sent it over on trc20 about 2 hours ago, the money left Coinbase fine and I can see it on Tronscan, but my balance here still says 0. What am I supposed to do?",
            "my btc deposit shows confirmed on mempool.space but nothing here",
            "how many confirmations does an ETH deposit need",
            "I deposited from my Trust Wallet using BEP20 to the TRC20 address you gave me, can that be recovered?",
            "where do I find the txid to prove my deposit?",
            "tronscan says SUCCESS but my usdt deposit isnt credited",
            "depost missing, sent on Tron network",
            "etherscan shows 5 confirmations, when will it land in my account?",
        ],
        "zh": [
            "从火币往你们这充了500U，走的波场，TRC20，链上显示成功两个小时了，资产页面还是0，怎么回事",
            "币从钱包转过来一个小时了还没显示",
            "ETH入金要幾個區塊確認？",  # T
            "tronscan上显示成功但是没到账",
            "用BSC链往你们的ERC20充值地址转了币，能找回吗",
            "充幣一直沒入帳，區塊瀏覽器顯示已確認",  # T
            "由錢包轉BTC過嚟，等咗好耐都未入數",  # T (HK)
            "充直的币不见了",  # homophone typo 充直
        ],
        "ko": [
            "입금했는데 잔고에 안 들어와요",
            "usdt deposit 안됨 trc-20",
            "이더 입금 컨펌 몇개 필요해요",
            "이더스캔에선 성공인데 반영안됨",
            "바이낸스체인으로 이더리움 입금주소에 보내버렸어요",
            "txid 어디서 찾아요 입금 문의하려고",
            "비트코인 입금 한시간째 안들어옴",
            "업비트에서 트론 네트워크로 테더 보냈는데 지갑에 안 보여요. 트론스캔에는 성공으로 나오고요. 어떻게 해야 하나요?",
        ],
    },
    "general-contact-support": {
        "en": [
            "been going back and forth with the FAQ bot for 20 minutes. how do I talk to a real human?",
            "live agent please",
            "submitted a ticket yesterday, where can I see if anyone replied?",
            "is support open at 3am on a sunday?",
            "what info should I include so you can help me faster",
            "do you have chinese or korean speaking staff",
            "how long until someone answers my email request",
            "whre is the chat button in the app",
        ],
        "zh": [
            "转人工",
            "机器人回答不了我的问题，怎么找真人",
            "工單送出後要去哪裡看進度？",  # T
            "客服几点下班",
            "有没有韩语客服",
            "請問真人客服在哪裡？",  # T
            "寄咗email俾你哋，幾耐先有人覆？",  # T (HK)
            "找课服要准备哪些信息",  # homophone typo 课服
        ],
        "ko": [
            "챗봇 말고 상담원 연결해주세요",
            "고객센터 운영시간",
            "문의 남겼는데 답변 어디서 봐요",
            "채팅 상담 어디 있어요",
            "영어로 상담 가능한가요",
            "이메일 문의하면 답변 얼마나 걸려요",
            "사람이랑 얘기하고 싶어요 봇 말고",
            "상담할때UID도적어야돼요?",
        ],
    },
    "general-listing-airdrop": {
        "en": [
            "I held the token through the snapshot last week and the announcement said there would be an airdrop, still nothing in my spot wallet. When does it arrive?",
            "when do airdrop rewards get distributed after the snapshot",
            "a guy on discord says he can get our project's token listed here if we pay him, is that legit?",
            "coin got delisted, can I still withdraw it to my wallet?",
            "how much notice do you give before a delisting",
            "where are new listings announced",
            "airdop not recieved",
            "trading stopped for my token, how long do i have to move it out",
        ],
        "zh": [
            "公告说快照时持有就有空投，我快照那天一直拿着，到现在还没发，是不是漏了我",
            "下架的币还能提吗",
            "新币上线在哪看公告",
            "有人说交钱就能保证上币，是真的吗",
            "快照后多久发空投",
            "幣被下架了，要多久內提走？",  # T
            "空投幾時派？我仲未收到",  # T (HK)
            "下价前会提前几天通知",  # homophone typo 下价
        ],
        "ko": [
            "공지 보고 스냅샷 때까지 들고 있었는데 에어드랍이 안 들어왔어요. 언제 주나요?",
            "상폐된 코인 출금 언제까지 가능해요",
            "신규상장 공지 어디서 봐요",
            "상장 시켜준다고 돈 달라는 사람 있는데 진짜예요?",
            "스냅샷 끝나고 에어드롭 언제 들어와요",
            "상장폐지 며칠 전에 알려줘요",
            "airdrop 보상 안 들어옴",
            "거래지원종료된코인어떻게해요",
        ],
    },
    "security-2fa-reset": {
        "en": [
            "left my phone in a taxi in Bangkok, it had my google authenticator on it and now I can't log in anywhere. how do I get back into my exchange account?",
            "new phone, authenticator codes gone",
            "how long does a 2FA reset take to approve",
            "i have the 16 character backup key, how do I use it on my new phone",
            "can't log in, no OTP app anymore, need to remove 2fa",
            "what kind of selfie do you need to reset my two factor",
            "factory reset my phone and the google auth app got wiped",
            "2fa reset request submitted 2 days ago, still waiting",
        ],
        "zh": [
            "手机掉水里坏了，谷歌验证器没备份，现在登录要验证码输不了",
            "换手机了，2FA 验证码没了",
            "重置谷歌验证要多久",
            "備份金鑰要怎麼還原到新手機？",  # T
            "手机丢了登不上，需要解绑谷歌验证",
            "換手機後 Google 驗證器不見了",  # T
            "重置二步驗證要拍什麼照片？",  # T
            "部電話跌咗，Google Authenticator冇晒，點登入？",  # T (HK)
        ],
        "ko": [
            "폰을 택시에 두고 내렸는데 구글 OTP가 거기 있었어요. 백업키도 안 적어놨고 로그인이 안 돼요",
            "폰 바꿨는데 OTP 안 옮겼어요",
            "OTP 초기화 얼마나 걸려요",
            "백업키 16자리로 복구하는 방법",
            "휴대폰 분실해서 2단계 인증 못 해요",
            "OTP 초기화할 때 신분증 들고 셀카 찍어야 하나요",
            "otp앱삭제했어요",
            "google authenticator 날아갔어요 로그인 불가",
        ],
    },
    "security-account-hacked": {
        "en": [
            "Woke up to a login alert from an IP in Russia, I've never been there. Then I saw an open order for some random coin I never touched. What do I do right now?",
            "there's a withdrawal in my history I didn't make!!",
            "orders I never placed showing up in my trade history",
            "how do I freeze my account right now",
            "i think i got hacked what do i do first",
            "unknown device in my login list",
            "how do I unfreeze my account after I locked it because of a weird login",
            "my exchange acount was comprimised, someone is trading with it",
        ],
        "zh": [
            "今天早上收到异地登录提醒，不是我，然后发现账户里多了几笔我没下过的单，现在该怎么办",
            "有陌生裝置登入我的帳號",  # T
            "有一笔不是我操作的提现",
            "怎么紧急冻结账户",
            "号被黑了，有人在乱下单",
            "帳號被盜，有人登入下單",  # T
            "有人用咗我個帳戶落單，唔係我做嘅",  # T (HK)
            "冻洁的账户怎么解冻",  # homophone typo 冻洁
        ],
        "ko": [
            "새벽에 해외에서 로그인했다는 알림이 왔는데 저 아니에요. 주문내역에도 모르는 거래가 있어요. 지금 뭐부터 해야 하나요",
            "모르는 기기에서 로그인 알림 왔어요",
            "제가 안 한 출금이 있어요",
            "계정 동결 어떻게 해요 급해요",
            "동결된 계정 해제하려면",
            "누가 제 계정으로 주문 넣었어요",
            "해킹당한것같아요어떡해요",
            "해외 IP로 로그인 기록 있음",
        ],
    },
    "security-phishing": {
        "en": [
            "got an email that looks like yours saying my account will be suspended unless I verify my wallet at a link. It has no anti-phishing code in it. Is it real?",
            "a 'support agent' on telegram wants my 2fa code",
            "someone called saying they're from your security team and told me to move funds to a safe account",
            "how do I know the website is the real one",
            "what's an anti-phishing code and where do I set it",
            "typed my password into a fake site by mistake",
            "is this telegram admin actually your staff, how do i check",
            "scam sms with a link to 'unlock your account', is it from you?",
        ],
        "zh": [
            "有人加我微信说是你们客服，让我把短信验证码发给他解冻账户，是真的吗",
            "收到一封邮件说账户异常，让我点链接，是真的吗",
            "怎么判断是不是官网",
            "防釣魚碼要在哪裡設定？",  # T
            "电报上的客服是不是你们的人",
            "有人打電話說是官方客服，要我把幣轉到安全帳戶",  # T
            "我喺假網站輸入咗密碼，點算？",  # T (HK)
            "钓鱼网占怎么分辨",  # homophone typo 网占
        ],
        "ko": [
            "고객센터라고 전화와서 계정 보호한다고 OTP 번호 불러달래요 진짜인가요",
            "텔레그램 관리자가 진짜 직원인가요",
            "가짜 사이트에 비번 입력했어요",
            "피싱방지코드 설정 어디서",
            "안전계좌로 옮기라는 문자 받음",
            "이메일 링크가 진짜 거래소에서 온건지 확인하는 법",
            "사칭 사이트 구별 방법",
            "fake site 인지 어떻게 알아요",
        ],
    },
    "security-secret-exposed": {
        "en": [
            "A guy in a telegram group said he was your support and asked me to type my 12 words into a form to fix a stuck transaction. I did it. Now I'm scared. What now?",
            "accidentally pasted my seed phrase in a chat",
            "my private key was in a screenshot I shared, what should I do",
            "someone has my recovery phrase, how do I save my coins",
            "typed my mnemonic into a website that asked to 'sync' my wallet",
            "leaked my metamask secret phrase, tokens started moving out",
            "should I revoke approvals after my seed got exposed",
            "I sent you my seed words in the last message, is that bad?",
        ],
        "zh": [
            "有个自称客服的人让我把钱包的12个词发给他说帮我解决卡住的交易，我发了，现在怎么办",
            "私钥被人看到了怎么办",
            "助记词截图发到群里了",
            "不小心把12个单词输到一个网站上",
            "小狐狸钱包的助记词泄露了，币开始被转走",
            "我把助記詞貼在聊天視窗了，要怎麼辦？",  # T
            "我手機相簿有私鑰截圖，俾人睇到咗",  # T (HK)
            "注记词泄露",  # homophone typo 注记词
        ],
        "ko": [
            "텔레그램에서 고객센터라는 사람이 지갑 오류 고쳐준다고 12단어 입력하라고 해서 입력했어요. 이제 어떡하죠",
            "개인키 노출됐어요 어떻게 하죠",
            "니모닉 사이트에 입력해버림",
            "메타마스크 복구문구 유출",
            "12단어 캡처해서 보냈어요",
            "상담원이라는 사람한테 시드 줬어요",
            "시드유출후자산이빠져나가요",
            "복구 구문 노출되면 토큰 승인 취소해야 하나요",
        ],
    },
    "technical-api-keys": {
        "en": [
            "i wrote a python bot with ccxt, where do I make the api key and what permissions should it get?",
            "getting invalid signature on every request",
            "HTTP 429 too many requests",
            "how to enable withdraw permission on an api key",
            "lost my api secret, can i see it again?",
            "my api key stopped working after a few months of not using it",
            "what's the rate limit for rest endpoints",
            "signature mismatch error, my server clock might be off",
        ],
        "zh": [
            "写了个量化脚本，API密钥在哪创建，给什么权限",
            "API 一直报签名错误",
            "API回傳429是什麼意思",  # T
            "API开提现权限需要什么",
            "API secret 忘记保存了还能再看吗",
            "量化機器人的API金鑰怎麼建立？",  # T
            "API Key 太耐冇用係咪會失效？",  # T (HK)
            "api频律限制是多少",  # homophone typo 频律
        ],
        "ko": [
            "파이썬으로 자동매매 돌리려는데 API 키는 어디서 만들고 권한은 뭘 줘야 해요",
            "invalid signature 에러",
            "429 에러 떠요",
            "API 출금 권한 켜는 방법",
            "시크릿키 다시 볼 수 있나요",
            "자동매매 봇 연결하려는데 키 어디서 만들어요",
            "api키가 만료됐어요",
            "api요청제한얼마예요",
        ],
    },
    "technical-app-login-error": {
        "en": [
            "Since this morning the app crashes the second I open it on my Pixel, I reinstalled once already, the site works on my laptop. Anything else I can try?",
            "app stuck on the loading screen forever",
            "android app closes by itself after the update",
            "network error in the app but the website works fine",
            "iphone app shows a blank white screen",
            "does using a VPN block the app?",
            "the app just force closes on my samsung",
            "app won't open on mobile data, only on wifi",
        ],
        "zh": [
            "从今天早上开始App一打开就闪退，已经卸载重装过一次了，电脑网页版正常，还能怎么办",
            "打开app白屏",
            "app 显示网络错误",
            "更新后打不开了",
            "手机app登陆不上，网页可以",
            "App一開就閃退",  # T
            "個app成日彈出去",  # T (HK)
            "app卡在加载页面",
        ],
        "ko": [
            "아이폰에서 앱 켜자마자 튕겨요. 삭제했다가 다시 깔아도 똑같고 PC 웹은 잘 됩니다",
            "앱 실행하면 하얀 화면만 나와요",
            "업데이트 후 앱 안 켜져요",
            "와이파이에서만 접속 안돼요",
            "앱 네트워크 오류",
            "앱 로딩만 계속돼요",
            "앱강제종료돼요",
            "app 로그인하면 error 떠요",
        ],
    },
    "trading-fees": {
        "en": [
            "what do you take per trade on spot",
            "maker vs taker fee?",
            "how do I get lower fees",
            "does paying with your token give a discount",
            "where can I see my current fee tier",
            "spot commission rate",
            "why was I charged 0.1% instead of 0.08%",
            "what volume do I need for cheaper trading fees",
        ],
        "zh": [
            "现货买卖一次扣多少手续费",
            "挂单吃单费率",
            "用平台币抵扣手续费打几折",
            "怎么降低手续费",
            "我现在是什么费率等级",
            "現貨交易手續費怎麼算？",  # T
            "Maker同Taker收幾多？",  # T (HK)
            "交易手需费为啥是0.1不是0.08",  # homophone typo 手需费
        ],
        "ko": [
            "현물 매수할 때 수수료 얼마 떼요",
            "메이커 테이커 차이",
            "수수료 할인 받는 법",
            "내 수수료 등급 어디서 확인",
            "현물 수수료율",
            "수수료 왜 0.1%나 떼가요",
            "거래량 많으면 수수료 내려가요?",
            "fee할인토큰으로내면얼마나깎여요",
        ],
    },
    "trading-liquidation": {
        "en": [
            "got rekt on a 50x ETH long last night, price barely moved and my whole margin is gone. how does that even happen?",
            "why was my position liquidated when price didn't even touch my liq price on the chart",
            "how to avoid liquidation",
            "what is maintenance margin",
            "can i add margin to my short",
            "liquidaiton fee goes where",
            "does a wick liquidate me",
            "lower leverage safer?",
        ],
        "zh": [
            "昨晚开了100倍多单，睡一觉起来爆仓了，保证金全没了，怎么回事",
            "为什么我的仓位被强平了，价格没到强平价",
            "怎么避免爆仓",
            "插針會不會被強平？",  # T
            "合约追加保证金在哪",
            "強平是看標記價格還是最新價？",  # T
            "開咗50倍合約，爆倉咗",  # T (HK)
            "报仓了为什么",  # homophone typo 报仓
        ],
        "ko": [
            "어제 밤에 비트 숏 20배 들어갔는데 자고 일어나니 청산당했어요. 가격 조금밖에 안 움직였는데 왜 이런거죠",
            "강제청산 피하는 법",
            "마크 가격이 뭐예요",
            "증거금 추가하는 법",
            "레버리지 낮추면 청산 덜 되나요",
            "꼬리 달렸는데 청산 안됐어요 왜죠",
            "청산 수수료 어디로 가요",
            "선물 롱 포지션 청산가격 확인",
        ],
    },
    "trading-order-not-filled": {
        "en": [
            "I put a limit buy for SOL at 120 two days ago, the chart dipped to 120.1 and it never filled, and my USDT is stuck in it. What is going on?",
            "order partially filled, rest stuck",
            "buy order not executing even though price reached it",
            "my USDT is locked in an order, how to get it back",
            "how do I buy instantly",
            "limit buy been sitting for 3 days",
            "cancel open order to free funds",
            "why only half of my order went through",
        ],
        "zh": [
            "我挂了个BTC的买单，价格都碰到了还是显示未成交，钱还被冻着，当前委托里一直挂着",
            "限价单只成交了一部分",
            "价格到了为什么没成交",
            "资金被冻结在挂单里",
            "怎么马上买入",
            "掛單一直沒成交怎麼辦？",  # T
            "限價單部分成交，其餘點處理",  # T (HK)
            "买单挂了三天没吃到",
        ],
        "ko": [
            "리플 지정가로 매수 걸어놨는데 그 가격 찍었는데도 미체결로 남아있어요. 원화도 묶여있고요",
            "부분체결만 됐어요",
            "가격 도달했는데 미체결",
            "미체결 주문 취소 방법",
            "주문에 묶인 돈 어떻게 풀어요",
            "바로 사려면 어떻게 해요",
            "매수주문3일째안걸림",
            "limit order 안 채워져요",
        ],
    },
    "withdrawal-fees": {
        "en": [
            "how much does it cost to withdraw USDT",
            "minimum withdrawal for BTC",
            "why is ERC20 withdrawal so expensive",
            "cheapest network to send usdt out",
            "is sending to another user on this exchange free",
            "withdrawal fee changed since yesterday",
            "is the withdraw fee a percentage",
            "fee to move eth to my metamask? it shows like 0.003 on the withdraw screen, why so much",
        ],
        "zh": [
            "提U要扣多少手续费",
            "USDT 最少提多少",
            "ERC20 提现为什么这么贵",
            "提U走trc20还是bep20还是sol链最便宜",
            "站內轉帳要收手續費嗎？",  # T
            "提領手續費是固定的嗎？",  # T
            "提幣最低要幾多？",  # T (HK)
            "体现手续费怎么这么高",  # homophone typo 体现
        ],
        "ko": [
            "테더 출금하면 수수료 얼마 빠져요",
            "최소 출금 수량",
            "이더리움 네트워크 출금 수수료 왜 비싸요",
            "제일 싼 네트워크",
            "같은 거래소로 보내면 수수료 있어요",
            "출금수수료가 어제랑 달라요",
            "트론으로 출금하면 이더리움 네트워크보다 싸요?",
            "usdt 출금fee",
        ],
    },
    "withdrawal-limits": {
        "en": [
            "how much can I pull out per day",
            "how to raise my withdraw limit",
            "can't withdraw more than 2 BTC a day",
            "when does the limit reset",
            "is the limit per coin or total",
            "level 2 limit",
            "i need to withdraw 150 BTC worth in one day and the cap won't let me",
            "withdrawl cap",
        ],
        "zh": [
            "一天最多能提多少币",
            "提现额度怎么提高",
            "一天最多只能提2个BTC吗",
            "额度什么时候恢复",
            "额度是每个币分开算吗",
            "提領上限怎麼調高？",  # T
            "每日出金上限係幾多？",  # T (HK)
            "提现限额是按自然日还是24小时",
        ],
        "ko": [
            "하루에 최대 얼마까지 출금돼요",
            "한도 상향 방법",
            "하루 2비트 이상 출금 안되나요",
            "한도 언제 초기화돼요",
            "코인별로 한도 따로인가요",
            "신분증 인증까지 끝내면 하루 출금한도 얼마로 늘어나요",
            "출금한도늘리고싶어요",
            "withdraw limit 올리기",
        ],
    },
    "withdrawal-pending": {
        "en": [
            "I withdrew 2 ETH to my brand new Ledger address about 3 hours ago, the withdraw history still says Under Review and there is no hash yet. Is something wrong?",
            "withdraw stuck on under review",
            "why is my first withdrawal to a new wallet taking so long",
            "sent out ETH, status processing, no txid yet",
            "how long do withdrawals usually take",
            "large withdrawal stuck in review",
            "withdrawal pending 8 hours",
            "network congested withdrawal waiting",
        ],
        "zh": [
            "昨天第一次把币提到新买的冷钱包，提现记录里一直显示审核中，也没有哈希，正常吗",
            "提币处理中好几个小时了",
            "第一次提到新地址为什么这么久",
            "提现多久到账",
            "提幣紀錄裡看不到TxID",  # T
            "提領一直顯示處理中",  # T
            "提幣等咗成日都未到",  # T (HK)
            "提现审和中",  # homophone typo 审和
        ],
        "ko": [
            "메타마스크로 처음 이더 출금했는데 출금내역에 계속 대기 중이라고 나오고 txid도 없어요",
            "출금 심사중 얼마나 걸려요",
            "새 주소로 처음 출금하는데 안 나가요",
            "출금 처리중 몇시간째",
            "출금 txid가 안 보여요",
            "큰 금액 출금이 심사 중",
            "출금대기6시간넘음",
            "withdraw pending 계속",
        ],
    },
    "withdrawal-wrong-address": {
        "en": [
            "withdrew to the wrong address, pls help",
            "withdrew usdt on BSC (bep-20) to my Ledger ETH address which only takes erc20, is it gone?",
            "can you cancel my withdrawal, I typed the wrong address",
            "My withdrawal went out on the wrong network, can you reverse it?",
            "withdrew to another exchange wrong chain",
            "typo in address when withdrawing",
            "sent btc to my friend's wrong wallet, how do i get it back",
            "withdrew to an address that belongs to your exchange by mistake",
        ],
        "zh": [
            "提币地址填错了",
            "提領時選錯網路了，還救得回來嗎",  # T
            "USDT 用币安链BEP20提到了只支持以太坊ERC20的地址",
            "能撤回我的提现吗，地址写错了",
            "提币的时候转错链了，能找回吗",
            "提領地址打錯了",  # T
            "提幣揀錯網絡，仲攞唔攞得返？",  # T (HK)
            "提币打错地止",  # homophone typo 地止
        ],
        "ko": [
            "출금 주소 잘못 입력했어요",
            "네트워크 잘못 선택해서 출금",
            "바이낸스 스마트체인으로 출금했는데 받는 주소가 이더리움 ERC20 전용이었어요",
            "오출금 복구",
            "출금 취소 가능해요? 주소 틀림",
            "출금을 다른 거래소 주소로 잘못 보냄",
            "출금주소잘못넣고보냄",
            "withdraw 잘못된 체인으로 함",
        ],
    },
}

# Questions no article in kb/ answers. Most are near-topic (another exchange's feature, tax,
# price predictions, staking / savings / loans / cards, account matters no article covers,
# coins or networks no article answers about); some are off-topic.
UNANSWERABLE = {
    "en": [
        "How do I stake ETH here and what's the APY?",
        "can you give me a tax report of my 2023 trades for my accountant",
        "will bitcoin hit 200k this year",
        "is SOL a good buy right now or should I wait for a dip",
        "how do I change the email address on my account",
        "I got a new phone number, how do I update the one registered on my profile?",
        "what's the referral bonus if I invite friends",
        "do you offer a crypto debit card I can use in shops",
        "crypto loan with BTC as collateral, what LTV do you allow?",
        "Binance has Launchpool, do you have anything like that?",
        "P2P seller didn't release the USDT after I paid him by bank",
        "how is the funding rate calculated on perpetuals and when is it charged",
        "can I create sub accounts for my team members",
        "how do I convert all my tiny leftover balances into one coin",
        "do you publish proof of reserves",
        "how do I copy a top trader's positions automatically",
        "do you have options trading",
        "how do I open a corporate account for my company",
        "my father passed away and had crypto with you, how can the family claim it",
        "is your exchange licensed in Singapore",
        "can I cash out straight to PayPal",
        "how do I set up the built-in grid bot, what price range should I pick",
        "whats the weather in seoul tomorrow",
        "write me a short poem about dogecoin",
        "who won the champions league final",
        "are you guys hiring backend engineers",
        "when is the next ethereum network upgrade",
        "how do I bridge USDC from Arbitrum to Base",
        "is kaspa mining still profitable on a home GPU",
        "how do I change my nickname and avatar",
        "is there a dark mode on the website",
        "Upbit pays interest on idle KRW, do you pay anything on cash balances?",
        "what interest do I get on flexible USDT savings",
        "can I buy crypto with Apple Pay or a credit card",
    ],
    "zh": [
        "ETH质押年化多少",
        "炒币赚的钱要交税吗，你们能出税单吗",
        "比特币年底能涨到多少",
        "现在抄底SOL合适吗",
        "怎么换绑邮箱",
        "手机号换了，怎么改绑新号码",
        "邀请好友返佣怎么算",
        "你们有U卡吗，能在外面刷的那种",
        "币贷质押率多少",
        "有没有类似币安launchpool的挖矿活动",
        "C2C商家收了钱不放币",
        "永续合约资金费率怎么算",
        "怎么开子账户",
        "小额资产能一键兑换吗",
        "你们有储备金证明吗",
        "跟单交易怎么开",
        "有期权交易吗",
        "公司可以开机构账户吗",
        "家人去世了账户里的币能继承吗",
        "可以直接提现到支付宝吗",
        "网格机器人怎么设置区间",
        "今天天气怎么样",
        "帮我写首关于比特币的诗",
        "你们招不招客服",
        "以太坊下次升级什么时候",
        "USDC 怎么从 Arbitrum 跨链到 Base",
        "派币挖出来的怎么提到钱包",
        "狗狗币还能买吗，会不会归零",
        "有冇活期理財？利息幾多？",  # T (HK)
        "要怎麼修改暱稱和頭像？",  # T
        "可以用信用卡買幣嗎？",  # T
        "你哋喺香港有冇牌照？",  # T (HK)
        "網站可以切換深色模式嗎？",  # T
        "交易所晚上几点系统维护",
    ],
    "ko": [
        "이더 스테이킹 이자 얼마예요",
        "코인 세금 신고 자료 뽑을 수 있나요",
        "비트코인 올해 얼마까지 갈까요",
        "지금 솔라나 사도 될까요",
        "이메일 주소 변경 방법",
        "휴대폰 번호 바꿨는데 등록된 번호 변경하려면",
        "추천인 코드 보상 얼마예요",
        "코인으로 결제되는 체크카드 있나요",
        "비트코인 담보 대출 되나요",
        "바이낸스 런치풀 같은 거 있어요?",
        "P2P 거래 상대가 입금 확인하고도 코인을 안 보내요",
        "펀딩비 계산 방법",
        "서브 계정 만들 수 있나요",
        "소액 자산 한번에 전환하는 기능 있어요",
        "준비금 증명 공개하나요",
        "카피트레이딩 어떻게 해요",
        "옵션 거래 지원해요?",
        "법인 계정 개설",
        "가족이 사망했는데 코인 상속 절차가 어떻게 되나요",
        "토스로 바로 출금 돼요?",
        "그리드 봇 범위 설정 추천해주세요",
        "내일 서울 날씨",
        "코인 관련 시 하나 써줘",
        "채용 공고 있나요",
        "이더리움 다음 업그레이드 언제",
        "아비트럼에서 베이스로 USDC 브릿지하는 법",
        "업비트는 예치금 이용료 주던데 여기도 줘요?",
        "닉네임 변경",
        "다크모드 있어요?",
        "신용카드로 코인 살 수 있어요",
        "김프 지금 몇 퍼센트예요",
        "리플 소송 결과 어떻게 됐어요",
        "정기 점검시간 언제예요",
    ],
}


def kb_slugs():
    """The article ids (slugs) in kb/, with the languages each has."""
    slugs = {}
    for name in sorted(os.listdir(KB_DIR)):
        m = re.fullmatch(r"([a-z0-9-]+)\.(zh|en|ko)\.md", name)
        if m:
            slugs.setdefault(m.group(1), set()).add(m.group(2))
    return slugs


def norm(q):
    """Key for the duplicate check: case, spaces and punctuation do not make two questions differ."""
    return re.sub(r"[\s\W_]+", "", q.lower())


def build():
    errors = []
    slugs = kb_slugs()
    for slug in slugs:
        if slug not in Q:
            errors.append("article %s has no questions" % slug)
    seen = {}
    ans = []
    for slug in sorted(Q):
        if slug not in slugs:
            errors.append("unknown article %s" % slug)
            continue
        for lang in LANGS:
            qs = Q[slug].get(lang, [])
            if len(qs) < MIN_PER_ARTICLE:
                errors.append("%s/%s: %d questions, need >= %d" % (slug, lang, len(qs), MIN_PER_ARTICLE))
            for q in qs:
                k = norm(q)
                if not k or k in seen:
                    errors.append("repeated or empty question: %r (also %s)" % (q, seen.get(k)))
                seen[k] = slug
                ans.append({"q": q, "lang": lang, "article": slug})
    unans = []
    for lang in LANGS:
        qs = UNANSWERABLE.get(lang, [])
        if len(qs) < MIN_UNANSWERABLE:
            errors.append("unanswerable/%s: %d questions, need >= %d" % (lang, len(qs), MIN_UNANSWERABLE))
        for q in qs:
            k = norm(q)
            if not k or k in seen:
                errors.append("repeated or empty question: %r (also %s)" % (q, seen.get(k)))
            seen[k] = None
            unans.append({"q": q, "lang": lang, "article": None, "split": "holdout"})
    for row in ans + unans:
        if row["q"] != row["q"].strip() or "\n" in row["q"]:
            errors.append("stray whitespace in %r" % row["q"])
    return ans, unans, errors


def render(rows):
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode("utf-8")


def main(argv):
    check = argv[1:] == ["--check"]
    if argv[1:] and not check:
        sys.stderr.write("usage: gen_holdout3.py [--check]\n")
        return 2
    ans, unans, errors = build()
    if errors:
        for e in errors:
            sys.stderr.write("gen_holdout3: %s\n" % e)
        return 1
    outs = ((OUT_ANS, render(ans)), (OUT_UNANS, render(unans)))
    if check:
        bad = 0
        for path, data in outs:
            try:
                with open(path, "rb") as f:
                    cur = f.read()
            except OSError:
                cur = None
            if cur != data:
                sys.stderr.write("gen_holdout3: %s differs from the generator\n" % os.path.relpath(path, ROOT))
                bad = 1
        return bad
    for path, data in outs:
        with open(path, "wb") as f:
            f.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
