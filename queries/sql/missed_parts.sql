-- The first rows ({first}) of the letter parts whose every item a text in most rows misses:
-- {missed} holds the missed rows (queries/missed_rows.py), {where} the other filters, which
-- select whole parts. A part whose missed rows number its items ({part_items}) has no matching
-- item left, so its letter leaves the (group, letter) counts: the analyses subtract these rows.
-- Parts are a letter's items with one value of each of the part's fields: {part_key} is the
-- letter and those fields as one struct. A part of one item is gone when its row is missed;
-- the others are counted per part, and their first rows kept by key (a semi-join: no window
-- carrying every column of ~10^6 missed rows at full scale).
with missed as not materialized (
    select * from {missed} as items where {where}
)

select * from missed where {first} and {part_items} = 1
union all by name
select * from missed
where {first} and {part_items} > 1 and {part_key} in (
    select {part_key} from missed
    where {part_items} > 1
    group by all
    having count(*) = any_value({part_items})
)
