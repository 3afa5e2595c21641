-- Dated decisions per value of a grouping ({key}), largest first: picks the top k groups
-- whose trends are drawn (the rest are pooled).
with filtered as (
    select * from ({items}) as items where {where}
),

expanded as (
    select *{expand} from filtered
),

final as (
    select ({key})::varchar as grp, count(*) as decisions
    from expanded
    where decision_date is not null
    group by all
)

select * from final
order by decisions desc, grp
