#!/usr/bin/env python3
"""Write the kb_dev7 / kb_unanswerable7 question sets (issue #17 item 4, round 10).

Hand-written lists, deterministic output. Each question goes to the dev file or the
holdout file by the sha256 of its text (70 / 30). See README.md next to this file.

    python3 data/kb/questions7/gen7.py          # write the four files
    python3 data/kb/questions7/gen7.py --check  # exit 1 if the files differ
"""
import hashlib
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
OUT = {
    ("ans", "dev"): "tests/data/kb_dev7.jsonl",
    ("ans", "holdout"): "tests/data/kb_dev7_holdout.jsonl",
    ("una", "dev"): "tests/data/kb_unanswerable7.jsonl",
    ("una", "holdout"): "tests/data/kb_unanswerable7_holdout.jsonl",
}
LANGS = ("zh", "zh-Hant", "en", "ko")
MIN_ANS = {"zh": 8, "zh-Hant": 4, "en": 7, "ko": 7}
MIN_UNA = {"zh": 60, "zh-Hant": 30, "en": 60, "ko": 60}

# article -> language -> questions. Each is answered by that article alone.
ANS = {}

ANS["account-close"] = {
    "en": [
        "delete acct permanently",
        "Close account button greyed out: 'Please withdraw all assets first'",
        "my mum wants to stop using the exchange for good and have her profile removed, how do we do that for her",
        "after i close it can i sign up again with the same passport right away",
        "if i leave the platform how long do you keep my kyc documents",
        "want to leave, but still have an open futures position and a few coins left - what do i do first",
    ],
    "ko": [
        "회원탈퇴 방법",
        "탈퇴 버튼 누르면 '잔고가 남아 있습니다' 떠요",
        "엄마 계정 없애드리고 싶은데 어디서 해요? 설정 메뉴에서 못 찾겠어요",
        "탈퇴하고 같은 명의로 바로 재가입 되나요",
        "계정 지우면 내 신분증 정보도 다 삭제돼요?",
        "거래소 그만 쓰려는데 미체결 주문이랑 선물 포지션 남아있으면 탈퇴 안 돼요?",
    ],
}

ANS["account-password-reset"] = {
    "en": [
        "forgot pw",
        "'Incorrect password. Too many attempts, account locked' how long do i wait",
        "helping my dad, he can't remember what he types to sign in but still has his email inbox",
        "paswrod reset steps with 2fa on",
        "forgot login password, can i reset it with my phone number instead of email",
        "typed wrong login 5 times now locked out",
    ],
    "ko": [
        "비번 까먹음",
        "'비밀번호가 일치하지 않습니다' 계속 떠요 새로 만들고 싶어요",
        "아버지 로그인 비밀번호 기억 안 나신대요 이메일은 있어요",
        "비밀번호 여러 번 틀려서 잠김 몇 분 기다려야 돼요",
        "비밀번호 재설정할 때 OTP 코드도 넣어야 하나요",
        "비밀번호 찾기 누르고 휴대폰 인증번호 입력하는 거 맞죠?",
    ],
}

ANS["account-register"] = {
    "en": [
        "sign up steps",
        "6 digit code never arrives in my inbox when creating account",
        "signup code expired before i typed it",
        "my mom wants to open an account with her mobile number, she has no email",
        "can my wife and I share one account or does each person need their own",
        "regsiter resend button greyed out",
    ],
    "ko": [
        "가입 방법",
        "회원가입 인증메일 안 와요 스팸함도 봤어요",
        "가입 인증번호 10분 지나서 만료됐어요",
        "부모님 휴대폰 번호로 가입 가능한가요 이메일이 없으세요",
        "한 사람이 계정 두 개 만들어도 돼요?",
        "재전송 버튼이 안 눌려요 회원가입 중",
    ],
}

ANS["compliance-account-restricted"] = {
    "en": [
        "aml review documents",
        "email says 'Your account is under compliance review' what do they need",
        "asked for payslips and bank statements to show where my money came from",
        "my father's account was limited after he moved a big sum from his savings, they want proof, how long does it take",
        "can i send the source of funds papers in live chat",
        "why won't you tell me the reason my account is under review",
    ],
    "ko": [
        "자금세탁방지 심사 서류",
        "'컴플라이언스 검토 중' 메일 왔는데 출금도 거래도 막혔어요",
        "급여명세서랑 통장 거래내역 내라고 하네요 왜요",
        "큰돈 입금하고 나서 계정 제한 걸림 며칠 걸려요",
        "거래 목적 설명하라는데 어디로 보내요 채팅으로 보내도 돼요?",
        "심사 이유를 왜 안 알려주나요",
    ],
}

ANS["compliance-kyc-verification"] = {
    "en": [
        "kyc rejected glare",
        "'Verification failed: document expired' now what",
        "selfie step keeps failing for my grandma, face not recognised",
        "is a drivers licence accepted for id check",
        "identity check pending 20 hours",
        "failed verification 5 times cant resubmit",
    ],
    "ko": [
        "신분증 인증 거절 사진 흐림",
        "얼굴 인증이 계속 실패해요",
        "운전면허증으로 본인인증 되나요 여권 없어요",
        "신원인증 몇 분 걸려요 벌써 하루 지남",
        "계정 이름이랑 신분증 이름이 달라서 반려됐어요",
        "kyc 5번 실패 더 이상 제출 안 돼요",
    ],
}

ANS["deposit-fiat-bank"] = {
    "en": [
        "bank transfer deposit time",
        "wire from my husband's account got returned",
        "forgot to add the reference code on my bank transfer",
        "international wire sent 2 days ago not in account",
        "first cash top up on hold 72h can't withdraw it",
        "how do i fund my account with local money from my bank",
    ],
    "ko": [
        "원화 입금 방법",
        "가족 명의 계좌로 이체했더니 반환됐어요",
        "입금할 때 참조 코드 안 적었어요",
        "은행 이체 몇 분 만에 들어와요 주말에도?",
        "첫 원화 입금 후 출금이 72시간 막혀 있어요",
        "해외 송금으로 입금하면 며칠 걸려요",
    ],
}

