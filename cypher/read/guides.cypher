// GUIDES edges (条: upper department → lower department) of one version.
MATCH (a:Unit)-[:GUIDES]->(b:Unit)
WHERE a.org_id = $org_id AND a.version = $version
RETURN a.id AS source, b.id AS target
