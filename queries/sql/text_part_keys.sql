-- Each stored decision's letter and the item field ({code}) that splits a letter into the
-- parts queries/text_parts.py marks one matching row of (NULL for the letter itself): read
-- once per database version, so a text's parts are found in numpy, not by grouping rows.
select decision_no, letter_no, {code} as code
from decision_facts
