-- Letters per parser version: a letter parsed by an older version is re-parsed by the next
-- ingest of its file, and the Data page says how many are still waiting for that.
select parser_version, count(*) as letters
from letters
group by parser_version
order by parser_version desc
