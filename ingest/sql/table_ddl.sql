-- A base table's CREATE statement and its indexes' (constraints and defaults included).
select
    (select sql from duckdb_tables()
     where database_name = current_database() and schema_name = 'main' and table_name = $name)
        as table_sql,
    (select list(sql order by index_name) from duckdb_indexes()
     where database_name = current_database() and schema_name = 'main' and table_name = $name)
        as index_sql
