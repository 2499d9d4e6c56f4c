"""Citizen appeals (接诉即办): filters, KPIs and scorecard, ranking, the 条块 matrix, case lists,
repeat appeals, alerts and the trace-formalism (痕迹形式主义) checks.

Pure Python over :class:`cockpit.store.Store` queries; no streamlit. Import the submodules
directly (``from cockpit.cases.ranking import village_ranking``); this package imports nothing,
so the store can depend on :mod:`cockpit.values.case_filter` without a cycle.
"""
