"""Draw the facts of each demo case: the fast path, no layout text, tens of thousands a second.

`generate_letters(n, seed)` yields `ingest.model.Letter` values whose distributions follow
distributions.toml by year (volumes, category mix, overturn rates, reviewers, timeliness).
One random stream per seed: the same seed always gives the same letters, and a small corpus
is a prefix of a big one.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta

from demo.citations import citation
from demo.draw import pick, pick_weighted
from demo.layout_fields import shown_in_layout
from demo.prose import clinical_summary, rationale
from demo.tables import Service, Tables, tables
from ingest.model import Item, Letter

CASE_STRIDE = 7919  # coprime with 10**7: case numbers are a permutation, so never repeat
CA, EXPERT = "Claims Administrator", "Expert Reviewer"


def generate_letters(n: int, seed: int) -> Iterator[Letter]:
    t = tables()
    rng = random.Random(seed)
    base = rng.getrandbits(23)
    for i in range(n):
        yield draw_letter(i, rng, t, base)


def draw_letter(i: int, rng: random.Random, t: Tables, base: int = 0) -> Letter:
    d = t.dist
    year = pick_weighted(rng, t.years, t.year_cum)
    layouts = t.weighted.get(f"layout:{year}")
    layout = pick_weighted(rng, *layouts) if layouts else "determination_2015"
    decided, assigned, received, ur_denial, injury = _dates(year, rng, d["timeliness"])
    items, first = _items(i, year, decided, rng, t)
    age_cfg, sex_cfg = d["patients"]["age"], d["patients"]["sex"]
    age = int(rng.triangular(age_cfg["min"], age_cfg["max"] + 0.999, age_cfg["mode"]))
    roll = rng.random()
    sex = "male" if roll < sex_cfg["male"] else None
    if sex is None and roll < sex_cfg["male"] + sex_cfg["female"]:
        sex = "female"
    if sex is None:  # letters that do not state the sex do not state the age either
        age = None
    requests = [x.service for x in items]
    summary = clinical_summary(age, sex, injury, ur_denial, first.chapter, requests, rng)
    seq = (i * CASE_STRIDE + base) % 10**7
    expedited = rng.random() < d["patients"]["priority_expedited"]
    letter = Letter(
        layout=layout,
        items=items,
        case_number=f"CM{max(assigned.year, 2013) % 100:02d}-{seq:07d}",  # IMR began in 2013
        date_assigned=assigned,
        date_of_injury=injury,
        decision_date=decided,
        ur_denial_date=ur_denial,
        application_received=received,
        priority="Expedited" if expedited else "Standard",
        reviewer_certifications=_certifications(first, rng, t),
        reviewer_states=_states(rng, t),
        patient_age=age,
        patient_sex=sex,
        clinical_summary=summary,
    )
    return letter if layout == "determination_2015" else shown_in_layout(letter)


def _dates(year: int, rng: random.Random, cfg: dict) -> tuple[date, ...]:
    start = date(year, 1, 1).toordinal()
    decided = date.fromordinal(start + rng.randrange(date(year + 1, 1, 1).toordinal() - start))
    dm = cfg["decision_minus_assigned"]
    gap = min(dm["max"], max(dm["min"], round(rng.gauss(dm["median"], dm["sd"]))))
    assigned = decided - timedelta(days=gap)
    am = cfg["assigned_minus_received"]
    received = assigned - timedelta(days=rng.randint(am["min"], am["max"]))
    rm = cfg["received_minus_ur_denial"]
    ur_denial = received - timedelta(
        days=int(rng.betavariate(rm["beta_a"], rm["beta_b"]) * rm["scale"])
    )
    iy = cfg["injury_years_before_ur"]
    days = min(iy["max"] * 365, 14 + int(rng.expovariate(1 / (iy["mean"] * 365))))
    return decided, assigned, received, ur_denial, ur_denial - timedelta(days=days)


def _item_count(i: int, rng: random.Random, cfg: dict) -> int:
    if i % 1500 == 777:  # the rare very long letter, so every corpus of 1,500+ has one
        return cfg["max_items"]
    if rng.random() < cfg["single_share"]:
        return 1
    extra = 0
    while rng.random() > cfg["extra_geometric_p"] and extra < cfg["max_items"] - 2:
        extra += 1
    return 2 + extra


def _items(
    i: int, year: int, decided: date, rng: random.Random, t: Tables
) -> tuple[tuple[Item, ...], Service]:
    cfg = t.dist["items"]
    mix = t.mix[year]
    kinds: list[str] = []
    for k in range(_item_count(i, rng, cfg)):
        if k and rng.random() < cfg["same_category_share"]:
            kinds.append(kinds[0])
        else:
            kinds.append(pick_weighted(rng, mix.kinds, mix.cum_weights))
    items, services = [], []
    for no, kind in enumerate(kinds, 1):
        service = pick(rng, t.services_by_kind[kind])
        outcome = "Overturned" if rng.random() < mix.overturn[kind] else "Upheld"
        text, original, authorized = _request(service, year, rng, cfg)
        items.append(
            Item(
                item_no=no,
                service=text,
                outcome=outcome,
                original_request=original,
                authorized_portion=authorized,
                ca_guideline=citation(service, decided, CA, rng),
                imr_guideline=citation(service, decided, EXPERT, rng),
                rationale=rationale(text, service, outcome, decided, rng),
            )
        )
        services.append(service)
    return tuple(items), services[0]


def _request(
    service: Service, year: int, rng: random.Random, cfg: dict
) -> tuple[str, str | None, str | None]:
    """The disputed text, and for partly authorised requests the original and authorised parts."""
    if not service.quantities:
        prefix = "1 " if year == 2015 and rng.random() < cfg["quantity_prefix_2015"] else ""
        return prefix + service.text, None, None
    n = pick(rng, service.quantities)
    if n >= 2 and rng.random() < cfg["partial_share_of_countable"]:
        authorized = max(1, n // pick(rng, (2, 3, 4)))
        fmt = service.text.format
        if rng.random() < cfg["partial_whole_request_share"]:  # "leaving the original request"
            return fmt(n=n), fmt(n=n), fmt(n=authorized)
        return fmt(n=n - authorized), fmt(n=n), fmt(n=authorized)
    return service.text.format(n=n), None, None


def _certifications(first: Service, rng: random.Random, t: Tables) -> tuple[str, ...]:
    cfg = t.dist["reviewers"]
    if first.category == "Psych Services" and rng.random() < 0.6:
        primary = pick(rng, ("Psychology", "Psychiatry"))
    else:
        primary = pick_weighted(rng, *t.weighted["specialty"])
    seconds = cfg["second"][primary]
    if seconds and rng.random() < 0.35:
        return primary, pick(rng, seconds)
    return (primary,)


def _states(rng: random.Random, t: Tables) -> tuple[str, ...]:
    count = pick_weighted(rng, *t.weighted["state_count"])
    states = ["California"] if rng.random() < t.dist["reviewers"]["california_share"] else []
    while len(states) < count:
        state = pick_weighted(rng, *t.weighted["other_states"])
        if state not in states:
            states.append(state)
    return tuple(states)
