"""Guideline citation lines in the shapes real letters use, by the MTUS edition in force.

Three eras: 2015 wording (ACOEM chapter + pages, "did not base their decision on the MTUS"),
2016 - November 2017 wording ("Section(s):", "recommendation(s) outside of the MTUS"), and
the ACOEM-based MTUS from December 2017 (new guideline names, the Drug Formulary from 2018).

A `Citation` carries the line and how a rationale names the guideline it relied on, both
decided by the same draw: the prose of an item cannot name a guideline its citation does not.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import date

from demo.tables import Service, tables

NEW_MTUS = date(2017, 12, 1)
FORMULARY = date(2018, 1, 1)
CHRONIC_PAIN_2016 = date(2016, 7, 1)
_ODG_LINE = "Official Disability Guidelines (ODG), "
_PAGES = re.compile(r" Page\(s\):.*$")


@dataclass(frozen=True)
class Citation:
    line: str  # the guideline line as the letter writes it
    relied_on: str  # the guideline the rationale names; "" when nothing was cited


def _mtus_name(service: Service, decided: date) -> str:
    chapter = tables().chapters[service.chapter]
    if decided >= NEW_MTUS:
        return chapter["new"]
    name = chapter["old"]
    if decided < CHRONIC_PAIN_2016 and name.endswith("2016"):
        return "Chronic Pain Medical Treatment 2009"
    return name


def _mtus(name: str) -> str:
    """'CA MTUS Low Back Complaints': the chapter cited, without edition year or pages."""
    return "CA MTUS " + _PAGES.sub("", name).removesuffix(" 2004").removesuffix(" 2016")


def _odg(service: Service) -> str:
    return f"ODG {tables().chapters[service.chapter]['odg']} chapter"


def citation(service: Service, decided: date, who: str, rng: random.Random) -> Citation:
    """One guideline line; `who` is "Claims Administrator" or "Expert Reviewer"."""
    roll = rng.random()
    none_share = 0.08 if who == "Claims Administrator" else 0.03
    if roll < none_share:
        return Citation(f"The {who} did not cite any medical evidence for its decision.", "")
    chapter = tables().chapters[service.chapter]
    if decided.year <= 2015:
        if roll < none_share + 0.2:
            line = (
                f"The {who} did not base their decision on the MTUS. Decision based on Non-MTUS "
                f"Citation Official Disability Guidelines -{chapter['odg']}."
            )
            return Citation(line, _odg(service))
        return Citation(
            f"Decision based on MTUS {chapter['acoem2015']}.", _mtus(chapter["acoem2015"])
        )
    if roll < none_share + 0.22:
        line = (
            f"The {who} based their decision on recommendation(s) outside of the MTUS "
            f"Guidelines. Decision based on Non-MTUS Citation {_ODG_LINE}{chapter['odg']}."
        )
        return Citation(line, _odg(service))
    name = _mtus_name(service, decided)
    line = f"Decision based on MTUS {name}, Section(s): {service.section}."
    if service.drug_class and decided >= FORMULARY and roll > 0.75:
        line += " Decision based on MTUS Drug Formulary, Section(s): Non-Exempt."
    elif roll > 0.85:
        line += f" Decision based on Non-MTUS Citation {_ODG_LINE}{chapter['odg']}."
    return Citation(line, _mtus(name))
