-- Rewrite MAXIMUS's guideline source and MTUS chapter from the citation.
-- norm_guidelines(citation, source, mtus_chapter): one row per distinct citation; a NULL
-- citation is classified as ''.
update decisions as d
set imr_guideline_source = m.source,
    imr_mtus_chapter     = m.mtus_chapter
from norm_guidelines as m
where coalesce(d.imr_guideline, '') = m.citation
  and (d.imr_guideline_source is distinct from m.source
       or d.imr_mtus_chapter is distinct from m.mtus_chapter)
