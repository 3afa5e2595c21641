-- decision_facts rows for the letters that pass {letters} (all of them, or the few an
-- incremental refresh adds): the `items` relation without the rationale, plus two flags
-- that count letters without grouping 3 M rows per letter (queries/rates.py):
-- `letter_first` marks a letter's first item, `category_first` its first item of each service
-- category. Both are per letter, so a subset of letters gets the same flags as the whole.
-- `state_set` names the letter's list of states (a hash: ~13 k distinct lists at full scale),
-- so state filters and breakdowns work on an integer (state_set_members) instead of a list.
select
    items.* exclude (rationale),
    hash(reviewer_states) as state_set,
    row_number() over (partition by letter_no order by item_no) = 1 as letter_first,
    row_number() over (
        partition by letter_no, service_category order by item_no
    ) = 1 as category_first
from ({items}) as items
where {letters}
