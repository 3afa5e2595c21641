-- Files already handled by this parser version: what lets a rerun skip them unread.
select source_sha256, source_path, source_path_raw, size_bytes, mtime_ns
from source_files
where parser_version = $parser_version
