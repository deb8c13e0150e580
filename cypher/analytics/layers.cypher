// Layer (管理层级) of every unit of one organisation version: REPORTS_TO hops from the root.
//
// layer(root) = 0. The organisation's number of layers is 1 + the deepest layer of a
// frontline unit (station, team, office, community_post). Paths are searched up to 30 hops
// (LadybugDB's limit for variable-length patterns; real organisations have fewer than 10).
//
// Parameters: $org_id, $version.
MATCH (u:Unit)
WHERE u.org_id = $org_id AND u.version = $version
MATCH path = (u)-[:REPORTS_TO*0..30]->(root:Unit)
WHERE NOT EXISTS { MATCH (root)-[:REPORTS_TO]->(:Unit) }
RETURN u.id AS unit, u.name AS name, u.kind AS kind, length(path) AS layer
ORDER BY layer, unit
