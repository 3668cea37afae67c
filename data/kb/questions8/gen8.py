#!/usr/bin/env python3
"""kb_dev8: a blind KB question set (issue #17 item 4, round 11).

Writes, from the hand-written lists below, split 70/30 by sha256 of the question text:
  tests/data/kb_dev8.jsonl, tests/data/kb_dev8_holdout.jsonl            (answerable)
  tests/data/kb_unanswerable8.jsonl, tests/data/kb_unanswerable8_holdout.jsonl  (article null)

    python3 data/kb/questions8/gen8.py          # write the four files
    python3 data/kb/questions8/gen8.py --check  # exit 1 if any file differs

Deterministic: same order and bytes every run. See README.md in this folder.
"""
import hashlib
import json
import os
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
LANGS = ("zh", "zh-Hant", "en", "ko")
MIN_PER = {"zh": 6, "zh-Hant": 3, "en": 6, "ko": 6}
MIN_UNANS = {"zh": 60, "zh-Hant": 30, "en": 60, "ko": 60}

# article -> lang -> questions.  Styles mixed in every list: voice-to-text (no punctuation,
# homophones), a story first and the question last, two-letter typos in long words, asked
# by an agent / friend for the customer, a number or a screen named, mixed languages.
A = {}

A["account-close"] = {
    "en": [
        "i want to delete my ex change account for good how do i do that",
        "I moved everything to a hardware wallet last month and I honestly don't trade anymore. My partner wants me to get rid of all these apps. I still see the profile when I log in. What's the process to shut the account down completely?",
        "how to permanantly dactivate my acount, I dont want it anymore",
        "customer says she wants her account closed and all her data erased, what does she have to do first",
        "close account button greyed out, balance shows 0.0003 ETH left",
        "if i close my account today can i make a new one next week with the same passport",
    ],
    "ko": [
        "회원 탈퇴 하고 싶은데 어디서 하나요 계정 완전히 없애고 싶어요",
        "이 거래소 안 쓴 지 일 년이 넘었어요. 코인도 다 다른 곳으로 옮겼고요. 개인정보도 남기기 싫은데 계정을 아예 지우려면 어떻게 해야 하나요?",
        "계정 삭제 버튼 눌렀는데 잔고 0.5 USDT 남아 있어서 안 된다고 나와요",
        "어머니 대신 문의드려요 어머니 계정 해지하고 싶으신데 선물 포지션이 하나 열려 있어요 먼저 뭘 해야 하죠",
        "account close 하면 KYC 정보도 바로 삭제되나요",
        "탈퇴하고 나서 같은 신분증으로 재가입 언제부터 가능해요",
    ],
    "zh": [
        "我想把账号注销掉 以后不用了 怎么弄",
        "我去年在这里开的户，后来一直没怎么用，钱也都提走了。现在想把账户彻底删掉，个人资料也不想留。请问注销流程是什么？",
        "帮我朋友问一下 他想销户 但是页面说还有余额不能关闭 怎么办",
        "注销账户提示还有0.02 BNB余额无法关闭，要先提走吗",
        "close account之后我的身份证信息你们会保留多久",
        "注销以后还能用同一个身份重新注册吗，要等几天",
    ],
    "zh-Hant": [
        "請問要怎麼刪除帳號 我不想再用這個交易所了",
        "我想把帳戶關掉，但還有一張掛單沒取消，系統不讓我註銷，要先處理什麼？",
        "唔該 我想取消帳戶 點樣先可以完全刪除",
    ],
}

A["account-password-reset"] = {
    "en": [
        "forgot my pass word cant log in how do i make a new one",
        "I changed phones last week and my password manager didn't come with me. I've tried maybe ten times to remember the login password and now nothing works. How do I set a new password?",
        "where do I enter the verifcation code for the pasword reset link",
        "my dad forgot his login password and the site says account temporarily locked, what should he do",
        "login says incorrect password 5 times then locked, how many minutes do I wait",
        "password 잊어버렸어요 how to reset it",
    ],
    "ko": [
        "비밀번호 까먹었어요 로그인 어떻게 해요",
        "오랜만에 앱을 켰는데 비밀번호가 기억이 안 나요. 몇 번 틀렸더니 잠겼다고 나오네요. 비밀번호 새로 만들려면 어떻게 하나요?",
        "비번 재설정 하려면 이메일 인증 코드 어디서 받아요",
        "친구가 비밀번호 여러 번 틀려서 계정 잠겼대요 얼마나 기다려야 풀려요",
        "로그인 화면에 비밀번호 찾기 버튼 어디 있어요 15분 잠금 떴어요",
        "password reset 할 때 OTP 코드도 입력해야 되나요",
    ],
    "zh": [
        "登录密马忘了 怎么找回",
        "我很久没登录了，今天想卖点币，结果密码怎么输都不对，输错好几次以后提示账户暂时锁定。我该怎么重新设置密码？",
        "客户说登录密码想不起来了 忘记密码那里要填什么",
        "密码输错5次被锁了，要等15分钟吗",
        "忘记密码 reset的时候要输2FA吗",
        "改完登录密码以后提币被禁用了24小时，这个能提前解除吗",
    ],
    "zh-Hant": [
        "登入密碼忘記了 要怎麼重設",
        "我幫我媽問，她密碼打錯太多次帳號被鎖，要等多久才能再登入？",
        "唔記得登入密碼 點樣重設",
    ],
}

A["account-register"] = {
    "en": [
        "how do i sign up for a new account on the app",
        "I'm trying to register with my work email. I've pressed resend three times already and checked my inbox, nothing shows up. The little timer keeps counting down. Where is my verifcation code?",
        "registraton code expired before I typed it in, what now",
        "my friend is signing up and the SMS code never comes to his phone, can you tell him what to do",
        "six digit code from sign up email says expired after 10 min, how to get another",
        "can me and my wife share one account or do we each need to registar",
    ],
    "ko": [
        "회원가입 어떻게 해요 처음이에요",
        "어제 가입하려고 이메일 넣었는데 인증번호가 안 와요. 스팸함도 봤는데 없어요. 다시 받으려면 어떻게 해야 돼요?",
        "가입 인증 코드 6자리 입력하려니까 만료됐다고 나와요",
        "조카가 회원가입하는데 문자 인증번호가 안 온대요 대신 물어봐요",
        "sign up 할 때 이메일 말고 휴대폰 번호로도 돼요",
        "한 사람이 계정 두 개 만들어도 되나요",
    ],
    "zh": [
        "怎么注册帐号 新手第一次用",
        "我刚才在官网注册，邮箱填好了也点了发送，等了好几分钟一直没收到验证码，垃圾箱也看了没有。这种情况要怎么处理？",
        "注册的时候短信验证码收不到 帮我同事问的",
        "注册验证码10分钟就过期了 重发按钮要等60秒吗",
        "sign up能不能用手机号 不用email",
        "我和我老婆能共用一个账号吗还是要各自注册",
    ],
    "zh-Hant": [
        "請問要怎麼註冊帳號 我是新手",
        "註冊時信箱一直收不到驗證碼，已經按重新發送好幾次了，怎麼辦？",
        "開戶個驗證碼過咗期 點樣再攞過",
    ],
}

