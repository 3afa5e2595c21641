-- Every pair where DWC and our parse differ, by case.
with agreement_pairs as ({pairs})
select case_number, letter_id, item_position, field, dwc, ours
from agreement_pairs
where dwc is distinct from ours
order by case_number, item_position nulls first, field_no
