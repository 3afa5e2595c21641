-- What each `stratum` number of decision_facts stands for (sql/derived_facts_rows.sql): one row
-- per (service subcategory, decision year) pair that {facts} (all of decision_facts, or the new
-- rows of an incremental refresh) holds and passes {keys}. Standardisation reads a pair's
-- subcategory and year here, a few hundred rows, instead of off 3 M rows.
select distinct stratum, service_subcategory, decision_year
from {facts}
where {keys}
order by stratum
