-- Matching decisions ranked by bm25 score ({hits}: full-text hits registered by code, one
-- integer rowid = decision_no per match).
with filtered as (
    select * from ({items}) as items where {where}
),

final as (
    select
        f.letter_id, f.case_number, f.item_no, f.service, f.outcome, f.decision_date,
        h.score, f.decision_no as rowid
    from filtered as f
    join {hits} as h on h.rowid = f.decision_no
)

select * from final
order by score desc, letter_id, item_no
limit $limit offset $offset
