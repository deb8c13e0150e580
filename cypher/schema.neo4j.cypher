// orgmodel graph schema for Neo4j (5.x): constraints and indexes only.
//
// Why a separate file from schema.ladybug.cypher: Neo4j is schema-optional — labels,
// relationship types and properties need no declaration, and types follow the values
// written (the store writes the same types as LadybugDB's typed tables: strings, integers,
// booleans, floats, datetimes, lists of strings). What Neo4j does need is uniqueness
// constraints on the keys (they also back the MERGE lookups of the bulk writes) and indexes
// for the (org_id, version) lookups every analytic query starts from; LadybugDB has no
// CREATE CONSTRAINT / CREATE INDEX syntax and gets both from its primary keys and scans.
//
// Labels:  Org, OrgVersion, Unit, Scenario, Audit
// Rels:    (Unit)-[:REPORTS_TO]->(Unit), (Unit)-[:GUIDES]->(Unit), (Unit)-[:DISPATCHES]->(Unit),
//          (Org)-[:HAS_VERSION]->(OrgVersion), (OrgVersion)-[:ROOT]->(Unit),
//          (Scenario)-[:BASED_ON]->(OrgVersion), (Scenario)-[:RESULT]->(OrgVersion)
// Keys:    OrgVersion.key = "<org_id>@<version>", Unit.key = "<org_id>@<version>:<unit id>"

CREATE CONSTRAINT org_id IF NOT EXISTS FOR (o:Org) REQUIRE o.id IS UNIQUE;
CREATE CONSTRAINT org_version_key IF NOT EXISTS FOR (v:OrgVersion) REQUIRE v.key IS UNIQUE;
CREATE CONSTRAINT unit_key IF NOT EXISTS FOR (u:Unit) REQUIRE u.key IS UNIQUE;
CREATE CONSTRAINT scenario_id IF NOT EXISTS FOR (s:Scenario) REQUIRE s.id IS UNIQUE;
CREATE CONSTRAINT audit_id IF NOT EXISTS FOR (a:Audit) REQUIRE a.id IS UNIQUE;
CREATE INDEX unit_org_version IF NOT EXISTS FOR (u:Unit) ON (u.org_id, u.version);
CREATE INDEX unit_kind IF NOT EXISTS FOR (u:Unit) ON (u.org_id, u.version, u.kind);
CREATE INDEX org_version_org IF NOT EXISTS FOR (v:OrgVersion) ON (v.org_id, v.version);
CREATE INDEX audit_at IF NOT EXISTS FOR (a:Audit) ON (a.at);
CREATE INDEX audit_org IF NOT EXISTS FOR (a:Audit) ON (a.org_id);