A["compliance-account-restricted"] = {
    "en": [
        "my account got restricted for compliance review what does that mean",
        "Last week I sold my car and put about 40k into the exchange to buy bitcoin. Two days later I got an email from the compliance team and now I can't withdraw or trade. They want to know where the money came from. What documents do they accept?",
        "they want proof of sorce of funds, is a bank statment ok",
        "customer says compliance froze his funds and asked for salary slips, how long will the review take after he uploads",
        "email says account restricted, 5 business days review, can I send the documents in chat",
        "AML review 걸렸어요 why can't you tell me the reason",
    ],
    "ko": [
        "컴플라이언스 심사 때문에 계정이 제한됐다는데 무슨 뜻이에요",
        "지난주에 전세금 일부를 입금했는데 갑자기 자금 출처를 증명하라는 메일이 왔어요. 지금 출금도 거래도 안 돼요. 어떤 서류를 내야 하나요?",
        "자금출처 증빙으로 급여명세서 내도 되나요",
        "아버지 계정이 자금세탁방지 심사 중이래요 서류 내고 며칠 걸려요",
        "심사 메일 받았는데 서류 채팅으로 보내도 돼요",
        "account restricted 이유를 왜 안 알려줘요",
    ],
    "zh": [
        "账户被合规审查限制了 是什么意思",
        "我上周把卖房子的一部分钱转进来买币，过了两天就收到合规部门的邮件，现在不能提现也不能交易，让我说明资金来源。需要交哪些材料？",
        "资金来源证明 工资单和银行流水可以吗",
        "客户说他账户在做反洗钱审查 材料交了以后多久能解除",
        "审核邮件让我上传文件 能直接发给在线客服吗",
        "compliance review为什么不告诉我具体原因",
    ],
    "zh-Hant": [
        "帳戶因為合規審查被限制了 要交什麼資料",
        "他們要我證明資金來源，薪資單和銀行對帳單可以嗎？",
        "個戶口話要做反洗錢審查 幾耐先搞掂",
    ],
}

A["compliance-kyc-verification"] = {
    "en": [
        "my kay why see got rejected what did i do wrong",
        "I uploaded my driving licence this morning, front and back, and took the selfie in the app. An hour later it said rejected, photo unclear. I'm not sure what they want. Why does this keep failing?",
        "identy verfication stuck in progress for 6 hours, is that normal",
        "my brother's passport is expired and his KYC got rejected, can he use his ID card instead",
        "failed KYC 5 times now it says contact support, what next",
        "KYC 제출했는데 name does not match 라고 떠요",
    ],
    "ko": [
        "케이와이씨 거절됐어요 왜 그런지 모르겠어요",
        "신분증 앞뒤로 찍어서 올리고 셀카도 찍었는데 사진이 흐리다고 반려됐어요. 다시 해도 또 실패하네요. 어떻게 찍어야 통과돼요?",
        "신원인증 신청한 지 3시간 넘었는데 아직 심사 중이에요",
        "엄마 여권 만료돼서 인증 실패했대요 운전면허증으로 해도 되나요",
        "KYC 다섯 번 실패했는데 이제 어떻게 해요",
        "selfie 인증이 계속 안 돼요 빛 반사 때문인가요",
    ],
    "zh": [
        "实名任证被拒绝了 为什么",
        "我今天上午拍了身份证正反面，也做了自拍，结果一个小时后显示审核失败，说照片模糊。我重新拍了一次还是不通过，到底要怎么拍？",
        "KYC审核已经48小时了还在进行中 正常吗",
        "帮我表姐问一下 她护照过期了认证失败 可以用驾照吗",
        "身份认证失败5次了 提示联系客服",
        "KYC上面的名字和账户名字不一致被拒 怎么办",
    ],
    "zh-Hant": [
        "身分證驗證一直失敗 照片反光是原因嗎",
        "實名認證送出後要多久才會審核完？",
        "KYC俾人拒咗 話張相唔清楚 可唔可以再上傳",
    ],
}

A["deposit-fiat-bank"] = {
    "en": [
        "how do i put money in from my bank account by transfer",
        "I did a bank transfer from my savings account around 11 this morning. It's a normal business day and the money has left my bank, but my balance here is still zero. How long do domestic transfers take to show up?",
        "forgot the refrence code on my bank tranfer, will it still arrive",
        "customer says his wife sent the wire from her account and it got returned, why",
        "first fiat deposit on hold 72 hours, can't withdraw it, is that right",
        "international wire 보냈어요 how many days",
    ],
    "ko": [
        "원화 입그 계좌이체로 어떻게 해요",
        "오늘 오전에 은행 앱으로 이체했는데 돈은 빠져나갔고 거래소에는 아직 안 들어왔어요. 평일인데 보통 몇 분 안에 들어오나요?",
        "입금자 코드 안 적고 이체했어요 어떡하죠",
        "동생 계좌에서 제 계정으로 원화 보냈는데 반환됐어요 왜 그런가요",
        "첫 원화 입금 후 72시간 출금 제한 걸렸어요",
        "해외 송금 wire로 입금하면 며칠 걸려요",
    ],
    "zh": [
        "怎么用银行卡转账冲值法币",
        "我中午用网银转了一笔钱进来，银行那边已经扣款了，但是交易所这边余额一直没变，今天是工作日。一般境内转账多久能到？",
        "转账的时候忘了填附言编码 钱会不会丢",
        "客户用他老婆的银行卡给自己账户转账 被退回了 为什么",
        "第一次法币充值后72小时不能提现吗",
        "国际电汇wire transfer要几个工作日",
    ],
    "zh-Hant": [
        "用銀行轉帳入金要多久才會到",
        "我用家人的帳戶匯款進來結果被退回，一定要本人名下嗎？",
        "過數之後唔記得寫參考編號 點算",
    ],
}

A["deposit-memo-missing"] = {
    "en": [
        "sent x r p without the destination tag how do i get it back",
        "I moved some XLM from my Ledger to my account here. I copied the address carefully but my wallet had no field for the memo so I left it blank. The transaction is confirmed but nothing arrived. How do I recover it?",
        "deposit recovry request for missing memo, how many bussiness days",
        "customer says she deposited ATOM with the wrong memo number, what info should she send",
        "TON deposit memo field empty, txid confirmed, 3 days later still nothing",
        "EOS 입금 memo 빠뜨렸어요 can you recover",
    ],
    "ko": [
        "리플 보낼 때 데스티네이션 태그 안 넣었어요 돌려받을 수 있어요",
        "개인지갑에서 스텔라루멘 입금했는데 주소만 복사하고 메모는 빈칸으로 보냈어요. 블록체인에서는 완료로 나오는데 잔고에 안 들어왔어요. 어떻게 찾을 수 있나요?",
        "메모 잘못 적고 EOS 입금했어요",
        "고객이 XRP 태그 없이 입금했다는데 복구 신청할 때 뭐가 필요해요",
        "메모 누락 복구 신청했는데 3~7영업일 걸린다는 게 맞나요",
        "TON deposit 할 때 memo 안 넣으면 어떻게 돼요",
    ],
    "zh": [
        "冲XRP的时候没填标签 钱能找回来吗",
        "我从钱包往交易所转了一笔XLM，只复制了地址，备注那一栏空着就发出去了。链上显示成功，但是余额一直没有。这个要怎么申请找回？",
        "备注填错了 ATOM充值没到账",
        "帮我朋友问 他充EOS忘了写memo 要提供什么资料",
        "memo缺失找回申请 3到7个工作日是真的吗",
        "TON充值没写memo 还能credit吗",
    ],
    "zh-Hant": [
        "入金XRP忘記填標籤 可以找回嗎",
        "我轉ATOM進來沒有填備註，鏈上已經確認，要怎麼申請補回？",
        "轉EOS冇填memo 點算",
    ],
}

