-- Decisions and overturned decisions under the filters: all `compare` needs (no letter counts).
with filtered as (
    select * from ({items}) as items where {where}
)

select count(*) as decisions, count(*) filter (where overturned) as overturned from filtered
