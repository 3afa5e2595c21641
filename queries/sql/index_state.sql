-- What the full-text index must cover: every decision, up to the newest ingested letter.
select (select count(*) from decisions) as decisions, (select max(ingested_at) from letters) as newest
