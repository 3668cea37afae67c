#!/usr/bin/env python3
"""gen10.py - render the round-10 "WA" triage set (chat transcripts, world English,
regional Chinese and Korean) from the hand-written situations in tpl10_{zh,en,ko}.py.

Deterministic, standard library only. Every situation is written once; about a third of
them (every P1 one first, then others in hash order) get a second rendering with fresh
amounts, coins, networks, TXIDs, addresses, UIDs, times, chat labels and another wording
(the [[a|b|c]] alternatives pick a different branch). Situations are split by a fixed
sha256 of their template text: 70 % -> train10-{lang}.jsonl, 30 % -> holdout10-{lang}.jsonl,
so both renderings of one situation land in the same file.

    python3 data/triage/gen10.py           # write the files
    python3 data/triage/gen10.py --check   # exit 1 if the written files differ

Template syntax (see tpl10_*.py): a block starts with
    @ <category> <priority> <channel> [lang] | <subject>
followed by body lines (joined with newlines; a line "\\" continues the previous one).
{name} placeholders are filled per rendering; [[a|b]] picks one wording.
"""
import hashlib
import importlib.util
import json
import os
import random
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
LANGS = ("zh", "en", "ko")
CATS = {"account", "deposit", "withdrawal", "trading", "security", "technical",
        "compliance", "general"}
PRIS = {"P1", "P2", "P3", "P4"}
CHANNELS = {"chat", "email", "web", "phone", "social"}
TRAIN_PCT = 70
B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
HEX = "0123456789abcdef"

# network -> (coins, address kind, txid kind)
NETS = {
    "TRC20": (("USDT", "USDC", "TRX"), "tron", "hex"),
    "ERC20": (("USDT", "USDC", "ETH", "LINK"), "evm", "0x"),
    "BEP20": (("USDT", "BNB", "USDC"), "evm", "0x"),
    "Arbitrum": (("ETH", "USDC", "ARB"), "evm", "0x"),
    "Polygon": (("POL", "USDT", "USDC"), "evm", "0x"),
    "Solana": (("SOL", "USDC", "USDT"), "sol", "b58"),
    "Bitcoin": (("BTC",), "btc", "hex"),
    "Optimism": (("ETH", "OP", "USDC"), "evm", "0x"),
}
AMOUNT = {  # coin -> (low, high, decimals)
    "USDT": (35, 18500, 0), "USDC": (40, 12000, 0), "TRX": (300, 90000, 0),
    "ETH": (0.05, 6.5, 3), "LINK": (12, 900, 1), "BNB": (0.2, 25, 2), "ARB": (80, 9000, 0),
    "POL": (150, 30000, 0), "SOL": (1.5, 140, 2), "BTC": (0.004, 0.9, 4), "OP": (40, 5000, 0),
}
LABELS = {
    "en": [("Bot", "User", "Agent"), ("Chatbot", "Me", "Support"),
           ("Virtual Assistant", "Customer", "Agent Priya"), ("AutoReply", "You", "Agent Mark"),
           ("Assistant", "Visitor", "Live agent")],
    "zh": [("机器人", "用户", "客服"), ("智能客服", "我", "人工客服"), ("小助手", "客户", "客服小美"),
           ("自動回覆", "用戶", "客服專員"), ("AI客服", "访客", "在线客服")],
    "ko": [("상담봇", "고객", "상담원"), ("챗봇", "나", "상담사"), ("AI상담", "회원", "매니저"),
           ("자동응답", "사용자", "상담원 김"), ("봇", "고객님", "담당자")],
}
TX_WORDS = {"en": "TXID", "zh": "TXID", "ko": "TXID"}
FIRST = ["Ravi", "Chinedu", "Maria", "Wei Ling", "Thanh", "Dmitri", "Emre", "Juan", "Aisha",
         "Joy", "Kofi", "Priya", "Nguyen", "Olga", "Mehmet", "Carlos", "Siti", "Arjun"]