A["deposit-not-credited"] = {
    "en": [
        "i sent bitcoin from my wallet two hours ago and it is not in my balance",
        "I transferred 300 USDT from another exchange about an hour and a half ago. Their page says withdrawal completed and the txid shows success on the explorer. My balance here hasn't moved at all. What should I check?",
        "deposit stuck waiting for confirmatons, how many do you need for ETH",
        "customer says his USDT deposit on TRC20 is not showing, it has been 40 minutes",
        "deposit page says confirmations 8/12, when will it be credited",
        "USDT 입금 on ERC20 but my address was TRC20, 돈 어디 갔어요",
    ],
    "ko": [
        "코인 입그 했는데 잔고에 안 들어와요",
        "다른 거래소에서 이더리움을 보냈는데 한 시간이 지나도 안 들어왔어요. 그쪽에서는 출금 완료라고 나오고 TxID도 있어요. 어디서부터 확인해야 하나요?",
        "입금 확인 수 15/20 에서 멈춰 있어요 트론 USDT",
        "손님이 지원 안 하는 네트워크로 입금했대요 복구 가능한가요",
        "트랜잭션은 성공인데 잔고 그대로예요 1시간 넘었어요",
        "BEP20으로 보냈는데 deposit address는 ERC20이었어요",
    ],
    "zh": [
        "我冲了USDT一个多小时了还没到账",
        "我从另一个交易所提了0.5个ETH过来，那边显示已完成，区块浏览器上也能查到哈希，但是这边余额一直没变。应该先检查什么？",
        "充值显示确认数12/20 还要等多久",
        "客户说他用BSC网络往我们ERC20地址冲了币 能找回吗",
        "链上已经成功了但是余额没有变 要提供什么给客服",
        "deposit一直pending 区块确认要几个",
    ],
    "zh-Hant": [
        "入金USDT已經兩個小時了還沒到帳",
        "我從錢包轉BTC進來，鏈上已經確認，但餘額都沒有變，要怎麼辦？",
        "轉咗幣入嚟 txid顯示成功 但係戶口冇錢",
    ],
}

A["general-contact-support"] = {
    "en": [
        "how do i talk to a real person at customer service",
        "I sent a request through the Help Center two days ago about a problem with my account. Nobody has answered and I don't even know if it went through. Where can I see the status of my request?",
        "is custmer suport available at night or only office hours",
        "my grandma needs help and only speaks Korean, can she get an agent in Korean",
        "ticket submitted 30 hours ago no reply, you said 24 hours",
        "live chat 어디 있어요 where is the chat icon",
    ],
    "ko": [
        "상담원이랑 직접 얘기하고 싶어요 어떻게 연결해요",
        "이틀 전에 도움말 센터에서 문의를 남겼는데 아직 답이 없어요. 접수가 된 건지도 모르겠어요. 내 문의 처리 상태는 어디서 봐요?",
        "고객센터 24시간 운영해요",
        "중국어 쓰는 친구가 상담 받고 싶대요 중국어 상담 되나요",
        "실시간 채팅 평균 몇 분 안에 답해줘요",
        "support ticket 어디서 넣어요",
    ],
    "zh": [
        "怎么找人工课服",
        "我前天在帮助中心提交了一个工单，到现在还没人回复，我也不知道到底提交成功没有。在哪里能看到工单的处理进度？",
        "客服是24小时在线的吗",
        "帮我爸问一下 他只会说中文 有中文客服吗",
        "工单提交超过24小时没回复 正常吗",
        "live chat在app哪里 找不到",
    ],
    "zh-Hant": [
        "要怎麼聯絡真人客服",
        "我在幫助中心提交了問題，要去哪裡看處理進度？",
        "有冇真人客服 點樣搵",
    ],
}

A["general-listing-airdrop"] = {
    "en": [
        "when are you going to list the new token everyone is talking about",
        "I held the token through the snapshot date that was in the announcement. It's been four days and I don't see any airdrop tokens in my balance. Friends on other exchanges already got theirs. When will you distribute it?",
        "coin is being delistted, can I still withdraw after trading stops",
        "a guy on telegram says he can guarantee my project a listing for 5 ETH, is he from your team",
        "delisting announced, 90 days to withdraw, is that from the announcement date",
        "airdrop 못 받았어요 am I eligible",
    ],
    "ko": [
        "새 코인 상장 언제 해요",
        "공지에 나온 스냅샷 날짜까지 코인을 들고 있었어요. 그런데 일주일이 다 돼 가는데 에어드랍 토큰이 잔고에 안 보여요. 언제 지급되나요?",
        "상폐되면 내 코인은 어떻게 돼요 출금은 돼요",
        "지인이 수수료 내면 상장 보장해 준다는데 진짜 거래소 사람 맞아요",
        "상장 폐지 후 90일 안에 출금하면 되는 거죠",
        "airdrop 자격 조건 어디서 봐요",
    ],
    "zh": [
        "你们什么时候上新币",
        "我在快照之前一直持有这个币，公告里说会空投，但是已经过了五天了，账户里还是没看到空投的币。一般快照后多久发放？",
        "这个币要下架了 我的币怎么办 还能提吗",
        "有人说交钱就能保证上币 是你们的人吗",
        "下架以后90天内都能提币吗",
        "airdrop没收到 怎么看自己有没有资格",
    ],
    "zh-Hant": [
        "請問什麼時候會上架新幣",
        "這個幣要下架了，我的幣還可以提領嗎？",
        "快照之後幾耐會派空投",
    ],
}

A["security-2fa-reset"] = {
    "en": [
        "lost my phone and the google authenticator code is gone how do i log in",
        "I upgraded to a new iPhone over the weekend and didn't move the authenticator app. Now every login asks for the 6 digit code and I have no way to get it. I never wrote down the backup key. What do I do?",
        "how to reset to factor authentication if I lost the authentcator",
        "customer says he deleted Google Authenticator by accident, does he need a selfie with his ID",
        "2FA reset submitted, says 1-3 business days review, then 48h withdrawal lock?",
        "새 폰으로 바꿨는데 OTP gone, how to unbind 2FA",
    ],
    "ko": [
        "구글 오티피 앱 지워졌어요 로그인 못 해요",
        "휴대폰을 잃어버려서 새로 샀는데 구글 OTP가 없어서 로그인할 때 인증번호를 못 넣어요. 백업 키도 안 적어 놨어요. 어떻게 초기화하나요?",
        "2단계 인증 초기화 신청하면 며칠 걸려요",
        "동생이 OTP 앱을 실수로 삭제했대요 신분증 들고 셀카 찍어야 되나요",
        "16자리 백업키 있는데 새 폰에 어떻게 복구해요",
        "2FA reset 후에 출금 48시간 막혀요",
    ],
    "zh": [
        "谷歌验证气丢了 登不上去",
        "我上周换了新手机，旧手机已经恢复出厂了，谷歌验证器里的码全没了，当初也没有保存备份密钥。现在登录要输验证码，该怎么重置？",
        "二次验证怎么解绑 手机丢了",
        "客户说他误删了authenticator 重置要手持身份证自拍吗",
        "重置2FA以后提现锁48小时对吗",
        "有16位备份密钥 怎么在新手机恢复Google验证",
    ],
    "zh-Hant": [
        "手機掉了 Google驗證器的碼拿不到 要怎麼重設",
        "換了新手機之後兩步驟驗證的碼都沒了，怎麼辦？",
        "部電話唔見咗 2FA點樣reset",
    ],
}

