-- clustered_rates' sums by reviewer state over whole parts of letters: summed per state list
-- (the integer state_set) over the parts' first rows, then spread over the list's states
-- (state_set_members: one row per place in the list). A state named m times in a list (or a
-- pooled label taking m of its states) counts a letter's n and k m times, as the unnest
-- does: m times the sums of n and k, m^2 times the sums of squares and products.
with per_set as (
    select
        {other_keys}state_set,
        count(*) as letters,
        sum(n) as sn,
        sum(k) as sk,
        sum(k * k) as skk,
        sum(k * n) as skn,
        sum(n * n) as snn
    from (
        select {other_key_exprs}state_set, {part_n} as n, {part_k} as k
        from filtered
        where {first} and {dated}
    ) as parts
    group by all
),

labels as (
    select state_set, {label} as reviewer_state, count(*) as m
    from state_set_members
    group by all
)

select
    {names},
    sum(letters)::bigint as letters,
    sum(m * sn)::bigint as decisions,
    sum(m * sk)::bigint as overturned,
    sum(m * m * skk)::double as skk,
    sum(m * m * skn)::double as skn,
    sum(m * m * snn)::double as snn
from per_set
join labels using (state_set)
group by all