BIP39 = (
    "abandon ability able about above absent absorb abstract absurd abuse access accident account "
    "accuse achieve acid acoustic acquire across act action actor actress actual adapt add addict "
    "address adjust admit adult advance advice aerobic affair afford afraid again age agent agree "
    "ahead aim air airport aisle alarm album alcohol alert alien all alley allow almost alone alpha "
    "already also alter always amateur amazing among amount amused analyst anchor ancient anger angle "
    "angry animal ankle announce annual another answer antenna antique anxiety any apart apology "
    "appear apple approve april arch arctic area arena argue arm armed armor army around arrange "
    "arrest arrive arrow art artefact artist artwork ask aspect assault asset assist assume asthma "
    "athlete atom attack attend attitude attract auction audit august aunt author auto autumn average "
    "avocado avoid awake aware away awesome awful awkward axis baby bachelor bacon badge bag balance "
    "balcony ball bamboo banana banner bar barely bargain barrel base basic basket battle beach bean "
    "beauty because become beef before begin behave behind believe below belt bench benefit best "
    "betray better between beyond bicycle bid bike bind biology bird birth bitter black blade blame "
    "blanket blast bleak bless blind blood blossom blouse blue blur blush board boat body boil bomb "
    "bone bonus book boost border boring borrow boss bottom bounce box boy bracket brain brand brass "
    "brave bread breeze brick bridge brief bright bring brisk broccoli broken bronze broom brother "
    "brown brush bubble buddy budget buffalo build bulb bulk bullet bundle bunker burden burger burst "
    "bus business busy butter buyer buzz cabbage cabin cable cactus cage cake call calm camera camp "
    "can canal cancel candy cannon canoe canvas canyon capable capital captain car carbon card cargo "
    "carpet carry cart case cash casino castle casual cat catalog catch category cattle caught cause "
    "caution cave ceiling celery cement census century cereal certain chair chalk champion change "
    "chaos chapter charge chase chat cheap check cheese chef cherry chest chicken chief child chimney "
    "choice choose chronic chuckle chunk churn cigar cinnamon circle citizen city civil claim clap "
    "clarify claw clay clean clerk clever click client cliff climb clinic clip clock clog close cloth "
    "cloud clown club clump cluster clutch coach coast coconut code coffee coil coin collect color "
    "column combine come comfort comic common company concert conduct confirm congress connect "
    "consider control convince cook cool copper copy coral core corn correct cost cotton couch "
    "country couple course cousin cover coyote crack cradle craft cram crane crash crater crawl crazy "
    "cream credit creek crew cricket crime crisp critic crop cross crouch crowd crucial cruel cruise "
    "crumble crunch crush cry crystal cube culture cup cupboard curious current curtain curve cushion "
    "custom cute cycle dad damage damp dance danger daring dash daughter dawn day deal debate debris "
    "decade december decide decline decorate decrease deer defense define defy degree delay deliver "
    "demand demise denial dentist deny depart depend deposit depth deputy derive describe desert "
    "design desk despair destroy detail detect develop device devote diagram dial diamond diary dice "
    "diesel diet differ digital dignity dilemma dinner dinosaur direct dirt disagree discover disease "
    "dish dismiss disorder display distance divert divide divorce dizzy doctor document dog doll "
    "dolphin domain donate donkey donor door dose double dove draft dragon drama drastic draw dream "
    "dress drift drill drink drip drive drop drum dry duck dumb dune during dust dutch duty dwarf "
    "dynamic eager eagle early earn earth easily east easy echo ecology economy edge edit educate "
    "effort egg eight either elbow elder electric elegant element elephant elevator elite else embark "
    "embody embrace emerge emotion employ empower empty enable enact end endless endorse enemy energy "
    "enforce engage engine enhance enjoy enlist enough enrich enroll ensure enter entire entry "
    "envelope episode equal equip era erase erode erosion error erupt escape essay essence estate "
    "eternal ethics evidence evil evoke evolve exact example excess exchange excite exclude excuse "
    "execute exercise exhaust exhibit exile exist exit exotic expand expect expire explain expose "
    "express extend extra eye eyebrow fabric face faculty fade faint faith fall false fame family "
    "famous fan fancy fantasy farm fashion fat fatal father fatigue fault favorite feature february "
    "federal fee feed feel female fence festival fetch fever few fiber fiction field figure file film "
    "filter final find fine finger finish fire firm first fiscal fish fit fitness fix flag flame "
    "flash flat flavor flee flight flip float flock floor flower fluid flush fly foam focus fog foil "
    "fold follow food foot force forest forget fork fortune forum forward fossil foster found fox "
    "fragile frame frequent fresh friend fringe frog front frost frown frozen fruit fuel fun funny "
    "furnace fury future gadget gain galaxy gallery game gap garage garbage garden garlic garment gas "
    "gasp gate gather gauge gaze general genius genre gentle genuine gesture ghost giant gift giggle "
    "ginger giraffe girl give glad glance glare glass glide glimpse globe gloom glory glove glow glue "
    "goat goddess gold good goose gorilla gospel gossip govern gown grab grace grain grant grape "
    "grass gravity great green grid grief grit grocery group grow grunt guard guess guide guilt "
    "guitar gun gym habit hair half hammer hamster hand happy harbor hard harsh harvest hat have hawk "
    "hazard head health heart heavy hedgehog height hello helmet help hen hero hidden high hill hint "
    "hip hire history hobby hockey hold hole holiday hollow home honey hood hope horn horror horse "
    "hospital host hotel hour hover hub huge human humble humor hundred hungry hunt hurdle hurry hurt "
    "husband hybrid ice icon idea identify idle ignore ill illegal illness image imitate immense "
    "immune impact impose improve impulse inch include income increase index indicate indoor industry "
    "infant inflict inform inhale inherit initial inject injury inmate inner innocent input inquiry "
    "insane insect inside inspire install intact interest into invest invite involve iron island "
    "isolate issue item ivory jacket jaguar jar jazz jealous jeans jelly jewel job join joke journey "
    "joy judge juice jump jungle junior junk just kangaroo keen keep ketchup key kick kid kidney kind "
    "kingdom kiss kit kitchen kite kitten kiwi knee knife knock know lab label labor ladder lady lake "
    "lamp language laptop large later latin laugh laundry lava law lawn lawsuit layer lazy leader "
    "leaf learn leave lecture left leg legal legend leisure lemon lend length lens leopard lesson "
    "letter level liar liberty library license life lift light like limb limit link lion liquid list "
    "little live lizard load loan lobster local lock logic lonely long loop lottery loud lounge love "
    "loyal lucky luggage lumber lunar lunch luxury lyrics machine mad magic magnet maid mail main "
    "major make mammal man manage mandate mango mansion manual maple marble march margin marine "
    "market marriage mask mass master match material math matrix matter maximum maze meadow mean "
    "measure meat mechanic medal media melody melt member memory mention menu mercy merge merit merry "
    "mesh message metal method middle midnight milk million mimic mind minimum minor minute miracle "
    "mirror misery miss mistake mix mixed mixture mobile model modify mom moment monitor monkey "
    "monster month moon moral more morning mosquito mother motion motor mountain mouse move movie "
    "much muffin mule multiply muscle museum mushroom music must mutual myself mystery myth naive "
    "name napkin narrow nasty nation nature near neck need negative neglect neither nephew nerve nest "
    "net network neutral never news next nice night noble noise nominee noodle normal north nose "
    "notable note nothing notice novel now nuclear number nurse nut oak obey object oblige obscure "
    "observe obtain obvious occur ocean october odor off offer office often oil okay old olive "
    "olympic omit once one onion online only open opera opinion oppose option orange orbit orchard "
    "order ordinary organ orient original orphan ostrich other outdoor outer output outside oval oven "
    "over own owner oxygen oyster ozone pact paddle page pair palace palm panda panel panic panther "
    "paper parade parent park parrot party pass patch path patient patrol pattern pause pave payment "
    "peace peanut pear peasant pelican pen penalty pencil people pepper perfect permit person pet "
    "phone photo phrase physical piano picnic picture piece pig pigeon pill pilot pink pioneer pipe "
    "pistol pitch pizza place planet plastic plate play please pledge pluck plug plunge poem poet "
    "point polar pole police pond pony pool popular portion position possible post potato pottery "
    "poverty powder power practice praise predict prefer prepare present pretty prevent price pride "
    "primary print priority prison private prize problem process produce profit program project "
    "promote proof property prosper protect proud provide public pudding pull pulp pulse pumpkin "
    "punch pupil puppy purchase purity purpose purse push put puzzle pyramid quality quantum quarter "
    "question quick quit quiz quote rabbit raccoon race rack radar radio rail rain raise rally ramp "
    "ranch random range rapid rare rate rather raven raw razor ready real reason rebel rebuild recall "
    "receive recipe record recycle reduce reflect reform refuse region regret regular reject relax "
    "release relief rely remain remember remind remove render renew rent reopen repair repeat replace "
    "report require rescue resemble resist resource response result retire retreat return reunion "
    "reveal review reward rhythm rib ribbon rice rich ride ridge rifle right rigid ring riot ripple "
    "risk ritual rival river road roast robot robust rocket romance roof rookie room rose rotate "
    "rough round route royal rubber rude rug rule run runway rural sad saddle sadness safe sail salad "
    "salmon salon salt salute same sample sand satisfy satoshi sauce sausage save say scale scan "
    "scare scatter scene scheme school science scissors scorpion scout scrap screen script scrub sea "
    "search season seat second secret section security seed seek segment select sell seminar senior "
    "sense sentence series service session settle setup seven shadow shaft shallow share shed shell "
    "sheriff shield shift shine ship shiver shock shoe shoot shop short shoulder shove shrimp shrug "
    "shuffle shy sibling sick side siege sight sign silent silk silly silver similar simple since "
    "sing siren sister situate six size skate sketch ski skill skin skirt skull slab slam sleep "
    "slender slice slide slight slim slogan slot slow slush small smart smile smoke smooth snack "
    "snake snap sniff snow soap soccer social sock soda soft solar soldier solid solution solve "
    "someone song soon sorry sort soul sound soup source south space spare spatial spawn speak "
    "special speed spell spend sphere spice spider spike spin spirit split spoil sponsor spoon sport "
    "spot spray spread spring spy square squeeze squirrel stable stadium staff stage stairs stamp "
    "stand start state stay steak steel stem step stereo stick still sting stock stomach stone stool "
    "story stove strategy street strike strong struggle student stuff stumble style subject submit "
    "subway success such sudden suffer sugar suggest suit summer sun sunny sunset super supply "
    "supreme sure surface surge surprise surround survey suspect sustain swallow swamp swap swarm "
    "swear sweet swift swim swing switch sword symbol symptom syrup system table tackle tag tail "
    "talent talk tank tape target task taste tattoo taxi teach team tell ten tenant tennis tent term "
    "test text thank that theme then theory there they thing this thought three thrive throw thumb "
    "thunder ticket tide tiger tilt timber time tiny tip tired tissue title toast tobacco today "
    "toddler toe together toilet token tomato tomorrow tone tongue tonight tool tooth top topic "
    "topple torch tornado tortoise toss total tourist toward tower town toy track trade traffic "
    "tragic train transfer trap trash travel tray treat tree trend trial tribe trick trigger trim "
    "trip trophy trouble truck true truly trumpet trust truth try tube tuition tumble tuna tunnel "
    "turkey turn turtle twelve twenty twice twin twist two type typical ugly umbrella unable unaware "
    "uncle uncover under undo unfair unfold unhappy uniform unique unit universe unknown unlock until "
    "unusual unveil update upgrade uphold upon upper upset urban urge usage use used useful useless "
    "usual utility vacant vacuum vague valid valley valve van vanish vapor various vast vault vehicle "
    "velvet vendor venture venue verb verify version very vessel veteran viable vibrant vicious "
    "victory video view village vintage violin virtual virus visa visit visual vital vivid vocal "
    "voice void volcano volume vote voyage wage wagon wait walk wall walnut want warfare warm warrior "
    "wash wasp waste water wave way wealth weapon wear weasel weather web wedding weekend weird "
    "welcome west wet whale what wheat wheel when where whip whisper wide width wife wild will win "
    "window wine wing wink winner winter wire wisdom wise wish witness wolf woman wonder wood wool "
    "word work world worry worth wrap wreck wrestle wrist write wrong yard year yellow you young "
    "youth zebra zero zone zoo "
).split()


