-- Timeliness per letter (case), summarised per group ({names}):
--   assigned_to_decision: Decision Date - Date Assigned, DWC's "average age from assigned
--     date" (NOARFI to the final determination letter);
--   ur_denial_to_application: Application Received - UR Denial Date (the 30-day filing window).
-- A letter counts when any of its decisions match the filters; grouped by an item-level
-- dimension it counts once in each group its matching decisions fall in. Letters without
-- both dates of a measure are counted (missing_dates) and excluded; so are negative spans
-- (a date misread or misprinted), counted as `negative`. The header dates live on `letters`,
-- joined on its row id (`letter_no`): an integer key, much cheaper than the text letter_id.
-- {letter_rows} names the CTE giving one row per (group, letter) (queries/letter_rows.py):
-- `first_items` when every filter and key is a letter field (a letter's item 1 is the
-- letter: no regrouping of every item), else `letter_groups` (distinct matching letters).
with filtered as (
    select * from ({items}) as items where {where}
),

expanded as (
    select *{expand} from filtered
),

letter_groups as (
    select distinct {keys}, letter_no from expanded where {dated}
),

first_items as (
    select {keys}, letter_no from expanded where item_no = 1 and {dated}
),

spans as (
    select
        g.* exclude (letter_no),
        l.decision_date - l.date_assigned as assigned_to_decision,
        l.application_received - l.ur_denial_date as ur_denial_to_application
    from {letter_rows} as g
    join letters as l on l.rowid = g.letter_no
),

-- both measures in one pass over the letters; unpivoted into one row per measure below
summaries as (
    select
        {names},
        count(*) as letters,
        count(*) filter (where assigned_to_decision >= 0) as a_measured,
        count(*) filter (where assigned_to_decision is null) as a_missing,
        count(*) filter (where assigned_to_decision < 0) as a_negative,
        quantile_cont(assigned_to_decision, [0.5, 0.9]) filter (where assigned_to_decision >= 0)
            as a_quantiles,
        avg(assigned_to_decision) filter (where assigned_to_decision >= 0) as a_mean,
        count(*) filter (where assigned_to_decision > 30) as a_over,
        count(*) filter (where ur_denial_to_application >= 0) as u_measured,
        count(*) filter (where ur_denial_to_application is null) as u_missing,
        count(*) filter (where ur_denial_to_application < 0) as u_negative,
        quantile_cont(ur_denial_to_application, [0.5, 0.9])
            filter (where ur_denial_to_application >= 0) as u_quantiles,
        avg(ur_denial_to_application) filter (where ur_denial_to_application >= 0) as u_mean,
        count(*) filter (where ur_denial_to_application > 30) as u_over
    from spans
    group by all
),

measures as (
    select
        {names}, 'assigned_to_decision' as measure, letters, a_measured as measured,
        a_missing as missing_dates, a_negative as negative, a_quantiles[1] as median_days,
        a_quantiles[2] as p90_days, a_mean as mean_days, a_over as over_30
    from summaries
    union all
    select
        {names}, 'ur_denial_to_application' as measure, letters, u_measured as measured,
        u_missing as missing_dates, u_negative as negative, u_quantiles[1] as median_days,
        u_quantiles[2] as p90_days, u_mean as mean_days, u_over as over_30
    from summaries
),

final as (
    select
        *,
        over_30 / nullif(measured, 0) as share_over_30,
        wilson_low(over_30, measured) as ci_low,
        wilson_high(over_30, measured) as ci_high
    from measures
)

select * from final
order by {order}
