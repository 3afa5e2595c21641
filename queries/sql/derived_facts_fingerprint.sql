-- derived_fingerprint.sql's sums over decision_facts rows ({facts}): each letter counted at
-- its first item. Equal to the base tables' fingerprint exactly when the rows match.
select
    count(*) filter (where letter_first) as letters,
    count(*) as decisions,
    coalesce(
        sum(hash({letter_columns})::hugeint) filter (where letter_first), 0
    ) as letters_hash,
    coalesce(sum(hash({decision_columns})::hugeint), 0) as decisions_hash
from ({facts}) as facts
