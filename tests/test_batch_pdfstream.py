"""The streaming PDF writer: memory flat in the number of letters, output readable."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pypdf import PdfReader

from formsvc.letters import options_from, render_letter

# Run in a fresh interpreter: its peak RSS is the merge's alone.
MERGE = """
import resource, sys
from formsvc.render.pdfstream import StreamingPdfWriter
letter, copies, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(out, "wb") as handle:
    writer = StreamingPdfWriter(handle)
    for n in range(copies):
        writer.append_pdf(letter)
    writer.close(title="test")
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
"""


def _merge_peak(letter: Path, copies: int, out: Path) -> int:
    """Merge ``copies`` of ``letter`` into ``out`` in a subprocess; its peak RSS in bytes."""
    done = subprocess.run([sys.executable, "-c", MERGE, str(letter), str(copies), str(out)],
                          capture_output=True, text=True, check=True)
    return int(done.stdout.split()[-1])


def test_memory_stays_flat_from_200_to_600_letters(example_case, tmp_path):
    """400 more letters add under 1 MB to the peak RSS (each letter's PDF is ~16 KB; pypdf's PdfWriter keeps all)."""
    letter = tmp_path / "letter.pdf"
    letter.write_bytes(render_letter(example_case, options_from(example_case, {})).data)
    small = _merge_peak(letter, 200, tmp_path / "200.pdf")
    big = _merge_peak(letter, 600, tmp_path / "600.pdf")
    assert big - small < 1024 * 1024, (small, big)
    reader = PdfReader(tmp_path / "600.pdf")
    assert len(reader.pages) == 600
    assert "Zahlmann" in reader.pages[599].extract_text()
    assert reader.metadata.title == "test"
