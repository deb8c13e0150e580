// Every organisation with its latest version and number of versions.
MATCH (o:Org)
OPTIONAL MATCH (o)-[:HAS_VERSION]->(v:OrgVersion)
WHERE coalesce(v.complete, true)
RETURN o.id AS org_id, o.name AS name, o.latest AS latest, count(v) AS versions,
       o.created_at AS created_at, o.updated_at AS updated_at
ORDER BY org_id
