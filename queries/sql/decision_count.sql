-- How many decisions match the filters (for paging).
with filtered as (
    select * from ({items}) as items where {where}
)

select count(*) as decisions from filtered
