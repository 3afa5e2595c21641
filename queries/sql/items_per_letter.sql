-- Decided items per letter per {names}: letters, their items (the whole letter's count),
-- the mean, and the share of letters with more than one item (95 % Wilson interval).
-- A letter counts when any of its decisions match the filters. {per_letter} picks the path
-- (queries/letter_rows.py): `first_items` when every filter is a letter field, so a matching
-- letter matches with all its items, numbered 1..n: its items are its rows, and it has more
-- than one when it has an item 2 (one scan, no regrouping, no join); `part_items` when the
-- filters select one whole part of each letter on decision_facts ({first}: its first row,
-- which carries the letter's item count); else `grouped_letters` (distinct matching letters,
-- their item_count from `letters`). Under a text, {where} may keep only the first rows of the
-- parts the text matches (queries/part_hits.py), or {text_join} gives each row the text's
-- counts of its part (queries/text_counts.py; {first} keeps the parts with a match).
with filtered as (
    select * from ({items}) as items{text_join} where {where}
),

first_items as (
    select
        {keys},
        count(*) filter (where item_no = 1) as letters,
        count(*) as items,
        count(*) filter (where item_no = 2) as multi_item_letters
    from filtered {dated}
    group by all
),

part_items as (
    -- one part of each matching letter selected whole: its first row carries the letter's
    -- item count
    select
        {keys},
        count(*)::bigint as letters,
        sum(letter_items) as items,
        count(*) filter (where letter_items > 1)::bigint as multi_item_letters
    from (select * from filtered where {first}) as parts {dated}
    group by all
),

per_letter as (
    select letter_no, any_value(decision_date) as decision_date
    from filtered
    group by letter_no
),

sized as (
    select p.*, l.item_count from per_letter as p join letters as l on l.rowid = p.letter_no
),

grouped_letters as (
    select
        {keys},
        count(*) as letters,
        sum(item_count)::bigint as items,
        count(*) filter (where item_count > 1) as multi_item_letters
    from sized {dated}
    group by all
),

final as (
    select
        {names},
        letters,
        items::bigint as items,
        multi_item_letters,
        items / letters as items_per_letter,
        multi_item_letters / letters as share_multi,
        wilson_low(multi_item_letters, letters) as ci_low,
        wilson_high(multi_item_letters, letters) as ci_high
    from {per_letter}
)

select * from final
order by {names}
