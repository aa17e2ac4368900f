"""grammar.py — seller boilerplate from small phrase grammars, one per family and language.

The rewrite noise model's banks (rewrite/noise.py) hold ~35 fixed sentences a language, and a
detector trained on them learns those sentences, not the families: "We dispatch every order the
same working day" scored 0.1.  These grammars say each family's usual moves — who does what,
to which object, when, with which courtesy — in interchangeable parts, so the detector meets
thousands of surface forms of a family and has to learn its vocabulary rather than a sentence.
They never name the sentences of probe.py (the held-out measurement) and every contact
sentence holds a word of the contact seed pattern (families.py), so `--hold-out contact` still
leaves that family unseen.

    unit(family, lang, rng) -> str
"""
import random

N = [2, 3, 5, 7, 10, 12, 14, 15, 20, 24, 30, 48, 50, 60, 72, 90, 99, 100, 200]


def _pick(rng, x):
    """a part: a string, or a choice among a list's items (recursively)"""
    while isinstance(x, list):
        x = rng.choice(x)
    return x


def _say(rng, *parts):
    return "".join(_pick(rng, p) for p in parts)


EN = {
    "shipping": [
        lambda r: _say(r, ["We ", "Our team will ", "The seller will ", "We usually "],
                       ["ship ", "send out ", "mail ", "process and ship "],
                       ["all orders ", "your parcel ", "each package ", "it ", "purchases "],
                       ["within {n} hours", "on the next business day", "in {n}-{m} working days",
                        "by tracked courier", "to most countries", "via USPS", "via DHL"], [".", "!", ""]),
        lambda r: _say(r, ["Orders ", "All parcels ", "Packages ", "Items in stock "],
                       ["are shipped ", "are sent ", "leave the warehouse ", "ship out "],
                       ["within {n} hours", "the same day", "in {n} days or less", "Monday to Friday",
                        "with a tracking code", "from the US"], [".", "!", ""]),
        lambda r: _say(r, ["Free ", "Fast ", "Tracked ", "Next-day ", "Speedy ", "Cheap ", "Expedited "],
                       ["shipping", "delivery", "courier delivery", "postage"],
                       ["", " on orders over ${n}", " worldwide", " to the UK", " in the USA",
                        " for members", " included"], [".", "!", "!!", ""]),
        lambda r: _say(r, ["Please allow ", "Allow ", "Expect "], ["{n}-{m} ", "{n} "],
                       ["days for delivery", "business days for shipping", "weeks for international orders"],
                       [".", ""]),
        lambda r: _say(r, ["Estimated delivery: ", "Delivery time: ", "Handling time: "],
                       ["{n}-{m} days", "{n} business days", "1 day"], [".", ""]),
    ],
    "returns": [
        lambda r: _say(r, ["Free ", "Easy ", "Simple ", "No-hassle ", "{n}-day "],
                       ["returns", "exchanges", "refunds", "return policy"],
                       ["", " on all orders", " within {n} days", " for {n} days", " guaranteed"],
                       [".", "!", ""]),
        lambda r: _say(r, ["Wrong size? ", "Changed your mind? ", "Don't like it? ", ""],
                       ["Return it ", "Exchange it ", "Ship it back "],
                       ["within {n} days ", "at no cost ", "for free "],
                       ["for a full refund", "for store credit", "and we will refund you", ""], [".", "!"]),
        lambda r: _say(r, ["Refunds are issued ", "Your money is refunded ", "We refund "],
                       ["within {n} days", "in full", "once we receive the item"], [".", ""]),
    ],
    "service": [
        lambda r: _say(r, ["100% ", "Guaranteed ", ""], ["original ", "authentic ", "genuine "],
                       ["goods", "items", "merchandise"], ["", ", never fakes", " only"], [".", "!", ""]),
        lambda r: _say(r, ["All ", "Our ", "Each of our "], ["items ", "products ", "orders "],
                       ["are inspected ", "are tested ", "are checked twice "],
                       ["before they ship", "before dispatch", "before packing"], [".", ""]),
        lambda r: _say(r, ["Colors ", "Photos ", "The actual color "],
                       ["may differ ", "may look different ", "can vary "],
                       ["from the screen", "due to lighting", "because of your monitor"], [".", ""]),
        lambda r: _say(r, ["Our ", "A friendly ", "The "], ["service ", "help desk ", "after-sales "],
                       ["team ", "staff "], ["is here to help", "responds quickly", "will solve any problem"],
                       [".", "!", ""]),
    ],
    "store": [
        lambda r: _say(r, ["Thank you ", "Thanks ", "Many thanks "],
                       ["for visiting", "for choosing our store", "for your purchase", "for your order",
                        "for your support"], ["", " and have a nice day"], ["!", ".", ""]),
        lambda r: _say(r, ["Welcome to ", "Welcome to the "], ["our boutique", "our online store", "the shop",
                                                                "our family shop"], ["!", ".", ""]),
        lambda r: _say(r, ["Please ", "Kindly ", ""], ["rate us ", "leave feedback ", "give us 5 stars ",
                                                       "write a review "],
                       ["if you like it", "if you are satisfied", "when the item arrives", ""], [".", "!", ""]),
        lambda r: _say(r, ["Browse ", "Visit ", "Check out ", "Have a look at "],
                       ["our store ", "our other products ", "our collection ", "more items "],
                       ["for more colors", "for similar styles", "for great deals", ""], [".", "!", ""]),
        lambda r: _say(r, ["Add our store to your favorites", "Bookmark our store", "Follow the shop"],
                       ["", " for new arrivals", " to get updates"], [".", "!", ""]),
    ],
    "action": [
        lambda r: _say(r, ["Buy ", "Order ", "Get ", "Shop ", "Purchase "], ["it ", "yours ", "now ", "one "],
                       ["today", "now", "while you can", "before it sells out"], ["!", "!!", ".", ""]),
        lambda r: _say(r, ["Click ", "Press ", "Tap "], ["Buy Now", "Add to Cart", "the order button"],
                       ["", " now", " today"], ["!", ".", ""]),
        lambda r: _say(r, ["Don't miss out", "Don't wait", "Hurry up", "Act now", "Don't hesitate"],
                       ["", ", order today", ", limited stock", ", buy now"], ["!", "!!", "."]),
    ],
    "promotion": [
        lambda r: _say(r, ["{n}% ", "Up to {n}% "], ["off ", "discount "],
                       ["today", "this week", "everything", "all items", "for new customers"], ["!", ".", ""]),
        lambda r: _say(r, ["Limited stock", "Limited quantity", "Selling fast", "While supplies last",
                           "Almost sold out"], ["", ", order soon"], ["!", ".", ""]),
        lambda r: _say(r, ["Buy {n} get 1 free", "Buy 1 get 1 half price", "Second item {n}% off"],
                       ["", " today", " this week"], ["!", ".", ""]),
        lambda r: _say(r, ["Coupon ", "Promo code ", "Discount code "], ["SAVE{n} ", "DEAL{n} ", "NEW{n} "],
                       ["for {n}% off", "at checkout", "gives you ${n} off"], [".", "!", ""]),
        lambda r: _say(r, ["Best ", "Cheapest ", "Unbeatable ", "Lowest "], ["price ", "deal ", "offer "],
                       ["guaranteed", "on the market", "in town", "anywhere"], ["!", ".", ""]),
        lambda r: _say(r, ["Over {n},000 sold", "{n},000+ happy buyers", "Top rated by our customers",
                           "Our No. 1 bestseller", "Customer favorite"], ["!", ".", ""]),
        lambda r: _say(r, ["Black Friday ", "Holiday ", "Summer ", "Weekend ", "Flash "],
                       ["sale", "deal", "special", "promotion"], ["", " now on", " ends soon"], ["!", ".", ""]),
    ],
    "contact": [
        lambda r: _say(r, ["Contact us ", "Message us ", "Email us ", "Call us ", "Text us "],
                       ["for ", "about ", "with "], ["any questions", "custom orders", "wholesale prices",
                                                     "more sizes", "a discount"], [".", "!", ""]),
        lambda r: _say(r, ["Reach us on ", "Chat with us on ", "Find us on ", "Follow us on "],
                       ["WhatsApp", "Instagram", "Facebook", "WeChat"], ["", " for updates", " anytime"],
                       [".", "!", ""]),
        lambda r: _say(r, ["Questions? ", "Need help? ", "Not sure about the size? "],
                       ["Contact us", "Message us", "Just ask"], [" anytime", ""], [".", "!", ""]),
    ],
}

