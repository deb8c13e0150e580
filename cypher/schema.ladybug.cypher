// orgmodel graph schema for LadybugDB (embedded; the maintained successor of Kùzu).
//
// Why a separate file from schema.neo4j.cypher: LadybugDB is a typed, schema-first engine —
// every node and relationship table must be declared with typed columns and exactly one
// primary key before data can be written, and a relationship table names the node tables it
// joins. Neo4j is schema-optional: labels and properties come into being when written, and
// the schema file only adds uniqueness constraints and indexes (syntax LadybugDB lacks).
// The property names and types are the same in both, so every query in cypher/analytics/
// runs unchanged on either engine.
//
// Keys. LadybugDB primary keys are single columns, so composite identities are spelled out:
//   OrgVersion.key = "<org_id>@<version>"            e.g. "mirror-county@3"
//   Unit.key       = "<org_id>@<version>:<unit id>"  e.g. "mirror-county@3:st-chengguan"
// Organisation ids may not contain "@", ":" or "/", so keys are unambiguous. Query units by
// the typed columns instead: WHERE u.org_id = $org_id AND u.version = $version.
//
// A scenario's resulting organisation is stored like a version, under the org id
// "scenario:<scenario id>", version 1.

CREATE NODE TABLE IF NOT EXISTS Org(
    id STRING PRIMARY KEY,
    name STRING,
    description STRING,
    latest INT64,
    created_at TIMESTAMP,
    updated_at TIMESTAMP
);

CREATE NODE TABLE IF NOT EXISTS OrgVersion(
    key STRING PRIMARY KEY,
    org_id STRING,
    version INT64,
    graph_id STRING,
    name STRING,
    description STRING,
    parent_bureau_name STRING,
    parent_bureau_functions STRING[],
    author STRING,
    message STRING,
    created_at TIMESTAMP,
    units INT64,
    police INT64,
    auxiliaries INT64,
    guides INT64,
    dispatches INT64,
    complete BOOLEAN
);

CREATE NODE TABLE IF NOT EXISTS Unit(
    key STRING PRIMARY KEY,
    org_id STRING,
    version INT64,
    id STRING,
    seq INT64,
    parent STRING,
    name STRING,
    kind STRING,
    `function` STRING,
    category STRING,
    establishment INT64,
    police INT64,
    auxiliaries INT64,
    leaders INT64,
    duty_roster BOOLEAN,
    community_share DOUBLE
);

CREATE NODE TABLE IF NOT EXISTS Scenario(
    id STRING PRIMARY KEY,
    base_id STRING,
    base_version INT64,
    result_org_id STRING,
    plan STRING,
    plan_name STRING,
    plan_ops INT64,
    author STRING,
    message STRING,
    created_at TIMESTAMP
);

CREATE NODE TABLE IF NOT EXISTS Audit(
    id STRING PRIMARY KEY,
    at TIMESTAMP,
    author STRING,
    action STRING,
    org_id STRING,
    version INT64,
    scenario_id STRING,
    message STRING,
    detail STRING
);

CREATE REL TABLE IF NOT EXISTS REPORTS_TO(FROM Unit TO Unit);
CREATE REL TABLE IF NOT EXISTS GUIDES(FROM Unit TO Unit);
CREATE REL TABLE IF NOT EXISTS DISPATCHES(FROM Unit TO Unit);
CREATE REL TABLE IF NOT EXISTS HAS_VERSION(FROM Org TO OrgVersion);
CREATE REL TABLE IF NOT EXISTS ROOT(FROM OrgVersion TO Unit);
CREATE REL TABLE IF NOT EXISTS BASED_ON(FROM Scenario TO OrgVersion);
CREATE REL TABLE IF NOT EXISTS RESULT(FROM Scenario TO OrgVersion);

// Columns added since the first release: a store made by an older orgmodel gains them when
// opened (its versions were saved whole in one transaction: complete; its scenarios get the
// summary of their plan once, by the recovery pass at open).
ALTER TABLE OrgVersion ADD IF NOT EXISTS guides INT64;
ALTER TABLE OrgVersion ADD IF NOT EXISTS dispatches INT64;
ALTER TABLE OrgVersion ADD IF NOT EXISTS complete BOOLEAN DEFAULT true;
ALTER TABLE Scenario ADD IF NOT EXISTS plan_name STRING;
ALTER TABLE Scenario ADD IF NOT EXISTS plan_ops INT64;
