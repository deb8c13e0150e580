// Delete every version (units, edges, version nodes) stored under one org id.
MATCH (u:Unit)
WHERE u.org_id = $org_id
DETACH DELETE u;

MATCH (v:OrgVersion)
WHERE v.org_id = $org_id
DETACH DELETE v
