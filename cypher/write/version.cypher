// End of a save: the version node, its root, and the organisation's latest version.
MERGE (o:Org {id: $org_id})
ON CREATE SET o.created_at = $now
SET o.name = $name, o.description = $description, o.latest = $version, o.updated_at = $now;

CREATE (v:OrgVersion {
    key: $key, org_id: $org_id, version: $version, graph_id: $graph_id, name: $name,
    description: $description, parent_bureau_name: $parent_bureau_name,
    parent_bureau_functions: $parent_bureau_functions, author: $author, message: $message,
    created_at: $now, units: $units, police: $police, auxiliaries: $auxiliaries
});

MATCH (o:Org {id: $org_id}), (v:OrgVersion {key: $key})
CREATE (o)-[:HAS_VERSION]->(v);

MATCH (v:OrgVersion {key: $key}), (u:Unit {key: $root_key})
CREATE (v)-[:ROOT]->(u)
