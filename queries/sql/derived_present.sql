-- How many of the three derived tables exist (3 = all): an older database has none.
select count(*)
from duckdb_tables()
where database_name = current_database()
    and table_name in ('decision_facts', 'filter_values', 'derived_state')
