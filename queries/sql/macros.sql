-- 95 % Wilson score interval for k successes in n trials (Wilson 1927); NULL when n = 0.
-- Clamped to [0, 1]: at k = 0 or k = n rounding would otherwise print -0.0 %.
-- Installed per connection (and per cursor) by queries.connection (temporary macros work on read-only files).
create or replace temp macro wilson_low(k, n, z := 1.959963984540054) as
    case when n > 0 then greatest(0.0,
        (k / n + z * z / (2 * n)
         - z * sqrt(greatest(k / n * (1 - k / n), 0) / n + z * z / (4 * n * n)))
        / (1 + z * z / n))
    end;

create or replace temp macro wilson_high(k, n, z := 1.959963984540054) as
    case when n > 0 then least(1.0,
        (k / n + z * z / (2 * n)
         + z * sqrt(greatest(k / n * (1 - k / n), 0) / n + z * z / (4 * n * n)))
        / (1 + z * z / n))
    end;

-- Age band of a patient age (NULL -> 'unknown').
create or replace temp macro age_band(age) as
    case
        when age is null then 'unknown'
        when age < 30 then '<30'
        when age < 40 then '30-39'
        when age < 50 then '40-49'
        when age < 60 then '50-59'
        else '60+'
    end;
