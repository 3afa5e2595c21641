-- Where a letter's source file was read from: the readable path and the exact bytes of its
-- name (source_files), with the hash the file must still have.
select l.source_path, f.source_path_raw, l.source_sha256
from letters as l left join source_files as f using (source_sha256)
where l.letter_id = $letter_id
