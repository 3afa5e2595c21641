-- How many of the four derived tables exist (4 = all): an older database lacks some.
select count(*)
from duckdb_tables()
where database_name = current_database()
    and table_name in ('decision_facts', 'state_set_members', 'filter_values', 'derived_state')
