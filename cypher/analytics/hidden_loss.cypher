// Hidden workforce loss (警力隐性流失) of every establishment, with the staffing norms as a
// parameter (DOMAIN.md, "Hidden workforce loss" and "Establishments").
//
// An establishment (编制单元) is where fixed posts are counted: a 派出所 with its teams (队), its
// office (综合指挥室) and its community posts is one — its leaders lead the teams, its office
// runs its one roster; every other unit is its own. With the norms of the head unit's kind
// (L leaders, A admin posts, D 24/7 duty posts, K officers per 24/7 post, S efficient size;
// the head's own leaders win):
//   fixed posts    F = L + A + (D × K once, if the head or any member keeps a roster)
//                      + the members' added_posts (teams and offices; shipped 0)
//   police         = Σ police of the establishment's units
//   overhead       O = min(police, F)
//   hidden loss    = O × max(0, 1 − police / S)
// Sums are carried as floats so that both engines add them alike. At or above S there is none; merging small units lowers it. Hollow (空壳): police < F.
// One row per establishment, named by its head unit (members: how many units it has).
//
// Parameters: $org_id, $version, and $norms — one map per unit kind:
//   [{kind: 'station', leaders: 2, admin: 1, duty_posts: 1, officers_per_post: 5,
//     efficient_size: 40, duty_roster: true, added_posts: 0}, ...]
// (orgmodel passes seeds/norms.yaml, or the norms file given with --norms.)
MATCH (u:Unit)
WHERE u.org_id = $org_id AND u.version = $version
OPTIONAL MATCH (u)-[:REPORTS_TO]->(p1:Unit)
OPTIONAL MATCH (p1)-[:REPORTS_TO]->(p2:Unit)
OPTIONAL MATCH (p2)-[:REPORTS_TO]->(p3:Unit)
WITH u,
     CASE
         WHEN NOT u.kind IN ['team', 'office', 'community_post'] THEN u.id
         WHEN p1.kind = 'station' THEN p1.id
         WHEN p1.kind IN ['team', 'office', 'community_post'] AND p2.kind = 'station'
             THEN p2.id
         WHEN p1.kind IN ['team', 'office', 'community_post']
             AND p2.kind IN ['team', 'office', 'community_post'] AND p3.kind = 'station'
             THEN p3.id
         ELSE u.id
     END AS head_id
// The units of an establishment alike in kind and roster are summed before the norms are
// joined to them (a join per unit made 11 rows of every unit).
WITH head_id, u.kind AS kind, u.duty_roster AS own_roster, u.id = head_id AS is_head,
     sum(1.0 * u.police) AS police, count(*) AS members
UNWIND $norms AS n
WITH head_id, kind, own_roster, is_head, police, members, n
WHERE n.kind = kind
WITH head_id, police, members,
     CASE WHEN coalesce(own_roster, n.duty_roster) THEN 1 ELSE 0 END AS roster,
     CASE WHEN is_head THEN 0.0 ELSE 1.0 * n.added_posts * members END AS added
WITH head_id, sum(police) AS police, sum(members) AS members, max(roster) AS roster,
     sum(added) AS added
MATCH (h:Unit)
WHERE h.org_id = $org_id AND h.version = $version AND h.id = head_id
UNWIND $norms AS n
WITH h, n, police, members, roster, added
WHERE n.kind = h.kind
WITH h, police, members, n.efficient_size AS efficient_size,
     added + coalesce(h.leaders, n.leaders) + n.admin
         + CASE WHEN roster = 1 THEN n.duty_posts * n.officers_per_post ELSE 0 END
         AS fixed_posts
WITH h, police, members, efficient_size, fixed_posts,
     CASE WHEN police < fixed_posts THEN police ELSE fixed_posts END AS overhead
RETURN h.id AS unit, h.name AS name, h.kind AS kind, members, police,
       fixed_posts, overhead, police < fixed_posts AS hollow,
       overhead * CASE WHEN police >= efficient_size THEN 0.0
                       ELSE 1.0 - 1.0 * police / efficient_size END AS hidden_loss
ORDER BY hidden_loss DESC, unit