ANS["deposit-memo-missing"] = {
    "en": [
        "xrp no destination tag",
        "sent XLM forgot memo",
        "'memo required' - I left it blank on a TON transfer to you",
        "helping my dad: he sent ATOM to your address but only pasted the long string, not the number under it",
        "recovery request memo how many days",
        "eos deposit wrong tag number",
    ],
    "ko": [
        "리플 태그 없이 입금",
        "XLM 메모 빼먹고 보냄",
        "톤코인 메모 잘못 입력했어요 입금 안 들어옴",
        "주소만 복사하고 데스티네이션 태그는 안 넣었어요",
        "메모 누락 입금 복구 신청 어디서",
        "EOS 입금할 때 메모란 비워둠 찾을 수 있나요",
    ],
}

ANS["deposit-not-credited"] = {
    "en": [
        "btc deposit not arrived",
        "usdt trc20 deposit stuck at 14/20 confirmations",
        "txid says success on explorer but balance still 0 after 2 hours",
        "sent USDT on polygon to my TRC20 deposit address",
        "transfered eth from another exchange, nothing shows here",
        "coins left my ledger hours ago, deposit history empty",
    ],
    "ko": [
        "코인 입금 안 들어옴",
        "이더 입금 컨펌 몇 개 필요해요",
        "트랜잭션 성공인데 잔고 그대로예요 한 시간 넘음",
        "다른 거래소에서 USDT 보냈는데 아직 미입금",
        "입금 주소 네트워크랑 다른 네트워크로 보냈어요 지원 안 하는 체인",
        "txid 확인했는데 입금 내역에 없어요",
    ],
}

ANS["general-contact-support"] = {
    "en": [
        "live chat",
        "talk to human",
        "where do i see my ticket status",
        "my mother only reads Korean, is there support in Korean",
        "is support open at night / weekends",
        "what info should i put in a ticket to get a faster answer",
    ],
    "ko": [
        "상담원 연결",
        "실시간 채팅 어디 있어요",
        "문의 넣었는데 답변 언제 와요",
        "내 문의 처리 상태 확인",
        "고객센터 24시간이에요?",
        "문의할 때 UID 같이 적어야 하나요",
    ],
}

ANS["general-listing-airdrop"] = {
    "en": [
        "new listing announcement where",
        "delisted coin how long can i withdraw",
        "airdrop not received after snapshot",
        "a guy on telegram says he can get our token listed for 5 BTC, legit?",
        "trading stopped for a coin i hold, what happens to my tokens",
        "am i eligible for the airdrop",
    ],
    "ko": [
        "신규 상장 공지 언제",
        "상폐 코인 출금 기한",
        "에어드랍 스냅샷 끝났는데 안 들어와요",
        "상장 보장해준다고 수수료 달라는 사람 있어요",
        "상장폐지 되면 내 코인 어떻게 돼요",
        "에드랍 지급 며칠 걸려요",
    ],
}

ANS["security-2fa-reset"] = {
    "en": [
        "lost phone google authenticator",
        "new iphone authenticator codes gone",
        "restore 16 character backup key",
        "reset 2fa selfie with id how long",
        "my dad dropped his phone in the sea and now the login asks for the authenticator code",
        "uninstalled authenticator by accident",
    ],
    "ko": [
        "구글 otp 분실",
        "폰 바꿨더니 OTP 앱 코드가 없어요",
        "OTP 백업키 16자리 저장 안 해놨어요",
        "OTP 초기화 신분증 들고 셀카 심사 며칠",
        "어머니 휴대폰 고장나서 인증 앱 못 써요 로그인 안 됨",
        "2단계 인증 해제하는 법",
    ],
}

ANS["security-account-hacked"] = {
    "en": [
        "unknown login new device",
        "someone changed my password and email, wasn't me",
        "withdrawal i didnt make",
        "freeze account now",
        "email alert: login from Brazil. I live in Canada",
        "my mother's account shows trades she never made, what do we do first",
    ],
    "ko": [
        "계정 해킹 당함",
        "모르는 기기에서 로그인 알림 왔어요",
        "내가 안 한 출금이 있어요",
        "계정 동결 어떻게 해요 급해요",
        "제가 안 넣은 주문이 체결돼 있어요",
        "동결한 계정 다시 푸는 방법",
    ],
}

ANS["security-phishing"] = {
    "en": [
        "fake support telegram",
        "anti phishing code",
        "how do i check a website is really yours",
        "caller says he's from your security team and wants my SMS code",
        "they told me to move my funds to a safe account",
        "my aunt tapped a link in an SMS and typed her login there",
    ],
    "ko": [
        "피싱 사이트 구별",
        "고객센터라고 전화 와서 OTP 번호 불러달래요",
        "안전 계좌로 옮기라는 문자 받았어요",
        "텔레그램 관리자 진짜인지 확인",
        "피싱 방지 코드 설정",
        "가짜 사이트에 아이디 비번 입력해버렸어요",
    ],
}

ANS["security-secret-exposed"] = {
    "en": [
        "seed phrase leaked",
        "pasted my 12 words into a website",
        "someone has my private key",
        "oops i put my 24 words in the chat to your agent",
        "revoke approvals old wallet",
        "my son photographed the recovery sheet and it got synced to the cloud, what do we do",
    ],
    "ko": [
        "시드 구문 유출",
        "니모닉 12단어 사이트에 입력했어요",
        "개인키 다른 사람한테 보냈어요",
        "복구 구문 사진 찍어서 공유됨",
        "지갑 털릴 것 같아요 새 지갑으로 옮겨야 하나요",
        "예전 지갑 토큰 승인 취소",
    ],
}

ANS["technical-api-keys"] = {
    "en": [
        "api 429",
        "{\"code\":-1022,\"msg\":\"Signature for this request is not valid.\"}",
        "ip whitelist api withdrawal permission",
        "api secret lost only shown once",
        "api key stopped working after 3 months unused",
        "bot keeps getting IP banned, request weight per minute?",
    ],
    "ko": [
        "api 키 발급",
        "API invalid signature 에러",
        "HTTP 429 too many requests 떠요",
        "api 출금 권한 ip 화이트리스트",
        "자동매매 봇 연결 시크릿 키 다시 보기",
        "API 타임스탬프 오류 서버 시간",
    ],
}

