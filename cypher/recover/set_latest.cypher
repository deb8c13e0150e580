// Recovery at open: point an organisation at its last complete version.
MATCH (o:Org {id: $org_id})
SET o.latest = $latest
