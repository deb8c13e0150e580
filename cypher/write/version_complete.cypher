// Phase 2 of a save: the version is marked complete and becomes the organisation's latest.
// Written last, in its own small transaction, so "latest" never names a version whose units
// and edges are not all committed (a kill -9 in between leaves an incomplete version, which
// the store removes when it next opens).
MERGE (o:Org {id: $org_id})
ON CREATE SET o.created_at = $now
SET o.name = $name, o.description = $description, o.latest = $version, o.updated_at = $now;

MATCH (v:OrgVersion {key: $key})
SET v.complete = true;

MATCH (o:Org {id: $org_id}), (v:OrgVersion {key: $key})
CREATE (o)-[:HAS_VERSION]->(v)
