"""Guideline citation lines in the shapes real letters use, by the MTUS edition in force.

Three eras: 2015 wording (ACOEM chapter + pages, "did not base their decision on the MTUS"),
2016 - November 2017 wording ("Section(s):", "recommendation(s) outside of the MTUS"), and
the ACOEM-based MTUS from December 2017 (new guideline names, the Drug Formulary from 2018).
"""

from __future__ import annotations

import random
from datetime import date

from demo.tables import Service, tables

NEW_MTUS = date(2017, 12, 1)
FORMULARY = date(2018, 1, 1)
CHRONIC_PAIN_2016 = date(2016, 7, 1)


def _mtus_name(service: Service, decided: date) -> str:
    chapter = tables().chapters[service.chapter]
    if decided >= NEW_MTUS:
        return chapter["new"]
    name = chapter["old"]
    if decided < CHRONIC_PAIN_2016 and name.endswith("2016"):
        return "Chronic Pain Medical Treatment 2009"
    return name


def _odg(service: Service) -> str:
    return f"Official Disability Guidelines (ODG), {tables().chapters[service.chapter]['odg']}"


def citation(service: Service, decided: date, who: str, rng: random.Random) -> str:
    """One guideline line; `who` is "Claims Administrator" or "Expert Reviewer"."""
    roll = rng.random()
    none_share = 0.08 if who == "Claims Administrator" else 0.03
    if roll < none_share:
        return f"The {who} did not cite any medical evidence for its decision."
    chapter = tables().chapters[service.chapter]
    if decided.year <= 2015:
        if roll < none_share + 0.2:
            return (
                f"The {who} did not base their decision on the MTUS. Decision based on Non-MTUS "
                f"Citation Official Disability Guidelines -{chapter['odg']}."
            )
        return f"Decision based on MTUS {chapter['acoem2015']}."
    if roll < none_share + 0.22:
        return (
            f"The {who} based their decision on recommendation(s) outside of the MTUS "
            f"Guidelines. Decision based on Non-MTUS Citation {_odg(service)}."
        )
    mtus = f"Decision based on MTUS {_mtus_name(service, decided)}, Section(s): {service.section}."
    if service.drug_class and decided >= FORMULARY and roll > 0.75:
        mtus += " Decision based on MTUS Drug Formulary, Section(s): Non-Exempt."
    elif roll > 0.85:
        mtus += f" Decision based on Non-MTUS Citation {_odg(service)}."
    return mtus


def guideline_name(service: Service, decided: date) -> str:
    """How a rationale names its guideline, e.g. 'CA MTUS Low Back Complaints'."""
    return "CA MTUS " + _mtus_name(service, decided).removesuffix(" 2004").removesuffix(" 2016")
