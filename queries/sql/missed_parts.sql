-- The first rows ({first}) of the letter parts whose every item a text in most rows misses:
-- {missed} holds the missed rows (queries/missed_rows.py), {where} the other filters, which
-- select whole parts. A part whose missed rows number its items ({part_items}) has no matching
-- item left, so its letter leaves the (group, letter) counts: the analyses subtract these rows.
-- Parts are a letter's items with one value of the part's field ({part_key}).
select * exclude (part_missed)
from (
    select *, count(*) over (partition by letter_no{part_key}) as part_missed
    from {missed} as items
    where {where}
) as missed
where {first} and part_missed = {part_items}
