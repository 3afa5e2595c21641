-- standardised.sql by reviewer state on decision_facts (the same columns and numbers, plus
-- `collisions`): the expected counts of each state list (`state_set`) summed over its rows,
-- each row weighted by its stratum's rates, then spread over the list's states by
-- {groups_from} (a decision counts once per listing of a state, as unnest does). See
-- standardised.sql for the method and for `missed` (the rows a text in most rows misses,
-- counted -1; {where} then holds the other filters).
with base as not materialized (  -- read by both passes: not copied
    select * from ({items}) as items where {where}
),

missed as not materialized (
    select * from {missed} as items where {missed_where}
),

filtered as not materialized (
    select *, 1 as w from base
    union all by name
    select *, -1 as w from missed
),

-- Two passes over the rows instead of one grouping into ~4 x 10^5 (state list, subcategory,
-- year) cells (the cost of standardised.sql by state at full scale): the strata's counts
-- (a few hundred groups), then every row joined to its stratum's rates by one integer, the
-- hash of (subcategory, year), and summed per state list (~13 k groups). `collisions` counts
-- strata sharing a hash: queries/standardised.py then runs standardised.sql instead.
strata_cells as (
    select
        hash(service_subcategory, decision_year) as stratum,
        service_subcategory,
        decision_year,
        sum(w) as n,
        coalesce(sum(w) filter (where overturned), 0) as o
    from filtered
    group by all
),

strata as (
    select
        service_subcategory,
        coalesce(decision_year, 'undated') as stratum_year,
        sum(n) as n,
        sum(o) as o
    from strata_cells
    group by all
    having sum(n) <> 0
),

rates_sub as (
    select service_subcategory, sum(o) / sum(n) as r_sub from strata group by all
),

rates as (
    select c.stratum, s.r_sub, y.o / y.n as r_sub_year
    from strata_cells as c
    join rates_sub as s using (service_subcategory)
    join strata as y
        on y.service_subcategory = c.service_subcategory
        and y.stratum_year = coalesce(c.decision_year, 'undated')
),

key_counts as (
    select
        f.state_set as cell_key,
        sum(f.w) as decisions,
        coalesce(sum(f.w) filter (where f.overturned), 0) as observed,
        sum(f.w * r.r_sub) as expected_sub,
        sum(f.w * r.r_sub_year) as expected_sub_year
    from filtered as f
    join rates as r on r.stratum = hash(f.service_subcategory, f.decision_year)
    group by all
),

counts as (
    select
        ({grp})::varchar as grp,
        sum(decisions)::bigint as decisions,
        sum(observed)::bigint as observed,
        sum(expected_sub) as expected_sub,
        sum(expected_sub_year) as expected_sub_year
    from {groups_from}
    group by all
    having sum(decisions) <> 0
),

final as (
    select
        grp, decisions, observed,
        observed / decisions as rate,
        wilson_low(observed, decisions) as ci_low,
        wilson_high(observed, decisions) as ci_high,
        expected_sub, expected_sub_year,
        (select sum(o) / sum(n) from strata) as overall_rate,
        decisions < $min_n as small,
        (select count(*) - count(distinct stratum) from strata_cells) as collisions
    from counts
)

select * from final
order by decisions desc, grp
