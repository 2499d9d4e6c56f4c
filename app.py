"""The cockpit's entry: the router runs the page the address asks for (cockpit/ui/pages.py lists them).

`streamlit run serve.py` (make run) serves it behind the sign-in; each page is a short script in pages/.
"""

from cockpit.ui import navigation

navigation.run()
