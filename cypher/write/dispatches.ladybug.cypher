// Bulk import of one version's DISPATCHES edges (child/from key, parent/to key) from a CSV file.
COPY DISPATCHES FROM '{file}' (HEADER = false, QUOTE = '"', ESCAPE = '"', PARALLEL = {parallel})
