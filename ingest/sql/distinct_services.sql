-- Every distinct service text: renormalisation classifies each once, however many rows.
select distinct service from decisions
