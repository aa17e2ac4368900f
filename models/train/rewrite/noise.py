"""rewrite/noise.py — a seeded model of marketplace seller noise, to corrupt clean copy into noisy input.

    noisy, kinds = corrupt(clean, lang, rng)       # rng: random.Random

Noise only ever ADDS text (spam, boilerplate, emoji, keywords, HTML, duplicated sentences),
changes letter case, or adds/doubles punctuation next to existing sentence or clause breaks.
It never deletes or edits a word of the clean text, so every fact (number, unit, model
number, brand) of the clean target is in the noisy input.  Added text may hold numbers
("100%", "24h", "7天"): the target drops them, which is what the model must learn.

Kinds and their rates (per text; several kinds usually combine):
  identity   8%   the text is left clean (the model must leave clean copy alone)
  duplicate 30%   "tightening": one sentence repeated (exactly, or with changed case/punctuation)
  spam      50%   1-3 promotional phrases (BEST PRICE!!!, hot sale, 爆款, 限时抢购 ...)
  boiler    40%   1-2 shipping/returns/store sentences (Free shipping ..., 七天无理由退换 ...)
  emoji     35%   runs of emoji and symbols (★★★, 🔥🔥, ✅, 【】...)
  keywords  25%   keyword stuffing: product words of the text repeated, or a comma list of them
  shout     35%   en: whole text / some sentences / some words upper-cased; Title Case All Words
  html      20%   tags and entities (<br>, &nbsp;, <b>..</b>, <li>); most vanish in normalize()
  punct     40%   !!!, ,, ..., doubled spaces, space before punctuation
The clean text is cut in sentences; insertions go before, between or after sentences.
Phrases are built from templates with interchangeable parts, so the same kind comes in
many surface forms.
"""
import random
import re

# ------------------------------------------------------------------------------ phrase banks
EN_SPAM_HEAD = ["BEST PRICE", "HOT SALE", "Hot sale", "LIMITED OFFER", "Limited time offer", "NEW ARRIVAL",
                "New arrival", "BIG SALE", "Mega deal", "SUPER DEAL", "Flash sale", "TOP QUALITY",
                "Top seller", "BEST SELLER", "Best seller", "100% GUARANTEED", "100% Authentic",
                "Premium quality", "HIGH QUALITY", "Don't miss out", "BUY NOW", "Buy now", "Order today",
                "Lowest price", "LOWEST PRICE EVER", "Clearance", "CLEARANCE SALE", "Special offer",
                "Factory direct", "Free gift", "Trending now", "Must have", "MUST HAVE", "Amazing deal",
                "Brand new", "BRAND NEW", "Wholesale price", "Today only", "Exclusive deal", "Sale"]
EN_SPAM_TAIL = ["", "", "!", "!!", "!!!", " !!!", "!!!!!", " - hurry", ", hurry up", " while stocks last",
                " - only today", " - grab yours now", " on this item", ", don't wait", " for you"]
EN_SPAM_PREFIX = ["", "", "", "*** ", "** ", ">> ", "[", "~ ", "!!! "]
EN_BOILER = [
    "Free shipping on all orders{x}.", "Fast shipping{x}.", "Ships within 24 hours.", "Ships within {n} business days.",
    "Free delivery{x}.", "Satisfaction guaranteed or your money back.", "100% satisfaction guaranteed.",
    "Money back guarantee.", "{n}-day returns, no questions asked.", "Easy returns within {n} days.",
    "Contact us for wholesale.", "Contact us for bulk orders.", "Message us with any questions.",
    "Please contact us before leaving feedback.", "Please leave us 5 stars if you like it.",
    "Visit our store for more items.", "Check out our other listings.", "Welcome to our shop.",
    "Thank you for shopping with us.", "Add to cart now.", "Add to wishlist.", "Follow our store for new arrivals.",
    "Color may vary slightly due to monitor settings.", "Please allow slight differences due to manual measurement.",
    "We ship worldwide.", "Customer service 24/7.", "Buy 2 get 1 free.", "Buy more save more.",
    "Tracking number provided.", "Packed with care.", "Gift wrapping available.",
    "All items are inspected before shipping.", "Our customer service team is always here to help.",
    "If you have any problem, please contact us first.", "Questions? Just ask.",
]
EN_BOILER_X = ["", " over $25", " today", " in the US", " worldwide", " and returns", " with tracking"]
EMOJI = ["🔥", "⭐", "★", "☆", "✅", "✔", "👍", "💯", "❤️", "♥", "⚡", "✨", "🎁", "💥", "👉", "➡", "→",
         "❗", "‼", "🛒", "😍", "🌟", "♦", "●", "■", "◆", "▶", "✿", "❀", "~", "=", "*", "#", "+"]
