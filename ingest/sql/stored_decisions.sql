-- The stored decisions of letters a batch collides with (to tell a copy from a conflict).
select letter_id, item_no, service, outcome, imr_guideline, rationale
from decisions
where list_contains($ids, letter_id)