ANS["technical-app-login-error"] = {
    "en": [
        "app crash on open",
        "'Network error, please try again' on the android app",
        "blank white screen after update",
        "my dad's phone: the app closes right away, what should he try",
        "clear cache android steps",
        "app won't load on hotel wifi, vpn?",
    ],
    "ko": [
        "앱 튕김",
        "앱 켜자마자 꺼져요",
        "업데이트 후 하얀 화면만 나와요",
        "와이파이에서 앱 접속 안 돼요",
        "앱 캐시 삭제 방법",
        "아빠 폰에서 앱 오류 메시지 뜨고 안 열려요",
    ],
}

ANS["trading-fees"] = {
    "en": [
        "maker taker fee",
        "why 0.1% fee on spot",
        "vip tier 30 day volume",
        "platform token fee discount",
        "where can i see my fee rate",
        "why did my trade pay 0.10% instead of 0.08%",
    ],
    "ko": [
        "거래 수수료 얼마",
        "메이커 테이커 차이",
        "수수료 등급 올리는 법",
        "플랫폼 코인으로 수수료 내면 할인 돼요?",
        "현물 매수했는데 수수료 0.1% 빠짐",
        "내 수수료율 어디서 봐요",
    ],
}

ANS["trading-liquidation"] = {
    "en": [
        "liquidated futures",
        "got rekt, 50x long closed automatically",
        "liq price mark price or last price",
        "price wicked past my liq price for a second but position survived, why",
        "add margin to avoid liquidation",
        "liquidation fee insurance fund",
    ],
    "ko": [
        "선물 청산 당함",
        "레버리지 높였더니 포지션 강제 종료",
        "청산가 계산 마크 가격",
        "증거금 추가하는 법 청산 피하려면",
        "순간 꼬리 때문에 청산되나요",
        "청산 수수료 어디로 가요",
    ],
}

ANS["trading-order-not-filled"] = {
    "en": [
        "limit order not filled",
        "only half my buy order went through, rest still open",
        "balance frozen in open orders",
        "price touched my limit but no fill",
        "buy instantly instead of waiting",
        "cancel open order to release funds",
    ],
    "ko": [
        "지정가 미체결",
        "부분 체결되고 나머지 남아 있어요",
        "주문에 묶인 잔고 풀기",
        "가격 도달했는데 체결이 안 됐어요",
        "바로 사고 싶어요 시장가",
        "매도 주문 안 팔리고 계속 대기",
    ],
}

ANS["withdrawal-fees"] = {
    "en": [
        "usdt trc20 fee",
        "min withdrawal btc",
        "why is the fee the same for 10 and 1000 usdt",
        "internal transfer to another user free?",
        "received less than i withdrew",
        "erc20 gas too expensive, cheaper network",
    ],
    "ko": [
        "출금 수수료",
        "최소 출금 수량 usdt",
        "트론 네트워크 수수료 더 싸요?",
        "받은 금액이 출금한 것보다 적어요",
        "거래소 내부 이체 수수료 있어요",
        "출금 수수료가 갑자기 올랐어요 가스비",
    ],
}

ANS["withdrawal-limits"] = {
    "en": [
        "daily withdraw limit",
        "'Amount exceeds your 24h withdrawal limit'",
        "raise limit level 2",
        "2 BTC per day too low",
        "when does the limit reset",
        "is the limit per coin or for all coins together",
    ],
    "ko": [
        "출금 한도",
        "일일 출금 한도 초과 떠요",
        "출금 한도 상향",
        "레벨 1 하루 2 BTC 너무 적어요",
        "한도 언제 초기화돼요 자정?",
        "코인마다 한도 따로예요?",
    ],
}

ANS["withdrawal-pending"] = {
    "en": [
        "withdrawal pending 3 hours",
        "status 'Under review' first withdrawal to a new address",
        "no txid yet, withdraw processing",
        "network congested withdrawal stuck",
        "pending over 6 hours what do i do",
        "helping my mom: she moved her BTC out to her own wallet this morning and it still says processing",
    ],
    "ko": [
        "출금 대기 중",
        "출금 심사 중 몇 시간째",
        "출금 처리 중인데 txid 없어요",
        "처음 보내는 주소라 출금이 멈춘 것 같아요",
        "출금 6시간 넘게 안 나가요",
        "출금 완료 언제 돼요 네트워크 혼잡?",
    ],
}

ANS["withdrawal-wrong-address"] = {
    "en": [
        "sent to wrong address",
        "withdrew usdt bep20 to an erc20 only address",
        "reverse a completed withdrawal",
        "typo in address when withdrawing, can you get it back",
        "picked the wrong chain on the withdraw screen",
        "withdrew to my own deposit address here on the wrong network",
    ],
    "ko": [
        "잘못된 주소로 출금",
        "네트워크 잘못 선택해서 출금함",
        "출금 취소 되돌리기 가능?",
        "주소 한 글자 틀리게 보냈어요",
        "다른 거래소 주소로 잘못 보냄 찾을 수 있나요",
        "오출금 복구",
    ],
}

# Chinese: six simplified and three traditional (Taiwan / Hong Kong wording) per article.
ZH = {}

ZH["account-close"] = {
    "zh": [
        "注销账号",
        "点注销提示“账户内仍有资产”",
        "帮我妈把这个交易所的号彻底删掉，要怎么弄",
        "销户以后还能用同一张身份证再注册吗",
        "不玩了，合约还有仓位能直接销户吗",
        "删号后我的kyc资料会保留多久",
    ],
    "zh-Hant": [
        "帳號怎麼註銷 不想用了",
        "刪除帳戶之後 30 天內可以重新開戶嗎",
        "點樣 delete account，仲有啲幣喺入面",
    ],
}

ZH["account-password-reset"] = {
    "zh": [
        "忘记密马",
        "提示“密码错误次数过多，账户已锁定”要等多久",
        "帮我爸找回登录密码，他只记得邮箱",
        "重置密码要输谷歌验证码吗",
        "用手机号找回登录密码步骤",
        "登录密码输错5次被锁了",
    ],
    "zh-Hant": [
        "忘記密碼 登入不了",
        "密碼輸錯太多次帳號被鎖住 要等多久",
        "唔記得登入密碼點重設",
    ],
}

