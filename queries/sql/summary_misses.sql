-- summary.sql for a text in most rows, when the other filters ({where}) select whole letters
-- or one whole part of each ({flag}: the part's first row; {part_items}: its items). The
-- search index gives the few decision numbers the text misses ({misses}), so a letter matches
-- unless every one of its selected items is missed: letters are the flagged rows less the
-- letters whose missed rows are all their items. That groups the few missed rows per letter,
-- not the 3 M matching ones.
with filtered as not materialized (  -- read twice: not copied
    select * from ({items}) as items where {where}
),

missed_letters as (
    select
        letter_no,
        count(*) as missed,
        any_value({part_items}) as items,
        any_value(decision_date) as decision_date,  -- letter-level fields: one value each
        any_value(is_demo) as is_demo
    from filtered
    where decision_no in (select rowid from {misses})
    group by letter_no
),

gone as (
    select
        count(*) as letters,
        count(*) filter (where decision_date is null) as undated,
        count(*) filter (where is_demo) as demo
    from missed_letters
    where missed = items
),

counts as (
    select
        count(*) filter (where {flag}) as parts,
        count(*) filter (where {flag} and decision_date is null) as undated_parts,
        count(*) filter (where {flag} and is_demo) as demo_parts,
        count(*) filter (where hit)::bigint as decisions,
        count(*) filter (where hit and overturned)::bigint as overturned,
        min(decision_date) filter (where hit) as first_date,
        max(decision_date) filter (where hit) as last_date
    from (
        select *, decision_no not in (select rowid from {misses}) as hit from filtered
    ) as rows
),

final as (
    select
        c.parts - g.letters as letters,
        c.decisions,
        c.decisions - c.overturned as upheld,
        c.overturned,
        c.overturned / nullif(c.decisions, 0) as rate,
        wilson_low(c.overturned, c.decisions) as ci_low,
        wilson_high(c.overturned, c.decisions) as ci_high,
        c.first_date,
        c.last_date,
        c.undated_parts - g.undated as undated_letters,
        c.demo_parts - g.demo as demo_letters
    from counts as c, gone as g
)

select * from final
