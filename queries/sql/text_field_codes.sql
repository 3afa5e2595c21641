-- Each stored decision's value of the item field {field} as a small dense code (NULL is a
-- value of its own), read once per database version by queries/text_parts.py: a breakdown by
-- a field finer than the stored parts marks one matching row per (letter, value).
select decision_no, dense_rank() over (order by {field}) as code
from decision_facts