EN_STOP = set("""a an the and or of for to in on at by with from into is are be been has have
had this that these those it its as your you our we their they them which who very more most
also can will may one two three four five six all any some such than then there here when where
comes come has have provides provide made make use used using includes include each other well""".split())

ZH_SPAM = ["爆款", "热卖", "热销", "限时抢购", "限时特价", "特价", "秒杀", "包邮", "正品保证", "正品",
           "新品上市", "新款", "厂家直销", "清仓", "清仓甩卖", "买一送一", "亏本冲量", "最低价", "全网最低",
           "品质保证", "官方正品", "现货", "现货速发", "当天发货", "活动价", "优惠促销", "火爆热销中",
           "月销过万", "好评如潮", "爆款推荐", "必买", "限量", "抢购", "领券", "店长推荐", "人气爆款",
           "超值", "特惠", "包邮到家", "高品质"]
ZH_SPAM_WRAP = [("", ""), ("【", "】"), ("[", "]"), ("★", "★"), ("", "!!!"), ("", "!"), ("~", "~"),
                ("", "啦"), ("", "!!"), ("『", "』"), ("", "")]
ZH_BOILER = [
    "亲,欢迎光临本店!", "亲,欢迎光临!", "欢迎光临本店,祝您购物愉快。", "七天无理由退换。", "7天无理由退换货。",
    "支持七天无理由退货。", "全国包邮。", "全场包邮,偏远地区除外。", "下单即发,{n}小时内发货。", "当天下单当天发货。",
    "正品保证,假一赔十。", "假一赔十。", "有任何问题请联系客服。", "有问题请先联系客服,不要给差评哦。",
    "亲,收到货满意请给五星好评哦!", "好评返现。", "收藏店铺优先发货。", "关注店铺领取优惠券。",
    "本店所有商品均为实物拍摄。", "由于显示器不同,颜色可能略有差异。", "手工测量,请允许1-3cm误差。",
    "批发请联系客服。", "量大从优,欢迎咨询。", "拍下请备注颜色尺码。", "顺丰包邮。", "售后无忧。",
    "购买前请咨询客服。", "赠运费险。", "店铺新开张,冲销量。", "谢谢惠顾!",
]
ZH_PUNCT = "。!?;"


# ------------------------------------------------------------------------------ helpers
def split_sentences(text, lang):
    """Sentences with their trailing punctuation and space kept (''.join(...) == text)."""
    if lang == "zh":
        parts = re.findall(r".+?(?:[。!?;！？；]+|\n|$)", text)
    else:
        parts = re.findall(r".+?(?:[.!?]+(?:\s+|$)|\n+|$)", text)
    return [p for p in parts if p]


def _spam_en(rng):
    head = rng.choice(EN_SPAM_HEAD)
    if rng.random() < 0.3:
        head = head.upper()
    return rng.choice(EN_SPAM_PREFIX) + head + rng.choice(EN_SPAM_TAIL) + ("]" if rng.random() < 0.05 else "")


def _spam_zh(rng):
    a, b = rng.choice(ZH_SPAM_WRAP)
    word = rng.choice(ZH_SPAM)
    if rng.random() < 0.3:
        word += rng.choice(ZH_SPAM)
    return a + word + b


