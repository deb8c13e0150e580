// A scenario: its resulting organisation (stored as org "scenario:<id>", version 1), the
// scenario node, and the links to its base version and its result.
CREATE (v:OrgVersion {
    key: $key, org_id: $org_id, version: $version, graph_id: $graph_id, name: $name,
    description: $description, parent_bureau_name: $parent_bureau_name,
    parent_bureau_functions: $parent_bureau_functions, author: $author, message: $message,
    created_at: $now, units: $units, police: $police, auxiliaries: $auxiliaries
});

MATCH (v:OrgVersion {key: $key}), (u:Unit {key: $root_key})
CREATE (v)-[:ROOT]->(u);

CREATE (s:Scenario {
    id: $scenario_id, base_id: $base_id, base_version: $base_version, result_org_id: $org_id,
    plan: $plan, author: $author, message: $message, created_at: $now
});

MATCH (s:Scenario {id: $scenario_id}), (b:OrgVersion {key: $base_key})
CREATE (s)-[:BASED_ON]->(b);

MATCH (s:Scenario {id: $scenario_id}), (r:OrgVersion {key: $key})
CREATE (s)-[:RESULT]->(r)
