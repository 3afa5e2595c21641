-- Indirect standardisation of overturns per group ({grp}): observed overturns against the
-- number expected if each of the group's decisions had the overall (filtered) overturn rate
-- of its service subcategory (expected_sub), or of its subcategory in its decision year
-- (expected_sub_year; undated decisions form their own year). Rates come from the filtered
-- decisions before any state expansion. Under a text in most rows, {where} holds the other
-- filters and `missed` the rows the text misses (queries/missed_rows.py): they count -1, so
-- every count and sum is the other filters' less the missed rows' (counts add up). Otherwise
-- `missed` has no rows.
with base as not materialized (  -- by state list read twice: not copied
    select * from ({items}) as items where {where}
),

missed as not materialized (
    select * from {missed} as items where {missed_where}
),

-- {stratum}: the row's (subcategory, year) stratum. On decision_facts its number `stratum`
-- (sql/derived_facts_rows.sql), so the cells and strata below group and join a small integer
-- (perfect hashes) instead of two strings; on the join fallback the pair itself.
filtered as not materialized (
    select *, {stratum} as stratum_key, 1 as w from base
    union all by name
    select *, {stratum} as stratum_key, -1 as w from missed
),

-- The rows' counts per cell: a (key, stratum) pair, or, when {cell_group} is null, a stratum
-- alone (by state list, where (list, stratum) cells would number ~4 x 10^5 at full scale).
-- The strata's counts are the cells' summed over the key.
cells as (
    select
        {cell_group} as cell_key,
        stratum_key,
        sum(w) as n,
        coalesce(sum(w) filter (where overturned), 0) as o
    from filtered
    group by all
),

stratum_counts as (
    select stratum_key, sum(n) as n, sum(o) as o from cells group by all
),

-- {stratum_keys}: each stratum's subcategory and year (stratum_keys on decision_facts).
strata as (
    select
        c.stratum_key,
        k.service_subcategory,
        coalesce(k.decision_year, 'undated') as stratum_year,
        c.n,
        c.o
    from stratum_counts as c
    join {stratum_keys} as k using (stratum_key)
    where c.n <> 0
),

rates as (
    select
        stratum_key,
        sum(o) over sub / sum(n) over sub as r_sub,
        o / n as r_sub_year
    from strata
    window sub as (partition by service_subcategory)
),

-- Each key's counts: {weighed} (the cells, or when they hold no key, every row as a cell of its
-- own: a second pass over the rows) weighted by their strata's rates and summed per key.
-- Keys are then mapped to groups by {groups_from}: the key itself, or per state of a state
-- list (by reviewer state, where a decision counts once per listing, as unnest does: on
-- decision_facts the key is the list's number `state_set` and state_set_members lists its
-- states, so a few thousand lists are spread, not 3 M rows).
rows_as_cells as not materialized (
    select
        {cell_key} as cell_key,
        stratum_key,
        w as n,
        case when overturned then w else 0 end as o
    from filtered
),

key_counts as (
    select
        cell_key,
        sum(n) as decisions,
        sum(o) as observed,
        sum(n * r_sub) as expected_sub,
        sum(n * r_sub_year) as expected_sub_year
    from {weighed}
    join rates using (stratum_key)
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
        decisions < $min_n as small
    from counts
)

select * from final
order by decisions desc, grp
