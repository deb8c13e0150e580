// Recovery at open: every version with its completeness and the counts it was saved with
// (guides/dispatches are null for versions saved before they were recorded).
MATCH (v:OrgVersion)
RETURN v.org_id AS org_id, v.version AS version, coalesce(v.complete, true) AS complete,
       v.units AS units, v.guides AS guides, v.dispatches AS dispatches
