-- The rows of one page by decision_facts row id ({rows}: integers from decision_keys.sql,
-- read on the same connection), in the page's order: as decisions.sql returns them.
select
    letter_id, case_number, item_no, decision_date, service, service_category,
    service_subcategory, drug_class, outcome, overturned, partly_authorized,
    reviewer_specialty, ca_guideline_source, imr_guideline_source, imr_mtus_chapter,
    priority, case_outcome, patient_age, patient_sex
from decision_facts
where {rows}
order by {sort} {direction} nulls last, letter_id, item_no
