-- decision_facts rows for the letters that pass {letters} (all of them, or the few an
-- incremental refresh adds): the `items` relation without the rationale, plus two flags
-- that count letters without grouping 3 M rows per letter (queries/rates.py):
-- `letter_first` marks a letter's first item, `category_first` its first item of each service
-- category. Both are per letter, so a subset of letters gets the same flags as the whole.
select
    items.* exclude (rationale),
    row_number() over (partition by letter_no order by item_no) = 1 as letter_first,
    row_number() over (
        partition by letter_no, service_category order by item_no
    ) = 1 as category_first
from ({items}) as items
where {letters}
