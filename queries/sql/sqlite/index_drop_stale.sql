-- Forget the indexed decisions of re-synced letters (temp.current: their stored decision_no)
-- that are no longer stored: a replaced letter's items have new numbers.
delete from docs
where letter_id in (select letter_id from temp.current)
    and (letter_id, decision_no) not in (select letter_id, decision_no from temp.current)
