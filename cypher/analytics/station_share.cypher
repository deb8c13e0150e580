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
//
// Walks go up from a unit to the bureaus above it (a few hops each), never down from a
// bureau over its subtree with a nested walk for every unit found: that form tested every
// unit against every unit of a province (10,210 units: 4.0 CPU s, now 0.7).
// The county-level bureaus: the nearest bureau above each 派出所 …
MATCH (s:Unit)
WHERE s.org_id = $org_id AND s.version = $version AND s.kind = 'station'
MATCH path = (s)-[:REPORTS_TO*1..30]->(b:Unit)
WHERE b.kind IN ['ministry', 'province', 'city', 'county']
WITH s, min(length(path)) AS hops
MATCH path = (s)-[:REPORTS_TO*1..30]->(b:Unit)
WHERE b.kind IN ['ministry', 'province', 'city', 'county'] AND length(path) = hops
WITH collect(DISTINCT b.id) AS heads
// … and every county bureau with no bureau below it.
OPTIONAL MATCH (c:Unit)
WHERE c.org_id = $org_id AND c.version = $version AND c.kind = 'county'
  AND NOT EXISTS {
      MATCH (x:Unit)-[:REPORTS_TO*1..30]->(c)
      WHERE x.kind IN ['ministry', 'province', 'city', 'county']
  }
WITH heads, collect(c.id) AS lone
WITH heads + lone AS county_level
// B's region: the units whose nearest county-level bureau at or above them is B.
MATCH (x:Unit)
WHERE x.org_id = $org_id AND x.version = $version
MATCH path = (x)-[:REPORTS_TO*0..30]->(b:Unit)
WHERE b.id IN county_level
WITH county_level, x, min(length(path)) AS hops
MATCH path = (x)-[:REPORTS_TO*0..30]->(b:Unit)
WHERE b.id IN county_level AND length(path) = hops
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
