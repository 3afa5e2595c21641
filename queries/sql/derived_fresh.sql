-- True when decision_facts and filter_values describe the current letters and decisions.
select
    s.letters = (select count(*) from letters)
    and s.decisions = (select count(*) from decisions)
    and s.mark is not distinct from (select max(ingested_at) from letters) as fresh
from derived_state as s
