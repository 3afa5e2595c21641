-- The range of decision numbers a full build walks.
select min(decision_no), max(decision_no) from decisions
