-- Whether the IMR reviewer relied on the same guideline source as the claims administrator:
-- a grouping expression over the `items` relation (queries/grouping.py), not a filter field.
case
    when imr_guideline_source = 'None cited' then 'Reviewer cited none'
    when ca_guideline_source = imr_guideline_source then 'Same source'
    else 'Different source'
end
