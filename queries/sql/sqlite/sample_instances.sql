-- Every occurrence of one term in the in-memory `sample` table (fts5vocab), as one comma-joined
-- value of keys ((row * 2 + column) << {shift}) + offset: adjacent tokens have consecutive keys.
select group_concat(((doc * 2 + (col = 'service')) << {shift}) + offset)
from sample_instances
where term = ? and offset < (1 << {shift})
