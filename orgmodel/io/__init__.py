"""Reading and writing organisations: the YAML/JSON file format, CSV/XLSX import, GraphML."""

from orgmodel.io.orgfile import dump_org, load_org, org_from_dict, org_to_dict, read_org, write_org

__all__ = ["dump_org", "load_org", "org_from_dict", "org_to_dict", "read_org", "write_org"]
