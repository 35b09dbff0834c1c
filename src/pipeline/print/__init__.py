"""Stage 4a, print: translated document -> large-print HTML -> tagged PDF/UA-1.

``html`` builds the page (Jinja2 template + large-print stylesheet), ``pdf`` lays it
out with WeasyPrint, ``unicode_map`` repairs what WeasyPrint gets wrong for Devanagari.
"""
