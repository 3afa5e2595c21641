-- The opioid share of pharmaceutical decisions per {grain} (DWC headlines it every year):
-- dated Pharmaceuticals decisions, those in drug class $opioids, and the share with its
-- 95 % Wilson interval.
with filtered as (
    select * from ({items}) as items where {where}
),

daily as (
    -- counted per day first: truncating a few thousand days, not every decision, to periods
    select
        decision_date,
        count(*) as pharma_decisions,
        count(*) filter (where drug_class = $opioids) as opioid_decisions
    from filtered
    where decision_date is not null and service_category = $pharma
    group by all
),

counts as (
    select
        date_trunc('{grain}', decision_date)::date as period,
        sum(pharma_decisions)::bigint as pharma_decisions,
        sum(opioid_decisions)::bigint as opioid_decisions
    from daily
    group by period
),

final as (
    select
        period, pharma_decisions, opioid_decisions,
        opioid_decisions / pharma_decisions as share,
        wilson_low(opioid_decisions, pharma_decisions) as ci_low,
        wilson_high(opioid_decisions, pharma_decisions) as ci_high
    from counts
)

select * from final
order by period
