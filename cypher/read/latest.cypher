// The latest version number of an organisation (no row, or null, when it does not exist).
OPTIONAL MATCH (o:Org {id: $org_id})
RETURN o.latest AS latest
