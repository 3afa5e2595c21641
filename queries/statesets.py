"""Reviewer-state filters and breakdowns on decision_facts' integer `state_set`.

A letter lists its reviewers' states; at 3 M decisions DuckDB's list functions are the slowest
part of any query touching them (`list_has_any` over every row ~0.5-1 s, `unnest` ~0.3-0.7 s).
decision_facts carries `state_set` (a hash of the list; ~13 k distinct lists at full scale)
and `state_set_members` holds each list's states, so a state filter becomes an integer
semi-join and a breakdown by state groups by the list first and unnests only ~13 k groups.
Only on decision_facts: the join fallback keeps the list form.
"""

from __future__ import annotations

import re

# The clause queries/filters.py writes for a reviewer_state filter (parameters named by code).
LIST_FILTER = re.compile(r"list_has_any\(reviewer_states, \[((?:\$\w+)(?:, \$\w+)*)\]\)")
SET_FILTER = "state_set in (select state_set from state_set_members where reviewer_state in ({}))"


def integer_state_filter(where: str) -> str:
    """`where` with each state-list filter as a semi-join on state_set (same rows)."""
    return LIST_FILTER.sub(lambda m: SET_FILTER.format(m.group(1)), where)
