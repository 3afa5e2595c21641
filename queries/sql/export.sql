-- Every matching decision joined with its letter's fields (not the raw text), for export.
-- Lists become '; '-joined text so CSV and Parquet carry the same columns.
--
-- Late materialisation: the filter picks integer keys first (decision_no, letter_no = the
-- letter's rowid) from the narrow items relation; each base table is then semi-joined on its
-- own integer key straight at its scan, where DuckDB turns the join into a filter on the scan
-- and decodes the text columns (rationale, clinical_summary) of the selected rows only. Joined
-- on the text key (letter_id, item_no) instead, the scan decoded every row's text (~25 % more
-- CPU at 3.34 M decisions). The CTEs are materialised so the optimiser cannot reorder the
-- joins away from the scans.
with keys as materialized (
    select decision_no, letter_no, letter_id, item_no
    from ({items}) as items
    where {where}
),

picked_decisions as materialized (
    select * exclude (letter_id)
    from decisions
    semi join keys using (decision_no)
),

picked_letters as materialized (
    select rowid as letter_no, * exclude (raw_text)
    from letters
    where rowid in (select letter_no from keys)
),

final as (
    select
        l.* exclude (letter_no, reviewer_states, reviewer_certifications),
        array_to_string(l.reviewer_states, '; ') as reviewer_states,
        array_to_string(l.reviewer_certifications, '; ') as reviewer_certifications,
        d.*,
        k.letter_id as sort_letter,
        k.item_no as sort_item
    from keys as k
    join picked_decisions as d using (decision_no)
    join picked_letters as l using (letter_no)
)

select * exclude (sort_letter, sort_item) from final
order by sort_letter, sort_item
