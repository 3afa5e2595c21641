"""Case summaries and decision rationales, templated from the facts of each case (prose.toml).

Cheap on purpose (a few string formats per item): the fast path writes prose for millions of
letters so the benchmark's search columns hold realistic text.
"""

from __future__ import annotations

import random
from datetime import date

from demo.citations import guideline_name
from demo.draw import pick, pick_two
from demo.tables import Service, tables

MONTHS = tuple(
    [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ]
)


def spoken_date(d: date, rng: random.Random) -> str:
    """Dates inside prose are written every which way in real letters."""
    form = rng.randrange(3)
    if form == 0:
        return f"{d.month}-{d.day}-{d.year % 100:02d}"
    if form == 1:
        return f"{MONTHS[d.month - 1]} {d.day}, {d.year}"
    return f"{d.month:02d}/{d.day:02d}/{d.year}"


def age_sex_phrase(age: int | None, sex: str | None, rng: random.Random) -> str:
    if age is None or sex is None:
        return "claimant"
    noun = sex
    form = rng.randrange(3)
    if form == 0:
        return f"{age} year old {noun}"
    if form == 1:
        return f"{age}-year-old {noun}"
    return f"now {age}-year-old {noun}"


def clinical_summary(
    age: int | None,
    sex: str | None,
    injury: date,
    ur_denial: date,
    chapter: str,
    requests: list[str],
    rng: random.Random,
) -> str:
    p = tables().prose
    facts = {
        "age_sex": age_sex_phrase(age, sex, rng),
        "injury": spoken_date(injury, rng),
        "diagnoses": ", ".join(pick_two(rng, p["diagnoses"][chapter])),
        "complaint": pick(rng, p["complaints"][chapter]),
        "findings": pick(rng, p["findings"][chapter]),
        "treatments": pick(rng, p["treatments"]),
        "ur_date": spoken_date(ur_denial, rng),
        "requests": " and ".join(requests[:3]),
    }
    parts = (p["summary_openers"], p["summary_middles"], p["summary_closers"])
    opener, middle, closer = (pick(rng, group).format(**facts) for group in parts)
    history = " ".join(pick_two(rng, p["summary_history"]))
    plan = pick(rng, p["summary_plans"]).format(**facts)
    return " ".join((opener, middle, history, plan, closer))


def rationale(
    service_text: str, service: Service, outcome: str, decided: date, rng: random.Random
) -> str:
    """1-3 paragraphs separated by newlines (the renderer starts each on a new line)."""
    p = tables().prose
    upheld = outcome == "Upheld"
    facts = {
        "service": service_text,
        "guideline": guideline_name(service, decided),
        "section": service.section.lower(),
    }
    evidence = p["upheld_evidence" if upheld else "overturned_evidence"]
    first = " ".join(
        (
            pick(rng, p["guideline_openers"]).format(**facts),
            *pick_two(rng, p["guideline_criteria"]),
            pick(rng, p["case_openers"]).format(
                diagnosis=pick(rng, p["diagnoses"][service.chapter])
            ),
            *pick_two(rng, evidence),
            pick(rng, p["upheld_closers" if upheld else "overturned_closers"]).format(**facts),
        )
    )
    extra = rng.random()
    if extra < 0.6:
        return first
    paragraphs = [pick(rng, p["extra_paragraphs"]), first]
    if extra > 0.9:
        paragraphs.insert(1, pick(rng, evidence))
    return "\n".join(paragraphs)
