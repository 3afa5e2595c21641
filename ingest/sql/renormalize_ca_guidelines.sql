-- Rewrite the claims administrator's guideline source and MTUS chapter from the citation.
-- norm_guidelines(citation, source, mtus_chapter): one row per distinct citation; a NULL
-- citation is classified as ''.
update decisions as d
set ca_guideline_source = m.source,
    ca_mtus_chapter     = m.mtus_chapter
from norm_guidelines as m
where coalesce(d.ca_guideline, '') = m.citation
  and (d.ca_guideline_source is distinct from m.source
       or d.ca_mtus_chapter is distinct from m.mtus_chapter)
