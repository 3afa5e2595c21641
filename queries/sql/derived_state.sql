-- What the derived tables were built from; queries use them only while this still matches.
create or replace table derived_state as
{fingerprint}
