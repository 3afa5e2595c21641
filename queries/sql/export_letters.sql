-- The picked letters (rowid = letter_no), in any order: the export's letter columns, lists as
-- '; '-joined text (as export.sql), raw_text never read.
select
    rowid as letter_no,
    * exclude (raw_text, reviewer_states, reviewer_certifications),
    array_to_string(reviewer_states, '; ') as reviewer_states,
    array_to_string(reviewer_certifications, '; ') as reviewer_certifications
from letters
where rowid in (select letter_no from {keys})
