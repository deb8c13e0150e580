// A small save's units (the columns of schema.ladybug.cypher's Unit table, breadth-first),
// inserted by the transaction itself from the Arrow table the store builds from the
// organisation's columns ($rows; no file, no text spliced). Unlike COPY, whose COMMIT forces a
// checkpoint of the whole database file (hundreds of milliseconds, growing with the store),
// these rows go to the write-ahead log like any other write: the store uses this below
// LadybugStore.few_rows units, COPY above.
LOAD FROM $rows
CREATE (:Unit {
    key: key,
    org_id: org_id,
    version: version,
    id: id,
    seq: seq,
    parent: parent,
    name: name,
    kind: kind,
    `function`: `function`,
    category: category,
    establishment: establishment,
    police: police,
    auxiliaries: auxiliaries,
    leaders: leaders,
    duty_roster: duty_roster,
    community_share: community_share
})
