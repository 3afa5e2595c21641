-- The fingerprint the derived tables were built from (an older database may lack columns).
select * from derived_state
