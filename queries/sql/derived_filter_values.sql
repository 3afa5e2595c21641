-- filter_options answered once per ingest instead of a full scan per page view.
create or replace table filter_values as
select * from ({filter_options}) as options
