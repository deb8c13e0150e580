// DISPATCHES edges (情指中心 → unit it tasks directly) of one version.
MATCH (a:Unit)-[:DISPATCHES]->(b:Unit)
WHERE a.org_id = $org_id AND a.version = $version
RETURN a.id AS source, b.id AS target
