-- Indirect standardisation of overturns per group ({key}): observed overturns against the
-- number expected if each of the group's decisions had the overall (filtered) overturn rate
-- of its service subcategory (expected_sub), or of its subcategory in its decision year
-- (expected_sub_year; undated decisions form their own year). Rates come from the filtered
-- decisions before any state expansion; {expand} may then unnest reviewer states.
with filtered as (
    select * from ({items}) as items where {where}
),

stratified as (
    select *, coalesce(decision_year, 'undated') as stratum_year from filtered
),

rates_sub as (
    select service_subcategory, avg(overturned::int) as r_sub
    from stratified
    group by all
),

rates_sub_year as (
    select service_subcategory, stratum_year, avg(overturned::int) as r_sub_year
    from stratified
    group by all
),

expanded as (
    select *{expand} from stratified
),

keyed as (
    select ({key})::varchar as grp, service_subcategory, stratum_year, overturned
    from expanded
),

counts as (
    select
        k.grp,
        count(*) as decisions,
        count(*) filter (where k.overturned) as observed,
        sum(s.r_sub) as expected_sub,
        sum(y.r_sub_year) as expected_sub_year
    from keyed as k
    join rates_sub as s using (service_subcategory)
    join rates_sub_year as y using (service_subcategory, stratum_year)
    group by k.grp
),

final as (
    select
        grp, decisions, observed,
        observed / decisions as rate,
        wilson_low(observed, decisions) as ci_low,
        wilson_high(observed, decisions) as ci_high,
        expected_sub, expected_sub_year,
        (select avg(overturned::int) from filtered) as overall_rate,
        decisions < $min_n as small
    from counts
)

select * from final
order by decisions desc, grp
