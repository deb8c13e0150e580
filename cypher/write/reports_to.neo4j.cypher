// One batch of REPORTS_TO edges ($rows: [{from: unit key, to: unit key}]), UNWIND'ed.
UNWIND $rows AS r
MATCH (a:Unit {key: r.from})
MATCH (b:Unit {key: r.to})
MERGE (a)-[:REPORTS_TO]->(b)
