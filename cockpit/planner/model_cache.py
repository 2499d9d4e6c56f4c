"""The planner's calibration, kept in the database per history it was fitted on.

Calibrating takes seconds at county scale. The model depends only on the history it is fitted on
(coverage with funding, the queue history) and on the fitting method, so its key is a SHA-256 of
those: a restart, a second process or another session finds it again, and any change of the data
(an import, an undo, an edit) gives a new key and a new calibration. :data:`METHOD` names the
fitting method; change it when the fit changes, so models fitted the old way are not reused.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json

import numpy as np
import pandas as pd

from cockpit.planner.baseline import Model, calibrate_model
from cockpit.planner.calibrate import CoverageFit, QueueFit

__all__ = ["METHOD", "fingerprint", "to_json", "from_json", "stored_or_calibrated"]

METHOD = "coverage-wls-1/queue-erlang-c-2"


def fingerprint(coverage_history: pd.DataFrame, queue_history: pd.DataFrame, domains: tuple[str, ...]) -> str:
    digest = hashlib.sha256(METHOD.encode())
    digest.update(json.dumps(list(domains)).encode())
    for frame in (coverage_history, queue_history):
        # DuckDB's parallel sums and means may differ in the last bit from one run to the next
        floats = frame.select_dtypes("float").columns
        frame = frame.assign(**{c: frame[c].round(9) for c in floats})
        digest.update(json.dumps(list(frame.columns)).encode())
        digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return digest.hexdigest()


def _plain(value):
    if isinstance(value, np.ndarray):
        return {"array": value.tolist(), "dtype": str(value.dtype)}
    if dataclasses.is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple):
        return {"tuple": list(value)}
    if isinstance(value, np.generic):
        return value.item()
    return value


def _restore(cls, data: dict):
    values = {}
    for f in dataclasses.fields(cls):
        v = data[f.name]
        if isinstance(v, dict) and "array" in v:
            v = np.array(v["array"], dtype=v["dtype"])
        elif isinstance(v, dict) and "tuple" in v:
            v = tuple(v["tuple"])
        values[f.name] = v
    return cls(**values)


def to_json(model: Model) -> str:
    return json.dumps(_plain(model), allow_nan=True)


def from_json(text: str) -> Model:
    data = json.loads(text)
    data["coverage_fit"] = _restore(CoverageFit, data["coverage_fit"])
    data["queue_fit"] = _restore(QueueFit, data["queue_fit"])
    return _restore(Model, data)


def stored_or_calibrated(store) -> tuple[Model, str, bool]:
    """(model, its fingerprint, True when it was calibrated now and is not kept yet) for the whole
    history of ``store``: the kept model when there is one for this history."""
    domains = tuple(store.domains()["domain_id"])
    coverage, queue = store.coverage_funding_history(), store.queue_history()
    key = fingerprint(coverage, queue, domains)
    kept = store.planner_model(key)
    if kept is not None:
        return from_json(kept), key, False
    return calibrate_model(coverage, queue, domains), key, True
