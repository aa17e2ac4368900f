"""mine.py — seller boilerplate mined from every product file in ../shared/data.

    cd models/train && /usr/bin/python3 -m boilerplate.mine      # prints the inventory

A unit (src/core/boiler.h: a sentence, cut further in Chinese copy) of a title,
description or bullet is a candidate when its shape (ASCII lower case, digits as
0, as the classifier sees it) recurs in at least MIN_PRODUCTS different products.
Candidates that match a family's seed pattern (families.py) are boilerplate;
the other candidates are product templates ("Machine wash", "Synthetic upper"),
kept as negatives: recurring is not enough to be noise.
"""
import collections
import re

from common import read_jsonl
from common.ptcore import boiler_units, normalize
from boilerplate.families import families_of

PRODUCT_FILES = ["en_myntra", "en_leipzig", "en_promptcloud_amazon", "en_airbnb_listings",
                 "zh_advertisegen", "zh_jd_titles", "zh_iflytek_app_descriptions", "zh_airbnb_hk_listings_raw"]
MIN_PRODUCTS = 3
DIGITS = re.compile(r"[0-9]")


def shape(unit):
    """What the classifier sees of a unit (boiler.c classifier_text, without the padding)."""
    return DIGITS.sub("0", unit.translate({c: c + 32 for c in range(65, 91)}))


def product_texts(row):
    """(field, text) of a product's title, description and bullets."""
    for field in ("title", "description"):
        if row.get(field):
            yield field, row[field]
    for b in row.get("bullets") or []:
        yield "bullets", b


def product_units():
    """(file, product id, lang, unit, field) for every unit of every product text; field is
    "title" only for a unit that is a whole title (a part of one, "9.9元起包邮", is "title part")."""
    for name in PRODUCT_FILES:
        for row in read_jsonl(f"products/{name}.jsonl"):
            for field, text in product_texts(row):
                units = boiler_units(normalize(text))
                for u in units:
                    yield name, row["id"], row["lang"], u, field if len(units) == 1 or field != "title" \
                        else "title part"


def mine():
    """{shape: {"products": set, "files": set, "example": unit, "lang": lang}} and all units."""
    seen = {}
    units = []
    for name, pid, lang, u, field in product_units():
        k = shape(u)
        e = seen.get(k)
        if e is None:
            e = seen[k] = {"products": set(), "files": set(), "example": u, "lang": lang}
        e["products"].add(pid)
        e["files"].add(name)
        units.append((name, pid, lang, u, field))
    return seen, units


def inventory(seen):
    """Mined boilerplate: [(shape, entry, families)] by products, most frequent first."""
    out = []
    for k, e in seen.items():
        if len(e["products"]) < MIN_PRODUCTS:
            continue
        fams = families_of(e["example"])
        if fams:
            out.append((k, e, fams))
    out.sort(key=lambda t: -len(t[1]["products"]))
    return out


def main():
    seen, units = mine()
    inv = inventory(seen)
    by_fam = collections.Counter()
    by_fam_occ = collections.Counter()
    by_file = collections.Counter()
    for _, e, fams in inv:
        for f in fams:
            by_fam[f] += 1
            by_fam_occ[f] += len(e["products"])
        for f in e["files"]:
            by_file[f] += 1
    templates = sum(1 for e in seen.values() if len(e["products"]) >= MIN_PRODUCTS) - len(inv)
    print(f"units: {len(units)}, distinct shapes: {len(seen)}, recurring (>= {MIN_PRODUCTS} products): "
          f"{len(inv) + templates}, of which boilerplate {len(inv)}, product templates {templates}")
    print("| family | distinct units | product occurrences |")
    for f, n in by_fam.most_common():
        print(f"| {f} | {n} | {by_fam_occ[f]} |")
    print("| file | distinct boilerplate units |")
    for f, n in by_file.most_common():
        print(f"| {f} | {n} |")
    print("top 40:")
    for k, e, fams in inv[:40]:
        print(f"  {len(e['products']):5d}  {','.join(fams):18s} {e['example'][:90]}")


if __name__ == "__main__":
    main()