A["security-account-hacked"] = {
    "en": [
        "someone logged into my account from a device i dont know",
        "I woke up this morning to three emails about a new login from another country. When I checked, there were trades I never made and my password had been changed. I still have access through the app. What should I do right now?",
        "unauthorised withdrawl I never requested, is my account hacked",
        "customer says a hacker changed his email and sold his BTC, how does he freeze the account",
        "login alert: new device, Lagos, 03:12 UTC — that wasn't me",
        "account hacked 됐어요 how to freeze now",
    ],
    "ko": [
        "모르는 기기에서 로그인됐다고 알림 왔어요",
        "아침에 일어나 보니 해외에서 로그인했다는 메일이 와 있었어요. 들어가 보니 제가 하지 않은 주문이 몇 개 체결돼 있었어요. 지금 당장 뭘 해야 하나요?",
        "계정 해킹당했어요 계정 동결 어떻게 해요",
        "친구가 자기가 안 한 출금이 나갔대요 해킹 같은데 어떻게 하라고 해야 해요",
        "동결한 계정 다시 풀려면 어떻게 해요",
        "hacker가 이메일이랑 비번 바꿨어요",
    ],
    "zh": [
        "我的账号被盗了 有陌生设备登录",
        "今天早上收到好几封异地登录的提醒邮件，登进去一看多了几笔不是我下的单，密码也被改过了。我现在应该马上做什么？",
        "有一笔提币不是我操作的 怎么冻结账户",
        "帮我舅舅问 他账户里的币被人偷偷卖了 还被改了邮箱",
        "冻结账户以后怎么解冻",
        "登录提醒显示新设备在国外 not me",
    ],
    "zh-Hant": [
        "帳號被盜 有不認識的裝置登入",
        "有一筆提領不是我做的，要怎麼馬上凍結帳戶？",
        "有人登入咗我個戶口落單 點算",
    ],
}

A["security-phishing"] = {
    "en": [
        "someone on telegram says hes your admin and wants my to factor code is that real",
        "I got a call this afternoon from a man who said he was from your security team. He said my account was at risk and I should move my coins to a safe account he would give me. He knew my name. Is this really you?",
        "how do I set the anti-phishng code in securty settings",
        "customer says she typed her login on a site that looked exactly like ours, what now",
        "email says 'verify your account within 24h or it will be suspended' — is it a scam",
        "가짜 사이트 같은데 how to check the official website",
    ],
    "ko": [
        "고객센터라고 전화 와서 비밀번호 알려달래요 진짜예요",
        "텔레그램으로 관리자라는 사람이 연락해서 계정에 문제가 생겼다고 안전 계좌로 코인을 옮기라고 했어요. 프로필 사진도 거래소 로고였어요. 이거 진짜 거래소 직원 맞나요?",
        "피싱 방지 코드 어디서 설정해요",
        "할머니가 문자로 온 링크 눌러서 로그인 정보 입력하셨대요 어떻게 해야 돼요",
        "이 텔레그램 계정 공식인지 확인하는 페이지 있어요",
        "fake support가 OTP 코드 달래요",
    ],
    "zh": [
        "有人冒充客服打电话问我要验证马 是真的吗",
        "今天有个自称是交易所安全部门的人加我电报，说我账户有风险，要我把币转到他给的安全账户。他还知道我的名字。这是你们的人吗？",
        "防钓鱼码在哪里设置",
        "客户说他在一个假网站上输了账号密码 现在怎么办",
        "收到邮件说24小时内不验证就冻结账户 是不是诈骗",
        "怎么验证这个telegram是不是官方的",
    ],
    "zh-Hant": [
        "有人自稱客服叫我把幣轉到安全帳戶 是詐騙嗎",
        "我在一個假網站輸入了帳號密碼，現在要怎麼辦？",
        "有個自稱官方嘅人問我攞驗證碼 係唔係呃人",
    ],
}

A["security-secret-exposed"] = {
    "en": [
        "i typed my twelve word seed phrase into a website what do i do",
        "A guy in a Discord group said he could fix my wallet sync problem. He sent me a link to a form and I pasted my recovery phrase into it. Nothing has happened yet but I'm scared. What should I do first?",
        "I accidently shared my privte key in a screenshot",
        "customer pasted his mnemonic into the ticket, do we need to tell him to move funds",
        "sent my 24 words to support by mistake, revoke approvals how",
        "seed phrase 유출됐어요 how to move coins to new wallet",
    ],
    "ko": [
        "시드 구문 열두 단어를 사이트에 입력해 버렸어요",
        "지갑 오류를 고쳐 준다는 사람한테 복구 구문을 보냈어요. 아직 잔고는 그대로인데 너무 불안해요. 지금 당장 뭘 해야 하나요?",
        "개인키 찍은 사진이 단톡방에 공유됐어요",
        "친구가 니모닉을 고객센터 채팅에 보냈대요 괜찮은 거예요",
        "노출된 지갑에서 토큰 승인 어떻게 취소해요",
        "private key 유출 새 지갑으로 옮기는 순서",
    ],
    "zh": [
        "我把主机词发给别人了 怎么办",
        "有个自称技术支持的人说帮我修复钱包同步问题，让我在一个表格里填了助记词。现在余额还在，但是我很担心。第一步应该做什么？",
        "私钥截图不小心发到群里了",
        "帮客户问 他把12个助记词发在工单里了 需要转移资产吗",
        "助记词泄露了 旧钱包的授权怎么取消",
        "seed phrase被别人看到了 要换new wallet吗",
    ],
    "zh-Hant": [
        "我把助記詞貼到一個網站上了 怎麼辦",
        "私鑰被別人看到了，要怎麼把資產轉走？",
        "我send咗助記詞俾客服 係咪要即刻轉幣",
    ],
}

