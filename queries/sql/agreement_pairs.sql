-- Every comparable (DWC value, our value) pair, one row per field and case (or item).
-- DWC's rows are in `dwc_search` (fetch/); its wording is mapped through `dwc_vocabulary`
-- (kind, dwc, ours), registered from queries/dwc_vocabulary.toml. Items are matched by
-- position: DWC's n-th treatment of a case against our item n.
with dwc as (
    select
        s.*,
        coalesce(mc.ours, s.category) as our_words_category,
        coalesce(ms.ours, s.subcategory) as our_words_subcategory,
        coalesce(mp.ours, s.reviewer_specialty) as our_words_specialty
    from dwc_search s
    left join dwc_vocabulary mc on mc.kind = 'category' and mc.dwc = s.category
    left join dwc_vocabulary ms on ms.kind = 'subcategory' and ms.dwc = s.subcategory
    left join dwc_vocabulary mp on mp.kind = 'specialty' and mp.dwc = s.reviewer_specialty
),
dwc_cases as (
    select
        case_number,
        min(decision_date) as decision_date,
        any_value(case_outcome) as case_outcome,
        any_value(our_words_specialty) as specialty,
        count(*) filter (where item_position > 0) as item_count
    from dwc
    group by case_number
),
cases as (
    select d.*, l.letter_id, l.decision_date as our_date, l.case_outcome as our_outcome,
           l.reviewer_specialty as our_specialty, l.item_count as our_item_count
    from dwc_cases d
    join letters l on l.case_number = d.case_number
),
items as (
    select
        d.case_number, l.letter_id, d.item_position, d.decision, d.our_words_category,
        d.our_words_subcategory, x.outcome, x.service_category,
        case when x.service_category = 'Pharmaceuticals' then x.drug_class
             else x.service_subcategory end as our_subcategory
    from dwc d
    join letters l on l.case_number = d.case_number
    join decisions x on x.letter_id = l.letter_id and x.item_no = d.item_position
)
select 1 as field_no, 'item outcome' as field, 'items' as unit, case_number, letter_id,
       item_position, decision as dwc, outcome as ours
from items
union all
select 2, 'case outcome', 'letters', case_number, letter_id, null, case_outcome, our_outcome
from cases
union all
select 3, 'decision date', 'letters', case_number, letter_id, null,
       strftime(decision_date, '%Y-%m-%d'), strftime(our_date, '%Y-%m-%d')
from cases
union all
select 4, 'reviewer specialty', 'letters', case_number, letter_id, null, specialty,
       our_specialty
from cases
union all
select 5, 'service category', 'items', case_number, letter_id, item_position,
       our_words_category, service_category
from items
union all
select 6, 'subcategory / drug class', 'items', case_number, letter_id, item_position,
       our_words_subcategory, our_subcategory
from items
union all
select 7, 'item count', 'letters', case_number, letter_id, null, item_count::varchar,
       our_item_count::varchar
from cases
