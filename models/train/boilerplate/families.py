"""families.py — what seller boilerplate is about, as seed patterns per family.

Mining (mine.py) calls a unit of product copy boilerplate when it recurs across
unrelated products AND matches a family's seed pattern; recurrence alone also
finds product templates ("Machine wash", "Synthetic upper"), which are facts.
HELD_OUT is the family the card's unseen-noise run keeps out of training
(train.py --hold-out contact): its units, and the eval-only UNSEEN_* sentences
below, are noise that detector has never seen, the number to improve.
"""
import re

FAMILIES = {
    "shipping": r"\b(free|fast|quick|express|same.day|worldwide|international) (shipping|delivery)\b|"
                r"\bships? (in|within|worldwide|free|same|next|from)\b|\bshipping (on|within|is|to|cost|fee)|"
                r"\b(delivery|dispatch(ed)?) (in|within)\b|\btracking (number|provided|code)|"
                r"包邮|发货|快递|物流|顺丰|运费",
    "returns": r"\b(easy|free|\d+.day) returns?\b|\breturns? (within|accepted|policy)|\brefund|money.back|"
               r"no questions asked|退换|退货|退款|无理由|运费险",
    "service": r"customer (service|support)|after.sales|satisfaction guarantee|guarantee(d)? (your )?satisfaction|"
               r"\b100% (genuine|authentic|original)|\bdisclaimer\b|\bmay vary (slightly )?due|"
               r"售后|正品保证|假一赔|品质保证|质量保证|略有差异|误差",
    "store": r"\bwelcome to\b|^welcome\b|\bour (store|shop|listings?)\b|thank(s| you) for (shopping|your|visiting|buying)|"
             r"\bvisit (our|my)\b|\b(leave|give) (us )?(a )?(5|five).stars?|\bpositive feedback\b|"
             r"欢迎光临|本店|店铺|亲[,!们]|好评|惠顾|实物拍摄",
    "action": r"\bbuy (it )?now\b|\border (now|today)\b|add to (cart|wishlist|basket)|don'?t (miss|wait)\b|"
              r"\bhurry\b|\bgrab (yours|one|it)\b|\bclick (here|the|add|buy)\b|\bshop now\b|"
              r"拍下|下单|抢购|加购|赶快|快来|备注",
    "promotion": r"\bsale\b|\bdiscount|% ?off\b|\b(mega|super|amazing|best|exclusive) deals?\b|\b(lowest|best) price|"
                 r"\blimited (time|offer)|\bfree gift|\bcoupon|\bclearance sale|\bhot (sale|seller)|\bbest ?seller\b|"
                 r"\bnew arrivals?\b|\bbuy \d+ get\b|"
                 r"爆款|热卖|热销|特价|秒杀|优惠|促销|清仓|满减|领券|最低价|冲销量|买一送一|限时|月销",
    "contact": r"\bcontact (us|me|the host)|\b(message|email|call|text) (us|me)\b|whats ?app|"
               r"wechat|instagram|facebook|\bfollow (us|our)|\bquestions\?|\bjust ask\b|\breach out\b|"
               r"联系|咨询|客服|微信|关注|旺旺",
}
HELD_OUT = "contact"
PATTERNS = {k: re.compile(v, re.I) for k, v in FAMILIES.items()}


def families_of(text):
    """The families whose seed pattern the text matches."""
    return [k for k, p in PATTERNS.items() if p.search(text)]


# The unseen family in forms no training bank holds: contact and social boilerplate,
# written here for evaluation only (the training banks' contact sentences are dropped).
UNSEEN_EN = [
    "Feel free to reach out to us on WhatsApp at any time.", "Message us on Instagram for more photos.",
    "Follow us on Facebook for weekly new arrivals.", "Any questions, please email us first.",
    "Contact me directly for custom sizes.", "Drop us a message and we will reply within {n} hours.",
    "Call us on {n} {n} {n} for bulk pricing.", "Just send us a message if you need help choosing.",
    "Please contact us before opening a dispute.", "Our team answers every message within {n} hours.",
    "Follow our page to get updates on restocks.", "For wholesale enquiries, message us on WhatsApp.",
]
UNSEEN_ZH = [
    "有任何疑问请随时联系在线客服。", "加微信可以看更多实拍图。", "关注我们的公众号获取最新上新信息。",
    "购买前可以先咨询客服了解尺码。", "有需要定制的亲请联系客服。", "客服在线时间为早{n}点到晚{n}点。",
    "添加客服微信领取专属福利。", "如有问题请联系旺旺,我们会在{n}小时内回复。", "欢迎咨询,客服会耐心解答。",
    "联系客服获取批发价格。", "关注店铺不迷路,新品早知道。", "详情请咨询客服。",
]


