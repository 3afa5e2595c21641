-- The decisions of re-synced letters already indexed (ties at the high-water mark): skipped.
select decision_no from docs where letter_id in (select letter_id from temp.current)
