"""Class breaks and colours for choropleth maps and their legends."""

from __future__ import annotations

import math

import numpy as np

__all__ = ["class_breaks", "class_of", "ramp", "diverging", "NO_DATA_COLOR", "NO_CHANGE_COLOR"]

# Five classes, worst to best (red → green), for metrics with a good direction.
_GOOD_RAMP = [(215, 48, 39), (252, 141, 89), (254, 224, 139), (145, 207, 96), (26, 152, 80)]
# Five classes, low to high, for metrics where more is neither good nor bad.
_NEUTRAL_RAMP = [(239, 243, 255), (189, 215, 231), (107, 174, 214), (49, 130, 189), (8, 81, 156)]
NO_DATA_COLOR = (200, 200, 200)
NO_CHANGE_COLOR = (225, 225, 225)


def class_breaks(values, k: int = 5) -> list[float]:
    """Quantile class edges ``[min, q1, …, max]`` of the finite values (at most k classes).

    Repeated edges are merged, so few distinct values give fewer classes. Empty input → [].
    """
    arr = np.asarray([v for v in values if v is not None and not math.isnan(v)], dtype=float)
    if arr.size == 0:
        return []
    edges = np.quantile(arr, np.linspace(0, 1, k + 1))
    out = [float(edges[0])]
    for e in edges[1:]:
        if e > out[-1]:
            out.append(float(e))
    return out if len(out) > 1 else [out[0], out[0]]


def class_of(value, breaks: list[float]) -> int | None:
    """Index of the class holding ``value`` (the last class includes its upper edge)."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or not breaks:
        return None
    n = len(breaks) - 1
    for i in range(n):
        if value < breaks[i + 1]:
            return i
    return n - 1


def ramp(n_classes: int, higher_is_better: bool | None) -> list[tuple[int, int, int]]:
    """``n_classes`` colours, lowest class first: red→green when higher is better,
    green→red when lower is better, light→dark blue when neither."""
    base = _NEUTRAL_RAMP if higher_is_better is None else _GOOD_RAMP
    if higher_is_better is False:
        base = base[::-1]
    if n_classes >= len(base):
        return list(base)
    idx = np.round(np.linspace(0, len(base) - 1, n_classes)).astype(int)
    return [base[i] for i in idx]


def diverging(values, label, no_change: float = 0.01, alpha: int = 200):
    """Colours for changes: red for falls, grey for no change (``|x| <= no_change``), green for
    rises, each side split at half the largest absolute change.

    ``values`` is a Series (index: ids); ``label(x)`` formats an edge. Returns the colours by id
    (``[r, g, b, alpha]``) and the legend as (colour, text) pairs, largest rise first."""
    reach = float(np.nanmax(np.abs(values.to_numpy(float)))) if len(values) else 0.0
    half = reach / 2
    classes = [  # (test, colour, legend text), largest rise first
        (lambda x: x > max(half, no_change), _GOOD_RAMP[4], f"{label(max(half, no_change))} – {label(reach)}"),
        (lambda x: x > no_change, _GOOD_RAMP[3], f"{label(no_change)} – {label(max(half, no_change))}"),
        (lambda x: x >= -no_change, NO_CHANGE_COLOR, f"{label(-no_change)} – {label(no_change)}"),
        (lambda x: x >= -max(half, no_change), _GOOD_RAMP[1], f"{label(-max(half, no_change))} – {label(-no_change)}"),
        (lambda x: True, _GOOD_RAMP[0], f"{label(-reach)} – {label(-max(half, no_change))}"),
    ]
    colors, used = {}, set()
    for key, x in values.items():
        for i, (test, color, _) in enumerate(classes):
            if test(x):
                colors[str(key)] = [*color, alpha]
                used.add(i)
                break
    legend = [(color, text) for i, (_, color, text) in enumerate(classes) if i in used]
    return colors, legend