A["technical-api-keys"] = {
    "en": [
        "how do i make an a p i key for my trading bot",
        "I wrote a small Python bot over the weekend. Every private request comes back with invalid signature even though I copied the secret correctly. Public endpoints work fine. What am I doing wrong?",
        "getting HTTP 429 too many requets, is my IP baned",
        "my colleague needs withdrawal permission on his API key, what's required",
        "API error: timestamp for this request is outside of the recvWindow",
        "api secret 잃어버렸어요 can I see it again",
    ],
    "ko": [
        "에이피아이 키 어떻게 만들어요 봇 쓰려고요",
        "자동매매 봇을 연결했는데 주문 요청마다 서명이 잘못됐다는 에러가 나요. 시크릿 키는 제대로 넣었어요. 뭐가 문제일까요?",
        "API 429 에러 계속 떠요 IP 차단된 건가요",
        "팀원이 API 키에 출금 권한 넣으려는데 IP 화이트리스트 필수예요",
        "API 키가 90일 지나서 안 돼요",
        "api secret 다시 볼 수 있어요",
    ],
    "zh": [
        "怎么创建API key 给量化机器人用",
        "我周末写了一个交易机器人，公共接口都正常，但是所有私有接口都返回invalid signature，密钥我是直接复制的。问题出在哪里？",
        "API一直报429 IP是不是被封了",
        "同事的API要开提币权限 必须绑IP白名单吗",
        "API key 90天没用就失效了吗",
        "API secret只显示一次 忘记保存了怎么办",
    ],
    "zh-Hant": [
        "要怎麼建立API金鑰給交易機器人用",
        "API一直回傳簽名錯誤，時間戳也會報錯，怎麼處理？",
        "API俾429 係咪超咗限",
    ],
}

A["technical-app-login-error"] = {
    "en": [
        "the app keeps crashing every time i open it",
        "Since the update yesterday the app opens, shows the logo for a second and then closes. I restarted my phone twice. My friend's phone works fine with the same app. How do I fix this?",
        "app stuck on loding screen, blank, tried wifi and mobile data",
        "customer says the app shows network error on login, he is in a hotel abroad",
        "Android app version 5.2.1 crashes on startup, Samsung S21",
        "app 계속 튕겨요 should I reinstall",
    ],
    "ko": [
        "앱이 자꾸 튕겨요",
        "어제 업데이트하고 나서 앱을 켜면 로고만 뜨고 바로 꺼져요. 폰도 두 번 껐다 켰어요. 어떻게 해야 고쳐지나요?",
        "앱 실행하면 하얀 화면에서 안 넘어가요",
        "아빠 폰에서만 앱 로그인할 때 네트워크 오류 떠요 와이파이 문제일까요",
        "휴대폰 시간이 틀려서 앱 로그인이 안 될 수도 있어요",
        "app cache 지우는 방법 안드로이드",
    ],
    "zh": [
        "app一打开就闪腿",
        "昨天更新以后，app打开只显示个logo就自己退出了，手机也重启过两次，还是一样。别人的手机用同一个版本没问题。该怎么处理？",
        "app一直卡在加载页面 白屏",
        "客户说app登录提示网络错误 他用的是公司wifi",
        "手机时间不对会导致app登录失败吗",
        "要不要卸载重装app 清缓存有用吗",
    ],
    "zh-Hant": [
        "App一直閃退 打不開",
        "更新之後App一打開就顯示錯誤，要怎麼修？",
        "個app成日彈出 點算",
    ],
}

A["trading-fees"] = {
    "en": [
        "whats the difference between maker and taker fees",
        "I placed a market buy for 1000 USDT of ETH this morning and the fee was more than I expected. A friend told me limit orders are cheaper. What are your actual fee rates?",
        "how to get lower trading fee, what's the VIP teir based on",
        "customer asks why he was charged 0.10% instead of 0.08% on his spot trade",
        "fee level page says 0.10% taker, does paying with platform token give 20% off",
        "spot trading fee 얼마예요 maker taker",
    ],
    "ko": [
        "메이커 테이커 차이가 뭐예요",
        "오늘 시장가로 비트코인을 샀는데 수수료가 생각보다 많이 나왔어요. 지정가로 하면 더 싸다고 들었는데 수수료율이 정확히 어떻게 되나요?",
        "현물 거래 수수료 0.1% 맞아요",
        "친구가 플랫폼 토큰으로 수수료 내면 할인된대요 얼마나 할인돼요",
        "30일 거래량으로 수수료 등급 정해지는 거예요",
        "내 fee level 어디서 봐요",
    ],
    "zh": [
        "挂蛋和吃单手续飞有什么区别",
        "我今天用市价单买了一千U的ETH，扣的手续费比我想的多。朋友说挂限价单更便宜，你们的费率到底是多少？",
        "现货手续费怎么降 VIP等级看什么",
        "客户问为什么这笔交易收的是0.10%不是0.08%",
        "用平台币抵扣手续费有20%折扣吗",
        "我的fee rate在哪里看",
    ],
    "zh-Hant": [
        "現貨交易手續費是多少 掛單吃單有差嗎",
        "用平台幣付手續費有折扣嗎？",
        "點解我落單俾咗taker fee",
    ],
}

A["trading-liquidation"] = {
    "en": [
        "my futures position got liquidated but the price never touched my level",
        "I opened a 50x long on BTC last night before going to bed. When I woke up the position was gone and my margin was zero. The chart's last price never reached my liquidation price. Why did this happen?",
        "how to avoid liquidaton, add margin or lower leverege",
        "customer says his position was force closed and asks where the liquidation fee goes",
        "liquidation price 61,250 but last price low was 61,400, why liquidated",
        "선물 청산됐어요 mark price vs last price",
    ],
    "ko": [
        "선물 포지션 강제 청산 당했어요",
        "어젯밤에 비트코인 20배 롱 잡고 잤는데 아침에 보니 포지션이 없어졌어요. 차트에서 최저가가 제 청산가까지 안 내려갔는데 왜 청산된 거예요?",
        "청산 안 당하려면 증거금 추가해야 돼요",
        "형이 레버리지 높게 했다가 증거금 다 날렸대요 청산 수수료는 어디로 가요",
        "청산가 60,000인데 마크 가격 기준이에요",
        "liquidation price 어디서 봐요",
    ],
    "zh": [
        "合约报仓了 价格根本没到我的强平价",
        "我昨晚开了50倍多单就睡觉了，早上起来仓位没了，保证金也没了。K线最低价明明没碰到我的强平价，为什么会被强平？",
        "怎么避免爆仓 加保证金还是降杠杆",
        "客户问强平手续费去哪里了 是进保险基金吗",
        "强平价写的是2950 但是最新价最低2960 为什么还是爆了",
        "mark price和last price哪个触发强平",
    ],
    "zh-Hant": [
        "合約被強制平倉了 價格明明沒到",
        "要怎麼避免爆倉？加保證金有用嗎？",
        "開咗高槓桿俾人強平 點解會咁",
    ],
}

A["trading-order-not-filled"] = {
    "en": [
        "my limit order has been open all day and still not filled",
        "I put a limit buy for SOL at 140 this morning. The chart showed the price touched 140 twice but my order is still sitting there. My USDT is also shown as frozen. Why didn't it fill?",
        "only part of my order got filed, rest still in open ordres",
        "customer asks how to cancel a sell order that's stuck so he can use the funds",
        "order status: partially filled 0.35/1.00 BTC, what happens to the rest",
        "limit order 안 체결돼요 should I use market order",
    ],
    "ko": [
        "지정가 주문이 하루 종일 체결이 안 돼요",
        "아침에 이더리움을 2,900에 지정가로 매수 걸어 놨는데 차트 보니까 2,900을 찍었는데도 주문이 그대로예요. USDT도 묶여 있고요. 왜 체결이 안 되나요?",
        "주문 일부만 체결되고 나머지는 미체결이에요",
        "친구가 매도 주문 걸린 돈 다시 쓰고 싶대요 주문 취소 어떻게 해요",
        "미체결 주문 때문에 잔고가 동결 표시돼요",
        "지금 바로 사려면 market order 써야 해요",
    ],
    "zh": [
        "限价单挂了一天了还没成交",
        "我早上挂了一个限价买单，价格140买SOL，K线显示价格碰到过140两次，但是单子还在那里，USDT也被冻结了。为什么没成交？",
        "订单只成交了一部分 剩下的还在当前委托里",
        "客户想撤掉卖单把冻结的资金拿出来 怎么撤",
        "订单显示部分成交0.35/1.00 剩下的会怎样",
        "想马上买到要用market order吗",
    ],
    "zh-Hant": [
        "限價單一直沒有成交 為什麼",
        "掛單只成交了一部分，剩下的資金被凍結了怎麼辦？",
        "張買單掛咗成日都冇成交",
    ],
}

