-- Decided items per letter per {names}: letters, their items (the whole letter's count),
-- the mean, and the share of letters with more than one item (95 % Wilson interval).
-- A letter counts when any of its decisions match the filters.
with filtered as (
    select * from ({items}) as items where {where}
),

per_letter as (
    select letter_no, any_value(decision_date) as decision_date
    from filtered
    group by letter_no
),

sized as (
    select p.*, l.item_count from per_letter as p join letters as l on l.rowid = p.letter_no
),

keyed as (
    select {keys}, item_count from sized {dated}
),

counts as (
    select
        {names},
        count(*) as letters,
        sum(item_count)::bigint as items,
        count(*) filter (where item_count > 1) as multi_item_letters
    from keyed
    group by all
),

final as (
    select
        *,
        items / letters as items_per_letter,
        multi_item_letters / letters as share_multi,
        wilson_low(multi_item_letters, letters) as ci_low,
        wilson_high(multi_item_letters, letters) as ci_high
    from counts
)

select * from final
order by {names}
