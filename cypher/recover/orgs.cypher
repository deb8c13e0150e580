// Recovery at open: each organisation's latest pointer.
MATCH (o:Org)
RETURN o.id AS org_id, o.latest AS latest
