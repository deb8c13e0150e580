// Bulk import of one version's DISPATCHES edges (from key, to key): COPY FROM the Arrow table the store builds from
// the organisation's columns, passed as the parameter $rows (no file, no text spliced).
COPY DISPATCHES FROM $rows
