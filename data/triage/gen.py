#!/usr/bin/env python3
"""Expand the hand-written ticket templates of data/triage/tpl_*.py into labelled JSONL.

    python3 data/triage/gen.py holdout     # writes data/triage/holdout-{zh,en,ko}.jsonl
    python3 data/triage/gen.py train       # writes data/triage/train-{zh,en,ko}.jsonl

Each template is one customer situation written by hand with its label (category, priority,
by ../shared/data/TRIAGE.md). It is written out in three variants with fresh amounts, coins,
TXIDs, addresses, seed words and keys, and with the ways customers really write: zh in
simplified, traditional (character map below) and with homophone typos (体现, 冲值, 到帐,
登陆) or English words mixed in; en clean, lower-case without apostrophes plus a letter typo,
and with chat-style openers/closers; ko spaced, unspaced with ㅠㅠ/;;, and with English words.
Output is deterministic (seeded by the template id). Standard library only.
"""

import importlib.util
import json
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

COINS = ["BTC", "ETH", "USDT", "SOL", "XRP", "TRX", "USDC", "DOGE", "BNB", "ADA", "LTC"]
NETS = ["TRC20", "ERC20", "BEP20", "Arbitrum", "Solana", "Polygon", "Optimism"]

# Simplified -> traditional for the characters the zh templates use (one-to-one choices).
S2T = {p[0]: p[1] for p in """号號 没沒 余餘 额額 币幣 账賬 户戶 现現 转轉 这這 说說 请請 问問 为為 么麼 们們 块塊 钱錢 码碼 验驗 证證 绑綁 丢丟 机機 记記 词詞 钥鑰 盗盜 骗騙 单單 订訂 仓倉 强強 冻凍 结結 审審 处處 时時 间間 还還 进進 开開 关關 网網 络絡 点點 击擊 链鏈 钓釣 鱼魚 诈詐 风風 险險 资資 产產 来來 规規 则則 录錄 陆陸 设設 备備 换換 发發 给給 让讓 帮幫 马馬 赶趕 紧緊 经經 报報 错錯 误誤 显顯 数數 据據 图圖 试試 贴貼 当當 东東 买買 卖賣 费費 续續 应應 该該 无無 认認 识識 别別 对對 个個 几幾 万萬 笔筆 后後 从從 里裡 边邊 样樣 吗嗎 谁誰 级級 护護 实實 税稅 务務 执執 权權 态態 状狀 闪閃 兑兌 杠槓 线線 页頁 载載 维維 统統 领領 补補 贵貴 价價 涨漲 亏虧 损損 赔賠 偿償 监監 刚剛 妈媽 亲親 儿兒 头頭 称稱 营營 厅廳 话話 员員 诉訴 题題 过過 删刪 际際 邮郵 达達 汇匯 迟遲 谢謝 赞讚 谈談 团團 队隊 众眾 红紅 乐樂 调調 听聽 见見 种種 视視 频頻 项項 准準 销銷 热熱 旧舊 满滿 库庫 递遞 扫掃 怎怎 么麼 里裡 动動 谷谷 历歷 纪紀 复復 总總 卡卡 连連 该該 让讓 语語 简簡 体體 严嚴 欢歡 迎迎 请請 问問 两兩 币幣 试試 传傳 陌陌 诉訴 岁歲 号號 变變 剩剩 才才 么麼 呢呢 啊啊 吧吧 骗騙 宝寶 爷爺 觉覺 得得 帐帳 额額 惨慘 愿願 钟鐘 钻鑽 铁鐵 锁鎖 闭閉 门門 问問 难難 杂雜 鸡雞 猪豬 龙龍 凤鳳 广廣 庆慶 业業 丝絲 专專 严嚴 丰豐 临臨 为為 举舉 义義 乌烏 书書 买買 乱亂 争爭 亚亞 产產 亩畝 亲親 亿億 仅僅 从從 仓倉 仪儀 们們 价價 众眾 优優 伙夥 会會 伟偉 传傳 伤傷 伦倫 体體 佣傭 侠俠 侣侶 俭儉 债債 倾傾 偿償 储儲 儿兒 兑兌 党黨 兰蘭 关關 兴興 养養 兽獸 内內 册冊 写寫 军軍 农農 冲沖 决決 况況 冻凍 净淨 减減 凑湊 凤鳳 凭憑 击擊 划劃 则則 刚剛 创創 删刪 别別 刮颳 制製 剂劑 剑劍 剧劇 劝勸 办辦 务務 动動 劳勞 势勢 勋勳 匀勻 区區 医醫 华華 协協 单單 卖賣 卢盧 卫衛 却卻 厂廠 厅廳 历歷 压壓 厌厭 县縣 参參 双雙 发發 变變 叙敘 叶葉 号號 叹嘆 吓嚇 吕呂 吗嗎 启啟 员員 呗唄 响響 哑啞 哗嘩 唤喚 啰囉 嘱囑 团團 园園 围圍 国國 图圖 圆圓 圣聖 场場 坏壞 块塊 坚堅 坛壇 垄壟 垒壘 垫墊 埋埋 处處 备備 复復 够夠 头頭 夹夾 夺奪 奋奮 奖獎 妆妝 妇婦 妈媽 娱娛 婴嬰 孙孫 学學 宁寧 宝寶 实實 宠寵 审審 宪憲 宫宮 宽寬 宾賓 对對 寻尋 导導 寿壽 将將 尔爾 尘塵 尝嘗 层層 属屬 岁歲 岛島 币幣 帅帥 师師 帐帳 带帶 帮幫 干幹 并並 广廣 庄莊 庆慶 库庫 应應 庙廟 废廢 开開 异異 弃棄 张張 弹彈 强強 归歸 当當 录錄 彻徹 征徵 径徑 忆憶 忧憂 怀懷 态態 怜憐 总總 恋戀 恶惡 恼惱 悬懸 惊驚 惧懼 惩懲 惯慣 愤憤 愿願 戏戲 战戰 户戶 执執 扩擴 扫掃 扬揚 扰擾 抚撫 抢搶 护護 报報 担擔 拟擬 拥擁 择擇 挂掛 挡擋 挤擠 挥揮 损損 换換 据據 掷擲 揽攬 搀攙 摄攝 摆擺 摇搖 敌敵 数數 斗鬥 断斷 无無 旧舊 时時 显顯 晒曬 晓曉 暂暫 术術 机機 杀殺 杂雜 权權 条條 来來 杨楊 极極 构構 枪槍 柜櫃 标標 栏欄 树樹 样樣 档檔 桥橋 梦夢 检檢 横橫 欢歡 欧歐 歼殲 残殘 毁毀 毕畢 毙斃 气氣 汇匯 汉漢 汤湯 沟溝 没沒 沪滬 泪淚 泽澤 洁潔 浅淺 测測 济濟 浓濃 涂塗 涛濤 润潤 涨漲 渐漸 温溫 湾灣 满滿 滚滾 滞滯 灭滅 灯燈 灵靈 灾災 灿燦 炉爐 点點 炼煉 烂爛 热熱 焕煥 爱愛 爷爺 牵牽 犹猶 状狀 独獨 狭狹 狮獅 猎獵 献獻 环環 现現 琐瑣 电電 画畫 畅暢 疗療 疯瘋 痒癢 瘾癮 发發 盏盞 盐鹽 监監 盖蓋 盘盤 県縣 眯瞇 睁睜 矿礦 码碼 砖磚 础礎 硕碩 确確 碍礙 礼禮 祸禍 离離 种種 积積 称稱 稳穩 穷窮 窃竊 窝窩 竞競 笔筆 笼籠 筑築 签簽 简簡 类類 粮糧 纠糾 红紅 约約 级級 纪紀 纯純 纲綱 纳納 纸紙 纹紋 线線 练練 组組 细細 织織 终終 绍紹 经經 结結 绕繞 绘繪 给給 络絡 统統 继繼 绩績 绪緒 续續 维維 绵綿 综綜 绿綠 缓緩 编編 缘緣 缩縮 缴繳 网網 罚罰 罢罷 职職 联聯 聪聰 肃肅 肠腸 肤膚 肿腫 胀脹 胜勝 脑腦 脚腳 脸臉 腊臘 舰艦 艺藝 节節 芦蘆 苏蘇 苹蘋 范範 荐薦 药藥 获獲 营營 萧蕭 虑慮 虚虛 虽雖 虾蝦 蚁蟻 补補 衬襯 袜襪 装裝 见見 观觀 规規 视視 览覽 觉覺 触觸 誉譽 计計 订訂 认認 讨討 让讓 训訓 议議 讯訊 记記 讲講 许許 论論 设設 访訪 证證 评評 识識 诈詐 诉訴 词詞 译譯 试試 诗詩 诚誠 话話 询詢 该該 详詳 语語 误誤 说說 请請 诸諸 读讀 课課 谁誰 调調 谈談 谢謝 谣謠 谦謙 谨謹 谱譜 贝貝 负負 贡貢 财財 责責 败敗 货貨 质質 贩販 贪貪 购購 贯貫 贴貼 贵貴 贷貸 费費 贺賀 资資 赌賭 赔賠 赚賺 赛賽 赞讚 赵趙 赶趕 趋趨 跃躍 踪蹤 车車 轨軌 转轉 轮輪 软軟 轰轟 轻輕 载載 较較 辅輔 辆輛 输輸 辞辭 边邊 达達 迁遷 过過 运運 还還 这這 进進 远遠 违違 连連 迟遲 适適 选選 递遞 逻邏 遗遺 邮郵 邻鄰 郑鄭 酱醬 释釋 里裡 鉴鑑 针針 钉釘 钓釣 钟鐘 钢鋼 钥鑰 钱錢 铁鐵 银銀 铺鋪 链鏈 销銷 锁鎖 锅鍋 错錯 锦錦 键鍵 镇鎮 镜鏡 长長 门門 闪閃 闭閉 问問 闯闖 闲閒 间間 闹鬧 闻聞 阅閱 队隊 阳陽 阴陰 阵陣 阶階 际際 陆陸 陈陳 险險 随隨 隐隱 难難 雾霧 静靜 面面 韩韓 页頁 顶頂 项項 顺順 须須 顾顧 顿頓 预預 领領 频頻 题題 颜顏 额額 风風 飞飛 饭飯 饮飲 馆館 马馬 驱驅 验驗 骗騙 骤驟 鱼魚 鸟鳥 鸡雞 鸭鴨 麦麥 黄黃 齐齊 龄齡""".split()}
# Homophone / near typos Chinese customers make, and English words they mix in.
ZH_TYPO = [("提现", "体现"), ("充值", "冲值"), ("到账", "到帐"), ("登录", "登陆"), ("账号", "帐号")]
ZH_MIX = [("提现", "withdraw"), ("充值", "deposit"), ("账户", "account"), ("冻结", "freeze"),
          ("审核", "review"), ("处理中", "pending"), ("手续费", "fee"), ("合约", "futures")]
