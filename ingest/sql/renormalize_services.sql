-- Rewrite the service category columns from the stored service text.
-- norm_services(service, service_category, service_subcategory, drug_class) is registered by
-- ingest/normalize.py: one row per distinct service, classified once in Python.
-- Only rows whose values change are touched, so the returned count is "rows changed".
update decisions as d
set service_category    = m.service_category,
    service_subcategory = m.service_subcategory,
    drug_class          = m.drug_class
from norm_services as m
where d.service = m.service
  and (d.service_category is distinct from m.service_category
       or d.service_subcategory is distinct from m.service_subcategory
       or d.drug_class is distinct from m.drug_class)
