-- Each row of decision_facts with the decision number of its part's first row ({first}): the
-- part is the letter and the part's fields ({cols}), joined NULL-safe ({on}). Read once per
-- database version and part kind by queries/part_hits.py.
select r.decision_no, p.decision_no as first_no
from decision_facts as r
join (
    select letter_no{cols}, decision_no from decision_facts where {first}
) as p on {on}