ZH_OPEN = ["在吗？", "客服客服", "你好，", "急！", "", "hello "]
ZH_CLOSE = ["", "急急急", "谢谢", "！！！", "？？", " 在线等", "，麻烦尽快"]
EN_OPEN = ["hi, ", "hello team, ", "pls help. ", "", "yo ", "Dear support, "]
EN_CLOSE = ["", " asap", " ??", " thx", " Thanks in advance.", " !!!", " pls"]
KO_OPEN = ["안녕하세요 ", "문의드립니다. ", "", "저기요 ", "급해요 "]
KO_CLOSE = ["", " ㅠㅠ", " ;;", " 빨리 답변 부탁드려요", " 감사합니다", "!!"]
KO_MIX = [("출금", "withdraw"), ("입금", "deposit"), ("계정", "account"), ("주문", "order"),
          ("수수료", "fee"), ("잔고", "balance")]

BIP39 = None


def bip39():
    global BIP39
    if BIP39 is None:
        with open(os.path.join(HERE, "..", "bip39-english.txt"), encoding="utf-8") as f:
            BIP39 = [w.strip() for w in f if w.strip()]
    return BIP39


def fillers(rng):
    coin = rng.choice(COINS)
    amt = rng.choice(["%d" % rng.randint(50, 90000), "%.2f" % rng.uniform(0.01, 40),
                      "{:,}".format(rng.randint(1000, 250000)), "%d" % rng.randint(2, 900)])
    addr = rng.choice([
        "T" + "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz123456789")
                      for _ in range(33)),
        "0x" + "".join(rng.choice("0123456789abcdef") for _ in range(40)),
        "bc1q" + "".join(rng.choice("023456789acdefghjklmnpqrstuvwxyz") for _ in range(38))])
    words = bip39()
    seed = " ".join(rng.choice(words) for _ in range(rng.choice([12, 12, 24])))
    return {
        "coin": coin,
        "amt": amt,
        "addr": addr,
        "net": rng.choice(NETS),
        "hrs": str(rng.randint(3, 72)),
        "uid": str(rng.randint(10000000, 99999999)),
        "txid": "".join(rng.choice("0123456789abcdef") for _ in range(64)),
        "pk": "".join(rng.choice("0123456789abcdef") for _ in range(64)),
        "seed": seed,
    }


