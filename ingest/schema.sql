-- The public schema (see ../shared/design.md). Analysts query these tables directly:
-- keep the names; add columns freely. Created idempotently by ingest/store.py.

create table if not exists letters (
    letter_id               varchar primary key,  -- case number, else 'sha256:' + 16 hex of the text
    case_number             varchar,
    layout                  varchar not null,
    source_path             varchar not null,
    source_sha256           varchar not null,
    page_count              integer,
    date_assigned           date,
    date_of_injury          date,
    decision_date           date,
    ur_denial_date          date,
    application_received    date,
    priority                varchar,
    reviewer_specialty      varchar not null,     -- primary, canonical
    reviewer_certifications varchar[] not null,   -- as written
    reviewer_states         varchar[] not null,   -- full names
    licensed_in_california  boolean not null,
    patient_age             integer,
    patient_sex             varchar,
    case_outcome            varchar not null,     -- Upheld / Overturned / Partially Overturned
    item_count              integer not null,
    is_demo                 boolean not null default false,
    clinical_summary        varchar,
    raw_text                varchar not null,
    parser_version          varchar not null,
    ingested_at             timestamp not null
);

-- decision_no: a stable integer key per decided item, drawn from this sequence at insert and
-- never reused (a re-ingested letter's items get new numbers). The full-text index's rowid.
-- Databases made before it are numbered once by ingest/store.py (store.migrate).
create sequence if not exists decision_no_seq;

create table if not exists decisions (
    letter_id               varchar not null,
    item_no                 integer not null,
    service                 varchar not null,
    original_request        varchar,
    authorized_portion      varchar,
    partly_authorized       boolean not null,
    service_category        varchar not null,     -- 'Unclassified' when no rule matched
    service_subcategory     varchar not null,
    drug_class              varchar not null,
    outcome                 varchar not null,     -- Upheld / Overturned
    overturned              boolean not null,
    ca_guideline            varchar,
    imr_guideline           varchar,
    ca_guideline_source     varchar not null,
    imr_guideline_source    varchar not null,
    ca_mtus_chapter         varchar,
    imr_mtus_chapter        varchar,
    rationale               varchar,
    decision_no             bigint default nextval('decision_no_seq'),
    primary key (letter_id, item_no)
);

-- Point reads by decision_no (a search page's ~50 rows, for their snippets) use this index
-- instead of decompressing every rationale. Created here, so older databases get it too.
create unique index if not exists decisions_decision_no on decisions (decision_no);

create table if not exists quarantine (
    source_path   varchar not null,
    source_sha256 varchar,
    stage         varchar not null,   -- read / extract / parse / store
    reason        varchar not null,   -- short code, e.g. no_text_layer, unknown_format
    detail        varchar,
    seen_at       timestamp not null
);

create table if not exists ingest_runs (
    run_id       integer primary key,
    started_at   timestamp not null,
    finished_at  timestamp,
    paths        varchar[],
    extractor    varchar,
    seen         integer,
    added        integer,
    skipped      integer,
    duplicates   integer,
    quarantined  integer,
    interrupted  boolean
);

-- Every file ever seen, keyed by content: what makes re-ingest O(1) per unchanged file.
create table if not exists source_files (
    source_sha256  varchar primary key,
    source_path    varchar not null,
    letter_id      varchar,            -- NULL when quarantined
    status         varchar not null,   -- added / duplicate / quarantined
    parser_version varchar not null,
    size_bytes     bigint,             -- with mtime_ns: lets an unchanged file skip without hashing
    mtime_ns       bigint,
    seen_at        timestamp not null
);

-- The file name exactly as the file system holds it (bytes; `source_path` is the readable
-- form, with undecodable bytes written as \xNN). Added after the first release.
alter table source_files add column if not exists source_path_raw blob;
