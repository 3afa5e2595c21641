-- The cached filter options written by queries.derived after each ingest.
select * from filter_values
