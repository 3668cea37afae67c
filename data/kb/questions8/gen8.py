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
MIN_UNANS = {"zh": 40, "zh-Hant": 20, "en": 60, "ko": 60}

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
