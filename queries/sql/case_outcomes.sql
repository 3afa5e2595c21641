-- Letters (cases) per {names} by case outcome: fully upheld, partly overturned, fully
-- overturned, each with its share of the letters and a 95 % Wilson interval. A letter counts
-- when any of its decisions match the filters; its outcome is the whole letter's. Every
-- (key, outcome) pair appears, zero-filled. {per_letter} names the CTE that gives one row per
-- matching letter (queries/letter_rows.py): `first_items` when the filters select whole
-- letters or one whole part of each ({first}: item 1, or the part's first row: no regrouping
-- of every item), else `grouped_letters`. Under a text, {where} may keep only the first rows
-- of the parts the text matches (queries/part_hits.py), or {text_join} gives each row the
-- text's counts of its part (queries/text_counts.py; {first} keeps the parts with a match).
with filtered as (
    select * from ({items}) as items{text_join} where {where}
),

first_items as (
    select letter_no, decision_date, case_outcome, 1 as w from filtered where {first}
),

grouped_letters as (
    select
        letter_no,
        any_value(decision_date) as decision_date,
        any_value(case_outcome) as case_outcome,
        1 as w
    from filtered
    group by letter_no
),

keyed as (
    select {keys}, case_outcome, w from {per_letter} {dated}
),

counts as (
    select {names}, case_outcome, sum(w)::bigint as letters
    from keyed
    group by all
    having sum(w) <> 0
),

grid as (
    select k.*, o.case_outcome
    from (select distinct {names} from counts) as k
    cross join (select unnest($outcomes) as case_outcome) as o
),

filled as (
    select g.*, coalesce(c.letters, 0) as letters
    from grid as g
    left join counts as c using ({names}, case_outcome)
),

final as (
    select
        *,
        (sum(letters) over (partition by {names}))::bigint as total_letters,
        letters / total_letters as share,
        wilson_low(letters, total_letters) as ci_low,
        wilson_high(letters, total_letters) as ci_high
    from filled
)

select * from final
order by {names}, list_position($outcomes, case_outcome)