def _s(rng, alphabet, n):
    return "".join(rng.choice(alphabet) for _ in range(n))


def _addr(rng, kind):
    if kind == "tron":
        return "T" + _s(rng, B58, 33)
    if kind == "evm":
        return "0x" + _s(rng, HEX, 40)
    if kind == "sol":
        return _s(rng, B58, 44)
    return "bc1q" + _s(rng, "023456789acdefghjklmnpqrstuvwxyz", 38)


def _txid(rng, kind):
    if kind == "0x":
        return "0x" + _s(rng, HEX, 64)
    if kind == "b58":
        return _s(rng, B58, 87)
    return _s(rng, HEX, 64)


def _amount(rng, coin):
    lo, hi, dec = AMOUNT[coin]
    v = rng.uniform(lo, hi)
    if dec == 0:
        v = int(v)
        if v > 200:
            v = v // 10 * 10
        return f"{v:,}" if rng.random() < 0.5 else str(v)
    return f"{v:.{dec}f}".rstrip("0").rstrip(".")


def _clock(minutes):
    return f"{(minutes // 60) % 24:02d}:{minutes % 60:02d}"


def context(rng, lang):
    net = rng.choice(sorted(NETS))
    coins, akind, tkind = NETS[net]
    coin = rng.choice(coins)
    coin2 = rng.choice([c for c in sorted(AMOUNT) if c != coin])
    start = rng.randrange(0, 24 * 60)
    ctx = {
        "net": net, "coin": coin, "amt": _amount(rng, coin),
        "coin2": coin2, "amt2": _amount(rng, coin2),
        "usd": _amount(rng, "USDT"), "usd2": _amount(rng, "USDC"),
        "btc": _amount(rng, "BTC"), "eth": _amount(rng, "ETH"),
        "addr": _addr(rng, akind), "addr2": _addr(rng, akind),
        "taddr": _addr(rng, "tron"), "eaddr": _addr(rng, "evm"), "baddr": _addr(rng, "btc"),
        "txid": _txid(rng, tkind), "htxid": _txid(rng, "hex"),
        "uid": str(rng.randrange(10_000_000, 999_999_999)),
        "uid2": str(rng.randrange(10_000_000, 999_999_999)),
        "order": str(rng.randrange(10**11, 10**13)),
        "mins": str(rng.choice([7, 12, 15, 20, 25, 30, 40, 45, 50, 90])),
        "hours": str(rng.choice([2, 3, 5, 6, 8, 10, 12, 16, 18, 20, 26, 30, 36, 48, 72])),
        "days": str(rng.choice([2, 3, 4, 5, 6, 7, 9, 10, 14])),
        "ip": ".".join(str(rng.randrange(2, 254)) for _ in range(4)),
        "memo": str(rng.randrange(100000, 999999999)),
        "code": f"{rng.randrange(0, 10**6):06d}",
        "lev": str(rng.choice([5, 10, 20, 25, 50, 75, 100, 125])),
        "price": f"{rng.uniform(0.2, 98000):,.2f}",
        "cny": f"{rng.randrange(3, 600) * 100:,}", "krw": f"{rng.randrange(5, 3000) * 10000:,}",
        "man": str(rng.randrange(5, 3000)),
        "inr": f"{rng.randrange(2, 900) * 1000:,}", "ngn": f"{rng.randrange(20, 9000) * 1000:,}",
        "php": f"{rng.randrange(2, 500) * 1000:,}", "rub": f"{rng.randrange(5, 900) * 1000:,}",
        "twd": f"{rng.randrange(3, 900) * 1000:,}", "hkd": f"{rng.randrange(2, 400) * 1000:,}",
        "vnd": f"{rng.randrange(1, 300) * 1_000_000:,}", "try": f"{rng.randrange(2, 900) * 1000:,}",
        "pk": _s(rng, HEX, 64), "totp": _s(rng, B32, 16),
        "codes": " ".join(_s(rng, "0123456789", 8) for _ in range(4)),
        "apikey": _s(rng, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 48),
        "name": rng.choice(FIRST),
        "date": f"{rng.randrange(1, 13)}/{rng.randrange(1, 29)}",
        "time": _clock(start),
    }
    t = start
    for i in range(8):
        ctx[f"t{i}"] = _clock(t)
        t += rng.choice([0, 1, 1, 2, 2, 3, 4, 6])
    ctx["seed12"] = " ".join(rng.choice(BIP39) for _ in range(12))
    ctx["seed24"] = " ".join(rng.choice(BIP39) for _ in range(24))
    ctx["B"], ctx["U"], ctx["A"] = rng.choice(LABELS[lang])
    return ctx


