-- The newest ingest time among the letters (what derived_state records as included).
select max(ingested_at) from letters
