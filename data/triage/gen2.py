#!/usr/bin/env python3
"""Write the third labelled triage set, data/triage/holdout2-{zh,en,ko}.jsonl (issue #17).

    python3 data/triage/gen2.py

Written independently of gen.py and its tpl_*.py: its own situations (below), its own filler
vocabulary and its own ways of writing. Every situation is written out three times:
  zh  as written (simplified) / traditional Chinese (Taiwan/HK wording kept) / mixed zh-en chat
  en  as written / terse chat with dropped or doubled letters and slang / a long rambling mail
  ko  as written / unspaced chat with ㅋㅋ/ㅠ / mixed ko-en
Amounts, coins, tx hashes and addresses are fresh per ticket. Labels follow
../shared/data/TRIAGE.md. A dev set since round 3 of issue #17 (data/triage/README.md): its
misses were read and their kinds fixed; holdout3 is the held-out set now.
Deterministic (seeded by ticket id). Standard library only.
"""

import json
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))

TOKENS = ["USDT", "BTC", "ETH", "SOL", "TRX", "XRP", "USDC", "TON", "ARB", "PEPE", "MATIC"]
CHAINS = ["TRC-20", "trc20", "ERC-20", "BEP-20", "BSC", "Arbitrum One", "TON", "Base"]
EXPLORERS = ["tronscan", "etherscan", "bscscan", "solscan", "mempool.space"]


def fill(rng):
    hexs = "0123456789abcdef"
    b58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
    return {
        "tok": rng.choice(TOKENS),
        "n": rng.choice([str(rng.randint(12, 98000)), "%.4f" % rng.uniform(0.001, 12),
                         "{:,}".format(rng.randint(1500, 480000))]),
        "chain": rng.choice(CHAINS),
        "scan": rng.choice(EXPLORERS),
        "h": "0x" + "".join(rng.choice(hexs) for _ in range(64)),
        "to": rng.choice(["T" + "".join(rng.choice(b58) for _ in range(33)),
                          "0x" + "".join(rng.choice(hexs) for _ in range(40))]),
        "id": str(rng.randint(100000000, 999999999)),
        "h2": str(rng.randint(2, 50)),
    }


