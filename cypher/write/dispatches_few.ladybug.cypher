// A small save's DISPATCHES edges ($rows: a list of {from, to} unit keys), inserted by the
// transaction itself (write-ahead log, no forced checkpoint; see units_few).
UNWIND $rows AS r
MATCH (a:Unit {key: r.`from`}), (b:Unit {key: r.`to`})
CREATE (a)-[:DISPATCHES]->(b)
