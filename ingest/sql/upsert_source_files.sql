-- One row per file hash, the newest verdict winning (view: batch_files, unique by hash).
delete from source_files where source_sha256 in (select source_sha256 from batch_files);
insert into source_files by name select * from batch_files;
