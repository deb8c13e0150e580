// The audit log, newest first.
MATCH (a:Audit)
RETURN a.at AS at, a.author AS author, a.action AS action, a.org_id AS org_id,
       a.version AS version, a.scenario_id AS scenario_id, a.message AS message,
       a.detail AS detail
ORDER BY at DESC
LIMIT $limit