ALT = re.compile(r"\[\[(.*?)\]\]", re.S)


def render(texts, lang, rendering, salt):
    """Fill subject and body of one rendering from one shared context."""
    rng = random.Random(hashlib.sha256(f"{salt}\x00{rendering}".encode()).digest())
    ctx = context(rng, lang)
    base = rng.randrange(1000)

    def pick(m):
        opts = m.group(1).split("|")
        return opts[(base + rendering) % len(opts)]

    return [ALT.sub(pick, t).format_map(ctx) for t in texts]


def parse(raw, lang):
    out = []
    cur = None
    for line in raw.strip("\n").split("\n"):
        if line.startswith("@ "):
            head, _, subject = line[2:].partition("|")
            toks = head.split()
            if len(toks) not in (3, 4):
                raise SystemExit(f"{lang}: bad header {line!r}")
            cur = {"category": toks[0], "priority": toks[1], "channel": toks[2],
                   "lang": toks[3] if len(toks) == 4 else lang,
                   "subject": subject.strip(), "lines": []}
            out.append(cur)
        elif cur is None:
            if line.strip():
                raise SystemExit(f"{lang}: text before first header: {line!r}")
        elif line.strip():
            if line.startswith("\\") and cur["lines"]:
                cur["lines"][-1] += " " + line[1:].strip()
            else:
                cur["lines"].append(line.rstrip())
    for s in out:
        s["body"] = "\n".join(s.pop("lines"))
        if s["category"] not in CATS or s["priority"] not in PRIS or s["channel"] not in CHANNELS:
            raise SystemExit(f"{lang}: bad labels {s['category']} {s['priority']} {s['channel']}")
        if s["lang"] not in ("zh", "en", "ko", "mixed"):
            raise SystemExit(f"{lang}: bad lang {s['lang']}")
        if not s["body"]:
            raise SystemExit(f"{lang}: empty body after {s['subject']!r}")
    return out