ZH["account-register"] = {
    "zh": [
        "怎么注册",
        "注册收不到邮箱验证码 垃圾箱也没有",
        "注册验证码过期了",
        "帮我妈用手机号注册，她没有邮箱",
        "一个人能注册两个号吗",
        "重新发送按钮点不了 注册页面",
    ],
    "zh-Hant": [
        "註冊 收不到簡訊驗證碼",
        "新用戶 開戶步驟",
        "註冊嘅6位數驗證碼幾耐會過期",
    ],
}

ZH["compliance-account-restricted"] = {
    "zh": [
        "反洗钱审查 要什么材料",
        "收到邮件说账户在合规审查中，不能提现也不能交易",
        "让我提供工资单和银行流水证明钱的来源",
        "大额转入后账户被限制了 多久能解除",
        "资金来源证明可以直接在聊天里发吗",
        "为什么不告诉我审查的具体原因",
    ],
    "zh-Hant": [
        "帳戶被限制 要我交資金來源證明",
        "合規審查要幾耐先完成",
        "要我說明交易用途 文件在哪裡上傳",
    ],
}

ZH["compliance-kyc-verification"] = {
    "zh": [
        "实名认证被拒 照片反光",
        "提示“证件已过期，认证失败”",
        "帮奶奶做人脸识别一直不通过",
        "驾照可以做kyc吗",
        "身份认证审核中一天了还没好",
        "认证失败5次了不能再提交",
    ],
    "zh-Hant": [
        "身分證認證一直被退件",
        "實名認證要多久 顯示審核中",
        "KYC 自拍過唔到 點算",
    ],
}

ZH["deposit-fiat-bank"] = {
    "zh": [
        "银行卡充值法币多久到账",
        "用我老公的银行卡汇款被退回了",
        "转账时忘记填附言编码",
        "国际电汇两天了还没到",
        "第一次法币充值后72小时不能提现",
        "怎么用银行转账给账户充钱",
    ],
    "zh-Hant": [
        "銀行轉帳入金 多久會到",
        "用朋友的戶口入金被退回",
        "台幣入金 忘記填備註碼",
    ],
}

ZH["deposit-memo-missing"] = {
    "zh": [
        "xrp没填tag",
        "充XLM忘了写memo",
        "TON充值备注填错了没到账",
        "帮我爸充ATOM，他只复制了地址，下面那串数字没填",
        "漏填备注 找回申请要几天",
        "EOS 充币 memo 空着没填 还能找回吗",
    ],
    "zh-Hant": [
        "入金 XRP 沒有填 Tag",
        "瑞波幣忘記填標籤 錢不見了",
        "充幣冇填 memo 點拎返",
    ],
}

ZH["deposit-not-credited"] = {
    "zh": [
        "充币没到账",
        "usdt trc20 确认数卡在14/20",
        "区块浏览器显示成功，余额还是0，过了2小时",
        "用polygon网络把USDT转到了我的TRC20充值地址",
        "从别的交易所提ETH过来，这边没显示",
        "ETH要多少个确认才到账",
    ],
    "zh-Hant": [
        "入金 USDT 沒到帳",
        "從錢包轉幣過來一小時了還沒入帳",
        "BTC 入金 要幾多個確認",
    ],
}

ZH["general-contact-support"] = {
    "zh": [
        "转人工",
        "在线客服在哪",
        "工单进度在哪看",
        "我妈只会说韩语，有韩语客服吗",
        "客服晚上有人吗",
        "提交工单要写哪些信息处理快一点",
    ],
    "zh-Hant": [
        "怎麼聯絡真人客服",
        "客服多久會回覆 工單",
        "客服係咪24小時都有人",
    ],
}

ZH["general-listing-airdrop"] = {
    "zh": [
        "上币公告在哪看",
        "下架的币还能提多久",
        "快照后没收到空投",
        "有人说交钱就能保证上币，靠谱吗",
        "我持有的币停止交易了怎么办",
        "空投几天内发放",
    ],
    "zh-Hant": [
        "新幣上架公告 什麼時候",
        "下架後 90 天內可以提領嗎",
        "空投冇收到 點解",
    ],
}

ZH["security-2fa-reset"] = {
    "zh": [
        "谷歌验证器丢了",
        "换了新手机 谷歌验证码没了",
        "16位备份密钥恢复验证器",
        "重置2fa 手持身份证自拍 要审核几天",
        "帮我爸弄：他手机掉水里了，登录要动态码",
        "不小心卸载了验证器app",
    ],
    "zh-Hant": [
        "手機遺失 Google 驗證器 登入不了",
        "重設二步驟驗證",
        "換咗新電話 2FA 冇咗",
    ],
}

ZH["security-account-hacked"] = {
    "zh": [
        "账号被盗",
        "有陌生设备登录我的账户",
        "不是我操作的提现",
        "怎么马上冻结账户",
        "收到异地登录提醒，不是我本人",
        "我妈的账户里有她没下过的单",
    ],
    "zh-Hant": [
        "帳號被盜 有不明登入",
        "有人改了我的密碼同電郵",
        "凍結咗嘅帳戶點樣解凍",
    ],
}

ZH["security-phishing"] = {
    "zh": [
        "冒充客服 telegram",
        "防钓鱼码怎么设置",
        "怎么判断网站是不是官方的",
        "有人打电话说是你们安全部门，要我的短信验证码",
        "对方让我把钱转到安全账户",
        "我姨点了短信里的链接，在那个页面输了账号密码",
    ],
    "zh-Hant": [
        "釣魚網站 怎麼分辨",
        "有人自稱客服叫我給 2FA 驗證碼",
        "收到電郵話要驗證帳號 係咪詐騙",
    ],
}

ZH["security-secret-exposed"] = {
    "zh": [
        "助记词泄露了",
        "把12个单词粘贴到一个网站上了",
        "私钥发给别人了",
        "不小心把助记词发给了你们客服",
        "旧钱包授权怎么撤销",
        "儿子把写着恢复短语的纸拍照传到网盘了",
    ],
    "zh-Hant": [
        "助記詞外洩 怎麼辦",
        "私鑰俾人攞咗",
        "錢包可能被盜 要轉去新錢包嗎",
    ],
}

ZH["technical-api-keys"] = {
    "zh": [
        "api 报 429 怎么办",
        "{\"code\":-1022,\"msg\":\"签名无效\"} 怎么回事",
        "api提现权限 ip白名单",
        "api secret 忘了 只显示一次",
        "api key 三个月没用失效了",
        "量化机器人被封ip 每分钟请求权重多少",
    ],
    "zh-Hant": [
        "API 金鑰 怎麼建立",
        "API 簽名錯誤 invalid signature",
        "API 請求太頻繁 HTTP 429",
    ],
}

