// GUIDES edges of one version by the units' places in the version (their seq): the load
// maps them to rows of read/units without looking up an id.
MATCH (a:Unit)-[:GUIDES]->(b:Unit)
WHERE a.org_id = $org_id AND a.version = $version
RETURN a.seq AS source, b.seq AS target
