// One batch of units ($rows: maps with the Unit properties of schema.ladybug.cypher),
// upserted on the unique key.
UNWIND $rows AS r
MERGE (u:Unit {key: r.key})
SET u += r
