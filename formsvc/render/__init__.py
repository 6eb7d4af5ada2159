"""The adapter room: the only code that imports WeasyPrint and pypdf (and pydyf, cssselect2).

Only the modules here reach into their dependencies' internals; letters,
batches and the Mahnbescheid application above them call plain functions and
classes (``tests/test_architecture.py`` fails on any other import):

- :mod:`.versions`     the version guard: fast paths only on the WeasyPrint and pypdf versions
                       they were verified against, stock paths (logged) on any other
- :mod:`.fetcher`      the one URL fetcher, configured per document family (letters: their fonts
                       and data images; the application: its templates and the system fonts)
- :mod:`.fonts`        the one font subsetter: font lookup (one error), the cut, the PDF tables
                       of an embedded font
- :mod:`.weasy`        the letters' WeasyPrint: :class:`~.weasy.LetterEngine` (fast or stock
                       layout, margin-box removal, several documents as one PDF)
- :mod:`.style_memo`   computed CSS values carried from one letter to the next (live
                       ``ComputedStyle`` objects)
- :mod:`.form`         the application's WeasyPrint: the blank form laid out once and where its
                       marked boxes are (fast: the box tree; stock: anchors)
- :mod:`.acroform`     the application's pypdf layer: page text, the "Vorschau" mark and the
                       AcroForm widgets on a copy of the blank form
- :mod:`.pdfsplice`    a byte-level reader for the PDFs WeasyPrint (pydyf) writes
- :mod:`.pdfstream`    the streaming print-file writer (pypdf for reading, caches released)
- :mod:`.processes`    killing the workers of a hung process pool

``tests/test_render_fast_paths.py`` renders every valid sample's letter and
application both ways, fast and stock, and compares them.
"""
