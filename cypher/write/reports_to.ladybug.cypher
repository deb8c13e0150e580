// Bulk import of one version's REPORTS_TO edges (child/from key, parent/to key) from a CSV file.
COPY REPORTS_TO FROM '{file}' (HEADER = false, QUOTE = '"', ESCAPE = '"', PARALLEL = {parallel})