# (category, priority, text). Text may use {tok} {n} {chain} {scan} {h} {to} {id} {h2}.
EN = [
    ("security", 1, "wtf my {tok} is just gone. logged in this morning and the wallet says 0. I did NOT withdraw anything, who did this"),
    ("security", 1, "Hello, I am writing because I noticed something very strange. I went to check my portfolio after coming back from my holiday and there is a withdrawal of {n} {tok} to {to} which I have never seen. I have never sent anything to that address. Please help me, I don't know what to do."),
    ("security", 1, "got an email that my withdrawal whitelist was updated + new address added. wasnt me. block it NOW"),
    ("security", 1, "somebody changed the phone number on my account yesterday night and now all the codes go to them"),
    ("security", 1, "My carrier says my number was moved to a new SIM I never asked for. Since then I can't get SMS and there's a login from an unknown device on my account"),
    ("security", 1, "I pasted my 12 words in the chat with your 'support agent' on telegram so he could sync my wallet. now I think that was a scam"),
    ("security", 1, "a guy on whatsapp said he is from your risk team and I needed to move my coins to a safe account, I sent {n} {tok} to {to}. was that you??"),
    ("security", 1, "Someone is placing futures trades on my account right now, I can see positions opening that I never opened. stop it please"),
    ("security", 1, "Received 'new device login: Windows, Lagos' and 'API key created'. I don't own a windows pc and never made an API key."),
    ("security", 1, "my laptop got stolen out of my car, I was logged into the exchange on chrome and the password was saved. lock my account pls"),
    ("security", 1, "i clicked a link in an sms about a tax refund, entered my login and the 2fa code on the page. 10 minutes later {n} {tok} withdrawn"),
    ("security", 1, "Account compromised. Password and email changed, I can't get in, funds are probably being moved as we speak"),
    ("security", 1, "here is my private key so you can check the wallet: {h}"),
    ("security", 1, "balance dropped from {n} {tok} to zero overnight, there is a transfer out I didn't make, tx {h}"),
    ("security", 1, "My brother used my phone while I was sleeping and sold all my ETH and sent the USDT to his own wallet. I didn't allow that"),
    ("security", 3, "got an sms saying my account is suspended and to call a number. I didn't call, just reporting the fake number"),
    ("security", 3, "There is an instagram page pretending to be your official support and DMing people. I didn't give them anything, just want you to take it down"),
    ("security", 4, "if my account got hacked would you refund the stolen coins? just asking before I deposit a lot"),
    ("security", 4, "what's the best way to protect my account from sim swap attacks? should I remove SMS 2fa?"),
    ("account", 2, "not stolen, nobody has it - I moved to a new phone and forgot to move google authenticator. cant log in now. need 2FA reset"),
    ("account", 2, "My account got locked after I typed the wrong password too many times, it's been {h2} hours, how do I unlock it"),
    ("account", 2, "I changed my email myself last week and now the login says the account is restricted for 48 hours, can you lift it? It was me, nobody else."),
    ("account", 3, "kyc keeps failing at the selfie step, says face not matched, tried 5 times"),
    ("account", 3, "verification email never arrives when I try to register, tried gmail and outlook"),
    ("account", 4, "how do I get rid of my account? i dont use it anymore"),
    ("account", 4, "Can I change my nickname and the display currency to EUR?"),
    ("deposit", 2, "I sent {n} {tok} from my Ledger to you on {chain}, {scan} says success ({h}) but my balance here hasn't moved"),
    ("deposit", 2, "Transferred USDT from my OKX account to my deposit address here {h2} hours ago, still nothing. txid {h}"),
    ("deposit", 2, "deposit of XRP without the tag, support pls help me get it credited"),
    ("deposit", 2, "sent usdt on bsc to my erc20 deposit address by mistake. is it lost?"),
    ("deposit", 3, "card top up failed twice with 'payment declined', no money was charged"),
    ("deposit", 4, "whats the minimum deposit for {tok}? and which chain is cheapest"),
    ("withdrawal", 2, "My withdrawal to my Trust Wallet has been 'processing' for {h2} hours. tx id not generated yet"),
    ("withdrawal", 2, "I sent {n} USDT to a wrong address (copied the wrong line). Is there any way to get it back?"),
    ("withdrawal", 2, "withdrew to Kraken without the memo, kraken support says they can't find it, your side shows completed {h}"),
    ("withdrawal", 3, "why is the network fee for {tok} withdrawals higher here than on other exchanges"),
    ("withdrawal", 4, "how long do withdrawals to a bank account in EUR usually take?"),
    ("trading", 2, "my long got liquidated at a price the mark price never reached, lost {n} USDT, I want this reviewed"),
    ("trading", 2, "P2P seller hasn't released the USDT for 3 hours, I paid and uploaded proof. order {id}"),
    ("trading", 3, "limit order at 61,000 not filled although the price went below it several times"),
    ("trading", 4, "what is the funding rate and how often is it charged?"),
    ("technical", 3, "the app crashes every time I open the futures tab on my iphone 15, after the last update"),
    ("technical", 3, "api returns 'timestamp outside recvWindow' all the time, my server clock is synced"),
    ("technical", 3, "charts not loading on the website, just spinning forever. chrome + firefox"),
    ("compliance", 2, "you froze my withdrawal and ask for source of funds. The money is my salary, what document do you need exactly? my money is stuck"),
    ("compliance", 2, "My deposit is on hold because your screening says the sender address is linked to a mixer. I bought those coins on another exchange"),
    ("compliance", 3, "I need an annual statement of my trades for my tax return please"),
    ("compliance", 4, "Are US residents allowed to use your platform?"),
    ("general", 4, "when will you list {tok}? it's on every other exchange"),
    ("general", 4, "is there any promo for new users? my friend said there is a 50 usdt bonus"),
]

