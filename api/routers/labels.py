"""Metric labels: the one table (``orgmodel.labels``) that the CLI, charts and report read."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import ViewerDep
from api.models import MetricLabelOut, MetricLabelsOut, Problem
from orgmodel.labels import labels_table

router = APIRouter(tags=["metrics"])


@router.get(
    "/metric-labels",
    response_model=MetricLabelsOut,
    responses={401: {"model": Problem, "description": "No or unknown bearer token"}},
    summary="Labels, units and better direction of every metric",
)
async def metric_labels(caller: ViewerDep) -> MetricLabelsOut:
    """Chinese and English label, unit (officers/share/count) and better direction of each
    metric id used in reports, headlines, deltas and policy rules."""
    return MetricLabelsOut(metrics=[MetricLabelOut(**m) for m in labels_table()])
