// Whether a version exists.
MATCH (v:OrgVersion {key: $key})
WHERE coalesce(v.complete, true)
RETURN count(v) AS n