ZH = [
    ("security", 1, "号没了！！！余额清零！！！昨天还有{n}个{tok}"),
    ("security", 1, "刚收到短信说我的提币地址新增了一个，我根本没有加过，赶紧帮我冻结账户"),
    ("security", 1, "有人在用我的账号下合约单，现在还在开仓，我手机在身上没操作过"),
    ("security", 1, "我的谷歌验证器被人解绑了，邮箱也被改了，现在登录不进去，里面有{n} {tok}"),
    ("security", 1, "你好，我这边发现账户里有一笔提现{n} {tok}到 {to}，不是我本人操作的，交易哈希 {h}，请尽快处理"),
    ("security", 1, "手机卡突然没信号了，营业厅说有人补办了我的卡，现在交易所也登不上去了"),
    ("security", 1, "在电报上有个自称你们客服的人让我把助记词发给他做资产验证，我发了，现在后悔了"),
    ("security", 1, "我在一个钓鱼网站输入了账号密码和验证码，然后币就被转走了"),
    ("security", 1, "这是我钱包的私钥 {h} 你们帮我看看为什么导入不了"),
    ("security", 1, "半夜收到异地登录提醒，IP在国外，我人在家睡觉，账户余额也少了一半"),
    ("security", 1, "前男友知道我的密码，登了我的账户把USDT全转走了"),
    ("security", 1, "电脑中了木马，密码被盗，现在账户里出现了好几笔我不知道的交易"),
    ("security", 1, "钱包授权了一个空投网站以后，USDT全没了，余额变成0"),
    ("security", 1, "资产莫名其妙少了{n} {tok}，历史里有一笔卖出不是我下的单"),
    ("security", 1, "出门手机丢了，没锁屏，APP一直是登录状态，快帮我把账户锁了"),
    ("security", 3, "有人冒充你们客服加我微信，说要帮我升级VIP，我没理他，举报一下"),
    ("security", 4, "如果我的账户被盗了你们会赔吗？想先了解一下"),
    ("security", 4, "怎么设置防钓鱼码和提币白名单让账户更安全？"),
    ("account", 2, "不是被盗，没人动过，是我自己换手机把谷歌验证器删了，现在登录不了，麻烦重置一下"),
    ("account", 2, "密码输错太多次账户被锁了，等了{h2}小时还是锁定状态"),
    ("account", 3, "实名认证一直审核失败，说照片不清晰，我已经拍了好几次"),
    ("account", 3, "注册的时候收不到邮箱验证码，垃圾箱也没有"),
    ("account", 4, "怎么注销账户？以后不用了"),
    ("account", 4, "子账户怎么开？可以开几个"),
    ("deposit", 2, "我从币安提了{n} USDT到你们这边，币安显示已完成，{scan}上也确认了，但是余额一直没到账"),
    ("deposit", 2, "从我的冷钱包转过来的{tok}到现在还没入账，哈希 {h}"),
    ("deposit", 2, "充值的时候选错了网络，用BEP20充到了ERC20地址，能找回吗"),
    ("deposit", 2, "充XRP忘了填标签，钱没到账"),
    ("deposit", 3, "用信用卡买币一直提示支付失败，钱没扣"),
    ("deposit", 4, "USDT最少能充多少？走哪个链手续费最便宜"),
    ("withdrawal", 2, "提现到我自己的钱包{h2}个小时了还在审核中，急用钱"),
    ("withdrawal", 2, "提币地址复制错了，{n} USDT转到别人地址去了，能追回吗"),
    ("withdrawal", 2, "提到OKX没填memo，对方说找不到，你们这边显示已完成"),
    ("withdrawal", 3, "为什么提币手续费这么高？比别家贵好多"),
    ("withdrawal", 4, "最少能提多少USDT？多久到账"),
    ("trading", 2, "合约被强平了，当时标记价格根本没到强平价，亏了{n} USDT，要求申诉"),
    ("trading", 2, "P2P付款了卖家一直不放币，已经三个小时了，订单号{id}"),
    ("trading", 3, "限价单挂了一天没成交，价格明明到过"),
    ("trading", 4, "全仓和逐仓有什么区别？"),
    ("technical", 3, "APP一打开合约页面就闪退，安卓14，更新后才出现的"),
    ("technical", 3, "API一直返回签名错误，代码没改过"),
    ("technical", 3, "K线一直加载不出来，网页和APP都是这样"),
    ("compliance", 2, "提现被冻结了，说要我提供资金来源证明，钱是我工资，现在提不出来"),
    ("compliance", 2, "充值被风控拦了，说发送地址涉及混币器，我是从别的交易所买的币"),
    ("compliance", 3, "报税需要去年全年的交易流水，能帮我出一份吗"),
    ("compliance", 4, "大陆用户现在还能用你们平台吗？"),
    ("general", 4, "什么时候上{tok}？别的平台都有了"),
    ("general", 4, "新用户有什么活动吗？朋友说注册送50U"),
    ("general", 4, "建议APP加个夜间模式"),
    ("general", 3, "投诉：工单提交三天了没人回复"),
]

