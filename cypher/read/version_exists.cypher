// Whether a version exists.
MATCH (v:OrgVersion {key: $key})
RETURN count(v) AS n