ZH["technical-app-login-error"] = {
    "zh": [
        "app闪退",
        "安卓app提示“网络错误，请重试”",
        "更新后白屏",
        "帮我爸看看，app一打开就关了",
        "安卓怎么清除app缓存",
        "酒店wifi打不开app 要开vpn吗",
    ],
    "zh-Hant": [
        "App 一直閃退",
        "App 打開顯示錯誤 登入不了",
        "手機時間唔啱 App 登入失敗",
    ],
}

ZH["trading-fees"] = {
    "zh": [
        "挂单吃单费率",
        "现货手续费为什么是0.1%",
        "vip等级 30天交易量",
        "用平台币抵扣手续费打几折",
        "我的费率在哪看",
        "为什么我这单收的是0.10%不是0.08%",
    ],
    "zh-Hant": [
        "交易手續費 多少",
        "Maker Taker 費率差別",
        "手續費等級 點樣升級",
    ],
}

ZH["trading-liquidation"] = {
    "zh": [
        "合约爆仓了",
        "50倍多单被强平",
        "强平价按标记价格还是最新价",
        "插针刺穿了我的强平价却没爆，为什么",
        "加保证金 防止强平",
        "强平手续费 风险保障基金",
    ],
    "zh-Hant": [
        "合約被強制平倉",
        "槓桿太高 倉位被自動平倉",
        "保證金不足 點樣避免爆倉",
    ],
}

ZH["trading-order-not-filled"] = {
    "zh": [
        "限价单不成交",
        "买单只成交了一半 剩下的还挂着",
        "当前委托里的钱被冻结",
        "价格到了我的挂单价但没成交",
        "想马上买入不等了",
        "撤单释放资金",
    ],
    "zh-Hant": [
        "限價單一直沒成交",
        "掛單部分成交 其餘的呢",
        "賣單掛咗好耐都冇成交",
    ],
}

ZH["withdrawal-fees"] = {
    "zh": [
        "usdt trc20 提现手续费",
        "btc最小提现数量",
        "为什么提10u和1000u手续费一样",
        "转给本平台其他用户要手续费吗",
        "到账比提的少",
        "erc20 gas太贵 换哪个网络便宜",
    ],
    "zh-Hant": [
        "出金手續費 多少",
        "提領最低數量",
        "內部轉帳 要手續費嗎",
    ],
}

ZH["withdrawal-limits"] = {
    "zh": [
        "每日提现额度",
        "提示“超出24小时提现额度”",
        "提高额度 二级认证",
        "一级每天2 BTC太少了",
        "额度什么时候重置",
        "额度是每个币单独算还是一起算",
    ],
    "zh-Hant": [
        "出金限額 怎麼提高",
        "每日提領上限是多少",
        "出金額度用完了 幾時重置",
    ],
}

ZH["withdrawal-pending"] = {
    "zh": [
        "提现一直处理中",
        "首次提到新地址 显示审核中",
        "提币处理中 没有txid",
        "网络拥堵 提现卡住",
        "提现超过6小时还没出",
        "帮我妈看：她早上把BTC提到自己钱包，到现在还是处理中",
    ],
    "zh-Hant": [
        "出金一直審核中",
        "提領顯示處理中好幾個小時",
        "出金等咗好耐 幾時完成",
    ],
}

ZH["withdrawal-wrong-address"] = {
    "zh": [
        "提币地址填错了",
        "usdt用bep20提到了只支持erc20的地址",
        "已完成的提现能撤回吗",
        "提现地址打错一位",
        "提现时选错链了",
        "提到自己在这边的充值地址但网络选错了",
    ],
    "zh-Hant": [
        "出金地址打錯 追得回嗎",
        "提領選錯網路",
        "轉錯地址去第二間交易所 點算",
    ],
}

for _a, _d in ZH.items():
    ANS[_a].update(_d)


