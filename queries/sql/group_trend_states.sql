-- group_trend's sums by reviewer state for clustered_rates.sql (its part_counts) when the
-- filters select whole parts of letters: the parts' first rows ({first}) summed per period and
-- state list (the integer state_set) in one pass, which also gives each state's dated
-- decisions, so the top $k states are picked from it (largest first, then by name, as
-- group_state_sizes.sql orders them) instead of by a second scan. Then each list is spread
-- over its states, those outside the top k pooled as $other (state_set_members: one row per
-- place in a list). A state named m times in a list (or the pooled label taking m of its
-- states) counts a letter's n and k m times, as the unnest does: m times the sums of n and k,
-- m^2 times the sums of squares and products (as clustered_part_state_counts.sql).
with per_set as materialized (
    select
        period,
        state_set,
        count(*) as letters,
        sum(n) as sn,
        sum(k) as sk,
        sum(k * k) as skk,
        sum(k * n) as skn,
        sum(n * n) as snn
    from (
        select {period} as period, state_set, {part_n} as n, {part_k} as k
        from filtered
        where {first} and decision_date is not null
    ) as parts
    group by all
),

sizes as (
    select members.reviewer_state::varchar as grp, sum(sets.sn) as decisions
    from (select state_set, sum(sn) as sn from per_set group by state_set) as sets
    join state_set_members as members using (state_set)
    group by all
),

top as (
    select coalesce(list(grp order by decisions desc, grp)[1:$k], []) as top from sizes
),

labels as (
    select
        state_set,
        case when list_contains(top, reviewer_state::varchar) then reviewer_state::varchar
            else $other end as reviewer_state,
        count(*) as m
    from state_set_members, top
    group by all
)

select
    period,
    reviewer_state,
    sum(letters)::bigint as letters,
    sum(m * sn)::bigint as decisions,
    sum(m * sk)::bigint as overturned,
    sum(m * m * skk)::double as skk,
    sum(m * m * skn)::double as skn,
    sum(m * m * snn)::double as snn
from per_set
join labels using (state_set)
group by all
