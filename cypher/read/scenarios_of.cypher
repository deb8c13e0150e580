// The scenarios based on one organisation, oldest first.
MATCH (s:Scenario)-[:RESULT]->(r:OrgVersion)
WHERE s.base_id = $base_id AND coalesce(r.complete, true)
RETURN s.id AS scenario_id, s.base_id AS base_id, s.base_version AS base_version,
       s.plan AS plan, s.plan_name AS plan_name, s.plan_ops AS plan_ops, s.author AS author,
       s.message AS message, s.created_at AS created_at,
       r.units AS units, r.police AS police
ORDER BY created_at, scenario_id
