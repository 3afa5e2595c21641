-- The picked decisions, every column but the join key letter_id, in any order. The semi-join
-- on the integer decision_no becomes a filter on the scan: only vectors holding a picked row
-- decode their rationale (few, when the table is stored in date order: ingest/reorder.py).
select * exclude (letter_id)
from decisions
semi join {keys} using (decision_no)
