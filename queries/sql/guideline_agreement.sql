-- Claims administrator's guideline ({ca}) x IMR reviewer's ({imr}): decisions, overturn rate
-- with its 95 % Wilson interval, and each cell's share of its claims-administrator row.
-- Cells under $min_n decisions are flagged small. 'None cited' / 'none' are values here.
with filtered as (
    select * from ({items}) as items where {where}
),

cells as (
    select
        {ca} as ca,
        {imr} as imr,
        count(*) as decisions,
        count(*) filter (where overturned) as overturned
    from filtered
    group by all
),

final as (
    select
        ca, imr, decisions, overturned,
        overturned / decisions as rate,
        wilson_low(overturned, decisions) as ci_low,
        wilson_high(overturned, decisions) as ci_high,
        decisions / sum(decisions) over (partition by ca) as share_of_row,
        ca = imr as same,
        decisions < $min_n as small
    from cells
)

select * from final
order by ca, decisions desc, imr
