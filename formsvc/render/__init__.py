"""The adapter room: the internals of WeasyPrint, pypdf and the process pool, for letters and batches.

Only the modules here reach into their dependencies' internals; the letters and
batch code above them call plain functions and classes:

- :mod:`.versions`     the version guard: fast paths only on the WeasyPrint and pypdf versions
                       they were verified against, stock paths (logged) on any other
- :mod:`.weasy`        the letters' WeasyPrint: :class:`~.weasy.LetterEngine` (fast or stock
                       layout, margin-box removal, several documents as one PDF) and the
                       restricted URL fetcher
- :mod:`.style_memo`   computed CSS values carried from one letter to the next (live
                       ``ComputedStyle`` objects)
- :mod:`.pdfsplice`    a byte-level reader for the PDFs WeasyPrint (pydyf) writes
- :mod:`.pdfstream`    the streaming print-file writer (pypdf for reading, caches released)
- :mod:`.processes`    killing the workers of a hung process pool

The Mahnbescheid application (``formsvc.mahnantrag``) still has its own
WeasyPrint and pypdf code; moving it here is the remaining part of issue 15.
"""
