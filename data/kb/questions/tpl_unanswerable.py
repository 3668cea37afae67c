# Questions no article answers: other products, chit-chat, other companies, general knowledge.
# TRAIN is used to pick the threshold; HOLDOUT only to report it (written separately).
TRAIN = [
 ("en", "what's the weather like in singapore tomorrow"), ("en", "can you recommend a good pizza place"),
 ("en", "who won the football match last night"), ("en", "tell me a joke"),
 ("en", "how do i cook rice in a microwave"), ("en", "is my car insurance valid abroad"),
 ("en", "my netflix subscription renewed twice"), ("en", "how to fix a leaking kitchen tap"),
 ("en", "what is the capital of australia"), ("en", "i like turtles"),
 ("zh", "今天天气怎么样"), ("zh", "推荐一部好看的电影"), ("zh", "你是机器人吗"),
 ("zh", "我家猫不吃饭怎么办"), ("zh", "附近有什么好吃的餐厅"), ("zh", "高铁票怎么退"),
 ("zh", "微信支付被限额了"), ("zh", "明天放假吗"), ("zh", "帮我写一首诗"), ("zh", "淘宝退货流程"),
 ("ko", "오늘 날씨 어때요"), ("ko", "맛집 추천해 주세요"), ("ko", "배고파요"),
 ("ko", "카카오톡 비밀 채팅 어떻게 해요"), ("ko", "주말에 뭐 하세요"), ("ko", "강아지 산책 몇 번 해야 해요"),
 ("ko", "넷플릭스 요금제 바꾸는 법"), ("ko", "축구 경기 결과 알려주세요"),
 ("mixed", "weekend 에 뭐 해요"), ("mixed", "今天 lunch 吃什么"),
]
HOLDOUT = [
 ("en", "how do i renew my passport at the embassy"), ("en", "best hiking trails near the city"),
 ("en", "my washing machine makes a loud noise"), ("en", "what time does the supermarket close"),
 ("en", "can you help me with my math homework"), ("en", "how tall is mount everest"),
 ("en", "i want to book a flight to tokyo"), ("en", "good morning how are you today"),
 ("en", "my spotify playlist disappeared"), ("en", "recommend a laptop for gaming"),
 ("zh", "怎么学好英语"), ("zh", "周末去哪里玩比较好"), ("zh", "手机话费怎么充"),
 ("zh", "红烧肉怎么做"), ("zh", "早上好呀"), ("zh", "孩子发烧了怎么办"),
 ("zh", "快递一直不到"), ("zh", "哪家银行房贷利率低"), ("zh", "春节火车票什么时候开抢"), ("zh", "你喜欢什么颜色"),
 ("ko", "영화 추천해 주세요"), ("ko", "김치찌개 끓이는 법"), ("ko", "택배가 안 와요 쿠팡"),
 ("ko", "운전면허 갱신 어디서 해요"), ("ko", "안녕하세요 반가워요"), ("ko", "다이어트 식단 알려주세요"),
 ("ko", "헬스장 추천"), ("ko", "노트북 배터리가 빨리 닳아요"),
 ("mixed", "movie 추천 좀"), ("mixed", "周末 hiking 去哪"),
]