def _boiler(lang, rng):
    if lang == "zh":
        return rng.choice(ZH_BOILER).format(n=rng.choice([24, 48, 72]))
    s = rng.choice(EN_BOILER).format(x=rng.choice(EN_BOILER_X), n=rng.choice([3, 5, 7, 14, 30]))
    if rng.random() < 0.2:
        s = s.upper()
    return s


def _emoji_run(rng):
    e = rng.choice(EMOJI)
    if rng.random() < 0.3:
        return "".join(rng.choice(EMOJI) for _ in range(rng.randint(2, 5)))
    return e * rng.randint(1, 5)


def _keywords(text, lang, rng):
    if lang == "zh":
        runs = [r for r in re.findall(r"[\u4e00-\u9fff]{2,}", text)]
        if not runs:
            return ""
        cands = []
        for r in runs:
            for _ in range(2):
                n = rng.randint(2, 4)
                if len(r) >= n:
                    i = rng.randrange(len(r) - n + 1)
                    cands.append(r[i:i + n])
        if not cands:
            return ""
        picks = [rng.choice(cands) for _ in range(rng.randint(3, 7))]
        if rng.random() < 0.3:
            picks += [rng.choice(["女", "男", "新款", "2023", "夏季", "秋冬", "韩版", "潮", "ins风"])]
        sep = rng.choice([" ", " ", ",", "/", " | "])
    else:
        words = [w for w in re.findall(r"[A-Za-z][A-Za-z-]{3,}", text) if w.lower() not in EN_STOP]
        if not words:
            return ""
        picks = [rng.choice(words).lower() for _ in range(rng.randint(3, 8))]
        if rng.random() < 0.3:
            picks.append(rng.choice(["for women", "for men", "gift", "cheap", "new", "best", "2023", "sale"]))
        sep = rng.choice([", ", ", ", " ", " / ", " | ", ","])
    lead = rng.choice(["", "", "Tags: ", "Keywords: ", "Search terms: ", "关键词:" if lang == "zh" else "#"])
    return lead + sep.join(picks)


def _html_wrap(piece, rng):
    r = rng.random()
    if r < 0.3:
        return "<b>" + piece + "</b>"
    if r < 0.5:
        return "<p>" + piece + "</p>"
    if r < 0.65:
        return "<li>" + piece + "</li>"
    if r < 0.8:
        return piece + "<br>"
    return "<span style=\"color:red\">" + piece + "</span>"


def _shout_en(sents, rng):
    mode = rng.random()
    if mode < 0.25:
        return [s.upper() for s in sents]
    if mode < 0.55:
        return [s.upper() if rng.random() < 0.4 else s for s in sents]
    if mode < 0.8:
        p = rng.uniform(0.1, 0.35)
        return [re.sub(r"[A-Za-z]{3,}", lambda m: m.group(0).upper() if rng.random() < p else m.group(0), s)
                for s in sents]
    return [re.sub(r"\b([a-z])([a-z]*)", lambda m: m.group(1).upper() + m.group(2), s) for s in sents]


def _punct(s, lang, rng):
    """More/odd punctuation at existing sentence or clause ends; never inside numbers."""
    if lang == "zh":
        s = re.sub(r"([,。!])(?=\S|$)", lambda m: m.group(1) * rng.randint(2, 3) if rng.random() < 0.3
                   else ("!!!" if m.group(1) == "。" and rng.random() < 0.2 else m.group(1)), s)
        return s
    s = re.sub(r"(?<=[A-Za-z)])([.!?])(?=\s|$)",
               lambda m: rng.choice(["!!!", "!!", "...", " .", "..", "!!!!", ".", "!"]) if rng.random() < 0.5
               else m.group(1), s)
    s = re.sub(r"(?<=[A-Za-z)]),(?=\s)", lambda m: rng.choice([",,", " ,", ", ,", ","]) if rng.random() < 0.3
               else ",", s)
    s = re.sub(r" (?=[A-Za-z])", lambda m: "  " if rng.random() < 0.05 else " ", s)
    return s


