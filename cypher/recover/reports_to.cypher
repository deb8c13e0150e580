// Recovery at open: how many REPORTS_TO edges each stored version really has.
MATCH (a:Unit)-[:REPORTS_TO]->(:Unit)
RETURN a.org_id AS org_id, a.version AS version, count(*) AS n
