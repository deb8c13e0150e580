// Remove one version (its units, their edges and the version node): an incomplete version
// left by a failed or killed save.
MATCH (u:Unit)
WHERE u.org_id = $org_id AND u.version = $version
DETACH DELETE u;

MATCH (v:OrgVersion)
WHERE v.org_id = $org_id AND v.version = $version
DETACH DELETE v
