// Station share (派出所警力占比) of every county bureau (县公安局/分局).
//
// station_share(B) = police in B's stations (派出所 with their teams, offices and community
// posts) / police in B's whole subtree. The Ministry's target is at least 40%; Beijing
// Xicheng reports 64.5%. Null when the bureau's subtree has no police.
// This is the county-level share of orgmodel.metrics.station_shares when county bureaus do
// not head other 分局 and no city bureau commands a 派出所 directly (true of the seeds); the
// library also handles those cases (a 分局 measured without the 分局 below it).
//
// Parameters: $org_id, $version.
MATCH (b:Unit)
WHERE b.org_id = $org_id AND b.version = $version AND b.kind = 'county'
MATCH (x:Unit)-[:REPORTS_TO*0..30]->(b)
WITH b, x,
     EXISTS {
         MATCH (x)-[:REPORTS_TO*0..30]->(s:Unit)-[:REPORTS_TO*1..30]->(b)
         WHERE s.kind = 'station'
     } AS in_station
WITH b, sum(x.police) AS police,
     sum(CASE WHEN in_station THEN x.police ELSE 0 END) AS station_police
RETURN b.id AS bureau, b.name AS name, police, station_police,
       CASE WHEN police = 0 THEN NULL ELSE 1.0 * station_police / police END AS station_share
ORDER BY bureau
