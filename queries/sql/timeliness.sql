-- Timeliness per letter (case), summarised per group ({names}):
--   assigned_to_decision: Decision Date - Date Assigned, DWC's "average age from assigned
--     date" (NOARFI to the final determination letter);
--   ur_denial_to_application: Application Received - UR Denial Date (the 30-day filing window).
-- A letter counts when any of its decisions match the filters; grouped by an item-level
-- dimension it counts once in each group its matching decisions fall in. Letters without
-- both dates of a measure are counted (missing_dates) and excluded; so are negative spans
-- (a date misread or misprinted), counted as `negative`. The header dates are letter fields
-- of `items` (the same on every item of a letter), so no join to `letters` is needed.
-- {letter_rows} names the CTE giving one row per (group, letter) (queries/letter_rows.py):
-- `first_items` when the filters and keys select whole letters, or whole parts of letters
-- ({first}: a letter's item 1, or its part's first row on decision_facts: no regrouping of
-- every item), else `letter_groups` (distinct matching letters). Under a text, {where} may
-- keep only the first rows of the parts the text matches (queries/part_hits.py).
-- By reviewer state on the first rows, rows carry their state list's number ({keys} has
-- `state_set`) and the joint histogram is per list first, then per state through
-- state_set_members ({join}; each state once per list): no list functions over 1.7 M rows.
-- Or {text_join} gives each row the text's counts of its part (queries/text_counts.py: a
-- positional join, no bit lookup per row) and {first} keeps the parts with a match.
with filtered as (
    select * from ({items}) as items{text_join} where {where}
),

expanded as (
    select *{expand} from filtered
),

letter_groups as (
    select distinct
        {keys}, letter_no, decision_date, date_assigned, ur_denial_date, application_received,
        1 as w
    from expanded
    where {dated}
),

first_items as (
    select
        {keys}, letter_no, decision_date, date_assigned, ur_denial_date, application_received,
        1 as w
    from expanded
    where {first} and {dated}
),

spans as (
    select
        g.* exclude (letter_no, decision_date, date_assigned, ur_denial_date, application_received),
        g.decision_date - g.date_assigned as assigned_to_decision,
        g.application_received - g.ur_denial_date as ur_denial_to_application
    from {letter_rows} as g
),

-- Spans are whole days in a narrow range, so each group's distribution is a histogram of a
-- few hundred values: the order statistics of quantile_cont (linear interpolation between
-- the ranks around (n - 1) p) are read off its cumulative counts, instead of sorting 1.7 M
-- spans per group. Both measures come from one joint histogram.
joint_rows as (
    select * exclude (w), sum(w) as c from spans group by all
),

joint as (
    select {names}, assigned_to_decision, ur_denial_to_application, sum(c) as c
    from joint_rows{join}
    group by all
    having sum(c) <> 0
),

hist as (
    select {names}, 'assigned_to_decision' as measure, assigned_to_decision as days, sum(c) as c
    from joint
    group by all
    union all
    select {names}, 'ur_denial_to_application' as measure, ur_denial_to_application as days,
        sum(c) as c
    from joint
    group by all
),

ranked as (
    -- per group and measure, the valid (>= 0) days in order: value `days` holds the 0-based
    -- ranks cum - c .. cum - 1 of the `total` valid spans
    select
        *,
        days >= 0 as ok,
        sum(c) over (partition by {names}, measure, days >= 0 order by days) as cum,
        sum(c) over (partition by {names}, measure, days >= 0) as total
    from hist
),

measures as (
    select
        {names},
        measure,
        sum(c)::bigint as letters,
        coalesce(sum(c) filter (where ok), 0)::bigint as measured,
        coalesce(sum(c) filter (where days is null), 0)::bigint as missing_dates,
        coalesce(sum(c) filter (where days < 0), 0)::bigint as negative,
        min(days) filter (where ok and cum > floor((total - 1) * 0.5)) as q50_lo,
        min(days) filter (where ok and cum > floor((total - 1) * 0.5) + 1) as q50_hi,
        max((total - 1) * 0.5 - floor((total - 1) * 0.5)) filter (where ok) as q50_frac,
        min(days) filter (where ok and cum > floor((total - 1) * 0.9)) as q90_lo,
        min(days) filter (where ok and cum > floor((total - 1) * 0.9) + 1) as q90_hi,
        max((total - 1) * 0.9 - floor((total - 1) * 0.9)) filter (where ok) as q90_frac,
        q50_lo + q50_frac * (coalesce(q50_hi, q50_lo) - q50_lo) as median_days,
        q90_lo + q90_frac * (coalesce(q90_hi, q90_lo) - q90_lo) as p90_days,
        sum(days * c) filter (where ok) / nullif(measured, 0) as mean_days,
        coalesce(sum(c) filter (where days > 30), 0)::bigint as over_30
    from ranked
    group by all
),

final as (
    select
        {names}, measure, letters, measured, missing_dates, negative, median_days::double
            as median_days, p90_days::double as p90_days, mean_days::double as mean_days,
        over_30,
        over_30 / nullif(measured, 0) as share_over_30,
        wilson_low(over_30, measured) as ci_low,
        wilson_high(over_30, measured) as ci_high
    from measures
)

select * from final
order by {order}
