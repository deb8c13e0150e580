// Bulk import of one version's GUIDES edges (from key, to key): COPY FROM the Arrow table the store builds from
// the organisation's columns, passed as the parameter $rows (no file, no text spliced).
COPY GUIDES FROM $rows
