// A small save's REPORTS_TO edges ($rows: a list of {from, to} unit keys), inserted by the
// transaction itself (write-ahead log, no forced checkpoint; see units_few). Two MATCH
// clauses: each end is a primary-key lookup. Written as one comma-separated pattern the
// engine planned a cross product of the whole Unit table with itself (quadratic in the
// store's size: 60 ms for a county's 73 edges on the seeded store, and growing).
UNWIND $rows AS r
MATCH (a:Unit {key: r.`from`})
MATCH (b:Unit {key: r.`to`})
CREATE (a)-[:REPORTS_TO]->(b)
