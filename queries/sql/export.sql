-- Every matching decision joined with its letter's fields (not the raw text), for export.
-- Lists become '; '-joined text so CSV and Parquet carry the same columns.
with filtered as (
    select * from ({items}) as items where {where}
),

final as (
    select
        l.* exclude (raw_text, reviewer_states, reviewer_certifications),
        array_to_string(l.reviewer_states, '; ') as reviewer_states,
        array_to_string(l.reviewer_certifications, '; ') as reviewer_certifications,
        d.* exclude (letter_id)
    from decisions as d
    join letters as l on l.letter_id = d.letter_id
    semi join filtered as f on f.letter_id = d.letter_id and f.item_no = d.item_no
)

select * from final
order by letter_id, item_no
