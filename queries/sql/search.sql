-- Matching decisions ranked by bm25 score ({hits}: full-text hits registered by code).
with filtered as (
    select * from ({items}) as items where {where}
),

final as (
    select
        f.letter_id, f.case_number, f.item_no, f.service, f.outcome, f.decision_date,
        h.score, h.rowid
    from filtered as f
    join {hits} as h on h.letter_id = f.letter_id and h.item_no = f.item_no
)

select * from final
order by score desc, letter_id, item_no
limit $limit offset $offset
