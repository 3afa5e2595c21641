-- The file behind a connection (NULL for an in-memory database): finds the search index beside it.
select path from duckdb_databases() where database_name = current_database()
