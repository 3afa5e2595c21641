-- Per field: pairs compared, how many agree, the share with its 95 % Wilson interval.
with agreement_pairs as ({pairs})
select
    field,
    unit,
    count(*) as compared,
    count(*) filter (where dwc is not distinct from ours) as agree,
    count(*) filter (where dwc is distinct from ours) as disagree,
    agree / compared as agreement,
    wilson_low(agree, compared) as ci_low,
    wilson_high(agree, compared) as ci_high
from agreement_pairs
group by field_no, field, unit
order by field_no
