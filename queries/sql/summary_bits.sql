-- summary.sql with every letter count a popcount of one bit per letter number ({span}: the
-- lowest and highest `letter_no`, the letters' dense row ids) instead of grouping the rows per
-- letter: a text filter matching 1.6 M rows would group them into 1.2 M letters (a hash table
-- that costs most of the query); three bitstrings of ~210 KB do not.
with filtered as (
    select * from ({items}) as items where {where}
),

counts as (
    select
        coalesce(bit_count(bitstring_agg(letter_no, {span})), 0)::bigint as letters,
        count(*)::bigint as decisions,
        (count(*) - count(*) filter (where overturned))::bigint as upheld,
        count(*) filter (where overturned)::bigint as overturned,
        min(decision_date) as first_date,
        max(decision_date) as last_date,
        -- letter-level fields: a letter's rows share them
        coalesce(bit_count(bitstring_agg(letter_no, {span}) filter (where decision_date is null)),
            0)::bigint as undated_letters,
        coalesce(bit_count(bitstring_agg(letter_no, {span}) filter (where is_demo)),
            0)::bigint as demo_letters
    from filtered
),

final as (
    select
        letters, decisions, upheld, overturned,
        overturned / nullif(decisions, 0) as rate,
        wilson_low(overturned, decisions) as ci_low,
        wilson_high(overturned, decisions) as ci_high,
        first_date, last_date, undated_letters, demo_letters
    from counts
)

select * from final
