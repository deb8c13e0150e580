// Start of a save (Neo4j): create or touch the Org node, which takes its write lock until
// the transaction ends, so concurrent saves to one organisation queue here, then read the
// latest version. (MERGE on the unique id also serialises two first saves of a new org.)
MERGE (o:Org {id: $org_id})
ON CREATE SET o.latest = 0, o.created_at = $now
SET o.updated_at = $now
RETURN o.latest AS latest
