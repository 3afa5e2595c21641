-- How many decisions match both the filters and the searched text.
with filtered as (
    select * from ({items}) as items where {where}
)

select count(*) as decisions
from filtered as f
semi join {hits} as h on h.rowid = f.decision_no