KO = [
    ("security", 1, "계정이 털렸어요 잔고가 0이에요 어제까지 {n} {tok} 있었는데"),
    ("security", 1, "누가 제 계정으로 로그인해서 {tok} 전부 출금했어요. 저는 출금한 적 없어요. 주소는 {to}"),
    ("security", 1, "비밀번호랑 이메일이 변경됐다는 메일이 왔는데 제가 바꾼 게 아니에요. 지금 로그인도 안 돼요"),
    ("security", 1, "유심이 갑자기 먹통이 됐고 통신사에 물어보니 누가 유심 재발급을 했대요. 거래소 계정 좀 막아주세요"),
    ("security", 1, "텔레그램에서 고객센터 직원이라는 사람이 시드 문구를 알려달래서 알려줬어요. 어떡하죠"),
    ("security", 1, "새 기기에서 로그인 알림이 왔는데 저는 그 시간에 자고 있었어요. 해외 IP예요"),
    ("security", 1, "출금 주소록에 모르는 주소가 등록돼 있고 출금 대기 중인 게 있어요. 취소해 주세요"),
    ("security", 1, "피싱 사이트인 줄 모르고 아이디 비번 OTP 다 입력했어요. 그 후에 코인이 다 빠져나갔어요"),
    ("security", 1, "제 개인키입니다 {h} 지갑 복구 좀 도와주세요"),
    ("security", 1, "제가 하지 않은 매도 주문이 체결돼 있어요. 잔고가 반으로 줄었어요"),
    ("security", 1, "폰을 잃어버렸는데 잠금이 안 돼 있고 앱이 로그인된 상태예요. 계정 정지 부탁드려요"),
    ("security", 1, "API 키를 만든 적이 없는데 API 키가 생성돼 있고 거래 기록이 있어요"),
    ("security", 1, "남편이 제 비밀번호로 들어가서 코인을 자기 지갑으로 보냈어요. 저는 허락한 적 없어요"),
    ("security", 1, "안전 계좌로 옮기라는 전화를 받고 {n} USDT를 보냈는데 사기 같아요"),
    ("security", 1, "악성 앱 깔고 나서 계정에서 모르는 출금이 나갔어요 tx {h}"),
    ("security", 3, "거래소 직원 사칭 문자가 왔는데 링크는 안 눌렀어요. 신고합니다"),
    ("security", 4, "만약 계정이 해킹당하면 보상해 주나요? 궁금해서요"),
    ("security", 4, "계정 보안을 더 강화하려면 어떻게 해야 하나요?"),
    ("account", 2, "해킹 아니에요. 제가 폰 바꾸면서 OTP 앱을 옮기지 못했어요. 로그인이 안 돼요 OTP 초기화 부탁해요"),
    ("account", 2, "비밀번호 5번 틀려서 계정이 잠겼어요. 어떻게 풀어요"),
    ("account", 3, "신분증 인증이 계속 실패해요. 사진은 선명하게 찍었어요"),
    ("account", 3, "회원가입 인증 메일이 안 와요"),
    ("account", 4, "회원 탈퇴는 어떻게 하나요?"),
    ("account", 4, "닉네임 변경 가능한가요?"),
    ("deposit", 2, "업비트에서 {n} {tok} 보냈는데 {h2}시간째 입금이 안 돼요. 트론스캔에는 성공으로 나와요 {h}"),
    ("deposit", 2, "제 메타마스크에서 보낸 USDT가 아직 반영이 안 됐어요. 해시 {h}"),
    ("deposit", 2, "입금할 때 네트워크를 잘못 선택했어요. BEP-20으로 ERC-20 주소에 보냈어요. 복구 되나요"),
    ("deposit", 2, "XRP 입금할 때 데스티네이션 태그를 안 넣었어요"),
    ("deposit", 3, "카드 결제로 코인 사려는데 결제 실패만 떠요. 돈은 안 빠져나갔어요"),
    ("deposit", 4, "테더 최소 입금 금액이 얼마예요?"),
    ("withdrawal", 2, "제 개인 지갑으로 출금한 게 {h2}시간째 검토 중이에요"),
    ("withdrawal", 2, "출금 주소를 잘못 붙여넣어서 {n} USDT가 다른 주소로 갔어요. 돌려받을 수 있나요"),
    ("withdrawal", 2, "바이낸스로 출금할 때 메모를 빠뜨렸어요. 바이낸스는 못 찾겠대요"),
    ("withdrawal", 3, "출금 수수료가 왜 이렇게 비싸요? 다른 데보다 두 배예요"),
    ("withdrawal", 4, "원화 출금은 보통 얼마나 걸리나요?"),
    ("trading", 2, "선물 포지션이 청산됐는데 마크 가격이 청산가에 안 닿았어요. {n} USDT 손실, 이의 제기합니다"),
    ("trading", 2, "P2P에서 입금했는데 판매자가 코인을 안 풀어줘요. 주문번호 {id}"),
    ("trading", 3, "지정가 주문이 체결이 안 돼요. 가격은 도달했었어요"),
    ("trading", 4, "교차 마진이랑 격리 마진 차이가 뭐예요?"),
    ("technical", 3, "앱이 자꾸 튕겨요 아이폰이에요. 업데이트 후부터 그래요"),
    ("technical", 3, "API 호출하면 서명 오류가 계속 나요"),
    ("technical", 3, "차트가 로딩이 안 돼요. 웹이랑 앱 둘 다요"),
    ("compliance", 2, "자금 출처 소명 요청 때문에 출금이 막혔어요. 월급이에요. 어떤 서류 내야 하나요"),
    ("compliance", 2, "입금이 컴플라이언스 검토 중이라 묶여 있어요. 믹서 관련 주소라는데 저는 다른 거래소에서 산 거예요"),
    ("compliance", 3, "연말정산용 거래내역서 발급해 주세요"),
    ("compliance", 4, "미국 시민권자도 가입할 수 있나요?"),
    ("general", 4, "{tok} 상장 언제 해요?"),
    ("general", 4, "신규 가입 이벤트 있나요?"),
    ("general", 4, "앱에 다크 모드 추가해 주세요"),
    ("general", 3, "문의 남긴 지 3일째인데 답변이 없어요. 불만입니다"),
]

