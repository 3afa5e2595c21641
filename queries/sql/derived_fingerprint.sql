-- What the derived tables are built from: row counts and an order-independent content hash
-- (a sum of row hashes) of every base-table value that `items` (and so decision_facts and
-- filter_values) shows. A hand UPDATE of any of them changes a hash, so a stale cache is
-- never served. The hashed expressions are code-made (queries/derived.py) and mirror the
-- ones decision_facts shows, so derived_facts_fingerprint.sql computes the same sums from
-- decision_facts rows: what lets an incremental refresh keep derived_state exact.
select
    (select count(*) from letters) as letters,
    (select count(*) from decisions) as decisions,
    (select coalesce(sum(hash({letter_columns})::hugeint), 0) from letters) as letters_hash,
    (
        select coalesce(sum(hash({decision_columns})::hugeint), 0) from decisions
    ) as decisions_hash