def unseen_units(rng, k):
    """k units of the held-out family, (text, lang), numbers filled at random."""
    out = []
    for i in range(k):
        lang = "en" if i % 2 == 0 else "zh"
        bank = UNSEEN_EN if lang == "en" else UNSEEN_ZH
        out.append((rng.choice(bank).format(n=rng.choice([2, 8, 9, 12, 24, 555])), lang))
    return out


# Hype: superlatives about the listing rather than facts of the product ("BEST BACKPACK EVER!"),
# a generator of the seen "promotion" family (train.py), with nouns of everyday listings.
HYPE_EN = ["Best {x} ever!", "The best {x} you will ever buy!", "You will love this {x}!", "Buy with confidence!",
           "Perfect gift for {who}!", "The {x} everyone is talking about!", "Don't settle for less!",
           "Amazing quality!", "Must-have {x} of the year!", "Highly recommended!", "Get yours today!",
           "Treat yourself!", "Best value for money!", "Unbeatable quality!", "You won't regret it!"]
HYPE_ZH = ["超级好用!", "买到就是赚到!", "闭眼入!", "强烈推荐!", "{x}神器!", "今年最火的{x}!", "送{who}的最佳礼物!",
           "性价比超高!", "错过再等一年!", "好用到哭!", "谁用谁知道!", "品质杠杠的!"]
HYPE_NOUNS_EN = ["backpack", "kettle", "dress", "phone case", "lamp", "shoes", "watch", "mug", "speaker", "jacket"]
HYPE_NOUNS_ZH = ["背包", "水壶", "连衣裙", "手机壳", "台灯", "鞋子", "手表", "杯子", "音箱", "外套"]
HYPE_WHO_EN = ["mom", "dad", "her", "him", "kids", "friends"]
HYPE_WHO_ZH = ["妈妈", "爸爸", "女朋友", "男朋友", "孩子", "朋友"]


def hype_unit(lang, rng):
    """One hype sentence, (text, lang)."""
    if lang == "zh":
        t = rng.choice(HYPE_ZH).format(x=rng.choice(HYPE_NOUNS_ZH), who=rng.choice(HYPE_WHO_ZH))
    else:
        t = rng.choice(HYPE_EN).format(x=rng.choice(HYPE_NOUNS_EN), who=rng.choice(HYPE_WHO_EN))
        if rng.random() < 0.4:
            t = t.upper()
    return t, lang


# Chinese contact boilerplate for the shipped detector (the mined units hold few: the contact
# words of JD titles name products, "微信收款音箱").  Every sentence holds a contact word, so a
# --hold-out contact run drops them all; none is a sentence of UNSEEN_ZH.
CONTACT_HEAD_ZH = ["如有任何问题", "有问题", "需要更多尺码", "想要批发", "拍前", "购买前", "不确定尺码的话",
                   "如需定制", "收到货后有问题", "需要发票"]
CONTACT_ACTION_ZH = ["请联系客服", "可咨询客服", "请加微信", "请旺旺联系我们", "请私信客服", "可以联系在线客服",
                     "请先咨询", "请联系卖家微信"]
CONTACT_TAIL_ZH = ["。", "哦!", ",客服会第一时间回复。", ",我们会尽快处理。", "~", "!", ",谢谢。"]


def contact_unit_zh(rng):
    """One Chinese contact sentence, (text, "zh")."""
    return rng.choice(CONTACT_HEAD_ZH) + rng.choice(CONTACT_ACTION_ZH) + rng.choice(CONTACT_TAIL_ZH), "zh"
