"""sentiment/data.py — the labelled review rows of one language, split into train and dev.

Classes: 0 negative (1-2 stars or label 0), 1 neutral (3 stars), 2 positive
(4-5 stars or label 1).  Binary files have no neutral rows.  Every labelled
review file of ../shared/data is a domain (a shop, or a kind of product) of
its language; the models train on all of them, each domain's weight capped
(domain_weights) so that no single shop's style dominates.
"""
from collections import Counter

from common import is_dev, read_jsonl

FILES = {
    "en": ["reviews/en_womens_clothing.jsonl", "reviews/en_flipkart.jsonl", "reviews/en_hotel_reviews.jsonl",
           "reviews/en_amazon_earphones.jsonl", "reviews/en_amazon_alexa.jsonl",
           "reviews/en_amazon_musical_instruments.jsonl"],
    "zh": ["reviews/zh_online_shopping.jsonl", "reviews/zh_waimai.jsonl",
           "reviews/zh_nlpcc2014_product_reviews.jsonl", "reviews/zh_eprstmt.jsonl"],
}
CLASSES = ("negative", "neutral", "positive")
DOMAIN_CAP = 20000  # training rows a domain counts for at most (its rows are weighted down beyond)


def label_of(row):
    r = row.get("rating")
    if r is not None:
        return 0 if r <= 2 else 1 if r == 3 else 2
    if row.get("label") is not None:
        return 2 if row["label"] == 1 else 0
    return None


def add_hold_out_argument(ap):
    """The --hold-out option of the scripts that train on these rows (argparse)."""
    ap.add_argument("--hold-out", action="append", default=[], metavar="FILE",
                    help="train without this review file (e.g. reviews/en_womens_clothing.jsonl) and score "
                         "it whole, as text from another shop; repeatable")


def domain_weights(rows, cap=DOMAIN_CAP):
    """Per-row weight min(1, cap / rows of its domain): every domain counts for at most `cap` rows."""
    n = Counter(r[2] for r in rows)
    return [min(1.0, cap / n[r[2]]) for r in rows]


def load(lang, normalize, hold_out=()):
    """Return (train, dev, held_out): lists of (text, class, file, three_class).

    `normalize` maps raw text to the model's input form.  Train rows are
    de-duplicated; review titles (headlines) of train rows are added as extra
    short examples so the model sees short and long text alike.  Files named
    in `hold_out` (paths as in FILES) are never trained on and are scored
    whole: the leave-one-domain-out test of text from a shop never seen.
    """
    unknown = set(hold_out) - set(FILES[lang])
    if unknown:
        raise ValueError(f"not a {lang} training file: {', '.join(sorted(unknown))}")
    held_files = set(hold_out)
    train, dev, held = [], [], []
    seen = set()
    for rel in FILES[lang]:
        three = any(r.get("rating") is not None for r in read_jsonl(rel))
        for row in read_jsonl(rel):
            y = label_of(row)
            text = normalize(row.get("text") or "")
            if y is None or not text:
                continue
            item = (text, y, rel, three)
            if rel in held_files:
                held.append(item)
            elif is_dev(text):
                dev.append(item)
            elif text not in seen:
                seen.add(text)
                train.append(item)
                title = normalize(row.get("title") or "")
                if title and title not in seen and not is_dev(title):
                    seen.add(title)
                    train.append((title, y, rel, three))
    # a text that is also in a held-out file (reviews are copied between files) was seen
    held_texts = set().union(*(file_texts(rel, normalize) for rel in held_files))
    train = [r for r in train if r[0] not in held_texts]
    return train, dev, held


def file_texts(rel, normalize):
    """Every review text and title of one file, as `normalize` maps them."""
    out = set()
    for row in read_jsonl(rel):
        for field in ("text", "title"):
            t = normalize(row.get(field) or "")
            if t:
                out.add(t)
    return out
