-- decision_facts rows for the letters that pass {letters} (all of them, or the few an
-- incremental refresh adds): the `items` relation without the rationale, plus flags and
-- counts that answer letter-level questions without grouping 3 M rows per letter
-- (queries/rates.py, queries/letter_rows.py). Each marks or counts one part of a letter:
--   the letter:                            letter_first, letter_items, letter_overturned
--   its items of one service category:     category_first, category_items, category_overturned
--   its partly authorised / denied items:  partly_first, partly_items, partly_overturned
--   its items of one guideline agreement:  agreement_first, agreement_items, agreement_overturned
--   its items of one category and side:    category_partly_first, _items, _overturned
--   its items of one category and agreement: category_agreement_first, _items, _overturned
-- (the last two: a page filtered to one category and grouped by side or agreement).
-- (`_first`: the part's first item; `_items`, `_overturned`: the part's counts, on every row of
-- the part.) All are per letter, so a subset of letters gets the same values as the whole.
-- `guideline_agreement` is the label of sql/agreement_label.sql, stored: grouping by it reads a
-- column instead of a CASE over every row.
-- `state_set` names the letter's list of states (a hash: ~13 k distinct lists at full scale),
-- so state filters and breakdowns work on an integer (state_set_members) instead of a list.
-- `stratum` numbers the (service subcategory, decision year) pair, the strata of
-- standardisation (queries/standardised.py): a small integer, so its strata are counted by a
-- perfect-hash aggregate and each row finds its stratum by a perfect-hash join instead of
-- grouping and joining two strings. {strata} lists the numbers already given (the
-- stratum_keys table, or no rows): they are kept, and a pair not seen before gets the next
-- free number in (subcategory, year) order, so an incremental refresh numbers the new pairs
-- as a full rebuild from the same stratum_keys does (queries/derived_delta.py).
-- Each part is counted by one aggregation joined back (4 windows cost ~2x the whole build).
with items as (
    select
        items.* exclude (rationale),
        ({agreement}) as guideline_agreement,
        coalesce(partly_authorized::integer, -1) as partly_key  -- (a NULL key would join nothing)
    from ({items}) as items
    where {letters}
),

letter_part as (
    select
        letter_no, min(item_no) as first_no, count(*) as n,
        count(*) filter (where overturned) as k
    from items
    group by all
),

category_part as (
    select
        letter_no, service_category, min(item_no) as first_no, count(*) as n,
        count(*) filter (where overturned) as k
    from items
    group by all
),

partly_part as (
    select
        letter_no, partly_key, min(item_no) as first_no, count(*) as n,
        count(*) filter (where overturned) as k
    from items
    group by all
),

agreement_part as (
    select
        letter_no, guideline_agreement, min(item_no) as first_no, count(*) as n,
        count(*) filter (where overturned) as k
    from items
    group by all
),

category_partly_part as (
    select
        letter_no, service_category, partly_key, min(item_no) as first_no, count(*) as n,
        count(*) filter (where overturned) as k
    from items
    group by all
),

present_strata as (
    select distinct service_subcategory, decision_year from items
),

strata as (
    select stratum, service_subcategory, decision_year from {strata}
    union all
    select
        (select coalesce(max(stratum), 0) from {strata})
            + row_number() over (order by service_subcategory, decision_year) as stratum,
        service_subcategory,
        decision_year
    from present_strata as p
    where not exists (
        from {strata} as k
        where k.service_subcategory is not distinct from p.service_subcategory
            and k.decision_year is not distinct from p.decision_year
    )
),

category_agreement_part as (
    select
        letter_no, service_category, guideline_agreement, min(item_no) as first_no,
        count(*) as n, count(*) filter (where overturned) as k
    from items
    group by all
)

select
    items.* exclude (partly_key),
    hash(reviewer_states) as state_set,
    st.stratum::integer as stratum,
    items.item_no = l.first_no as letter_first,
    items.item_no = c.first_no as category_first,
    items.item_no = p.first_no as partly_first,
    items.item_no = a.first_no as agreement_first,
    items.item_no = cp.first_no as category_partly_first,
    items.item_no = ca.first_no as category_agreement_first,
    l.n::integer as letter_items,
    l.k::integer as letter_overturned,
    c.n::integer as category_items,
    c.k::integer as category_overturned,
    p.n::integer as partly_items,
    p.k::integer as partly_overturned,
    a.n::integer as agreement_items,
    a.k::integer as agreement_overturned,
    cp.n::integer as category_partly_items,
    cp.k::integer as category_partly_overturned,
    ca.n::integer as category_agreement_items,
    ca.k::integer as category_agreement_overturned
from items
join letter_part as l using (letter_no)
join category_part as c using (letter_no, service_category)
join partly_part as p using (letter_no, partly_key)
join agreement_part as a using (letter_no, guideline_agreement)
join category_partly_part as cp using (letter_no, service_category, partly_key)
join category_agreement_part as ca using (letter_no, service_category, guideline_agreement)
join strata as st
    on st.service_subcategory is not distinct from items.service_subcategory
    and st.decision_year is not distinct from items.decision_year
