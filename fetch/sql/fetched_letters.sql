-- Letters with decision dates in [$start, $end] already downloaded (by any run).
select count(distinct f.case_number)
from dwc_fetch_letters f
join dwc_search s on s.case_number = f.case_number and s.pdf_url = f.pdf_url
where f.status = 'fetched' and s.decision_date between $start and $end