A["withdrawal-fees"] = {
    "en": [
        "how much is the with drawl fee for usdt",
        "I tried to send 20 USDT to my friend's wallet on ERC20 and the page said the fee would be almost 10 USDT. That's half my money. Is there a cheaper way to send it?",
        "what is the minimun withdrawl amount for BTC",
        "customer asks why he received 99 TRX when he withdrew 100, where did the 1 go",
        "network fee shows 4.5 USDT on ERC20 and 1 USDT on TRC20, why so different",
        "내부 transfer to another user of this exchange 수수료 있어요",
    ],
    "ko": [
        "출그 수수료 얼마예요 유에스디티",
        "친구 지갑으로 USDT 20개 보내려는데 이더리움 네트워크 수수료가 거의 10개래요. 반이나 떼가는 거잖아요. 더 싸게 보낼 방법 없나요?",
        "최소 출금 수량이 얼마예요",
        "엄마가 100개 출금했는데 99개 받았대요 왜 그런 거예요",
        "ERC20 수수료 5 USDT, TRC20은 1 USDT 왜 달라요",
        "같은 거래소 회원끼리 보내면 free 예요",
    ],
    "zh": [
        "提笔手续费怎么这么贵",
        "我想给朋友的钱包转20个USDT，选了ERC20网络，页面显示手续费要将近10U，一半都没了。有没有更便宜的转法？",
        "最小体现数量是多少",
        "客户说提了100个TRX只收到99个 少的去哪了",
        "ERC20手续费4.5U TRC20才1U 为什么差这么多",
        "站内转账给别的用户要gas fee吗",
    ],
    "zh-Hant": [
        "提領手續費怎麼算 是固定的嗎",
        "最低提領數量是多少？",
        "提幣收幾多手續費 用邊條鏈最平",
    ],
}

A["withdrawal-limits"] = {
    "en": [
        "how much can i with drawl per day",
        "I sold some property and want to move a large amount of BTC to cold storage. I only did email and phone verification when I signed up. The withdraw page says I've hit my limit. How do I raise it?",
        "daily withdrawl limt exceded, when does it reset",
        "customer says level 2 limit of 100 BTC isn't enough, what does he need for level 3",
        "withdraw page: 24h limit 2 BTC, used 2 BTC, remaining 0",
        "출금 한도 올리고 싶어요 how to upgrade verification level",
    ],
    "ko": [
        "하루 출그 한도가 얼마예요",
        "이사 때문에 큰 금액을 출금해야 하는데 출금 화면에서 한도를 초과했다고 나와요. 가입할 때 이메일이랑 휴대폰 인증만 했어요. 한도를 어떻게 올리나요?",
        "일일 출금 한도 언제 초기화돼요",
        "고객이 레벨 2 한도 100 BTC로 부족하대요 레벨 3 뭐가 필요해요",
        "24시간 한도 2 BTC 다 썼다고 떠요",
        "withdraw limit 코인마다 따로예요",
    ],
    "zh": [
        "每天体现额度是多少",
        "我卖了房子想把一大笔BTC转到冷钱包，注册的时候只做了邮箱和手机验证。现在提现页面提示超过额度了，怎么才能提高限额？",
        "每日提币额度什么时候重置",
        "客户说二级认证100个BTC不够用 三级要准备什么",
        "提现页面显示24小时额度2 BTC已用完",
        "withdraw limit是每个币分开算还是一起算",
    ],
    "zh-Hant": [
        "每天提領上限是多少 要怎麼提高",
        "提領額度用完了，什麼時候會重置？",
        "每日提幣限額唔夠用 點樣升級",
    ],
}

A["withdrawal-pending"] = {
    "en": [
        "my with drawl is still pending and there is no tx id",
        "I withdrew 0.3 ETH to my new Ledger address about two hours ago. It's my first time sending to this wallet. The status still says under review and nothing has been broadcast. When will it actually go out?",
        "withdrawl stuck in procesing for hours, when will it complete",
        "customer says his withdrawal has been pending for 7 hours, what does he need to send us",
        "status: pending 3 hours, no txid, amount 5000 USDT",
        "출금 pending 떠 있어요 network congested 인가요",
    ],
    "ko": [
        "출그 대기 중이라고만 나와요 언제 나가요",
        "처음으로 개인지갑 주소로 비트코인을 출금했는데 두 시간째 심사 중이에요. 트랜잭션 ID도 없어요. 보통 얼마나 걸려요?",
        "출금 처리 중 상태로 6시간 넘었어요",
        "삼촌이 출금 신청한 지 반나절인데 완료가 안 됐대요 뭘 보내야 돼요",
        "출금 상태 검토 중 3시간, TxID 없음",
        "withdrawal 아직 processing 이에요",
    ],
    "zh": [
        "体现一直显示处理中 没有哈希",
        "我两个小时前往新的冷钱包地址提了0.3个ETH，第一次往这个地址提，状态一直是审核中，链上也查不到。一般要多久才会发出去？",
        "提币审核中好几个小时了 什么时候完成",
        "客户说提现已经pending超过6个小时了 要提供什么",
        "提现状态：处理中 3小时 无TxID",
        "withdraw一直processing 是不是链上拥堵",
    ],
    "zh-Hant": [
        "提領一直顯示處理中 什麼時候會完成",
        "第一次提幣到新地址，已經審核兩個小時了，正常嗎？",
        "提幣等咗好耐都未出 係咪審核緊",
    ],
}

