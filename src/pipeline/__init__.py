"""Turn one patient-education article into accessible versions in many languages.

The stages, one module each, data flowing one way::

    source -> model -> catalog -> translate -> {print, audio} -> output
"""

__version__ = "0.1.0"
