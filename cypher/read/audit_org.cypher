// The audit log of one organisation, newest first.
MATCH (a:Audit)
WHERE a.org_id = $org_id
RETURN a.at AS at, a.author AS author, a.action AS action, a.org_id AS org_id,
       a.version AS version, a.scenario_id AS scenario_id, a.message AS message,
       a.detail AS detail
ORDER BY at DESC
LIMIT $limit
