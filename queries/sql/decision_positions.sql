-- Every row of decision_facts in the order a scan reads it (row id order), with its outcome:
-- read once per database version by queries/text_counts.py, whose per-row columns are then
-- positionally joined to the table.
select decision_no, overturned from decision_facts order by rowid
