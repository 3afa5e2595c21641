-- Indirect standardisation of overturns per group ({grp}): observed overturns against the
-- number expected if each of the group's decisions had the overall (filtered) overturn rate
-- of its service subcategory (expected_sub), or of its subcategory in its decision year
-- (expected_sub_year; undated decisions form their own year). Rates come from the filtered
-- decisions before any state expansion.
-- Decisions are counted once per (key, subcategory, year) cell, and a cell's expected count
-- is its decisions x its stratum's rate: the same sum as over decisions, without joining
-- every decision to the rate tables. Under a text in most rows, {where} holds the other
-- filters and `missed` the rows the text misses (queries/missed_rows.py): they count -1, so
-- every cell and stratum is the other filters' count less the missed rows' (counts add up).
-- Otherwise `missed` has no rows.
with base as (
    select * from ({items}) as items where {where}
),

missed as (
    select * from {missed} as items where {missed_where}
),

filtered as (
    select *, 1 as w from base
    union all by name
    select *, -1 as w from missed
),

-- One pass over the rows: decisions and overturns per (key, subcategory, year) cell. The
-- strata's counts are the cells' summed over the key; each key's expected counts are its
-- cells' n x their stratum's rate, summed per key (a few thousand rows even by state list),
-- and only then are keys mapped to groups by {groups_from}: the key itself, or per state of a
-- state list (by reviewer state, where a decision counts once per listing, as unnest does: on
-- decision_facts the key is the list's number `state_set` and state_set_members lists its
-- states). Spreading the ~10^5 cells over states before summing them cost more than the scan.
key_cells as (
    select
        {cell_key} as cell_key,
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
    from key_cells
    group by all
    having sum(n) <> 0
),

rates_sub as (
    select service_subcategory, sum(o) / sum(n) as r_sub from strata group by all
),

rates_sub_year as (
    select service_subcategory, stratum_year, o / n as r_sub_year from strata
),

key_counts as (
    select
        c.cell_key,
        sum(c.n) as decisions,
        sum(c.o) as observed,
        sum(c.n * s.r_sub) as expected_sub,
        sum(c.n * y.r_sub_year) as expected_sub_year
    from key_cells as c
    join rates_sub as s using (service_subcategory)
    join rates_sub_year as y
        on y.service_subcategory = c.service_subcategory
        and y.stratum_year = coalesce(c.decision_year, 'undated')
    group by c.cell_key
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
        decisions < $min_n as small
    from counts
)

select * from final
order by decisions desc, grp
