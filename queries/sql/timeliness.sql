-- Timeliness per letter (case), summarised per group ({names}):
--   assigned_to_decision: Decision Date - Date Assigned, DWC's "average age from assigned
--     date" (NOARFI to the final determination letter);
--   ur_denial_to_application: Application Received - UR Denial Date (the 30-day filing window).
-- A letter counts when any of its decisions match the filters; grouped by an item-level
-- dimension it counts once in each group its matching decisions fall in. Letters without
-- both dates of a measure are counted (missing_dates) and excluded; so are negative spans
-- (a date misread or misprinted), counted as `negative`. The header dates live on `letters`,
-- joined on its row id (`letter_no`): an integer key, much cheaper than the text letter_id.
with filtered as (
    select * from ({items}) as items where {where}
),

expanded as (
    select *{expand} from filtered
),

letter_groups as (
    select distinct {keys}, letter_no from expanded {dated}
),

spans as (
    select
        g.*,
        l.decision_date - l.date_assigned as assigned_to_decision,
        l.application_received - l.ur_denial_date as ur_denial_to_application
    from letter_groups as g
    join letters as l on l.rowid = g.letter_no
),

measures as (
    select * exclude (ur_denial_to_application, assigned_to_decision),
        'assigned_to_decision' as measure, assigned_to_decision as days
    from spans
    union all by name
    select * exclude (ur_denial_to_application, assigned_to_decision),
        'ur_denial_to_application' as measure, ur_denial_to_application as days
    from spans
),

final as (
    select
        {names},
        measure,
        count(*) as letters,
        count(*) filter (where days >= 0) as measured,
        count(*) filter (where days is null) as missing_dates,
        count(*) filter (where days < 0) as negative,
        quantile_cont(days, 0.5) filter (where days >= 0) as median_days,
        quantile_cont(days, 0.9) filter (where days >= 0) as p90_days,
        avg(days) filter (where days >= 0) as mean_days,
        count(*) filter (where days > 30) as over_30,
        over_30 / nullif(measured, 0) as share_over_30,
        wilson_low(over_30, measured) as ci_low,
        wilson_high(over_30, measured) as ci_high
    from measures
    group by all
)

select * from final
order by {order}
