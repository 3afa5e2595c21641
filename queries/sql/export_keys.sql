-- The export's rows as integer keys in the file's order (letter_id, item_no): only these
-- narrow rows are sorted; queries.export fetches the payload (export_decisions.sql,
-- export_letters.sql) and puts it in this order by position, so DuckDB never sorts ~3 kB rows.
select decision_no, letter_no
from ({items}) as items
where {where}
order by letter_id, item_no