# A second pass per article: screen text and numbers pasted, one more question in each
# language (two simplified and one traditional Chinese).
EXTRA = {
    "account-close": [
        ("en", "Settings > Account > Close account, what happens to my data after"),
        ("ko", "설정 > 계정 > 회원 탈퇴 누르면 바로 삭제돼요?"),
        ("zh", "设置>账户>注销账户 点了之后还能恢复吗"),
        ("zh", "帮爸爸销户 他还有几个币没提"),
        ("zh-Hant", "註銷帳號前要先把幣提領出來嗎"),
    ],
    "account-password-reset": [
        ("en", "clicked Forgot password, it asks for a 2FA code and an email code, which first"),
        ("ko", "비밀번호 찾기 했더니 15분 뒤에 다시 시도하래요"),
        ("zh", "登录页 忘记密码 收到验证码后下一步"),
        ("zh", "pw忘了 邮箱还能收信"),
        ("zh-Hant", "登入密碼 重設 要輸入手機驗證碼"),
    ],
    "account-register": [
        ("en", "new here, how to make an account on the website"),
        ("ko", "회원가입 인증번호 6자리 문자로 안 와요"),
        ("zh", "注册时短信验证码60秒后才能重发吗"),
        ("zh", "sign up 邮件 验证码 没收到"),
        ("zh-Hant", "註冊 認證信 跑去垃圾郵件"),
    ],
    "compliance-account-restricted": [
        ("en", "funds on hold, compliance wants proof of address and trade history from another platform"),
        ("ko", "AML 심사 서류 보낸 지 3일 언제 풀려요"),
        ("zh", "审查邮件里的安全链接 上传银行流水"),
        ("zh", "账户被风控限制 要我解释这笔钱的用途"),
        ("zh-Hant", "資金被凍結 說要審查 5 個工作天"),
    ],
    "compliance-kyc-verification": [
        ("en", "id photo cropped, verification rejected, how to redo"),
        ("ko", "여권 사진 빛 반사 때문에 인증 반려"),
        ("zh", "kyc 要拍证件正反面吗"),
        ("zh", "认证被拒 原因 照片模糊"),
        ("zh-Hant", "護照過期 實名認證不過"),
    ],
    "deposit-fiat-bank": [
        ("en", "sent money from my bank 1 hour ago on a weekday, not credited yet"),
        ("ko", "입금 페이지에 나온 코드 안 쓰고 계좌이체 했어요"),
        ("zh", "法币充值 本人名下银行账户才可以吗"),
        ("zh", "电汇到账要几个工作日"),
        ("zh-Hant", "銀行匯款入金 第一次要審核 72 小時"),
    ],
    "deposit-memo-missing": [
        ("en", "screenshot of sending wallet needed for memo recovery?"),
        ("ko", "입금 > 입금 문제 에서 메모 누락 신청"),
        ("zh", "充值>充值问题 提交 memo 找回要准备什么"),
        ("zh", "xlm转过来没带备注 三天了"),
        ("zh-Hant", "EOS 入金 memo 填錯 幾耐先搵返"),
    ],
    "deposit-not-credited": [
        ("en", "deposit shows 'Confirming 8/12' for ages"),
        ("ko", "USDT 트론으로 보냈는데 컨펌 20개 필요해요?"),
        ("zh", "充值记录显示确认中 8/12"),
        ("zh", "币从钱包转出来一个小时了 余额没变"),
        ("zh-Hant", "轉錯鏈入金 可唔可以救返"),
    ],
    "general-contact-support": [
        ("en", "Help Center > My requests shows no reply after a day"),
        ("ko", "도움말 센터 > 내 문의 답변 없음"),
        ("zh", "帮助中心 我的工单 一直没回复"),
        ("zh", "怎么找真人 不要机器人"),
        ("zh-Hant", "線上客服 喺邊度"),
    ],
    "general-listing-airdrop": [
        ("en", "coin removed from the market, 90 days left to move it out?"),
        ("ko", "공지사항에 상장 일정 언제 올라와요"),
        ("zh", "下架公告提前几天发"),
        ("zh", "空投条件 快照时余额不够"),
        ("zh-Hant", "保證上幣 收費 係咪騙子"),
    ],
    "security-2fa-reset": [
        ("en", "Security > Reset 2FA review taking 3 days"),
        ("ko", "보안 > OTP 초기화 심사 며칠 걸려요"),
        ("zh", "安全中心 重置2FA 上传手持证件照"),
        ("zh", "手机坏了 验证器里的码都没了"),
        ("zh-Hant", "Google Authenticator 備份金鑰 沒存"),
    ],
    "security-account-hacked": [
        ("en", "Security > Devices shows an android phone i never owned"),
        ("ko", "보안 > 기기 및 API 키 에 모르는 API 키 있어요"),
        ("zh", "安全中心 设备管理 有不认识的手机"),
        ("zh", "余额被人转走了 不是我提的"),
        ("zh-Hant", "有人登入我帳號 下咗單"),
    ],
    "security-phishing": [
        ("en", "email without my anti-phishing code asking me to verify, real?"),
        ("ko", "텔레그램에서 관리자라며 비밀번호 물어봐요"),
        ("zh", "邮件里没有我设置的防钓鱼码 是真的吗"),
        ("zh", "假官网 地址栏 怎么看"),
        ("zh-Hant", "假客服打電話叫我轉錢去安全帳戶"),
    ],
    "security-secret-exposed": [
        ("en", "typed my seed words into a 'wallet validation' form"),
        ("ko", "지갑 검증 사이트에 시드 입력했어요 어떡해요"),
        ("zh", "在一个钱包验证页面输了助记词"),
        ("zh", "私钥截图发到群里了 资产怎么转"),
        ("zh-Hant", "恢復短語被人睇到 要點做"),
    ],
    "technical-api-keys": [
        ("en", "Account > API management create key for my bot"),
        ("ko", "API 요청 1분에 몇 번까지 돼요 IP 차단됨"),
        ("zh", "账户 > API管理 创建密钥"),
        ("zh", "api timestamp 报错 服务器时间不同步"),
        ("zh-Hant", "API Key 出金權限 IP 白名單"),
    ],
    "technical-app-login-error": [
        ("en", "app stuck on loading spinner, reinstall?"),
        ("ko", "앱 로그인하면 네트워크 오류 나요 VPN 써야 해요?"),
        ("zh", "app 一直转圈加载不出来"),
        ("zh", "更新app后打不开 要重装吗"),
        ("zh-Hant", "App 更新後閃退 要清緩存嗎"),
    ],
    "trading-fees": [
        ("en", "Account > Fee level shows 0.10% taker, how to get lower"),
        ("ko", "수수료 0.08% 0.10% 차이 뭐예요"),
        ("zh", "账户 > 费率等级 在哪"),
        ("zh", "手续费 8折 平台币抵扣怎么开"),
        ("zh-Hant", "現貨交易 手續費 每次成交都收?"),
    ],
    "trading-liquidation": [
        ("en", "margin ratio 100%, position closed, maintenance margin?"),
        ("ko", "유지 증거금 밑으로 떨어져서 청산됐어요"),
        ("zh", "维持保证金不够被强平了"),
        ("zh", "爆仓 止损单 怎么设"),
        ("zh-Hant", "強平價 係用標記價格計嗎"),
    ],
    "trading-order-not-filled": [
        ("en", "Open orders tab: buy 0.5 btc at 60000, filled 0.2"),
        ("ko", "미체결 주문 취소하면 잔고 돌아와요?"),
        ("zh", "当前委托 买单一直挂着"),
        ("zh", "limit order 没有 fill 怎么回事"),
        ("zh-Hant", "掛單資金被凍結 撤單後會退回嗎"),
    ],
    "withdrawal-fees": [
        ("en", "withdraw page shows fee 1 USDT minimum 10 USDT, why fixed"),
        ("ko", "BEP20 출금 수수료 ERC20보다 싸요?"),
        ("zh", "提现页面显示手续费和最小数量"),
        ("zh", "solana 网络提币 手续费便宜吗"),
        ("zh-Hant", "出金 Gas 費 變貴了"),
    ],
    "withdrawal-limits": [
        ("en", "limit 100 BTC level 2, need more, level 3 docs?"),
        ("ko", "계정 > 인증 에서 다음 레벨 하면 한도 올라가요?"),
        ("zh", "一级认证 提现额度 2 BTC"),
        ("zh", "滚动24小时额度 怎么算"),
        ("zh-Hant", "出金上限 要完成身分認證嗎"),
    ],
    "withdrawal-pending": [
        ("en", "withdrawal status Processing for 40 min, normal?"),
        ("ko", "출금 상태가 처리 중에서 안 바뀌어요 블록체인 혼잡?"),
        ("zh", "改了手机号后提现一直审核中"),
        ("zh", "提现记录没有txid 还在处理"),
        ("zh-Hant", "出金 審核中 大額 要幾耐"),
    ],
    "withdrawal-wrong-address": [
        ("en", "withdrew ETH to a token contract address by mistake, get it back?"),
        ("ko", "주소록 안 쓰고 복붙하다 주소 틀림"),
        ("zh", "转错地址到别人钱包 能追回吗"),
        ("zh", "提币广播后能取消吗"),
        ("zh-Hant", "提領到錯的鏈 對方交易所"),
    ],
}

