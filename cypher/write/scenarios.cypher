// Phase 2 of a group of scenario saves ($rows: one map per scenario: its result version,
// base version and plan summary): each result version is marked complete, and each scenario node is created
// with the summary of its plan and its links to its base version and its result. Every node
// is found by its primary key (two MATCH clauses: a comma-separated pattern can be planned as
// a cross product). Returns how many were created: fewer than $rows means a base or a result
// was not there, and the store rolls the group back.
UNWIND $rows AS r
MATCH (b:OrgVersion {key: r.base_key})
MATCH (v:OrgVersion {key: r.key})
SET v.complete = true
CREATE (s:Scenario {
    id: r.scenario_id, base_id: r.base_id, base_version: r.base_version,
    result_org_id: r.org_id, plan: r.plan, plan_name: r.plan_name, plan_ops: r.plan_ops,
    author: r.author, message: r.message, created_at: r.now
})
CREATE (s)-[:BASED_ON]->(b)
CREATE (s)-[:RESULT]->(v)
RETURN count(s) AS n
