// Every version of an organisation, oldest first.
MATCH (v:OrgVersion)
WHERE v.org_id = $org_id AND coalesce(v.complete, true)
RETURN v.org_id AS org_id, v.version AS version, v.name AS name, v.author AS author,
       v.message AS message, v.created_at AS created_at, v.units AS units,
       v.police AS police, v.auxiliaries AS auxiliaries
ORDER BY version
