// Bulk import of one version's GUIDES edges (child/from key, parent/to key) from a CSV file.
COPY GUIDES FROM '{file}' (HEADER = false, QUOTE = '"', ESCAPE = '"', PARALLEL = {parallel})
