// Recovery at open: how many DISPATCHES edges each stored version really has.
MATCH (a:Unit)-[:DISPATCHES]->(:Unit)
RETURN a.org_id AS org_id, a.version AS version, count(*) AS n
