"""The query layer: every number the app, the CLI and a notebook show, as SQL over DuckDB.

con = open_db("data/imr.duckdb")
f = Filters.from_query_params({"cat": "Pharmaceuticals"}).validate(filter_options(con))
overturn_rate_by(con, "reviewer_specialty", f)
"""

from queries.agreement import Agreement, agreement
from queries.compare import Comparison, compare
from queries.connection import DatabaseLocked, db_version, index_path_for, open_db
from queries.export import export, export_bytes, export_manifest
from queries.filters import FilterError, Filters
from queries.rates import data_span, filter_options, overturn_rate_by, summary, trend
from queries.search_index import build_search_index
from queries.tables import (
    decision_count,
    decisions,
    letter,
    parser_versions,
    quarantined,
    search,
    search_count,
)
from queries.vocab import AGE_BANDS, DIMENSIONS, GRAINS, MIN_N, SORT_COLUMNS

__all__ = [
    "AGE_BANDS",
    "DIMENSIONS",
    "GRAINS",
    "MIN_N",
    "SORT_COLUMNS",
    "Agreement",
    "Comparison",
    "DatabaseLocked",
    "FilterError",
    "Filters",
    "agreement",
    "build_search_index",
    "compare",
    "data_span",
    "db_version",
    "decision_count",
    "decisions",
    "export",
    "export_bytes",
    "export_manifest",
    "filter_options",
    "index_path_for",
    "letter",
    "open_db",
    "overturn_rate_by",
    "parser_versions",
    "quarantined",
    "search",
    "search_count",
    "summary",
    "trend",
]  # fmt: skip
