"""Turn one patient-education article into accessible versions in many languages.

The stages, one subpackage each, data flowing one way::

    source -> model -> catalogs -> translate -> {print, audio, html, epub, transcript}
           -> output

``source`` parses the article into the frozen document ``model``; ``catalogs`` extracts
its gettext catalogs, checks the translators' ``.po`` files and makes the translated
document (with its review sign-off); ``build`` runs each output format's builder
(``print``: large-print and bilingual PDF/UA, ``audio``: narrated MP3, ``html``: the
page, ``epub``: EPUB 3 with read-along, ``transcript``: WebVTT) for every article and
language, going on past one that fails; ``translators`` holds the translators' and
coordinators' commands. The core beside them: ``cli``, ``config``, ``errors``,
``model``, ``output``, ``progress``, ``locales``, ``markup``, ``resources``.
"""

__version__ = "0.1.0"
