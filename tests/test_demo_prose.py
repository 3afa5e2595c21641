"""Demo rationales agree with the guideline their item cites (issue 16).

Over the default demo corpus (the letters `make run` builds and a newcomer reads first): the
MAXIMUS citation is classified the way the app labels it (`classify_guideline`), and the
rationale's wording is read with this test's own patterns. A rationale names the cited source
and no other, the cited MTUS chapter (or ODG chapter), and names no guideline at all when the
reviewer cited none.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest

from demo.cases import generate_letters
from demo.corpus import DEFAULT_LETTERS, DEFAULT_SEED
from ingest.classify_guideline import classify_guideline

# Source names as a rationale writes them. ACOEM inside the MTUS ("CA MTUS ACOEM Chapter 12")
# is the MTUS; ACOEM on its own would be the non-MTUS source. An MTUS guideline's own title
# ("Acupuncture Medical Treatment Guidelines") names the MTUS too.
NAMED = {
    "MTUS": re.compile(r"\bMTUS\b|treatment guidelines", re.I),
    "ODG": re.compile(r"\bODG\b|Official Disability Guidelines"),
    "ACOEM (non-MTUS)": re.compile(r"(?<!MTUS )\bACOEM\b"),
}
ANY_GUIDELINE = re.compile(r"guideline|recommendation|\bMTUS\b|\bODG\b|\bACOEM\b", re.I)
# Words of each MTUS chapter (the labels are classify_guideline's), matched after "MTUS".
CHAPTER_WORDS = {
    "Low Back": r"low back",
    "Neck and Upper Back": r"neck and upper back|cervical and thoracic",
    "Shoulder": r"shoulder",
    "Knee": r"knee",
    "Forearm, Wrist and Hand": r"wrist",
    "Ankle and Foot": r"ankle and foot",
    "Chronic Pain": r"chronic pain",
    "Opioids": r"opioid",
    "Acupuncture": r"acupuncture",
    "Postsurgical": r"postsurgical",
    "Mental Health": r"stress related|mental health",
    "General Approaches": r"general approaches|initial approaches|medical examinations",
}
ODG_CHAPTER = re.compile(r"Official Disability Guidelines(?: \(ODG\),| -)(.+?)\.?$")


def _rationale_chapter(rationale: str) -> str | None:
    """The chapter named first after the MTUS in the rationale."""
    after = rationale[rationale.index("MTUS") :].lower()
    found = [
        (m.start(), label)
        for label, words in CHAPTER_WORDS.items()
        if (m := re.search(words, after))
    ]
    return min(found)[1] if found else None


@pytest.fixture(scope="module")
def items():
    letters = generate_letters(DEFAULT_LETTERS, DEFAULT_SEED)
    return [
        (letter.decision_date, item)
        for letter in letters
        for item in letter.items
        if item.rationale  # the older layouts show no rationale
    ]


def test_every_rationale_agrees_with_its_imr_citation(items) -> None:
    seen: Counter[str] = Counter()
    wrong = []
    for decided, item in items:
        cited = classify_guideline(item.imr_guideline)
        named = {source for source, pattern in NAMED.items() if pattern.search(item.rationale)}
        seen[cited.source] += 1
        if cited.source == "None cited":
            ok = ANY_GUIDELINE.search(item.rationale) is None
        elif cited.source == "MTUS":
            ok = named == {"MTUS"} and _rationale_chapter(item.rationale) == cited.mtus_chapter
            seen[f"MTUS {decided.year <= 2015}"] += 1
        elif cited.source == "ODG":
            odg_chapter = ODG_CHAPTER.search(item.imr_guideline)
            ok = named == {"ODG"} and odg_chapter is not None
            ok = ok and odg_chapter.group(1).strip() in item.rationale
        else:
            ok = False  # the demo cites only MTUS, ODG or nothing
        if not ok:
            wrong.append((decided, item.imr_guideline, item.rationale[:200]))
    assert not wrong, f"{len(wrong)} rationales disagree with their citation, e.g. {wrong[:3]}"
    # Every kind of citation is exercised, the 2015 ACOEM-chapter wording included.
    assert seen["None cited"] >= 50 and seen["ODG"] >= 500 and seen["MTUS"] >= 2000, seen
    assert seen["MTUS True"] >= 200 and seen["MTUS False"] >= 2000, seen


def test_a_rationale_without_a_citation_still_argues_from_the_record(items) -> None:
    uncited = [
        item for _, item in items if classify_guideline(item.imr_guideline).source == "None cited"
    ]
    assert uncited
    for item in uncited:
        assert item.service in item.rationale or "the request is" in item.rationale
        assert re.search(r"record|documentation|documented", item.rationale)
