// Mirror pairs (上下对口): every bureau B with departments, paired with its parent bureau P.
//
// D(X) = functions of the departments and command centres (情指中心) whose nearest bureau is
// X. mirror(B) = |D(B) ∩ D(P)| / |D(B)|: the share of B's functions copied from the bureau
// above. For the root of an organisation exported alone, P is the parent bureau recorded
// with the version (OrgVersion.parent_bureau_name / parent_bureau_functions).
// The organisation's mirror index = Σ shared / Σ departments over these rows.
//
// Parameters: $org_id, $version.

// Each department's nearest bureau B (the bureau ancestor fewest hops up) ...
MATCH (d:Unit)
WHERE d.org_id = $org_id AND d.version = $version
  AND d.kind IN ['department', 'command_center'] AND d.function IS NOT NULL
MATCH path = (d)-[:REPORTS_TO*1..30]->(b:Unit)
WHERE b.kind IN ['ministry', 'province', 'city', 'county']
WITH d, min(length(path)) AS hops
MATCH path = (d)-[:REPORTS_TO*1..30]->(b:Unit)
WHERE b.kind IN ['ministry', 'province', 'city', 'county'] AND length(path) = hops
WITH b, count(DISTINCT d.function) AS departments
// ... B's parent bureau P, the nearest bureau above B ...
MATCH up = (b)-[:REPORTS_TO*1..30]->(p:Unit)
WHERE p.kind IN ['ministry', 'province', 'city', 'county']
WITH b, departments, min(length(up)) AS up_hops
MATCH up = (b)-[:REPORTS_TO*1..30]->(p:Unit)
WHERE p.kind IN ['ministry', 'province', 'city', 'county'] AND length(up) = up_hops
// ... and the functions both have: a department of B and one of P with the same function.
OPTIONAL MATCH (bd:Unit)-[:REPORTS_TO*1..30]->(b)
WHERE bd.kind IN ['department', 'command_center'] AND bd.function IS NOT NULL
  AND NOT EXISTS {
      MATCH (bd)-[:REPORTS_TO*1..30]->(mid:Unit)-[:REPORTS_TO*1..30]->(b)
      WHERE mid.kind IN ['ministry', 'province', 'city', 'county']
  }
  AND EXISTS {
      MATCH (pd:Unit)-[:REPORTS_TO*1..30]->(p)
      WHERE pd.kind IN ['department', 'command_center'] AND pd.function = bd.function
        AND NOT EXISTS {
            MATCH (pd)-[:REPORTS_TO*1..30]->(mid2:Unit)-[:REPORTS_TO*1..30]->(p)
            WHERE mid2.kind IN ['ministry', 'province', 'city', 'county']
        }
  }
WITH b, p, departments, count(DISTINCT bd.function) AS shared
RETURN b.id AS bureau, b.name AS name, p.id AS parent_bureau, p.name AS parent_name,
       departments, shared, 1.0 * shared / departments AS mirror

UNION ALL

// The root, against the parent bureau recorded outside the graph.
MATCH (v:OrgVersion)-[:ROOT]->(b:Unit)
WHERE v.org_id = $org_id AND v.version = $version AND v.parent_bureau_name IS NOT NULL
MATCH (d:Unit)-[:REPORTS_TO*1..30]->(b)
WHERE d.kind IN ['department', 'command_center'] AND d.function IS NOT NULL
  AND NOT EXISTS {
      MATCH (d)-[:REPORTS_TO*1..30]->(mid:Unit)-[:REPORTS_TO*1..30]->(b)
      WHERE mid.kind IN ['ministry', 'province', 'city', 'county']
  }
WITH b, v, count(DISTINCT d.function) AS departments,
     count(DISTINCT CASE WHEN d.function IN v.parent_bureau_functions THEN d.function END)
         AS shared
// b.parent is null for the root: a typed null (a bare NULL has no type in LadybugDB).
RETURN b.id AS bureau, b.name AS name, b.parent AS parent_bureau,
       v.parent_bureau_name AS parent_name, departments, shared,
       1.0 * shared / departments AS mirror
