-- The raw strings the taxonomy does not classify yet, most frequent first, $top per field:
-- the to-do list for improving the TOML rules from data. service_subcategory lists only
-- requests whose category is known (the rest are already under service_category).
with
unclassified as (
    select 'service_category' as field, service as raw from decisions
    where service_category = 'Unclassified'
    union all
    select 'service_subcategory', service from decisions
    where service_subcategory = 'Unclassified' and service_category <> 'Unclassified'
    union all
    select 'drug_class', service from decisions
    where service_category = 'Pharmaceuticals' and drug_class = 'Unclassified'
    union all
    select 'ca_guideline_source', ca_guideline from decisions
    where ca_guideline_source = 'Unclassified'
    union all
    select 'imr_guideline_source', imr_guideline from decisions
    where imr_guideline_source = 'Unclassified'
    union all
    select 'ca_mtus_chapter', ca_guideline from decisions
    where ca_mtus_chapter = 'Unknown MTUS chapter'
    union all
    select 'imr_mtus_chapter', imr_guideline from decisions
    where imr_mtus_chapter = 'Unknown MTUS chapter'
    union all
    select 'reviewer_specialty', coalesce(reviewer_certifications[1], '') from letters
    where reviewer_specialty = 'Unclassified'
),
counted as (
    select field, raw, count(*) as n
    from unclassified
    group by field, raw
),
final as (
    select
        field, raw, n,
        row_number() over (partition by field order by n desc, raw) as rank
    from counted
)
select field, raw, n
from final
where rank <= $top
order by field, n desc, raw