def load(lang):
    path = os.path.join(HERE, f"tpl10_{lang}.py")
    if not os.path.exists(path):
        return None
    spec = importlib.util.spec_from_file_location(f"tpl10_{lang}", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return parse(mod.RAW, lang)


def key(s):
    return hashlib.sha256((s["subject"] + "\n" + s["body"]).encode()).hexdigest()


def build(lang, sits):
    seen = set()
    for s in sits:
        k = key(s)
        if k in seen:
            raise SystemExit(f"{lang}: duplicate situation {s['subject']!r}")
        seen.add(k)
    # second renderings: every P1 first, then others in hash order, up to a third
    want = max(1, round(len(sits) / 3))
    p1 = [i for i, s in enumerate(sits) if s["priority"] == "P1"]
    rest = sorted((i for i, s in enumerate(sits) if s["priority"] != "P1"),
                  key=lambda i: key(sits[i]))
    twice = set(p1) | set(rest[:max(0, want - len(p1))])
    files = {"train": [], "holdout": []}
    for i, s in enumerate(sits):
        k = key(s)
        split = "train" if int(k[:8], 16) % 100 < TRAIN_PCT else "holdout"
        for r in ((0, 1) if i in twice else (0,)):
            subject, body = render([s["subject"], s["body"]], lang, r, k)
            rec = {
                "id": f"w10-{lang}-{i + 1:03d}{'ab'[r]}",
                "lang": s["lang"], "channel": s["channel"],
                "subject": subject, "body": body,
                "category": s["category"], "priority": s["priority"],
            }
            files[split].append(json.dumps(rec, ensure_ascii=False) + "\n")
    return {f"{split}10-{lang}.jsonl": "".join(lines) for split, lines in files.items()}


def main(argv):
    check = "--check" in argv[1:]
    differ = False
    for lang in LANGS:
        sits = load(lang)
        if sits is None:
            continue
        for name, text in build(lang, sits).items():
            path = os.path.join(HERE, name)
            if check:
                try:
                    with open(path, encoding="utf-8") as f:
                        same = f.read() == text
                except OSError:
                    same = False
                if not same:
                    print(f"gen10: {name} differs", file=sys.stderr)
                    differ = True
            else:
                with open(path, "w", encoding="utf-8") as f:
                    f.write(text)
        if not check:
            n1 = sum(s["priority"] == "P1" for s in sits)
            print(f"gen10: {lang}: {len(sits)} situations, {n1} P1")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
