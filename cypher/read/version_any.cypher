// Whether a version node exists with this key, complete or not (a save's leftover).
MATCH (v:OrgVersion {key: $key})
RETURN count(v) AS n
