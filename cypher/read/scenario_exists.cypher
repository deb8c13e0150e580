// Whether a scenario id is taken.
MATCH (s:Scenario {id: $scenario_id})
RETURN count(s) AS n
