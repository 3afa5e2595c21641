-- How many decisions match both the filters and the searched text.
with filtered as (
    select * from ({items}) as items where {where}
)

select count(*) as decisions
from filtered as f
join {hits} as h on h.letter_id = f.letter_id and h.item_no = f.item_no
