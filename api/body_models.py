"""Typed schemas of the bodies whose shape is orgmodel's own: plans, norms, policy.

A plan (``docs/plans.md``), staffing norms (``seeds/norms.yaml``) and policy rules
(``seeds/policy.yaml``) travel as JSON objects and are checked by the library's own readers
(:func:`~orgmodel.restructure.plan_from_dict`, :func:`~orgmodel.norms.norms_from_dict`,
:func:`~orgmodel.norms.policy_from_dict`), whose errors name the operation, kind or rule at
fault. So a field holding one is still *validated* as an object — every answer, error or
not, is what it was — and *documented* by the library's model of the file (:class:`SchemaOf`):
:class:`~orgmodel.restructure.plan.PlanFile` (the one ``orgmodel plan schema`` prints),
:class:`~orgmodel.norms.NormsFile` and :class:`~orgmodel.norms.PolicyFile`. Those models are
the one home of each shape; nothing here repeats a field.

In ``/openapi.json``: a scenario's plan (``ScenarioCreate.plan``, ``ScenarioDetail.plan``)
and the norms and policy of a metrics request (``MetricsRequest.norms``/``policy``).
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, Field, GetJsonSchemaHandler, TypeAdapter
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, core_schema

from orgmodel.norms import NormsFile, PolicyFile
from orgmodel.restructure.plan import PlanFile

__all__ = [
    "NormsBody",
    "PlanBody",
    "PolicyBody",
    "SchemaOf",
    "StoredPlan",
    "StoredPlanText",
]


class SchemaOf:
    """``Annotated[dict[str, Any], SchemaOf(Model)]``: validated as the annotated type,
    shown in the JSON Schema (OpenAPI) as a reference to ``Model`` (a named schema of the
    components, with its own definitions)."""

    def __init__(self, shown: Any) -> None:
        self.shown = shown

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        shown = TypeAdapter(self.shown).core_schema
        if shown["type"] != "definitions" and "ref" in shown:
            # a model with no shared parts would be inlined: make it a definition, so the
            # document names it (``$ref: …/PolicyFile``) as it does the others
            shown = core_schema.definitions_schema(
                core_schema.definition_reference_schema(shown["ref"]), [shown]
            )
        return handler(shown)


class StoredPlanText(BaseModel):
    """A stored plan the plan reader refuses (written by another tool, or with a key given
    twice): its text, and why."""

    text: str
    unreadable: str = Field(description="Why the reader refuses it.")


#: A plan as a JSON object (validated by the plan reader, documented as the plan file).
PlanBody = Annotated[dict[str, Any], SchemaOf(PlanFile)]
#: A stored plan as answered: the plan file's object, or its text when it does not parse.
StoredPlan = Annotated[dict[str, Any], SchemaOf(PlanFile | StoredPlanText)]
#: Norms and policy bodies (validated by their readers, documented as the files' models).
NormsBody = Annotated[dict[str, Any], SchemaOf(NormsFile)]
PolicyBody = Annotated[dict[str, Any], SchemaOf(PolicyFile)]
