-- What the derived tables are built from: row counts and an order-independent content hash of
-- every base-table column that `items` (and so decision_facts and filter_values) copies. A
-- hand UPDATE of any of them changes a hash, so a stale cache is never served. One scan of
-- each table; queries.derived computes it once per database file version.
select
    (select count(*) from letters) as letters,
    (select count(*) from decisions) as decisions,
    (
        select coalesce(sum(hash(
            rowid, letter_id, case_number, decision_date, layout, priority,
            reviewer_specialty, reviewer_states, licensed_in_california, is_demo,
            patient_age, patient_sex, case_outcome
        )::hugeint), 0)
        from letters
    ) as letters_hash,
    (
        select coalesce(sum(hash(
            letter_id, item_no, service, service_category, service_subcategory, drug_class,
            outcome, overturned, partly_authorized, ca_guideline_source, imr_guideline_source,
            ca_mtus_chapter, imr_mtus_chapter
        )::hugeint), 0)
        from decisions
    ) as decisions_hash
