-- Rows of each table stored out of decision-date order (0 and 0: nothing to rewrite). The
-- order is the one reorder_letters.sql / reorder_decisions.sql write; rowid is the stored order.
with l as (
    select decision_date, letter_id,
        lag(decision_date) over w as prev_date, lag(letter_id) over w as prev_id
    from letters
    window w as (order by rowid)
),

d as (
    select l.decision_date, d.letter_id, d.item_no,
        lag(l.decision_date) over w as prev_date, lag(d.letter_id) over w as prev_id,
        lag(d.item_no) over w as prev_item
    from decisions as d
    join letters as l using (letter_id)
    window w as (order by d.rowid)
)

select
    (select count(*) from l where prev_id is not null
        and (coalesce(decision_date, date '9999-12-31'), letter_id)
            < (coalesce(prev_date, date '9999-12-31'), prev_id)) as letters_out_of_order,
    (select count(*) from d where prev_id is not null
        and (coalesce(decision_date, date '9999-12-31'), letter_id, item_no)
            < (coalesce(prev_date, date '9999-12-31'), prev_id, prev_item)) as decisions_out_of_order
