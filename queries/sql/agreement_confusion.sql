-- DWC's category (in our words) against ours, over the items matched by position.
with agreement_pairs as ({pairs})
select dwc as dwc_category, ours as our_category, count(*) as items
from agreement_pairs
where field = 'service category'
group by all
order by dwc_category, items desc, our_category