# Traditional Chinese for the characters used above (this script's own table).
TRAD = dict(zip(
    "号没余额清币账户现转这说请问为么们钱码验证绑丢机记词钥盗骗单订仓强冻结审处时间还进开关网络"
    "点链钓鱼诈风险资产来规则录陆设备换发给让帮赶紧报错误显数据试贴当买卖费续应该无认识别对个几笔后"
    "从里样吗谁级护实税务执权状闪兑杠线页载维统领补贵价亏损赔偿监刚员诉题过删际邮达汇迟谢团队众红"
    "乐调听见种视频项准销热旧满库递扫动历复总连语简体欢两传变惨锁闭门难业专丰临举义乌书乱争亚亲亿"
    "仅仪优伙会伟伤伦佣侣债倾储党兰兴养内册写军农冲决况净减凭击划创劝办劳势区医华协卢卫却厂厅压厌"
    "县参双叙叶叹吓启员响团园围国图圆圣场坏块坚坛垒垫备够头夹夺奋奖妆妇妈娱婴孙学宁宝审宪宫宽宾对寻"
    "导寿将尔尘尝层属岁岛帅师帐带帮干并广庄庆库应庙废异弃张弹归录彻征径忆忧怀态怜总恋恶恼悬惊惧惩惯"
    "愤愿戏战执扩扫扬扰抚抢护报担拟拥择挂挡挤挥损换据掷揽摄摆摇敌数断无旧时显晒晓暂术机杀杂权条来杨"
    "极构枪柜标栏树样档桥梦检横欢欧残毁毕气汇汉汤沟沪泪泽洁浅测济浓涂涛润涨渐温湾满滚滞灭灯灵灾灿炉"
    "点炼烂热焕爱爷牵犹状独狭狮猎献环现琐电画畅疗疯瘾盏盐监盖盘矿码砖础硕确碍礼祸离种积称稳穷窃窝竞"
    "笔笼筑签简类粮纠红约级纪纯纲纳纸纹线练组细织终绍经结绕绘给络统继绩绪续维绵综绿缓编缘缩缴网罚罢"
    "职联聪肃肠肤肿胀胜脑脚脸腊舰艺节芦苏苹范荐药获营萧虑虚虽虾蚁补衬袜装见观规视览觉触誉计订认讨让"
    "训议讯记讲许论设访证评识诈诉词译试诗诚话询该详语误说请诸读课谁调谈谢谣谦谨谱贝负贡财责败货质贩"
    "贪购贯贴贵贷费贺资赌赔赚赛赞赵赶趋跃踪车轨转轮软轰轻载较辅辆输辞边达迁过运还这进远违连迟适选递"
    "逻遗邮邻郑酱释里鉴针钉钓钟钢钥钱铁银铺链销锁锅错锦键镇镜长门闪闭问闯闲间闹闻阅队阳阴阵阶际陆陈"
    "险随隐难雾静韩页顶项顺须顾顿预领频题颜额风飞饭饮馆马驱验骗骤鱼鸟鸡鸭麦黄齐龄馈坠侦",
    "號沒餘額清幣賬戶現轉這說請問為麼們錢碼驗證綁丟機記詞鑰盜騙單訂倉強凍結審處時間還進開關網絡"
    "點鏈釣魚詐風險資產來規則錄陸設備換發給讓幫趕緊報錯誤顯數據試貼當買賣費續應該無認識別對個幾筆後"
    "從裡樣嗎誰級護實稅務執權狀閃兌槓線頁載維統領補貴價虧損賠償監剛員訴題過刪際郵達匯遲謝團隊眾紅"
    "樂調聽見種視頻項準銷熱舊滿庫遞掃動歷復總連語簡體歡兩傳變慘鎖閉門難業專豐臨舉義烏書亂爭亞親億"
    "僅儀優夥會偉傷倫傭侶債傾儲黨蘭興養內冊寫軍農衝決況淨減憑擊劃創勸辦勞勢區醫華協盧衛卻廠廳壓厭"
    "縣參雙敘葉嘆嚇啟員響團園圍國圖圓聖場壞塊堅壇壘墊備夠頭夾奪奮獎妝婦媽娛嬰孫學寧寶審憲宮寬賓對尋"
    "導壽將爾塵嘗層屬歲島帥師帳帶幫幹並廣莊慶庫應廟廢異棄張彈歸錄徹徵徑憶憂懷態憐總戀惡惱懸驚懼懲慣"
    "憤願戲戰執擴掃揚擾撫搶護報擔擬擁擇掛擋擠揮損換據擲攬攝擺搖敵數斷無舊時顯曬曉暫術機殺雜權條來楊"
    "極構槍櫃標欄樹樣檔橋夢檢橫歡歐殘毀畢氣匯漢湯溝滬淚澤潔淺測濟濃塗濤潤漲漸溫灣滿滾滯滅燈靈災燦爐"
    "點煉爛熱煥愛爺牽猶狀獨狹獅獵獻環現瑣電畫暢療瘋癮盞鹽監蓋盤礦碼磚礎碩確礙禮禍離種積稱穩窮竊窩競"
    "筆籠築簽簡類糧糾紅約級紀純綱納紙紋線練組細織終紹經結繞繪給絡統繼績緒續維綿綜綠緩編緣縮繳網罰罷"
    "職聯聰肅腸膚腫脹勝腦腳臉臘艦藝節蘆蘇蘋範薦藥獲營蕭慮虛雖蝦蟻補襯襪裝見觀規視覽覺觸譽計訂認討讓"
    "訓議訊記講許論設訪證評識詐訴詞譯試詩誠話詢該詳語誤說請諸讀課誰調談謝謠謙謹譜貝負貢財責敗貨質販"
    "貪購貫貼貴貸費賀資賭賠賺賽贊趙趕趨躍蹤車軌轉輪軟轟輕載較輔輛輸辭邊達遷過運還這進遠違連遲適選遞"
    "邏遺郵鄰鄭醬釋裡鑒針釘釣鐘鋼鑰錢鐵銀鋪鏈銷鎖鍋錯錦鍵鎮鏡長門閃閉問闖閒間鬧聞閱隊陽陰陣階際陸陳"
    "險隨隱難霧靜韓頁頂項順須顧頓預領頻題顏額風飛飯飲館馬驅驗騙驟魚鳥雞鴨麥黃齊齡饋墜偵"))