A["withdrawal-wrong-address"] = {
    "en": [
        "i sent my coins to the wrong address can you reverse it",
        "I was withdrawing USDT to my other exchange account and picked BEP20 because it was cheaper. Their deposit address was ERC20 only. The withdrawal is completed but nothing arrived there. Can you get my money back?",
        "typed the wrong adress when withdrawing, canceling possible?",
        "customer says she withdrew to an address that belongs to your exchange by mistake, can we recover it",
        "withdrawal completed, txid 0x9f3a..., destination address one character off",
        "wrong network 선택해서 출금했어요 recover 돼요",
    ],
    "ko": [
        "출금 주소 잘못 넣었어요 취소 돼요",
        "다른 거래소 내 계정으로 USDT를 보냈는데 수수료 아끼려고 BEP20을 골랐어요. 그런데 받는 쪽 주소는 ERC20 전용이었어요. 출금은 완료됐는데 안 들어왔어요. 돌려받을 수 있나요?",
        "네트워크 잘못 선택해서 출금했어요",
        "친구가 엉뚱한 사람 지갑 주소로 코인을 보냈대요 되돌릴 방법 있어요",
        "출금 완료 TxID 나왔는데 주소 한 글자 틀렸어요",
        "받는 주소가 이 거래소 주소인데 wrong network 로 보냈어요",
    ],
    "zh": [
        "提币地址填错了 能撤回吗",
        "我往另一个交易所的账户提USDT，为了省手续费选了BEP20，结果对方的地址只支持ERC20。提现已经完成了但是那边没到账。钱还能找回吗？",
        "提现选错网络了 怎么办",
        "帮朋友问 他把币提到了陌生人的地址 有办法要回来吗",
        "提现已完成 TxID有了 但地址错了一位",
        "不小心withdraw到别的交易所地址了",
    ],
    "zh-Hant": [
        "提領地址打錯了 可以取消嗎",
        "提幣時選錯網路，幣已經送出去了，還能找回來嗎？",
        "唔小心提咗幣去錯嘅地址 點算",
    ],
}

# Questions no article answers: near-topic (products, coins, networks, countries, fiat
# methods, fees the articles do not cover), an article's title words asking something else,
# and some off-topic.
U = {}
U["en"] = [
    "how do i stake my eth and what is the apy",
    "is there a flexible savings product where I can earn interest on USDT",
    "my P2P seller received the money but won't release the coins, how do I open an appeal",
    "how do I change the email address on my account to a new one",
    "can I change my registered phone number, I lost the old SIM",
    "do you support deposits on the lightning network",
    "can I withdraw to PayPal",
    "how do I buy crypto with a credit card or Apple Pay",
    "what is the funding rate on perpetual futures and when is it charged",
    "how does copy trading work, can I follow top traders",
    "how do I set up a grid trading bot in the app",
    "where is my referral link and how much commission do I get for inviting friends",
    "can I download a tax report of all my trades for last year",
    "how to export my trade history as a csv file",
    "do you publish proof of reserves",
    "how do I create a sub account for my trading strategies",
    "can I open a corporate account for my company",
    "my father passed away, how can the family access his crypto account",
    "what are the maker and taker fees for futures contracts",
    "how do options trading work on this platform",
    "can I borrow USDT against my BTC, what is the loan interest",
    "how do I convert small dust balances into BNB",
    "is your exchange available to residents of the united states",
    "can I use the exchange from japan with a japanese passport",
    "how do i withdraw won to my bank account and how long does it take",
    "do you support SEPA transfers in euro",
    "how do I deposit with PIX from brazil",
    "do you support USDT on arbitrum or polygon",
    "can I deposit monero",
    "is ETH withdrawal suspended during your wallet maintenance, when is the maintenance window",
    "how to apply to list my project's token, is there an application form",
    "do I have to pay tax on airdrops I received",
    "what are the password rules, how many characters minimum",
    "can I change my username or nickname on my profile",
    "how do I turn on dark mode in the app",
    "how do I set a price alert for bitcoin",
    "is there a desktop app for windows or mac",
    "what is the minimum age to open an account",
    "do you have an OTC desk for large block trades",
    "are my deposits insured if the exchange goes bankrupt",
    "how do i set up a recurring buy every week",
    "is there a launchpad where I can join new token sales",
    "can I buy NFTs on your platform",
    "do you have a crypto debit card I can spend with",
    "how do I close a futures position partially at a target price",
    "what is the interest rate for borrowing on margin spot trading",
    "customer asks if the exchange offers a demo account to practice trading",
    "friend wants to know if you have a VIP account manager he can call",
    "my accountant needs an official statement of my balance on dec 31 for taxes",
    "how to enable push notifications for filled orders",
    "can I change the language of emails you send me",
    "does the api have a websocket feed for order book updates",
    "what is the difference between cross margin and isolated margin",
    "how do I transfer between my spot wallet and futures wallet",
    "can I pay for something in a shop with usdt from my balance",
    "whats the wether in seoul tomorrow",
    "write me a short poem about bitcoin",
    "will eth go up next week what do you think",
    "recommend a good hardware wallet brand",
    "how do I mine bitcoin at home",
    "what time does the stock market open in new york",
    "can you explain how the blockchain works in simple words",
]
U["ko"] = [
    "이더리움 스테이킹 어떻게 해요 이자 몇 퍼센트예요",
    "USDT 예치하면 이자 주는 상품 있어요",
    "P2P 거래 판매자가 돈 받고 코인을 안 보내요 이의 제기 어떻게 해요",
    "가입한 이메일 주소를 다른 걸로 바꾸고 싶어요",
    "휴대폰 번호 바뀌었는데 등록 번호 변경 어떻게 해요",
    "라이트닝 네트워크로 비트코인 입금 돼요",
    "원화 출금 신청하면 은행 계좌에 언제 들어와요",
    "카카오페이로 충전 가능해요",
    "신용카드로 코인 살 수 있어요",
    "무기한 선물 펀딩비 언제 나가요",
    "카피 트레이딩 기능 있어요",
    "그리드 봇 설정하는 방법 알려주세요",
    "친구 초대하면 수수료 리워드 얼마 받아요",
    "작년 거래 내역 세금 신고용으로 받을 수 있어요",
    "거래 내역 엑셀 파일로 다운로드 어떻게 해요",
    "거래소 준비금 증명 공개하나요",
    "서브 계정 만들 수 있어요",
    "법인 계정 개설 가능한가요",
    "돌아가신 아버지 계정 자산 상속 어떻게 받아요",
    "선물 거래 수수료는 메이커 테이커 얼마예요",
    "옵션 거래 지원해요",
    "비트코인 담보로 USDT 대출 받을 수 있어요",
    "소액 잔고 한 번에 다른 코인으로 바꾸는 기능 있어요",
    "미국 거주자도 가입할 수 있어요",
    "일본에서도 이 거래소 쓸 수 있어요",
    "아비트럼 네트워크 USDT 입금 지원해요",
    "모네로 입금 돼요",
    "지갑 점검 시간에는 출금 막혀요 점검 공지 언제 해요",
    "우리 프로젝트 토큰 상장 신청서 어디서 내요",
    "에어드랍 받은 거 세금 내야 해요",
    "비밀번호 최소 몇 자리 이상이어야 해요",
    "닉네임 변경 어떻게 해요",
    "앱 다크 모드 설정 있어요",
    "비트코인 가격 알림 설정 방법",
    "PC용 프로그램 있어요 윈도우",
    "미성년자도 가입 가능해요 몇 살부터예요",
    "대량 거래 OTC 데스크 있어요",
    "거래소 파산하면 예치금 보호돼요",
    "매주 자동으로 비트코인 적립식 매수 돼요",
    "런치패드 신규 토큰 청약 어떻게 참여해요",
    "NFT 거래도 가능해요",
    "코인으로 결제되는 체크카드 있어요",
    "선물 포지션 일부만 목표가에 익절 거는 법",
    "교차 마진이랑 격리 마진 차이가 뭐예요",
    "현물 지갑에서 선물 지갑으로 이체 어떻게 해요",
    "마진 거래 빌린 돈 이자율 얼마예요",
    "고객이 모의투자 계정 있냐고 물어봐요",
    "친구가 VIP 전담 매니저 연결해 달래요",
    "세무사가 12월 31일 기준 잔고 증명서 달래요",
    "주문 체결 푸시 알림 켜는 법",
    "이메일 받는 언어를 한국어로 바꾸고 싶어요",
    "API 웹소켓으로 호가 받을 수 있어요",
    "원화 출그 수수료 얼마예요",
    "내일 서울 날씨 어때요",
    "비트코인 시 한 편 써 주세요",
    "다음 주에 이더리움 오를까요",
    "하드웨어 지갑 어떤 브랜드가 좋아요",
    "집에서 비트코인 채굴하는 방법",
    "미국 주식 시장 몇 시에 열려요",
    "블록체인이 뭔지 쉽게 설명해 주세요",
    "upbit랑 비교하면 어디가 좋아요",
]
U["zh"] = [
    "ETH质押怎么弄 年化多少",
    "USDT活期理财有吗 利息多少",
    "P2P卖家收了钱不放币 怎么申诉",
    "注册邮箱想换成新的 怎么改",
    "手机号换了 绑定的手机怎么修改",
    "支持闪电网络充BTC吗",
    "可以用支付宝买币吗",
    "信用卡能直接买USDT吗",
    "永续合约资金费率多久收一次",
    "跟单交易怎么用",
    "网格机器人在哪里开",
    "邀请好友返佣比例是多少",
    "能导出去年的交易记录报税吗",
    "你们有储备金证明吗",
    "可以开子账户吗",
    "公司能开企业账户吗",
    "家人去世了 账户里的币怎么继承",
    "合约交易的挂单吃单费率是多少",
    "有期权交易吗",
    "用BTC抵押借USDT 利率多少",
    "小额资产能一键兑换成平台币吗",
    "中国大陆用户能注册吗",
    "支持Arbitrum网络充USDT吗",
    "能充门罗币吗",
    "钱包维护期间暂停充提 一般维护几个小时",
    "项目方怎么申请上币 有申请表吗",
    "空投拿到的币要交税吗",
    "密码最少要几位",
    "昵称怎么改",
    "app有夜间模式吗",
    "怎么设置比特币价格提醒",
    "有没有电脑版客户端",
    "多大年龄才能注册",
    "大额OTC怎么联系",
    "交易所倒闭了资产有保险吗",
    "可以设置每周定投吗",
    "逐仓和全仓有什么区别",
    "现货账户怎么划转到合约账户",
    "明天深圳天气怎么样",
    "帮我写一首关于比特币的诗",
    "你觉得下周以太坊会涨吗",
    "客户问有没有模拟盘可以练习",
    "朋友问有没有VIP专属客户经理可以打电话",
    "会计要12月31日的资产余额证明 怎么开",
    "订单成交了能不能推送通知到手机",
    "邮件的语言能改成中文吗",
    "API有没有websocket推送深度数据",
    "杠杆借币的利息怎么算",
    "合约仓位怎么设置部分止盈",
    "人民币怎么出金到银行卡 多久到",
    "有没有可以刷的加密货币借记卡",
    "NFT能在你们平台买吗",
    "新币打新launchpad怎么参加",
    "美国用户能不能用你们交易所",
    "能用PayPal体现吗",
    "充值能用微信支付吗",
    "帮我推荐一个冷钱包品牌",
    "在家怎么挖比特币",
    "纽约股市几点开盘",
    "区块链到底是什么 用大白话讲讲",
]
U["zh-Hant"] = [
    "台幣要怎麼出金到銀行帳戶 要多久",
    "可以用街口支付入金嗎",
    "ETH質押年化報酬是多少",
    "註冊的電子信箱要怎麼更換",
    "手機門號換了 綁定的號碼怎麼改",
    "有沒有USDT活存利息",
    "P2P賣家收錢不放幣 要怎麼申訴",
    "可以開公司法人帳戶嗎",
    "去年的交易紀錄可以匯出來報稅嗎",
    "有冇跟單交易功能",
    "永續合約資金費率幾耐收一次",
    "香港居民可唔可以用信用卡買幣",
    "支援閃電網路入金嗎",
    "合約手續費掛單吃單係幾多",
    "有冇期權可以玩",
    "小額資產可以一鍵轉換嗎",
    "密碼最少要幾個字元",
    "App有深色模式嗎",
    "聽日香港會唔會落雨",
    "幫我推介一個硬體錢包",
    "台灣用戶可以用超商代碼繳費入金嗎",
    "有沒有網格交易機器人",
    "可以用LINE Pay入金嗎",
    "有冇雙幣理財產品",
    "支援Polygon鏈的USDC入金嗎",
    "可以借幣做空現貨嗎",
    "有冇Apple Pay買幣",
    "可以用八達通增值買幣嗎",
    "你覺得比特幣下個月會唔會升",
    "子帳戶點樣開",
]


