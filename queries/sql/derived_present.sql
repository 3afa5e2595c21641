-- How many of the five derived tables exist (5 = all): an older database lacks some.
select count(*)
from duckdb_tables()
where database_name = current_database()
    and table_name in (
        'decision_facts', 'state_set_members', 'stratum_keys', 'filter_values', 'derived_state'
    )
