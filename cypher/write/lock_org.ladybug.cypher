// Start of a save (LadybugDB): read the latest version. LadybugDB admits one write
// transaction at a time and one writer process, so reading inside it is enough to serialise.
OPTIONAL MATCH (o:Org {id: $org_id})
RETURN o.latest AS latest
