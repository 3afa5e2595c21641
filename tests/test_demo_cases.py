"""The demo's fast path: deterministic, and shaped like the published figures (imr-facts.md)."""

from __future__ import annotations

import statistics
from collections import Counter

import pytest

from demo.cases import generate_letters

N = 40_000


@pytest.fixture(scope="module")
def letters():
    return list(generate_letters(N, 2013))


def test_same_seed_same_letters_and_small_corpus_is_a_prefix():
    assert list(generate_letters(50, 5)) == list(generate_letters(50, 5))
    assert list(generate_letters(20, 5)) == list(generate_letters(50, 5))[:20]
    assert list(generate_letters(20, 6)) != list(generate_letters(20, 5))


def test_case_numbers_are_unique_and_well_formed(letters):
    numbers = [x.case_number for x in letters]
    assert len(set(numbers)) == N
    assert all(len(n) == 12 and n[:2] == "CM" and n[4] == "-" for n in numbers)
    assert min(int(n[2:4]) for n in numbers) == 13  # IMR began in 2013


def test_items_per_letter(letters):
    counts = [len(x.items) for x in letters]
    assert 1.6 <= statistics.mean(counts) <= 2.3
    assert 0.36 <= sum(c > 1 for c in counts) / N <= 0.44
    assert max(counts) == 21 and min(counts) == 1
    items = [i for x in letters for i in x.items]
    partial = sum(i.original_request is not None for i in items) / len(items)
    assert 1 / 12 <= partial <= 1 / 7  # about 1 in 9


def _by_year(letters):
    years: dict[int, list] = {}
    for x in letters:
        years.setdefault(x.decision_date.year, []).append(x)
    return years


def test_volume_by_year_follows_the_published_counts(letters):
    years = _by_year(letters)
    # 2018 is the busiest year (184,735 of ~1.71 M letters = 10.8 %), 2013 the smallest (2.2 %)
    assert abs(len(years[2018]) / N - 0.108) < 0.01
    assert abs(len(years[2013]) / N - 0.022) < 0.005
    assert set(years) == set(range(2013, 2025))


@pytest.mark.parametrize(
    ("year", "upheld", "tolerance"),
    [(2013, 0.84, 0.03), (2016, 0.912, 0.012), (2024, 0.873, 0.015)],
)
def test_upheld_share_of_items_by_year(letters, year, upheld, tolerance):
    items = [i for x in _by_year(letters)[year] for i in x.items]
    share = sum(i.outcome == "Upheld" for i in items) / len(items)
    assert abs(share - upheld) < tolerance


def test_pharma_and_opioids_fall_after_2018(letters):
    from demo.tables import service_for_text

    def shares(year):
        items = [i for x in _by_year(letters)[year] for i in x.items]
        kinds = [service_for_text(i.service) for i in items]
        pharma = [k for k in kinds if k.category == "Pharmaceuticals"]
        return len(pharma) / len(items), sum(k.drug_class == "Opioids" for k in pharma) / len(
            pharma
        )

    pharma_2015, opioid_2018 = shares(2015)[0], shares(2018)[1]
    pharma_2023, opioid_2024 = shares(2023)[0], shares(2024)[1]
    assert abs(pharma_2015 - 0.50) < 0.03 and abs(pharma_2023 - 0.31) < 0.03
    assert opioid_2018 > opioid_2024 + 0.04


def test_reviewers_states_and_timeliness(letters):
    first = Counter(x.reviewer_certifications[0] for x in letters)
    assert abs(first["Family Practice"] / N - 0.24) < 0.02
    assert abs(sum("California" in x.reviewer_states for x in letters) / N - 0.63) < 0.02
    assert abs(sum(len(x.reviewer_states) > 1 for x in letters) / N - 0.5) < 0.02
    dated = [x for x in letters if x.layout == "determination_2015"]  # older layouts lack dates
    decision_gap = [(x.decision_date - x.date_assigned).days for x in dated]
    filing_gap = [(x.application_received - x.ur_denial_date).days for x in dated]
    assert abs(statistics.median(decision_gap) - 27) <= 1
    assert abs(statistics.median(filing_gap) - 15) <= 2
    assert all(
        x.date_of_injury < x.ur_denial_date <= x.application_received <= x.date_assigned
        for x in dated
    )
    ages = [x.patient_age for x in letters if x.patient_age is not None]
    assert min(ages) >= 20 and max(ages) <= 70


def test_every_layout_appears_and_most_letters_are_format_d(letters):
    layouts = Counter(x.layout for x in letters)
    assert set(layouts) == {
        "determination_2015",
        "maximus_2014",
        "notice_2013",
        "professional_review_2013",
    }
    assert layouts["determination_2015"] / N > 0.9
