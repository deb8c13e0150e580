// Audit entries of a group of writes ($rows: one map per entry, the parameters of write/audit).
UNWIND $rows AS r
CREATE (a:Audit {
    id: r.id, at: r.now, author: r.author, action: r.action, org_id: r.org_id,
    version: r.version, scenario_id: r.scenario_id, message: r.message, detail: r.detail
})
