-- Downloaded letters not yet handed to ingest (a run stopped between the two, or --no-ingest).
select path from dwc_fetch_letters
where status = 'fetched' and ingested_at is null and path is not null
order by fetched_at, case_number
