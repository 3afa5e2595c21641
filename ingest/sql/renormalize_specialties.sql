-- Rewrite each letter's canonical primary specialty from its certifications as written.
-- norm_specialties(certifications, reviewer_specialty): one row per distinct list.
update letters as l
set reviewer_specialty = m.reviewer_specialty
from norm_specialties as m
where l.reviewer_certifications = m.certifications
  and l.reviewer_specialty is distinct from m.reviewer_specialty