# Taiwan/HK wording on top of the character map.
TW_WORDS = [("登录", "登入"), ("网络", "網路"), ("短信", "簡訊"), ("信息", "資訊"), ("视频", "影片"),
            ("软件", "軟體"), ("手机", "手機"), ("账号", "帳號"), ("账户", "帳戶")]
ZH_MIXED = [("提现", "withdraw"), ("充值", "deposit"), ("到账", "到帐"), ("账户", "account"),
            ("冻结", "freeze 了"), ("手续费", " fee "), ("审核中", "pending"), ("合约", "合約 futures"),
            ("余额", "balance"), ("验证码", "code")]
ZH_CHAT_HEAD = ["在？", "客服！！", "hello 客服 ", "紧急 ", "麻烦看下 ", "人呢 "]
ZH_CHAT_TAIL = [" 急", "。。。", " 求回复", "！！", " 谢了", " 在线等挺急的"]

EN_SLANG = [("please", "pls"), ("you", "u"), ("are", "r"), ("because", "bc"), ("right now", "rn"),
            ("I don't know", "idk"), ("to be honest", "tbh"), ("with", "w/"), ("what", "wat")]
EN_RAMBLE_HEAD = [
    "Good evening, I hope this message finds you well. I have been a customer for about three years "
    "and never had an issue before, which is why I am quite upset to write this. ",
    "Hi there, sorry for the long message, I already tried the chat bot twice and it just sends me "
    "articles. Here is what happened. ",
    "To whom it may concern, I am writing on behalf of myself regarding the following matter. ",
]
EN_RAMBLE_TAIL = [
    " I would really appreciate a quick answer, I have attached screenshots where possible. "
    "Kind regards, M.",
    " Let me know if you need anything else from me, my UID is in the profile. Thanks a lot.",
    " Please escalate this if needed. Best, J",
]
KO_CHAT_TAIL = [" ㅠㅠ", " ㅠ", " ㅋㅋ 진짜", " 빨리요", "..", " 제발요"]
KO_MIXED = [("출금", "withdraw"), ("입금", "deposit"), ("계정", "account"), ("잔고", "balance"),
            ("로그인", "login"), ("주소", "address"), ("수수료", "fee"), ("해킹", "hack")]


