-- Append a registered frame to one of the ingest tables (the name comes from code).
insert into {table} by name select * from batch_frame
