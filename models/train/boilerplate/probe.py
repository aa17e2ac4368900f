"""probe.py — seller noise in phrasings no generator or bank here holds, for evaluation only.

Written before the generators of grammar.py and kept apart from them: the banks and grammars
teach the detector, these sentences only measure it ("does a phrasing it was never shown still
go?"), the way held-out noise in users' copy would.  Nothing here is ever trained on.

    cd models/train && /usr/bin/python3 -m boilerplate.probe [--model FILE]

prints, per language and family, the share of probe sentences the detector flags as a whole
unit, and what rewrite() leaves of them when each is glued to a clean product sentence.
"""
import argparse
import os
import random

PROBE = {
    "en": {
        "shipping": ["We dispatch every order the same working day.", "Delivered to your door in 3-5 days.",
                     "Orders placed before 2pm go out today.", "Express postage available at checkout.",
                     "Posted from our UK warehouse.", "No shipping charges on this item."],
        "returns": ["Not happy? Send it back within 30 days.", "Hassle-free exchanges on every order.",
                    "Full refund if it arrives damaged.", "Returns are free and easy."],
        "service": ["Backed by our 2-year warranty.", "Genuine product, sourced directly from the brand.",
                    "Every piece is quality checked by hand.", "Our support team replies within a day.",
                    "Pictures are for illustration purposes only."],
        "store": ["Thanks for stopping by our little shop!", "See our other items for matching accessories.",
                  "Kindly leave a review after you receive it.", "Welcome, happy shopping!",
                  "Favourite our shop to see new items first."],
        "action": ["Grab this deal before it's gone!", "Hit the buy button now.", "Order yours right now!",
                   "Tap add to basket today.", "Act fast, stock is limited!"],
        "promotion": ["Only a few left in stock!", "Sale ends at midnight!", "Save 20% when you buy two.",
                      "Use code SAVE10 for an extra discount.", "Lowest price of the season!",
                      "Rated 5 stars by thousands of happy customers!", "Bestselling item in our store."],
        "contact": ["Questions? Drop us a line anytime.", "Ping us on WhatsApp for a quote.",
                    "Email our team for bulk orders."],
    },
    "zh": {
        "shipping": ["下单后48小时内发出。", "江浙沪次日达。", "全国大部分地区3天送达。", "默认发中通快递。", "满99元免运费。"],
        "returns": ["不满意包退换。", "质量问题免费换新。", "签收前可开箱验货。", "退换货请保持吊牌完好。"],
        "service": ["本店所有商品均为正品。", "三年质保,终身维修。", "每件商品出厂前均经过严格质检。",
                    "图片仅供参考,以实物为准。"],
        "store": ["感谢您的光临,祝您购物愉快!", "喜欢的话请收藏本店。", "给个好评吧,谢谢亲。",
                  "本店新品每周上架。", "欢迎进店选购。"],
        "action": ["手慢无,赶紧下单!", "喜欢就快来抢购吧!", "看中了就别犹豫了。", "马上拍下,立即发货。",
                   "快快加入购物车!"],
        "promotion": ["今日特价,仅限前100名。", "新品上市,限时八折。", "买二送一,数量有限!", "全场满200减30。",
                      "工厂直销,价格最低。", "好评返现5元。"],
        "contact": ["有疑问请咨询在线客服。", "加客服微信领取优惠。", "拍前请先联系客服确认库存。"],
    },
}
PRODUCTS = {
    "en": ["Stainless steel water bottle keeps drinks cold for 24 hours.",
           "Soft cotton crew-neck T-shirt, machine washable.",
           "Wireless earbuds with 30-hour battery life and a USB-C charging case.",
           "Solid oak cutting board, 40 x 30 cm, with juice groove."],
    "zh": ["304不锈钢保温杯,保冷24小时。", "纯棉圆领T恤,可机洗。", "无线蓝牙耳机,续航30小时,Type-C充电。",
           "实木砧板,尺寸40x30cm,带导流槽。"],
}


def tokens(text, lang):
    """Words (en, lower-cased letters/digits runs) or Han characters (zh) of a text."""
    import re
    if lang == "zh":
        return [c for c in text if "\u4e00" <= c <= "\u9fff"]
    return re.findall(r"[a-z0-9]+", text.lower())


def cases(rng):
    """(lang, family, noise, product, input): each probe sentence glued before or after a product."""
    out = []
    for lang, fams in PROBE.items():
        sep = " " if lang == "en" else ""
        for fam, sents in fams.items():
            for s in sents:
                p = rng.choice(PRODUCTS[lang])
                out.append((lang, fam, s, p, p + sep + s if rng.random() < 0.5 else s + sep + p))
    return out


def residue(noise, product, out, lang):
    """Share of the noise's own tokens (not also the product's) that the output still has."""
    own = [t for t in tokens(noise, lang) if t not in set(tokens(product, lang))]
    have = set(tokens(out, lang))
    return sum(t in have for t in own) / max(1, len(own))


def product_kept(product, out, lang):
    have = set(tokens(out, lang))
    want = tokens(product, lang)
    return sum(t in have for t in want) / max(1, len(want))


def main():
    from common import ROOT, SEED
    from common.ptcore import Boiler, Rewriter, normalize
    ap = argparse.ArgumentParser(prog="python3 -m boilerplate.probe", description=__doc__.split("\n")[0])
    ap.add_argument("--model", default=os.path.join(ROOT, "models", "boilerplate-multi.ptm"))
    ap.add_argument("--rewriter", default=os.path.join(ROOT, "models", "rewrite-multi.ptm"))
    ap.add_argument("--show", action="store_true", help="print every rewrite that keeps noise")
    args = ap.parse_args()
    rows = cases(random.Random(SEED))
    with Boiler(args.model) as b, Rewriter(args.rewriter) as r:
        t = b.threshold
        outs = r.rewrite([x[4] for x in rows], beam_width=1, boiler=b)
        stats = {}
        for (lang, fam, s, p, src), out in zip(rows, outs):
            flagged = b.prob(normalize(s)) >= t
            res, kept = residue(s, p, out, lang), product_kept(p, out, lang)
            for key in ((lang, fam), (lang, "all")):
                stats.setdefault(key, []).append((flagged, res, kept))
            if args.show and (res > 0 or kept < 1):
                print(f"  {lang} {fam}: {out}")
    print("| lang | family | sentences | flagged whole | rewrite: noise gone | noise left (share of its words) "
          "| product words kept |")
    print("|---|---|---|---|---|---|---|")
    order = [(lang, fam) for lang in PROBE for fam in list(PROBE[lang]) + ["all"]]
    for lang, fam in order:
        v = stats[(lang, fam)]
        n = len(v)
        print(f"| {lang} | {fam} | {n} | {100 * sum(f for f, _, _ in v) / n:.0f} % | "
              f"{100 * sum(x == 0 for _, x, _ in v) / n:.0f} % | {100 * sum(x for _, x, _ in v) / n:.1f} % | "
              f"{100 * sum(k for _, _, k in v) / n:.1f} % |")


if __name__ == "__main__":
    main()
