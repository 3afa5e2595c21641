-- One letter by its case number (the fallback when no letter_id equals the key: a scan of
-- case_number; letter_id lookups use the primary key, see letter_by_id.sql).
select * from letters
where case_number = $key
order by letter_id
limit 1
