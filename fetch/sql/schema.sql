-- DWC's own rows from its public IMR decision search (fetch/), beside our parsed tables.
-- Public: analysts join it to `letters` / `decisions` on case_number (+ item position).
create table if not exists dwc_search (
    case_number        varchar not null,
    item_position      integer not null,  -- 1-based order of the treatment on DWC's result list;
                                          -- 0 when DWC listed the case without any treatment
    decision_date      date,
    date_of_injury     date,
    received_date      date,               -- application received
    reviewer_specialty varchar,            -- as DWC prints it
    category           varchar,            -- DWC's request category, as printed
    subcategory        varchar,            -- DWC's "SubCategory/Drug" column, as printed
    drug_class         varchar,            -- that column again for Pharmaceuticals, else NULL
    decision           varchar,            -- Upheld / Overturned
    case_outcome       varchar,            -- Upheld / Overturned / Partially Overturned
    pdf_url            varchar not null,
    fetched_at         timestamp not null,
    primary key (case_number, item_position)
);

-- Resumability: decision days whose search is complete (both searches, every page) ...
create table if not exists dwc_fetch_days (
    decision_day  date primary key,
    searched_at   timestamp not null
);

-- ... and every letter download tried, keyed by case number and URL.
create table if not exists dwc_fetch_letters (
    case_number   varchar not null,
    pdf_url       varchar not null,
    status        varchar not null,   -- fetched / failed
    path          varchar,            -- where the PDF was written
    bytes         bigint,
    sha256        varchar,
    detail        varchar,            -- why it failed
    fetched_at    timestamp not null,
    ingested_at   timestamp,          -- handed to ingest (NULL: not yet, or --no-ingest)
    primary key (case_number, pdf_url)
);
