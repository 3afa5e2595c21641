-- One row per decided item with the letter fields every filter and breakdown needs.
-- NULL categories (and empty state lists) become 'unknown' ('none' for MTUS chapters), so
-- filters, breakdowns and filter options all see the same values. `letter_no` (the letter's
-- row id) counts distinct letters ~5x faster than the text letter_id.
select
    d.letter_id,
    l.rowid as letter_no,
    d.item_no,
    d.decision_no,
    l.case_number,
    l.decision_date,
    l.date_assigned,  -- the header dates timeliness measures spans between
    l.ur_denial_date,
    l.application_received,
    year(l.decision_date)::varchar as decision_year,
    l.layout,
    coalesce(l.priority, 'unknown') as priority,
    l.reviewer_specialty,
    case when len(l.reviewer_states) = 0 then ['unknown'] else l.reviewer_states end
        as reviewer_states,
    l.licensed_in_california,
    l.is_demo,
    l.patient_age,
    age_band(l.patient_age) as age_band,
    coalesce(l.patient_sex, 'unknown') as patient_sex,
    l.case_outcome,
    d.service,
    d.service_category,
    d.service_subcategory,
    d.drug_class,
    d.outcome,
    d.overturned,
    d.partly_authorized,
    d.ca_guideline_source,
    d.imr_guideline_source,
    coalesce(d.ca_mtus_chapter, 'none') as ca_mtus_chapter,
    coalesce(d.imr_mtus_chapter, 'none') as imr_mtus_chapter,
    d.rationale
from decisions as d
join letters as l using (letter_id)
