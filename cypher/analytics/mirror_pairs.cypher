// Mirror pairs (上下对口): every bureau B with departments, paired with its parent bureau P.
//
// D(X) = functions of the departments and command centres (情指中心) whose nearest bureau is
// X. mirror(B) = |D(B) ∩ D(P)| / |D(B)|: the share of B's functions copied from the bureau
// above. For the root of an organisation exported alone, P is the parent bureau recorded
// with the version (OrgVersion.parent_bureau_name / parent_bureau_functions).
// The organisation's mirror index = Σ shared / Σ departments over these rows.
//
// Parameters: $org_id, $version.
//
// Every walk goes up, a few hops from a department or a bureau; none goes down a bureau's
// subtree. The bureau kinds are tested after each walk (WITH … WHERE), not in it, so the
// engine starts the walk from the department (a filter on the far end lets LadybugDB walk
// down from every bureau instead); k hops up from a unit is one unit, so the second walk of
// each pair needs no filter.

// Each department's nearest bureau X (the bureau ancestor fewest hops up): D(X) …
MATCH (d:Unit)
WHERE d.org_id = $org_id AND d.version = $version
  AND d.kind IN ['department', 'command_center'] AND d.function IS NOT NULL
MATCH path = (d)-[:REPORTS_TO*1..30]->(x:Unit)
WITH d, x, length(path) AS h
WHERE x.kind IN ['ministry', 'province', 'city', 'county']
WITH d, min(h) AS hops
MATCH path = (d)-[:REPORTS_TO*1..30]->(x:Unit)
WHERE length(path) = hops
WITH x, collect(DISTINCT d.function) AS functions
// … X's parent bureau P, the nearest bureau above X (none for the root) …
OPTIONAL MATCH up = (x)-[:REPORTS_TO*1..30]->(a:Unit)
WITH x, functions,
     min(CASE WHEN a.kind IN ['ministry', 'province', 'city', 'county'] THEN length(up) END)
         AS up_hops
OPTIONAL MATCH up = (x)-[:REPORTS_TO*1..30]->(p:Unit)
WHERE length(up) = up_hops
// … and D(B) ∩ D(P), meeting in one group: each function f of X is written once under X
// (own = 1) and once under X's parent P (own = 0), so where P has f and a bureau B below it
// has f too, the two rows meet in the group (P, f).
UNWIND functions AS f
UNWIND [1, 0] AS own
WITH x, f, own,
     CASE WHEN own = 1 THEN x.id ELSE p.id END AS key,
     CASE WHEN own = 1 THEN x.name ELSE p.name END AS key_name
WHERE key IS NOT NULL
WITH key, key_name, f, max(own) AS owned, collect(x) AS xs
UNWIND xs AS b
WITH b.id AS bureau, b.name AS name, key, key_name, f, owned
WHERE bureau <> key
WITH bureau, name, key, key_name, count(*) AS departments,
     count(CASE WHEN owned = 1 THEN f END) AS shared
RETURN bureau, name, key AS parent_bureau, key_name AS parent_name,
       departments, shared, 1.0 * shared / departments AS mirror

UNION ALL

// The root, against the parent bureau recorded outside the graph: the departments whose
// nearest bureau is the root (walked down from the root once; each found walks up).
MATCH (v:OrgVersion)-[:ROOT]->(b:Unit)
WHERE v.org_id = $org_id AND v.version = $version AND v.parent_bureau_name IS NOT NULL
  AND b.kind IN ['ministry', 'province', 'city', 'county']
MATCH path = (d:Unit)-[:REPORTS_TO*1..30]->(b)
WHERE d.kind IN ['department', 'command_center'] AND d.function IS NOT NULL
  AND NOT EXISTS {
      MATCH near = (d)-[:REPORTS_TO*1..30]->(x:Unit)
      WHERE x.kind IN ['ministry', 'province', 'city', 'county']
        AND length(near) < length(path)
  }
WITH b, v, count(DISTINCT d.function) AS departments,
     count(DISTINCT CASE WHEN d.function IN v.parent_bureau_functions THEN d.function END)
         AS shared
// b.parent is null for the root: a typed null (a bare NULL has no type in LadybugDB).
RETURN b.id AS bureau, b.name AS name, b.parent AS parent_bureau,
       v.parent_bureau_name AS parent_name, departments, shared,
       1.0 * shared / departments AS mirror
