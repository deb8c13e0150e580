// One batch of DISPATCHES edges ($rows: [{from: unit key, to: unit key}]), UNWIND'ed.
UNWIND $rows AS r
MATCH (a:Unit {key: r.from})
MATCH (b:Unit {key: r.to})
MERGE (a)-[:DISPATCHES]->(b)
