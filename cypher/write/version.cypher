// Phase 1 of a save (or of a scenario's result): the version node, not yet complete, and
// its root. It becomes visible only in phase 2 (write/version_complete), once this
// transaction, with every unit and edge of the version, has committed.
CREATE (v:OrgVersion {
    key: $key, org_id: $org_id, version: $version, graph_id: $graph_id, name: $name,
    description: $description, parent_bureau_name: $parent_bureau_name,
    parent_bureau_functions: $parent_bureau_functions, author: $author, message: $message,
    created_at: $now, units: $units, police: $police, auxiliaries: $auxiliaries,
    guides: $guides, dispatches: $dispatches, complete: false
});

MATCH (v:OrgVersion {key: $key}), (u:Unit {key: $root_key})
CREATE (v)-[:ROOT]->(u)
