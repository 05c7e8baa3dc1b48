/** The daily score histograms, and the hourly ones summed per UTC day: the two must agree. */
export const DAILY_HISTOGRAMS = `
  SELECT day::text, source, category, bucket, events AS n FROM score_histograms_daily
  WHERE events <> 0 ORDER BY 1, 2, 3, 4`;
export const HOURS_BY_DAY = `
  SELECT (hour AT TIME ZONE 'UTC')::date::text AS day, source, category, bucket, sum(events)::int AS n
  FROM score_histograms GROUP BY 1, 2, 3, 4 HAVING sum(events) <> 0 ORDER BY 1, 2, 3, 4`;
