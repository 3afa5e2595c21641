"""Filters -> (WHERE, params): table tests, URL round trips, and hostile values."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from queries.filters import CHOICE_FIELDS, FilterError, Filters
from queries.vocab import URL_KEYS


def test_empty_filters_select_everything():
    assert Filters().where() == ("true", {})
    assert Filters().is_empty
    assert Filters().describe() == "All decisions"


@pytest.mark.parametrize(
    ("filters", "where", "params"),
    [
        (Filters(date_from=date(2016, 1, 1)), "decision_date >= $date_from",
         {"date_from": date(2016, 1, 1)}),
        (Filters(service_category=("Surgery", "DMEPOS")),
         "service_category in ($service_category_0, $service_category_1)",
         {"service_category_0": "DMEPOS", "service_category_1": "Surgery"}),
        (Filters(reviewer_state=("Texas",)),
         "list_has_any(reviewer_states, [$reviewer_state_0])", {"reviewer_state_0": "Texas"}),
        (Filters(licensed_in_california=False), "licensed_in_california = $licensed_in_california",
         {"licensed_in_california": False}),
        (Filters(text="50%_off"),
         "(service ilike $text_0 escape '\\' or rationale ilike $text_0 escape '\\')",
         {"text_0": "%50\\%\\_off%"}),
    ],
)  # fmt: skip
def test_where_renders_placeholders_and_binds_values(filters, where, params):
    assert filters.where() == (where, params)


def test_text_with_index_table_restricts_to_its_keys():
    where, params = Filters(text="opioid").where(text_table="_hits_1")
    assert "from _hits_1" in where and params == {}


HOSTILE = ["x'; drop table letters; --", '" or 1=1 --', "$date_from", "%", "\\", "Robert'); --"]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_never_reach_the_sql_text(value):
    f = Filters(service_category=(value,), reviewer_specialty=value, text=value)
    where, params = f.where()
    benign = " ".join("v" for _ in value.split())  # same shape, harmless words
    assert where == Filters(service_category="v", reviewer_specialty="v", text=benign).where()[0]
    assert params["service_category_0"] == value


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"nope": "1"}, "Unknown filter parameter 'nope'"),
        ({"from": "2016-13-45"}, "date_from"),
        ({"from": "yesterday"}, "date_from"),
        ({"ca_lic": "maybe"}, "licensed_in_california"),
        ({"demo": ["1", "0"]}, "one value"),
        ({"cat": [str(i) for i in range(201)]}, "at most 200"),
        ({"cat": [""]}, "service_category"),
        ({"from": "2017-01-01", "to": "2016-01-01"}, "after"),
        ({"q": "x" * 501}, "text"),
    ],
)
def test_bad_url_values_raise_filter_error_naming_the_field(params, message):
    with pytest.raises(FilterError, match=message):
        Filters.from_query_params(params)


@pytest.mark.parametrize(
    "kwargs",
    [{"service_category": 3}, {"service_category": [None]}, {"is_demo": "yes"},
     {"date_from": 20160101}, {"text": ["a"]}, {"priority": ("a\x00b",)}],
)  # fmt: skip
def test_wrong_python_types_are_rejected(kwargs):
    with pytest.raises(FilterError):
        Filters(**kwargs)


def test_validate_rejects_values_not_in_options_or_vocabularies():
    options = {"service_category": ["Surgery"], "layout": ["format_d"]}
    Filters(service_category="Surgery", age_band="60+", priority="unknown").validate(options)
    with pytest.raises(FilterError, match=r"service_category \(cat='Dental'\)"):
        Filters(service_category="Dental").validate(options)
    with pytest.raises(FilterError, match="age_band"):
        Filters(age_band="61+").validate(options)


def test_describe_reads_as_a_sentence():
    f = Filters(service_category="Pharmaceuticals", date_from=date(2016, 1, 1),
                date_to=date(2016, 12, 31))  # fmt: skip
    assert f.describe() == (
        "Service category = Pharmaceuticals; decisions dated 2016-01-01 to 2016-12-31"
    )


def test_values_are_normalised_so_equal_selections_are_equal():
    assert Filters(layout=("b", "a", "b")) == Filters(layout=["a", "b"])
    assert Filters(text="  ").text is None


values = st.lists(st.text(min_size=1, max_size=20).filter(lambda s: "\x00" not in s), max_size=4)


@given(
    cat=values, state=values, demo=st.none() | st.booleans(),
    start=st.none() | st.dates(max_value=date(2020, 1, 1)),
    text=st.none() | st.text(max_size=30).filter(lambda s: "\x00" not in s),
)  # fmt: skip
def test_query_params_round_trip(cat, state, demo, start, text):
    f = Filters(service_category=cat, reviewer_state=state, is_demo=demo, date_from=start,
                text=text)  # fmt: skip
    assert Filters.from_query_params(f.to_query_params()) == f


def test_every_field_has_a_short_url_key():
    assert set(URL_KEYS) >= set(CHOICE_FIELDS)
    assert len(set(URL_KEYS.values())) == len(URL_KEYS)
