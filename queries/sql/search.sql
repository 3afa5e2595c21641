-- Matching decisions ranked by bm25 score ({hits}: full-text hits registered by code, one
-- integer rowid = decision_no per match; score NULL when unranked). Only the integer keys and
-- scores are sorted, then the page's own rows are read: the top-N never carries text columns.
-- Ties (and unranked hits) follow decision_no, i.e. the order letters were stored.
with filtered as (
    select decision_no from ({items}) as items where {where}
),

page as (
    select h.rowid as decision_no, h.score
    from {hits} as h
    semi join filtered as f on f.decision_no = h.rowid
    order by h.score desc nulls last, h.rowid
    limit $limit offset $offset
),

final as (
    select
        i.letter_id, i.case_number, i.item_no, i.service, i.outcome, i.decision_date,
        p.score, p.decision_no as rowid
    from ({items}) as i
    join page as p on p.decision_no = i.decision_no
)

select * from final
order by score desc nulls last, rowid
