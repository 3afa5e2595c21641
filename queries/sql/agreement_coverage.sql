-- How much of DWC's list could be compared at all.
with agreement_pairs as ({pairs})
select
    (select count(distinct case_number) from dwc_search) as dwc_cases,
    (select count(distinct s.case_number) from dwc_search s
     join letters l on l.case_number = s.case_number) as parsed_cases,
    (select count(*) from dwc_search where item_position > 0) as dwc_items,
    (select count(*) from agreement_pairs where field = 'item outcome') as matched_items
