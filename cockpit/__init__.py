"""Township digital cockpit: the domain package (no Streamlit outside cockpit.ui)."""

__version__ = "0.1.0"
