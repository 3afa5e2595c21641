-- Each row of decision_facts with the decision number of its part's first row ({first}), read
-- once per database version and part kind by queries/part_hits.py. A part is the letter and
-- the part's fields ({cols}); rows are joined to first rows by one hash of those (NULL-safe,
-- and ~40 % cheaper than a join on the fields at full scale). Two parts sharing a hash would
-- give a row two first rows: the caller compares the row count with `rows` and falls back.
with parts as (
    select decision_no, hash(letter_no{cols}) as part, {first} as first from decision_facts
)

select r.decision_no, p.decision_no as first_no, (select count(*) from decision_facts) as rows
from parts as r
join (select part, decision_no from parts where first) as p using (part)
