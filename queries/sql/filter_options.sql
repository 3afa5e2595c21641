-- The distinct values of every categorical filter, in one scan (for widgets and validation).
with items as ({items}),

final as (
    select
        list_sort(list(distinct service_category)) as service_category,
        list_sort(list(distinct service_subcategory)) as service_subcategory,
        list_sort(list(distinct drug_class)) as drug_class,
        list_sort(list(distinct ca_guideline_source)) as ca_guideline_source,
        list_sort(list(distinct imr_guideline_source)) as imr_guideline_source,
        list_sort(list(distinct ca_mtus_chapter)) as ca_mtus_chapter,
        list_sort(list(distinct imr_mtus_chapter)) as imr_mtus_chapter,
        list_sort(list(distinct reviewer_specialty)) as reviewer_specialty,
        list_sort(list_distinct(flatten(list(distinct reviewer_states)))) as reviewer_state,
        list_sort(list(distinct priority)) as priority,
        list_sort(list(distinct layout)) as layout,
        list_sort(list(distinct case_outcome)) as case_outcome,
        list_sort(list(distinct age_band)) as age_band,
        list_sort(list(distinct patient_sex)) as patient_sex
    from items
)

select * from final
