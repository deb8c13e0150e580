// Recovery at open: store the summary of a scenario's plan (once, for older scenarios).
MATCH (s:Scenario {id: $scenario_id})
SET s.plan_name = $plan_name, s.plan_ops = $plan_ops
