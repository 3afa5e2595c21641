-- The decision dates the database covers (all letters): what makes a trend period partial.
select min(decision_date) as first_date, max(decision_date) as last_date
from letters
