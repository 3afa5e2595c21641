-- One page of a search whose text matches too many rows to rank (fulltext.RANKED_MAX): the
-- order is decision_no (storage order), as search.sql orders unranked hits, and the text is
-- one more filter in {where} (its numbers or the numbers it misses), so the page is a top-N
-- of integer keys instead of a semi-join of millions of hits. Score NULL, as search.sql's.
with page as (
    select decision_no from ({items}) as items
    where {where}
    order by decision_no
    limit $limit offset $offset
),

final as (
    select
        i.letter_id, i.case_number, i.item_no, i.service, i.outcome, i.decision_date,
        null::double as score, p.decision_no as rowid
    from ({items}) as i
    join page as p on p.decision_no = i.decision_no
)

select * from final
order by rowid
