-- A team's area is its wijk's buurten: lists and searches go team → buurten → addresses →
-- households. Without this index the planner scans every household (57 ms at 100,000
-- households; 0.6 ms with it).
CREATE INDEX neighbourhoods_parent ON neighbourhoods(parent_code);
