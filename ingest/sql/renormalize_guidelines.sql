-- Rewrite one party's guideline source and MTUS chapter from its citation; {side} is `ca`
-- (the claims administrator) or `imr` (MAXIMUS), chosen in code, never from input.
-- norm_guidelines(citation, source, mtus_chapter): one row per distinct citation; a NULL
-- citation is classified as ''.
update decisions as d
set {side}_guideline_source = m.source,
    {side}_mtus_chapter     = m.mtus_chapter
from norm_guidelines as m
where coalesce(d.{side}_guideline, '') = m.citation
  and (d.{side}_guideline_source is distinct from m.source
       or d.{side}_mtus_chapter is distinct from m.mtus_chapter)
