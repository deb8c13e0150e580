// Phase 2 of a scenario: its resulting organisation (stored as org "scenario:<id>", version
// 1, written by write/version in phase 1) is marked complete, and the scenario node is
// created with the summary of its plan and the links to its base version and its result.
MATCH (v:OrgVersion {key: $key})
SET v.complete = true;

CREATE (s:Scenario {
    id: $scenario_id, base_id: $base_id, base_version: $base_version, result_org_id: $org_id,
    plan: $plan, plan_name: $plan_name, plan_ops: $plan_ops, author: $author,
    message: $message, created_at: $now
});

MATCH (s:Scenario {id: $scenario_id}), (b:OrgVersion {key: $base_key})
CREATE (s)-[:BASED_ON]->(b);

MATCH (s:Scenario {id: $scenario_id}), (r:OrgVersion {key: $key})
CREATE (s)-[:RESULT]->(r)
