"""The HTTP boundary in front of the Streamlit pages: sign-in routes, the session guard, the gatekeeper
they share with the page scripts, and the per-address sign-in throttle. No Streamlit import."""
