// Which of these version keys ($keys) have a version node, and whether it is complete: a
// group of scenario saves checks its bases (complete) and its results' keys (a leftover of a
// failed save) in one statement. One primary-key lookup per key.
UNWIND $keys AS k
MATCH (v:OrgVersion {key: k})
RETURN v.key AS key, coalesce(v.complete, true) AS complete
