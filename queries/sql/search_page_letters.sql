-- The letters of one page of search results ({marks}: one $l_i per letter_id), as above.
select l.letter_id, l.case_number, l.decision_date
from letters as l
where l.letter_id in ({marks})