def article_ids():
    ids = set()
    for name in os.listdir(os.path.join(ROOT, "kb")):
        if name.endswith(".md") and name != "README.md":
            ids.add(name.split(".")[0])
    return sorted(ids)


def is_holdout(q):
    return int(hashlib.sha256(q.encode("utf-8")).hexdigest(), 16) % 10 < 3


def build():
    ids = article_ids()
    errors = []
    seen = set()
    for art in A:
        if art not in ids:
            errors.append("unknown article %s" % art)
    for art in ids:
        if art not in A:
            errors.append("no questions for %s" % art)
            continue
        for lang in LANGS:
            n = len(A[art].get(lang, []))
            if n < MIN_PER[lang]:
                errors.append("%s %s: %d < %d" % (art, lang, n, MIN_PER[lang]))
    for lang in LANGS:
        if len(U.get(lang, [])) < MIN_UNANS[lang]:
            errors.append("unanswerable %s: %d < %d" % (lang, len(U.get(lang, [])), MIN_UNANS[lang]))
    rows, urows = [], []
    for art in ids:
        for lang in LANGS:
            for q in A.get(art, {}).get(lang, []):
                rows.append({"q": q, "lang": lang, "article": art})
    for lang in LANGS:
        for q in U.get(lang, []):
            urows.append({"q": q, "lang": lang, "article": None})
    for r in rows + urows:
        key = " ".join(r["q"].lower().split())
        if not key or key in seen:
            errors.append("empty or repeated question: %r" % r["q"])
        seen.add(key)
    if errors:
        for e in errors:
            print("gen8: " + e, file=sys.stderr)
        sys.exit(2)

    def dump(rs):
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rs)

    return {
        "tests/data/kb_dev8.jsonl": dump([r for r in rows if not is_holdout(r["q"])]),
        "tests/data/kb_dev8_holdout.jsonl": dump([r for r in rows if is_holdout(r["q"])]),
        "tests/data/kb_unanswerable8.jsonl": dump([r for r in urows if not is_holdout(r["q"])]),
        "tests/data/kb_unanswerable8_holdout.jsonl": dump([r for r in urows if is_holdout(r["q"])]),
    }


def main():
    out = build()
    check = "--check" in sys.argv[1:]
    differ = False
    for rel, text in out.items():
        path = os.path.join(ROOT, rel)
        old = None
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                old = f.read()
        if old == text:
            continue
        if check:
            print("gen8: %s differs" % rel, file=sys.stderr)
            differ = True
        else:
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
