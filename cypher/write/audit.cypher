// One audit entry: who, when, what.
CREATE (a:Audit {
    id: $id, at: $now, author: $author, action: $action, org_id: $org_id, version: $version,
    scenario_id: $scenario_id, message: $message, detail: $detail
})
