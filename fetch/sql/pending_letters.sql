-- Letters listed by DWC for decision dates in [$start, $end] not yet downloaded, oldest first;
-- `another_fetched`: a letter under the same case number but another URL is already on disk.
select
    s.case_number,
    s.pdf_url,
    min(s.decision_date) as decision_date,
    exists (
        select 1 from dwc_fetch_letters o
        where o.case_number = s.case_number and o.pdf_url <> s.pdf_url and o.status = 'fetched'
    ) as another_fetched
from dwc_search s
left join dwc_fetch_letters f
    on f.case_number = s.case_number and f.pdf_url = s.pdf_url and f.status = 'fetched'
where s.decision_date between $start and $end and f.case_number is null
group by s.case_number, s.pdf_url
order by decision_date, s.case_number
