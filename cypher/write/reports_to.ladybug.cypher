// Bulk import of one version's REPORTS_TO edges (from key, to key): COPY FROM the Arrow table the store builds from
// the organisation's columns, passed as the parameter $rows (no file, no text spliced).
COPY REPORTS_TO FROM $rows
