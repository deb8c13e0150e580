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
// How it stays linear: one walk up from every unit, then only bureaus. A unit's nearest
// county-level bureau is that of its nearest bureau (county-level bureaus are bureaus), so
// the units are summed per nearest bureau first, and the county-level bureaus are looked up
// among the few hundred bureaus only. (Carrying the list of county-level bureaus through the
// rows of every unit, as this query once did, made LadybugDB test and group 100,000 units ×
// 5 ancestors by a list of 400 ids: 101,638 units 13 CPU s, or more memory than the store's
// buffer pool. Walking down from each bureau with a nested walk per unit found was worse.)
// Bureau kinds are tested after a walk (WITH … WHERE), so that it starts from the unit
// below; k hops up from a unit is one unit, so each second walk needs no filter.

// Every unit: its nearest bureau at or above it, and whether it is in a 派出所 …
MATCH (x:Unit)
WHERE x.org_id = $org_id AND x.version = $version
MATCH path = (x)-[:REPORTS_TO*0..30]->(a:Unit)
WITH x, length(path) AS h, a.kind AS kind
WITH x,
     min(CASE WHEN kind IN ['ministry', 'province', 'city', 'county'] THEN h END) AS hops,
     max(CASE WHEN kind = 'station' THEN 1 ELSE 0 END) AS in_station
WHERE hops IS NOT NULL
MATCH path = (x)-[:REPORTS_TO*0..30]->(nb:Unit)
WHERE length(path) = hops
// … summed per nearest bureau (stations: the 派出所 whose nearest bureau it is) …
WITH nb, sum(x.police) AS police,
     sum(CASE WHEN in_station = 1 THEN x.police ELSE 0 END) AS station_police,
     count(CASE WHEN x.kind = 'station' THEN 1 END) AS stations
// … each bureau's parent bureau (the nearest bureau above it) …
OPTIONAL MATCH path = (nb)-[:REPORTS_TO*1..30]->(a:Unit)
WITH nb, police, station_police, stations,
     min(CASE WHEN a.kind IN ['ministry', 'province', 'city', 'county'] THEN length(path) END)
         AS up_hops
OPTIONAL MATCH path = (nb)-[:REPORTS_TO*1..30]->(pb:Unit)
WHERE length(path) = up_hops
// … so the county-level bureaus: every head of stations (a bureau with a 派出所 below it
// before any other bureau), and every county bureau that is no bureau's parent bureau …
WITH collect({id: nb.id, police: police, station_police: station_police}) AS bureaus,
     collect(CASE WHEN stations > 0 THEN nb.id END) AS heads,
     collect(pb.id) AS parents
UNWIND bureaus AS r
MATCH (b:Unit)
WHERE b.org_id = $org_id AND b.version = $version
  AND b.kind IN ['ministry', 'province', 'city', 'county'] AND b.id = r.id
MATCH path = (b)-[:REPORTS_TO*0..30]->(a:Unit)
WITH b, r.police AS police, r.station_police AS station_police, length(path) AS h,
     a.id IN heads OR (a.kind = 'county' AND NOT (a.id IN parents)) AS county_level
WHERE county_level
WITH b, police, station_police, min(h) AS hops
MATCH path = (b)-[:REPORTS_TO*0..30]->(c:Unit)
WHERE length(path) = hops
WITH c, sum(police) AS police, sum(station_police) AS station_police
RETURN c.id AS bureau, c.name AS name, police, station_police,
       CASE WHEN police = 0 THEN NULL ELSE 1.0 * station_police / police END AS station_share
ORDER BY bureau