def en_typo(rng, s):
    words = s.split(" ")
    idx = [i for i, w in enumerate(words) if w.isalpha() and len(w) > 5]
    if idx:
        i = rng.choice(idx)
        w = words[i]
        j = rng.randrange(1, len(w) - 2)
        words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2:]
    return " ".join(words)


def vary(lang, rng, v, subject, body):
    if lang == "zh":
        if v == 1:
            subject = "".join(S2T.get(c, c) for c in subject)
            body = "".join(S2T.get(c, c) for c in body)
        elif v == 2:
            for a, b in ZH_TYPO:
                body = body.replace(a, b)
            for a, b in ZH_MIX:
                if rng.random() < 0.5:
                    body = body.replace(a, b, 1)
            body = rng.choice(ZH_OPEN) + body + rng.choice(ZH_CLOSE)
    elif lang == "en":
        if v == 1:
            body = en_typo(rng, body.lower().replace("'", ""))
            subject = subject.lower()
        elif v == 2:
            body = rng.choice(EN_OPEN) + en_typo(rng, body) + rng.choice(EN_CLOSE)
    elif lang == "ko":
        if v == 1:
            out = []
            for ch in body:
                out.append("" if ch == " " and rng.random() < 0.35 else ch)
            body = "".join(out) + rng.choice(KO_CLOSE[1:3])
        elif v == 2:
            for a, b in KO_MIX:
                if rng.random() < 0.4:
                    body = body.replace(a, b, 1)
            body = rng.choice(KO_OPEN) + body + rng.choice(KO_CLOSE)
    return subject.strip(), body.strip()


def load_templates(kind, lang):
    path = os.path.join(HERE, "tpl_%s_%s.py" % (kind, lang))
    spec = importlib.util.spec_from_file_location("tpl", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.T


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in ("holdout", "train"):
        raise SystemExit("usage: gen.py holdout|train")
    kind = sys.argv[1]
    channels = ["chat", "email", "web", "phone", "social"]
    for lang in ("zh", "en", "ko"):
        rows = []
        for n, (cat, prio, subject, body) in enumerate(load_templates(kind, lang), 1):
            for v in range(3):
                tid = "%s-%s-%03d-%d" % (kind, lang, n, v)
                rng = random.Random(tid)
                f = fillers(rng)
                s, b = vary(lang, rng, v, subject.format(**f), body.format(**f))
                rows.append({"id": tid, "lang": lang, "channel": rng.choice(channels),
                             "subject": s, "body": b, "category": cat,
                             "priority": "P%d" % prio})
        with open(os.path.join(HERE, "%s-%s.jsonl" % (kind, lang)), "w", encoding="utf-8") as f:
            for r in rows:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        print("%s-%s.jsonl: %d tickets" % (kind, lang, len(rows)))


if __name__ == "__main__":
    main()
