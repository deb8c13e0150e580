// Bulk import of one version's units (LadybugDB COPY FROM a CSV file the store writes; the
// columns follow schema.ladybug.cypher). {file} is the store's own temporary file, the only
// text spliced into a query: COPY takes no parameter for its source.
COPY Unit FROM '{file}' (HEADER = false, QUOTE = '"', ESCAPE = '"', PARALLEL = {parallel})
