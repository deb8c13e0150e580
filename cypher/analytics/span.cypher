// Span of control (管理幅度) of every managing unit of one organisation version.
//
// span(u) = number of direct REPORTS_TO children of u. Leaves are left out (DOMAIN.md:
// they are not counted as zero). Runs unchanged on LadybugDB and Neo4j.
//
// Parameters: $org_id (e.g. 'mirror-county'), $version (e.g. 1).
// Neo4j Browser: :param org_id => 'mirror-county'   :param version => 1
MATCH (child:Unit)-[:REPORTS_TO]->(u:Unit)
WHERE u.org_id = $org_id AND u.version = $version
RETURN u.id AS unit, u.name AS name, u.kind AS kind, count(child) AS span
ORDER BY span DESC, unit
