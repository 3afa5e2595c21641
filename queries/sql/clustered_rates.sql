-- Overturn rate per group ({names}) with two 95 % intervals: the plain Wilson interval, and a
-- letter-clustered one. Items of one letter share a reviewer and a patient, so they are not
-- independent: the rate is a ratio estimator sum(k) / sum(n) over letters, whose linearised
-- (cluster-robust) variance is G / (G - 1) * sum over letters of (k - p n)^2 / N^2. The design
-- effect is that variance over the binomial p (1 - p) / N; the clustered interval is Wilson's
-- at the effective size N / deff (deff floored at 1, so it is never narrower than Wilson's).
-- {keys}: code-made grouping expressions; {expand} may unnest reviewer states; {dated}
-- keeps dated decisions only when a key is a period.
-- A (group, letter)'s n and k come from one of two places (queries/clustered.py): when the
-- filters and keys select whole parts of letters (queries/letter_rows.py), from the part's
-- first row, which carries the part's counts (clustered_part_counts.sql, or
-- clustered_part_state_counts.sql by state list), so no regrouping of items; else, and for
-- the rows a pooled "other" group merges, by grouping the rows per letter.
-- A text in most rows on top of whole parts ({hit}: the row is not one the text misses) is
-- left out of {where}: the part sums are taken without it and corrected for the few missed
-- rows (clustered_miss_counts.sql); the per-letter grouping keeps only the hits.
-- Under a text the rows may instead carry each part's matching counts at its first row
-- ({text_join}: a positional join with columns per row in scan order, queries/text_counts.py).
with filtered as not materialized (  -- read by both paths: not copied
    select * from ({items}) as items{text_join} where {where}
),

expanded as (
    select *{expand} from filtered
),

keyed as (
    select {keys}, letter_no, overturned from expanded where {dated} and {pooled} and {hit}
),

grouped as (
    select {names}, letter_no, count(*) as n, count(*) filter (where overturned) as k
    from keyed
    group by all
),

part_sums as (
    {part_counts}
),

sums as (
    select
        {names},
        count(*)::bigint as letters,
        sum(n)::bigint as decisions,
        sum(k)::bigint as overturned,
        sum(k * k)::double as skk,
        sum(k * n)::double as skn,
        sum(n * n)::double as snn
    from grouped
    group by all
    union all by name
    select * from part_sums
),

counts as (
    -- sum over letters of (k - p n)^2 = sum k^2 - 2 p sum k n + p^2 sum n^2 (all integer sums,
    -- exact in doubles): one aggregation instead of a window pass over the letters.
    select
        {names},
        sum(decisions)::bigint as decisions,
        sum(overturned)::bigint as overturned,
        sum(letters)::bigint as letters,
        sum(skk) as skk,
        sum(skn) as skn,
        sum(snn) as snn
    from sums
    group by all
    having sum(decisions) > 0  -- (a group whose every row the text misses is gone)
),

variances as (
    select
        *,
        overturned / decisions as rate,
        greatest(skk - 2 * rate * skn + rate * rate * snn, 0.0) as sum_sq,
        case when letters > 1 then letters / (letters - 1) * sum_sq / decisions ^ 2 end
            as var_cluster
    from counts
),

effects as (
    select
        *,
        case when rate > 0 and rate < 1 and var_cluster is not null
            then var_cluster / (rate * (1 - rate) / decisions)
        end as deff
    from variances
),

final as (
    select
        {names}, decisions, overturned, letters, rate,
        wilson_low(overturned, decisions) as ci_low,
        wilson_high(overturned, decisions) as ci_high,
        sqrt(var_cluster) as se_cluster,
        deff,
        decisions / greatest(coalesce(deff, 1.0), 1.0) as n_eff,
        wilson_low(rate * n_eff, n_eff) as ci_low_clustered,
        wilson_high(rate * n_eff, n_eff) as ci_high_clustered,
        decisions < $min_n as small
    from effects
)

select * from final
order by {order}
