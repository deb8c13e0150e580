// Every organisation with its latest version and number of (complete) versions. An Org node
// without versions (made by hand, say in Neo4j Browser) is no organisation of the store; one
// without timestamps takes them from its first and last versions.
MATCH (o:Org)
OPTIONAL MATCH (o)-[:HAS_VERSION]->(v:OrgVersion)
WHERE coalesce(v.complete, true)
WITH o, count(v) AS versions, min(v.created_at) AS first, max(v.created_at) AS last
WHERE versions > 0
RETURN o.id AS org_id, o.name AS name, o.latest AS latest, versions,
       coalesce(o.created_at, first) AS created_at, coalesce(o.updated_at, last) AS updated_at
ORDER BY org_id
