// Recovery at open: how many GUIDES edges each stored version really has.
MATCH (a:Unit)-[:GUIDES]->(:Unit)
RETURN a.org_id AS org_id, a.version AS version, count(*) AS n
