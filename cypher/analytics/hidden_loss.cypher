// Hidden workforce loss (警力隐性流失) of every unit, with the staffing norms as a parameter.
//
// For a unit u of kind k, with the norms of k (L leaders, A admin posts, D 24/7 duty posts,
// K officers per 24/7 post, S efficient size; the unit's own leaders / duty_roster win):
//   fixed posts    F = L + A + (D × K if the unit runs its own duty roster else 0)
//   overhead       O = min(police, F)
//   hidden loss    = O × max(0, 1 − police / S)
// A unit at or above S has none; merging small units lowers it. Hollow (空壳): police < F.
//
// Parameters: $org_id, $version, and $norms — one map per unit kind:
//   [{kind: 'station', leaders: 2, admin: 1, duty_posts: 1, officers_per_post: 5,
//     efficient_size: 40, duty_roster: true}, ...]
// (orgmodel passes seeds/norms.yaml, or the norms file given with --norms.)
MATCH (u:Unit)
WHERE u.org_id = $org_id AND u.version = $version
UNWIND $norms AS n
WITH u, n
WHERE n.kind = u.kind
WITH u, n,
     coalesce(u.leaders, n.leaders) AS leaders,
     coalesce(u.duty_roster, n.duty_roster) AS roster
WITH u, n.efficient_size AS efficient_size,
     leaders + n.admin + CASE WHEN roster THEN n.duty_posts * n.officers_per_post ELSE 0 END
         AS fixed_posts
WITH u, efficient_size, fixed_posts,
     CASE WHEN u.police < fixed_posts THEN u.police ELSE fixed_posts END AS overhead
RETURN u.id AS unit, u.name AS name, u.kind AS kind, u.police AS police,
       fixed_posts, overhead, u.police < fixed_posts AS hollow,
       overhead * CASE WHEN u.police >= efficient_size THEN 0.0
                       ELSE 1.0 - 1.0 * u.police / efficient_size END AS hidden_loss
ORDER BY hidden_loss DESC, unit
