-- decisions in their letters' order, items in letter order; decision_no copied, never redrawn.
insert into {target}
select d.* from decisions as d
join letters as l using (letter_id)
order by l.decision_date nulls last, d.letter_id, d.item_no
