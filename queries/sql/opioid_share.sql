-- The opioid share of pharmaceutical decisions per {grain} (DWC headlines it every year):
-- dated Pharmaceuticals decisions, those in drug class $opioids, and the share with its
-- 95 % Wilson interval.
with filtered as (
    select * from ({items}) as items where {where}
),

pharma as (
    select date_trunc('{grain}', decision_date)::date as period, drug_class
    from filtered
    where decision_date is not null and service_category = $pharma
),

counts as (
    select
        period,
        count(*) as pharma_decisions,
        count(*) filter (where drug_class = $opioids) as opioid_decisions
    from pharma
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
