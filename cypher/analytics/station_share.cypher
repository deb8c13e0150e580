// Station share (派出所警力占比) of every county-level bureau (县级公安机关), as
// orgmodel.metrics.station_shares computes it (DOMAIN.md, "Frontline shares").
//
// A county-level bureau is the bureau nearest above a 派出所 (a county bureau or 分局, or a
// city bureau that commands stations directly), and a county bureau with no bureau below it
// (its share is then 0). A county bureau that only heads other 分局 is not one.
// Its own region is its subtree without the subtrees of the county-level bureaus below it,
// so no officer is counted twice:
//   station_share(B) = police in stations (with their teams, offices and posts) in B's region
//                      / police in B's region
// The Ministry's target is at least 40%; Beijing Xicheng reports 64.5%. Null when the region
// has no police.
//
// Parameters: $org_id, $version.
MATCH (b:Unit)
WHERE b.org_id = $org_id AND b.version = $version
  AND b.kind IN ['ministry', 'province', 'city', 'county']
WITH b,
     EXISTS {
         MATCH (s:Unit)-[:REPORTS_TO*1..30]->(b)
         WHERE s.kind = 'station'
           AND NOT EXISTS {
               MATCH (s)-[:REPORTS_TO*1..30]->(m:Unit)-[:REPORTS_TO*1..30]->(b)
               WHERE m.kind IN ['ministry', 'province', 'city', 'county']
           }
     } AS heads_station,
     EXISTS {
         MATCH (x:Unit)-[:REPORTS_TO*1..30]->(b)
         WHERE x.kind IN ['ministry', 'province', 'city', 'county']
     } AS has_lower
WHERE heads_station OR (b.kind = 'county' AND NOT has_lower)
WITH collect(b.id) AS county_level
MATCH (b:Unit)
WHERE b.org_id = $org_id AND b.version = $version AND b.id IN county_level
MATCH (x:Unit)-[:REPORTS_TO*0..30]->(b)
WHERE NOT EXISTS {
    MATCH (x)-[:REPORTS_TO*0..30]->(m:Unit)-[:REPORTS_TO*1..30]->(b)
    WHERE m.id IN county_level
}
WITH b, x,
     EXISTS {
         MATCH (x)-[:REPORTS_TO*0..30]->(s:Unit)
         WHERE s.kind = 'station'
     } AS in_station
WITH b, sum(x.police) AS police,
     sum(CASE WHEN in_station THEN x.police ELSE 0 END) AS station_police
RETURN b.id AS bureau, b.name AS name, police, station_police,
       CASE WHEN police = 0 THEN NULL ELSE 1.0 * station_police / police END AS station_share
ORDER BY bureau
