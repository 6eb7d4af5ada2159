"""The streaming PDF writer: memory flat in the number of letters, output readable."""
from __future__ import annotations

import tracemalloc
from pathlib import Path

from pypdf import PdfReader

from formsvc.batch.pdfstream import StreamingPdfWriter
from formsvc.letters import options_from, render_letter


def _merge(letter: Path, copies: int, out: Path) -> int:
    """Merge ``copies`` of ``letter`` into ``out``; return the peak Python memory in bytes."""
    tracemalloc.start()
    try:
        with open(out, "wb") as handle:
            writer = StreamingPdfWriter(handle)
            for n in range(copies):
                writer.append_pdf(letter)
                if n % 2 == 0:
                    writer.append_blank_page(*writer.last_page_size)
            writer.close(title="test")
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_stays_flat_from_40_to_200_letters(example_case, tmp_path):
    """Merging 200 letters needs no more memory than merging 40 (only offsets grow, a few bytes each)."""
    letter = tmp_path / "letter.pdf"
    letter.write_bytes(render_letter(example_case, options_from(example_case, {})).data)
    small = _merge(letter, 40, tmp_path / "40.pdf")
    big = _merge(letter, 200, tmp_path / "200.pdf")
    assert big - small < 100 * 1024, (small, big)  # 8 bytes per object of the 160 more letters
    reader = PdfReader(tmp_path / "200.pdf")
    assert len(reader.pages) == 300
    assert "Zahlmann" in reader.pages[297].extract_text() and reader.pages[298].extract_text() == ""
    assert reader.metadata.title == "test"
