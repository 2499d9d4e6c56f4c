"""The Streamlit side of the cockpit: page shell, cached data access, widgets and builders."""
