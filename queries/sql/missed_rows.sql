-- The rows of decision_facts a text in most rows misses ({misses}: their decision numbers,
-- registered by queries/binding.py), every column: what queries/missed_rows.py subtracts.
select * from decision_facts where decision_no in (select rowid from {misses})
