-- 1 when `decisions` exists without `decision_no` (a database made before the column).
select count(*)
from duckdb_tables() as t
where t.database_name = current_database() and t.schema_name = 'main'
    and t.table_name = 'decisions'
    and not exists (
        select 1 from duckdb_columns() as c
        where c.database_name = t.database_name and c.schema_name = t.schema_name
            and c.table_name = 'decisions' and c.column_name = 'decision_no'
    )
