-- group_sizes.sql by reviewer state on decision_facts: dated decisions per state list (the
-- integer state_set) first, then spread over the list's states (state_set_members: one row
-- per place in the list, so a decision counts once per place, as the unnest does). Groups
-- 3 M integers instead of unnesting 3 M lists.
with filtered as (
    select * from ({items}) as items where {where}
),

per_set as (
    select state_set, count(*) as decisions
    from filtered
    where decision_date is not null
    group by state_set
),

final as (
    select reviewer_state::varchar as grp, sum(decisions)::bigint as decisions
    from per_set
    join state_set_members using (state_set)
    group by all
)

select * from final
order by decisions desc, grp
