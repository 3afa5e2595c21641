"""The query layer: every number the app, the CLI and a notebook show, as SQL over DuckDB.

con = open_db("data/imr.duckdb")
f = Filters.from_query_params({"cat": "Pharmaceuticals"}).validate(filter_options(con))
overturn_rate_by(con, "reviewer_specialty", f)
"""

from queries.agreement import Agreement, agreement
from queries.case_level import (
    case_outcomes,
    items_per_letter,
    partly_vs_denied,
    partly_vs_denied_difference,
)
from queries.clustered import clustered_difference, clustered_rate_by
from queries.compare import Comparison, compare
from queries.connection import DatabaseLocked, db_version, index_path_for, open_db
from queries.export import export, export_bytes, export_manifest
from queries.fdr import bh_adjust, bh_flags
from queries.filters import FilterError, Filters
from queries.group_trend import group_trend, trend_changes
from queries.grouping import GROUPINGS
from queries.guideline_agreement import agreement_rates, agreement_table
from queries.mix import mix, opioid_share
from queries.rates import data_span, filter_options, overturn_rate_by, summary, trend
from queries.search_index import build_search_index
from queries.standardised import funnel_curve, standardised
from queries.tables import (
    decision_count,
    decisions,
    letter,
    parser_versions,
    quarantined,
    search,
    search_count,
)
from queries.timeliness import timeliness
from queries.vocab import AGE_BANDS, DIMENSIONS, GRAINS, MIN_N, SORT_COLUMNS

__all__ = [
    "AGE_BANDS",
    "DIMENSIONS",
    "GRAINS",
    "GROUPINGS",
    "MIN_N",
    "SORT_COLUMNS",
    "Agreement",
    "Comparison",
    "DatabaseLocked",
    "FilterError",
    "Filters",
    "agreement",
    "agreement_rates",
    "agreement_table",
    "bh_adjust",
    "bh_flags",
    "build_search_index",
    "case_outcomes",
    "clustered_difference",
    "clustered_rate_by",
    "compare",
    "data_span",
    "db_version",
    "decision_count",
    "decisions",
    "export",
    "export_bytes",
    "export_manifest",
    "filter_options",
    "funnel_curve",
    "group_trend",
    "index_path_for",
    "items_per_letter",
    "letter",
    "mix",
    "open_db",
    "opioid_share",
    "overturn_rate_by",
    "parser_versions",
    "partly_vs_denied",
    "partly_vs_denied_difference",
    "quarantined",
    "search",
    "search_count",
    "standardised",
    "summary",
    "timeliness",
    "trend",
    "trend_changes",
]  # fmt: skip
