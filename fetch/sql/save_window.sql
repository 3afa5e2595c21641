-- Before saving a searched window: drop DWC's rows of its decision days and of the cases it
-- lists (a re-searched recent window may have changed). The new rows are `window_rows`.
delete from dwc_search
where decision_date between $start and $end
   or case_number in (select case_number from window_rows)
