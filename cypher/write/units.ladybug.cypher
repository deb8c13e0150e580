// Bulk import of one version's units (the columns of schema.ladybug.cypher's Unit table, breadth-first): COPY FROM the Arrow table the store builds from
// the organisation's columns, passed as the parameter $rows (no file, no text spliced).
COPY Unit FROM $rows
