// Delete a scenario node (its result graph is deleted by delete_graph).
MATCH (s:Scenario {id: $scenario_id})
DETACH DELETE s
