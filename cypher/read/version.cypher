// One version's header: identity, parent bureau, author, message and totals.
MATCH (v:OrgVersion {key: $key})
WHERE coalesce(v.complete, true)
RETURN v.org_id AS org_id, v.version AS version, v.graph_id AS graph_id, v.name AS name,
       v.description AS description, v.parent_bureau_name AS parent_bureau_name,
       v.parent_bureau_functions AS parent_bureau_functions, v.author AS author,
       v.message AS message, v.created_at AS created_at, v.units AS units,
       v.police AS police, v.auxiliaries AS auxiliaries
