// Phase 1 of a group of scenario saves: each result's version node, not yet complete, with
// its ROOT edge ($rows: one map per version, the parameters of write/version). The scenarios'
// statement (write/scenarios) marks them complete. Returns how many were created.
UNWIND $rows AS r
MATCH (u:Unit {key: r.root_key})
CREATE (v:OrgVersion {
    key: r.key, org_id: r.org_id, version: r.version, graph_id: r.graph_id, name: r.name,
    description: r.description, parent_bureau_name: r.parent_bureau_name,
    parent_bureau_functions: r.parent_bureau_functions, author: r.author, message: r.message,
    created_at: r.now, units: r.units, police: r.police, auxiliaries: r.auxiliaries,
    guides: r.guides, dispatches: r.dispatches, complete: false
})-[:ROOT]->(u)
RETURN count(v) AS n
