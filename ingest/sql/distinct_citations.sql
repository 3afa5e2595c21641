-- Every distinct citation on either line (NULL read as ''), classified once each.
select coalesce(ca_guideline, '') as citation from decisions
union
select coalesce(imr_guideline, '') from decisions
