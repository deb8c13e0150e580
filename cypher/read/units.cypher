// The units of one version, in saved order (parents before children).
MATCH (u:Unit)
WHERE u.org_id = $org_id AND u.version = $version
RETURN u.seq AS seq, u.id AS id, u.parent AS parent, u.name AS name, u.kind AS kind,
       u.function AS function, u.category AS category, u.establishment AS establishment,
       u.police AS police, u.auxiliaries AS auxiliaries, u.leaders AS leaders,
       u.duty_roster AS duty_roster, u.community_share AS community_share
ORDER BY u.seq
