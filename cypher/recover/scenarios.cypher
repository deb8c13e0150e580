// Recovery at open: scenarios, with the stored plan when its summary is missing (scenarios
// saved before summaries were kept get one, once).
MATCH (s:Scenario)
RETURN s.id AS scenario_id, s.result_org_id AS result_org_id, s.plan_ops IS NULL AS stale,
       CASE WHEN s.plan_ops IS NULL THEN s.plan ELSE NULL END AS plan
