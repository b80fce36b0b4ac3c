-- Start-up reads every hazard's aggregate facts: a covering index in GROUP BY order lets that be one
-- ordered (index-only, once vacuumed) scan of a narrow index instead of the wide rows plus a sort.
CREATE INDEX hazards_aggregate ON hazards (region_code, sector, level, status, listed_by, deadline, updated_seq);
-- `day` changes are few among millions; start-up reads them all.
CREATE INDEX changes_day ON changes (seq) WHERE kind = 'day';