def typo_en(rng, s):
    """Drop or double one letter in two longer words (not the swap gen.py uses)."""
    words = s.split(" ")
    idx = [i for i, w in enumerate(words) if w.isalpha() and len(w) > 4]
    rng.shuffle(idx)
    for i in idx[:2]:
        w = words[i]
        j = rng.randrange(1, len(w) - 1)
        words[i] = w[:j] + w[j + 1:] if rng.random() < 0.5 else w[:j] + w[j] + w[j:]
    return " ".join(words)


def style(lang, rng, v, text):
    if lang == "en":
        if v == 1:
            t = text
            for a, b in EN_SLANG:
                if rng.random() < 0.6:
                    t = t.replace(a, b)
            return typo_en(rng, t.lower().replace("'", "").replace(".", ""))
        if v == 2:
            return rng.choice(EN_RAMBLE_HEAD) + text + rng.choice(EN_RAMBLE_TAIL)
    elif lang == "zh":
        if v == 1:
            for a, b in TW_WORDS:
                text = text.replace(a, b)
            return "".join(TRAD.get(c, c) for c in text)
        if v == 2:
            for a, b in ZH_MIXED:
                if rng.random() < 0.5:
                    text = text.replace(a, b, 1)
            return rng.choice(ZH_CHAT_HEAD) + text.replace("，", " ") + rng.choice(ZH_CHAT_TAIL)
    elif lang == "ko":
        if v == 1:
            return text.replace(" ", "") + rng.choice(KO_CHAT_TAIL)
        if v == 2:
            for a, b in KO_MIXED:
                if rng.random() < 0.5:
                    text = text.replace(a, b, 1)
            return text + rng.choice(KO_CHAT_TAIL)
    return text


def main():
    channels = ["chat", "email", "web", "phone", "social"]
    for lang, situations in (("zh", ZH), ("en", EN), ("ko", KO)):
        rows = []
        for n, (cat, prio, text) in enumerate(situations, 1):
            for v in range(3):
                tid = "h2-%s-%03d-%d" % (lang, n, v)
                rng = random.Random(tid)
                body = style(lang, rng, v, text.format(**fill(rng)))
                subject = "" if v != 2 or lang != "en" else rng.choice(["Urgent", "Issue", "Help"])
                rows.append({"id": tid, "lang": lang, "channel": rng.choice(channels),
                             "subject": subject, "body": body, "category": cat,
                             "priority": "P%d" % prio})
        path = os.path.join(HERE, "holdout2-%s.jsonl" % lang)
        with open(path, "w", encoding="utf-8") as f:
            for r in rows:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        print("holdout2-%s.jsonl: %d tickets" % (lang, len(rows)))


if __name__ == "__main__":
    main()
