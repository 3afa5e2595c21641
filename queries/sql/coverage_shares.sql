-- How much of the data the taxonomy classifies: one row per normalised field with the
-- number of rows classified, the rows in scope, and the share. drug_class is counted among
-- pharmaceuticals only, MTUS chapters among MTUS citations only (known chapter = classified).
with
service as (
    select
        'service_category' as field, count(*) as total,
        count(*) filter (where service_category <> 'Unclassified') as classified
    from decisions
),
subcategory as (
    select
        'service_subcategory', count(*),
        count(*) filter (where service_subcategory <> 'Unclassified')
    from decisions
),
drug as (
    select 'drug_class', count(*), count(*) filter (where drug_class <> 'Unclassified')
    from decisions
    where service_category = 'Pharmaceuticals'
),
ca_source as (
    select
        'ca_guideline_source', count(*),
        count(*) filter (where ca_guideline_source <> 'Unclassified')
    from decisions
),
imr_source as (
    select
        'imr_guideline_source', count(*),
        count(*) filter (where imr_guideline_source <> 'Unclassified')
    from decisions
),
ca_chapter as (
    select
        'ca_mtus_chapter', count(*),
        count(*) filter (where ca_mtus_chapter <> 'Unknown MTUS chapter')
    from decisions
    where ca_guideline_source = 'MTUS'
),
imr_chapter as (
    select
        'imr_mtus_chapter', count(*),
        count(*) filter (where imr_mtus_chapter <> 'Unknown MTUS chapter')
    from decisions
    where imr_guideline_source = 'MTUS'
),
specialty as (
    select
        'reviewer_specialty', count(*),
        count(*) filter (where reviewer_specialty <> 'Unclassified')
    from letters
),
final as (
    select * from service
    union all select * from subcategory
    union all select * from drug
    union all select * from ca_source
    union all select * from imr_source
    union all select * from ca_chapter
    union all select * from imr_chapter
    union all select * from specialty
)
select
    field,
    classified,
    total,
    case when total > 0 then classified / total end as share
from final
