// Delete the organisation node (its versions are deleted first, by delete_graph).
MATCH (o:Org {id: $org_id})
DETACH DELETE o
