-- clustered_rates' sums over the parts of letters the filters and keys select whole: each
-- part's first row ({first}) carries its n and k, so a (group, letter) needs no regrouping.
-- Rows of a pooled group ({pooled}) are left to the per-letter grouping.
select
    {names},
    count(*)::bigint as letters,
    coalesce(sum(n), 0)::bigint as decisions,
    coalesce(sum(k), 0)::bigint as overturned,
    coalesce(sum(k * k), 0)::double as skk,
    coalesce(sum(k * n), 0)::double as skn,
    coalesce(sum(n * n), 0)::double as snn
from (
    select {keys}, {part_n} as n, {part_k} as k
    from (select *{expand} from filtered) as rows
    where {first} and {dated} and not ({pooled})
) as parts
group by all
