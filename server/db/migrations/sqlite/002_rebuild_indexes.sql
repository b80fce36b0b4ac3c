-- Start-up reads every hazard's aggregate facts: a covering index in GROUP BY order lets that be one
-- ordered scan of a narrow index instead of the wide rows plus a sort (1,000,000 hazards in well under 5 s).
CREATE INDEX hazards_aggregate ON hazards (region_code, sector, level, status, listed_by, deadline, updated_seq);
-- `day` changes are few among millions; start-up reads them all.
CREATE INDEX changes_day ON changes (seq) WHERE kind = 'day';
