-- group_trend's sums for clustered_rates.sql (its part_counts) when the filters and the grouping
-- select whole parts of letters (queries/letter_rows.py): one pass over the parts' first rows
-- ({first}; each carries its part's n and k), the groups outside the top k ($top) pooled as
-- $other.
-- A top group's (group, letter) is one part: its n and k are the first row's. A letter may
-- straddle pooled groups (two service categories outside the top k): its (other, letter) n
-- and k are then the sums over its pooled parts, so the sums of squares need them per letter.
-- Only first rows of pooled parts of letters with more than one part ({part_n} <
-- letter_items) are kept per letter (letter_no); the rest are summed as they come (their
-- letter is in the pooled group through that part alone). Rows whose key is null are left out,
-- as list_contains leaves them out of both of clustered_rates' paths.
select
    {names},
    sum(case when letter_no is null then letters else 1 end)::bigint as letters,
    sum(sn)::bigint as decisions,
    sum(sk)::bigint as overturned,
    sum(case when letter_no is null then skk else sk * sk end)::double as skk,
    sum(case when letter_no is null then skn else sk * sn end)::double as skn,
    sum(case when letter_no is null then snn else sn * sn end)::double as snn
from (
    select
        {names},
        letter_no,
        count(*) as letters,
        sum(n) as sn,
        sum(k) as sk,
        sum(k * k) as skk,
        sum(k * n) as skn,
        sum(n * n) as snn
    from (
        select
            {period} as period,
            case when top then grp else $other end as {dimension},
            case when not top and n < letter_items then letter_no end as letter_no,
            n,
            k
        from (
            select
                ({key})::varchar as grp,
                list_contains($top, ({key})::varchar) as top,
                decision_date,
                letter_no,
                letter_items,
                {part_n} as n,
                {part_k} as k
            from filtered
            where {first} and decision_date is not null
        ) as parts
        where top is not null
    ) as keyed
    group by all
) as sums
group by all