ZH = {
    "shipping": [
        lambda r: _say(r, ["付款后", "拍下后", "今天下单", ""], ["{n}小时内", "当天", "次日", "三天内"],
                       ["发货", "发出", "安排发货"], ["。", "!", "哦!", ""]),
        lambda r: _say(r, ["全场", "本店", "全国", ""], ["包邮", "免邮", "顺丰包邮", "快递包邮"],
                       ["", ",偏远地区除外", "(港澳台除外)", "到家"], ["。", "!", ""]),
        lambda r: _say(r, ["默认", "本店默认", "统一"], ["发", "使用"], ["圆通", "韵达", "申通", "顺丰", "邮政"],
                       ["快递", "物流"], ["。", ",不指定快递。", ""]),
        lambda r: _say(r, ["现货", "仓库有货", "库存充足"], [",", ""], ["当天发", "下单即发", "极速发货"],
                       ["。", "!", ""]),
        lambda r: _say(r, ["物流", "快递"], ["一般", "通常"], ["{n}-{m}天", "两到三天"], ["到货", "送达"], ["。", ""]),
    ],
    "returns": [
        lambda r: _say(r, ["七天", "7天", "十五天", "30天"], ["无理由", ""], ["退换", "退货", "退换货", "退款"],
                       ["", ",放心购买", ",售后无忧"], ["。", "!", ""]),
        lambda r: _say(r, ["如有质量问题", "收到破损", "尺码不合适"], [",", ""],
                       ["可联系退换", "免费退换", "包退", "包换"], ["。", "!", ""]),
        lambda r: _say(r, ["赠送", "送", "附赠"], ["运费险", "退货运费险"], ["", ",退换无忧"], ["。", "!", ""]),
    ],
    "service": [
        lambda r: _say(r, ["正品", "官方正品", "原装正品", "品牌正品"], ["保障", "保证", "行货"],
                       ["", ",假一赔十", ",放心购买"], ["。", "!", ""]),
        lambda r: _say(r, ["由于", "因"], ["拍摄光线", "显示器", "屏幕"], ["不同", "原因"], [",", ""],
                       ["颜色", "图片颜色"], ["可能有", "略有"], ["色差", "偏差", "差异"], ["。", ",请谅解。", ""]),
        lambda r: _say(r, ["专业", "贴心", "优质"], ["售后", "客户服务", "服务"], ["团队", ""],
                       ["为您服务", "保驾护航", "全程跟进"], ["。", "!", ""]),
    ],
    "store": [
        lambda r: _say(r, ["欢迎", "热烈欢迎"], ["光临", "进店", "来到"], ["小店", "本店", "我们的店铺"],
                       ["", ",祝您愉快"], ["!", "。", "~", ""]),
        lambda r: _say(r, ["谢谢", "感谢", "非常感谢"], ["亲的支持", "您的惠顾", "您的信任", "亲的厚爱"],
                       ["!", "。", "~", ""]),
        lambda r: _say(r, ["亲", "宝宝们", "各位亲"], [",", "!", "~"],
                       ["满意请给五星好评", "收到货记得好评哦", "记得收藏店铺", "喜欢就收藏吧"], ["!", "。", "~", ""]),
        lambda r: _say(r, ["本店", "小店", "我们店"], ["专注", "主营", "只做"], ["品质好货", "正品", "实惠好货"],
                       ["", "多年"], ["。", "!", ""]),
    ],
    "action": [
        lambda r: _say(r, ["赶快", "赶紧", "快来", "马上", "速来"], ["下单", "抢购", "拍下", "入手", "购买"],
                       ["吧", "哦", ""], ["!", "!!", "。", "~"]),
        lambda r: _say(r, ["库存有限", "数量有限", "限量供应", "售完即止"], [",", ""],
                       ["欲购从速", "抓紧时间", "速抢", ""], ["!", "。", ""]),
        lambda r: _say(r, ["点击", "点"], ["立即购买", "加入购物车", "下方链接"], ["", ",马上抢"], ["!", "。", ""]),
    ],
    "promotion": [
        lambda r: _say(r, ["限时", "今日", "周末", "店庆"], ["特价", "特惠", "折扣", "秒杀", "促销"],
                       ["", "中", ",错过等一年"], ["!", "。", ""]),
        lambda r: _say(r, ["全场", "店铺"], ["{n}折", "{n}折起", "满{n}送{m}"], ["", ",先到先得"], ["!", "。", ""]),
        lambda r: _say(r, ["第二件", "两件"], ["半价", "{n}折", "立减{n}元"], ["", ",多买多优惠"], ["!", "。", ""]),
        lambda r: _say(r, ["领券", "领取优惠券", "使用优惠券"], ["立减{n}元", "更优惠", "再减{n}"], ["!", "。", ""]),
        lambda r: _say(r, ["销量", "月销", "累计销售"], ["{n}万+", "突破{n}万件", "遥遥领先"], ["!", "。", ""]),
        lambda r: _say(r, ["爆款", "热销", "人气"], ["推荐", "单品", "款"], ["", ",好评如潮"], ["!", "。", ""]),
    ],
    "contact": [
        lambda r: _say(r, ["如有疑问", "有任何需要", "需要批发", "拍前不懂"], [",", ""],
                       ["请联系客服", "请咨询客服", "可以私聊客服", "欢迎咨询"], ["。", "!", "哦~", ""]),
        lambda r: _say(r, ["加", "添加", "扫码加"], ["客服微信", "店主微信", "客服QQ"], [",", ""],
                       ["领取福利", "获取优惠", "了解更多"], ["。", "!", ""]),
    ],
}


def unit(family, lang, rng):
    """One boilerplate unit of a family in a language, numbers filled at random."""
    g = (EN if lang == "en" else ZH)[family]
    n, m = sorted(rng.sample(N, 2))
    s = rng.choice(g)(rng).replace("{n}", str(n)).replace("{m}", str(m))
    if lang == "en" and rng.random() < 0.15:
        s = s.upper()
    return s.strip()


def units(rng, k):
    """k units of every family and language, (text, lang)"""
    return [(unit(f, lang, rng), lang) for lang, g in (("en", EN), ("zh", ZH)) for f in g for _ in range(k)]
