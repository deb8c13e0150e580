// Recovery at open: how many units each stored version really has.
MATCH (u:Unit)
RETURN u.org_id AS org_id, u.version AS version, count(u) AS n
