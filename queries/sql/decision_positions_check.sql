-- Whether {positions} (decision numbers in decision_facts' row order, queries/text_counts.py)
-- lines up with the table under a positional join: the rows where it does not (0 expected).
select count(*) as misaligned
from decision_facts positional join {positions} as p
where decision_facts.decision_no is distinct from p.position_no
