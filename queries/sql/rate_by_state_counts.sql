-- rate_by's counts by reviewer state on decision_facts: count per state list (the integer
-- state_set) first, then spread each list's counts over its states (a decision counts once
-- per state its letter lists, as the unnest does). {letters}: rows flagged one per letter and
-- group, or NULL; a letter counts once per state (`state_first`).
select
    {groups},
    sum(decisions)::bigint as decisions,
    sum(overturned)::bigint as overturned,
    {set_letters} as letters
from (
    select
        {other_groups}state_set,
        count(*) as decisions,
        count(*) filter (where overturned) as overturned,
        {letters} as letters
    from filtered
    group by all
) as per_set
join state_set_members using (state_set)
group by all
