-- One page of matching decisions with the letter fields a reader scans, sorted by {sort}.
with filtered as (
    select * from ({items}) as items where {where}
),

final as (
    select
        letter_id, case_number, item_no, decision_date, service, service_category,
        service_subcategory, drug_class, outcome, overturned, partly_authorized,
        reviewer_specialty, ca_guideline_source, imr_guideline_source, imr_mtus_chapter,
        priority, case_outcome, patient_age, patient_sex
    from filtered
)

select * from final
order by {sort} {direction} nulls last, letter_id, item_no
limit $limit offset $offset
