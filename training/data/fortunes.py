"""Quotations and jokes from Debian's `fortunes` (BSD licence; the separate offensive set is not
used, and neither are the ASCII-art and ethnic-joke files)."""
from pathlib import Path
from common import write_paragraphs

ROOT = Path("/usr/share/games/fortunes")
SKIP = {"art", "ascii-art", "ethnic", "men-women", "translate-me", "drugs"}


def paragraphs():
    for f in sorted(ROOT.iterdir()):
        if f.suffix or f.name in SKIP or not f.is_file():
            continue
        for entry in f.read_text(encoding="utf-8", errors="replace").split("\n%\n"):
            lines = [l.strip() for l in entry.splitlines()]
            # Keep the attribution line ("-- Author") as the last sentence.
            yield " ".join(l for l in lines if l)


if __name__ == "__main__":
    write_paragraphs("fortunes", paragraphs(), "BSD")