def _near_dup(sent, lang, rng):
    r = rng.random()
    s = sent.strip()
    if lang == "en" and r < 0.3:
        return s.upper()
    if lang == "en" and r < 0.45:
        return s.lower()
    if r < 0.6:
        return s.rstrip(".!?。!;") + rng.choice(["!!!", "!", "!!"])
    return s


# ------------------------------------------------------------------------------ the corruptor
def corrupt(clean, lang, rng):
    """Noisy version of `clean` (normalized clean copy) and the list of noise kinds applied."""
    if rng.random() < 0.08:
        return clean, ["identity"]
    kinds = []
    sents = split_sentences(clean, lang)
    joiner_space = "" if lang == "zh" else " "
    sents = [s if s.endswith((" ", "\n")) or lang == "zh" else s + " " for s in sents]

    # tightening: a duplicated sentence (exact or near), right after or later
    if len(sents) >= 1 and rng.random() < 0.30:
        kinds.append("duplicate")
        i = rng.randrange(len(sents))
        dup = _near_dup(sents[i], lang, rng) + joiner_space
        j = rng.randint(i + 1, len(sents))
        sents.insert(j, dup)
    if lang == "en" and rng.random() < 0.35:
        kinds.append("shout")
        sents = _shout_en(sents, rng)
    if rng.random() < 0.40:
        kinds.append("punct")
        sents = [_punct(s, lang, rng) for s in sents]
    if rng.random() < 0.20:
        kinds.append("html")
        sents = [_html_wrap(s, rng) if rng.random() < 0.3 else s for s in sents]
        if rng.random() < 0.5:
            k = rng.randrange(len(sents) + 1)
            sents.insert(k, rng.choice(["&nbsp;", "<br>", "<br/>", "&nbsp;&nbsp;", "<hr>", "&amp;", "<p></p>"]))

    inserts = []          # (position 0..len(sents), text)
    if rng.random() < 0.50:
        kinds.append("spam")
        for _ in range(rng.choice([1, 1, 2, 3])):
            inserts.append((rng.choice([0, 0, len(sents), rng.randint(0, len(sents))]),
                            _spam_zh(rng) if lang == "zh" else _spam_en(rng)))
    if rng.random() < 0.40:
        kinds.append("boiler")
        for _ in range(rng.choice([1, 1, 2])):
            inserts.append((rng.choice([len(sents), len(sents), 0]), _boiler(lang, rng)))
    if rng.random() < 0.25:
        kw = _keywords(clean, lang, rng)
        if kw:
            kinds.append("keywords")
            inserts.append((rng.choice([0, len(sents), len(sents)]), kw))
    if rng.random() < 0.35:
        kinds.append("emoji")
        for _ in range(rng.randint(1, 3)):
            inserts.append((rng.randint(0, len(sents)), _emoji_run(rng)))
    if not kinds:
        kinds.append("spam")
        inserts.append((0, _spam_zh(rng) if lang == "zh" else _spam_en(rng)))

    out = []
    by_pos = {}
    for pos, t in inserts:
        by_pos.setdefault(pos, []).append(t)
    for k in range(len(sents) + 1):
        for t in by_pos.get(k, []):
            sep = rng.choice([" ", " ", "\n", " | ", " - "]) if lang == "en" else rng.choice(["", " ", "\n", ""])
            out.append(t + sep)
        if k < len(sents):
            out.append(sents[k])
    return "".join(out).strip(), kinds


if __name__ == "__main__":
    rng = random.Random(1)
    for text, lang in (("Black and grey printed medium trolley bag, secured with a TSA lock. Warranty: 5 years. "
                        "One main zip compartment, zip lining.", "en"),
                       ("这款连衣裙采用柔软的针织面料,简约的纯色设计,尽显优雅气质。搭配腰带更显身材。", "zh")):
        for _ in range(5):
            print(corrupt(text, lang, rng))
