-- Filtered lists (GET /api/v1/hazards, docs/perf/list.md): the first page is read in index order and stops after
-- `limit` rows. Each index a list walks carries, after its order columns, the columns the filters test (sector,
-- level, status, deadline), so a row that does not match is passed over inside the index without reading the
-- hazard's row; the list picks its index by region level and order (list-sql.ts listIndex). Replaces the narrower
-- order indexes of 001 (same number of index entries per hazard, plus one for the deadline order by county) and
-- (status, deadline), whose shape made the planner sort every overdue hazard of the province for a page of 50; the
-- day turn's "newly overdue" count reads hazards_list_deadline instead.
DROP INDEX IF EXISTS hazards_newest;
DROP INDEX IF EXISTS hazards_region;
DROP INDEX IF EXISTS hazards_city;
DROP INDEX IF EXISTS hazards_open_deadline;
CREATE INDEX hazards_list_newest ON hazards (discovered_at DESC, id DESC, sector, level, status, deadline);
CREATE INDEX hazards_list_city ON hazards (city_code, discovered_at DESC, id DESC, sector, level, status, deadline);
CREATE INDEX hazards_list_region ON hazards (region_code, discovered_at DESC, id DESC, sector, level, status, deadline);
CREATE INDEX hazards_list_deadline ON hazards (deadline, id, city_code, region_code, sector, level, status) WHERE deadline IS NOT NULL;
CREATE INDEX hazards_list_region_deadline ON hazards (region_code, deadline, id, sector, level, status) WHERE deadline IS NOT NULL;
