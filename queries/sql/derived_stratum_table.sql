-- The stratum numbers decision_facts has given (sql/derived_stratum_keys.sql), created empty
-- before a first build (or on a database from before them), so sql/derived_facts_rows.sql
-- always has numbers to keep.
create table if not exists stratum_keys (
    stratum integer,
    service_subcategory varchar,
    decision_year varchar
)
