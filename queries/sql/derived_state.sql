-- What the derived tables were built from (the fingerprint, and the newest ingested_at
-- they include: later letters are an incremental refresh's candidates).
create or replace table derived_state as
select
    $letters::bigint as letters,
    $decisions::bigint as decisions,
    $letters_hash::hugeint as letters_hash,
    $decisions_hash::hugeint as decisions_hash,
    $ingested_through::timestamp as ingested_through
