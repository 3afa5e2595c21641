-- Files that could not be ingested, newest first, with the reason code.
select * from quarantine order by seen_at desc, source_path