for _a, _items in EXTRA.items():
    for _lang, _q in _items:
        ANS[_a][_lang].append(_q)

# Questions no article answers ("article": null), per language.
UNA = {}

UNA["en"] = [
    # features the articles do not have
    "withdraw usd via swift wire to my bank",
    "fiat withdrawal to bank account how long",
    "do you have a debit card",
    "eth staking rewards apr",
    "copy trading follow top traders",
    "tax report export csv",
    "download full trade history for my accountant",
    "p2p buy usdt with bank transfer, seller not releasing",
    "flexible savings / earn product interest",
    "grid trading bot built into the app?",
    "recurring buy every week dca",
    "convert small balances dust to bnb",
    "buy btc with credit card fee",
    "apple pay top up",
    "paypal withdrawal",
    "referral link commission how much",
    "create sub-account for my trading team",
    "options trading call put",
    "spot margin borrow interest rate",
    "cross margin vs isolated margin difference",
    "funding rate every 8h how much",
    "auto-deleveraging ADL queue lights meaning",
    "trailing stop order how to set",
    "OCO order available?",
    "futures trading fee maker taker",
    "price alert notification for ETH",
    "dark mode in app",
    "change app language to Japanese",
    "demo account / testnet to practise futures",
    "nft deposit supported?",
    # account matters no article covers
    "change registered email address",
    "change my phone number on the account, old sim lost",
    "set up 2fa for the first time where",
    "what is fund password / trading password and how to reset it",
    "change nickname shown in chat",
    "corporate account kyc for my company",
    "my father passed away, how do we access his account as heirs",
    "can I use the exchange from the USA",
    "is your exchange licensed in Japan",
    "proof of reserves audit",
    "are user funds insured if you get hacked",
    # coins / networks / data no article answers
    "lightning network btc deposit",
    "do you support monero",
    "kaspa withdrawal network available?",
    "usdt on aptos network supported for withdraw",
    "why was my withdrawal 88213 cancelled and refunded",
    "what's my UID",
    "how much did I pay in fees last year in total",
    "project team: where is the listing application form",
    "is the airdrop taxable",
    # another company's product
    "reset my metamask password",
    "ledger firmware update stuck",
    "coinbase account locked",
    "binance p2p appeal process",
    "trust wallet swap failed",
    # price and investment advice
    "will btc go up next week",
    "should i buy sol now or wait",
    "best coin to invest 1000 dollars",
    "is usdt safe to hold long term",
    "which altcoin will 10x this year",
    # off-topic
    "weather in seoul tomorrow",
    "recipe for kimchi fried rice",
    "write me a poem about bitcoin",
    "how to fix my printer offline",
]

UNA["ko"] = [
    "원화 출금 은행으로 얼마나 걸려요",
    "해외 계좌로 달러 출금 스위프트",
    "체크카드 발급 되나요",
    "이더리움 스테이킹 이자",
    "카피 트레이딩 기능 있어요?",
    "세금 신고용 거래내역 엑셀 다운로드",
    "P2P 거래 판매자가 코인 안 풀어줘요",
    "예치 상품 이자율",
    "그리드 봇 앱에 있나요",
    "적립식 자동 매수 설정",
    "소액 코인 한번에 전환",
    "신용카드로 비트코인 구매",
    "카카오페이로 충전 가능?",
    "친구 초대 리워드 얼마",
    "서브 계정 만들기",
    "옵션 거래 콜 풋",
    "마진 대출 이자율",
    "교차 마진 격리 마진 차이",
    "펀딩비 몇 시간마다",
    "ADL 자동 감소 순위",
    "트레일링 스탑 주문 방법",
    "선물 거래 수수료 메이커 테이커",
    "가격 알림 설정",
    "다크 모드",
    "앱 언어 일본어로 변경",
    "모의 투자 연습 계정",
    "NFT 입금 돼요?",
    "가입한 이메일 주소 바꾸기",
    "휴대폰 번호 변경 유심 분실",
    "처음 OTP 등록하는 법",
    "자금 비밀번호 거래 비밀번호 초기화",
    "닉네임 변경",
    "법인 계정 인증",
    "돌아가신 아버지 계정 상속",
    "미국에서 이용 가능해요?",
    "일본 라이선스 있나요",
    "준비금 증명 감사 보고서",
    "해킹되면 고객 자산 보험 있어요?",
    "라이트닝 네트워크 입금",
    "모네로 지원해요",
    "카스파 출금 네트워크",
    "앱토스 네트워크로 USDT 출금 가능?",
    "출금 88213번 왜 취소돼서 돌아왔어요",
    "제 UID가 뭐예요",
    "작년에 낸 수수료 총액 알려주세요",
    "프로젝트 상장 신청서 어디서 제출",
    "에어드랍 받으면 세금 내야 해요?",
    "업비트 원화 입금 한도",
    "메타마스크 비밀번호 재설정",
    "렛저 펌웨어 업데이트 멈춤",
    "빗썸 계정 잠김",
    "바이낸스 P2P 이의 제기",
    "트러스트 월렛 스왑 실패",
    "비트코인 다음 주 오를까요",
    "지금 솔라나 사도 돼요",
    "100만원 어디에 투자해요",
    "USDT 장기 보유 안전해요?",
    "올해 10배 갈 알트코인 추천",
    "내일 서울 날씨",
    "김치볶음밥 레시피",
    "비트코인 시 써줘",
    "프린터 오프라인 해결",
    "선물 계정으로 자산 이체하는 법",
    "원화 마켓 BTC 마켓 차이",
]

