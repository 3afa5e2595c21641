-- Every $step-th decision's text: the sample that picks the index's frequent terms.
select d.service, coalesce(d.rationale, '') as rationale
from decisions as d
where d.decision_no % $step = 0
