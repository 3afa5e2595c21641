-- One row per (state list, position): what a state filter or breakdown joins decision_facts'
-- integer `state_set` to, instead of unnesting 3 M lists. `state_first`: the state's first
-- place in its list (a list naming a state twice still counts a letter once for it).
-- {sets}: the state_set values to add, read from {facts} (all of decision_facts', or the new
-- rows of an incremental refresh).
select
    state_set,
    reviewer_state,
    list_position(reviewer_states, reviewer_state) = state_at as state_first
from (
    select
        state_set,
        reviewer_states,
        unnest(reviewer_states) as reviewer_state,
        unnest(range(1, len(reviewer_states) + 1)) as state_at
    from (
        select state_set, any_value(reviewer_states) as reviewer_states
        from {facts}
        where {sets}
        group by state_set
    ) as sets
) as members
order by state_set, state_at