UNA["zh"] = [
    "提现到银行卡 电汇 swift",
    "法币提现到账时间",
    "有没有借记卡 u卡",
    "eth质押收益",
    "跟单交易 带单员",
    "导出税务报表",
    "c2c 卖家不放币 申诉",
    "活期理财 年化多少",
    "网格机器人在哪开",
    "定投怎么设置",
    "小额资产兑换",
    "信用卡买币 手续费",
    "支付宝充值",
    "邀请返佣比例",
    "子账户怎么建",
    "期权交易",
    "杠杆借币利率",
    "全仓逐仓区别",
    "资金费率 多久收一次",
    "ADL 自动减仓 指示灯",
    "跟踪止损单怎么下",
    "合约手续费 maker taker",
    "价格提醒",
    "app 夜间模式",
    "模拟盘 练合约",
    "更换绑定邮箱",
    "换手机号 旧卡丢了",
    "第一次绑定谷歌验证器在哪",
    "资金密码忘了",
    "企业账户认证",
    "家人去世 账户继承",
    "中国大陆能用吗",
    "储备金证明",
    "闪电网络充值btc",
    "支持门罗币吗",
    "aptos 链提 usdt",
    "提现单号 88213 为什么被取消退回",
    "我的UID是多少",
    "项目方上币申请表在哪",
    "比特币明天会涨吗",
    "现在抄底sol合适吗",
    "metamask 密码重置",
    "帮我写一首关于比特币的诗",
    "打印机脱机怎么办",
    "注册送体验金活动",
    "充值返现活动 有吗",
    "实名认证后能改名字吗",
    "api 有 websocket 行情推送吗",
    "限价单可以设置有效期吗 GTC",
    "爆仓后穿仓会倒欠钱吗",
    "合约带单 分润比例",
    "USDC 在 Base 链能充吗",
    "提现手续费能开发票吗",
    "TRX 能量租赁 降低转账费",
    "OTC 大宗交易 联系谁",
    "银行卡因为买币被冻结了",
    "币安 launchpool 怎么参与",
    "欧易钱包导入助记词步骤",
    "USDT 会不会脱锚",
    "积分商城兑换",
    "做市商计划 手续费返还",
    "app 桌面小组件 显示行情",
]

UNA["zh-Hant"] = [
    "出金到銀行帳戶要多久",
    "台幣出金 手續費",
    "有沒有簽帳金融卡",
    "質押 利息",
    "跟單功能有冇",
    "報稅 交易紀錄匯出",
    "P2P 賣家唔放幣",
    "信用卡買幣",
    "街口支付 入金",
    "推薦碼 回饋",
    "子帳號 開設",
    "全倉 逐倉 分別",
    "資金費率 幾耐收一次",
    "更改綁定電郵",
    "換手機號碼",
    "法人帳號 認證",
    "香港可以用嗎 有冇牌照",
    "支援 門羅幣 嗎",
    "我的 UID 係幾多",
    "比特幣下星期會唔會升",
    "而家應該買咩幣",
    "今日香港天氣",
    "註冊送體驗金",
    "實名後可以改名嗎",
    "API 有冇 WebSocket",
    "信用卡被銀行凍結 因為買幣",
    "OTC 大額交易 找誰",
    "USDC Base 鏈 入金支援嗎",
    "出金到 PayPal",
    "會唔會有存幣生息",
    "限價單 可以設有效期嗎",
]


def norm(q):
    """Key for the duplicate check: case, spaces and punctuation do not make two alike."""
    return re.sub(r"[\s\W_]+", "", q.lower())


def split_of(q):
    """70 / 30 by the sha256 of the question text."""
    h = int.from_bytes(hashlib.sha256(q.encode("utf-8")).digest()[:8], "big")
    return "dev" if h % 100 < 70 else "holdout"


def articles_in_kb():
    names = set()
    for f in os.listdir(os.path.join(ROOT, "kb")):
        m = re.match(r"^([a-z0-9-]+)\.(zh|zh-Hant|en|ko)\.md$", f)
        if m:
            names.add(m.group(1))
    return names


def build():
    errors = []
    kb = articles_in_kb()
    if set(ANS) != kb:
        errors.append("articles without questions: %s; unknown labels: %s"
                      % (sorted(kb - set(ANS)), sorted(set(ANS) - kb)))
    seen = {}
    rows = {k: [] for k in OUT}

    def add(kind, q, lang, art):
        if not q or q != q.strip() or "\n" in q or len(q.encode("utf-8")) > 400:
            errors.append("bad text: %r" % q)
        k = norm(q)
        if k in seen:
            errors.append("repeated: %r and %r" % (seen[k], q))
        seen[k] = q
        rows[(kind, split_of(q))].append({"q": q, "lang": lang, "article": art})

    for art in sorted(ANS):
        for lang in LANGS:
            qs = ANS[art].get(lang, [])
            if len(qs) < MIN_ANS[lang]:
                errors.append("%s/%s: %d questions, need %d" % (art, lang, len(qs), MIN_ANS[lang]))
            for q in qs:
                add("ans", q, lang, art)
        if set(ANS[art]) - set(LANGS):
            errors.append("%s: unknown language %s" % (art, sorted(set(ANS[art]) - set(LANGS))))
    for lang in LANGS:
        qs = UNA.get(lang, [])
        if len(qs) < MIN_UNA[lang]:
            errors.append("unanswerable/%s: %d, need %d" % (lang, len(qs), MIN_UNA[lang]))
        for q in qs:
            add("una", q, lang, None)
    return rows, errors


def render(rows):
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def main(argv):
    check = "--check" in argv[1:]
    rows, errors = build()
    if errors:
        for e in errors:
            print("gen7: " + e, file=sys.stderr)
        return 2
    differ = False
    for key, rel in sorted(OUT.items()):
        path = os.path.join(ROOT, rel)
        text = render(rows[key])
        if check:
            try:
                with open(path, encoding="utf-8") as f:
                    old = f.read()
            except OSError:
                old = None
            if old != text:
                print("gen7: %s differs" % rel, file=sys.stderr)
                differ = True
        else:
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
    if check:
        return 1 if differ else 0
    for key, rel in sorted(OUT.items()):
        print("%s: %d" % (rel, len(rows[key])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
