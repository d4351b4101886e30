"""The Python 3.11 documentation (Debian `python3.11-doc`, PSF licence), reStructuredText
sources turned into plain paragraphs; capped at 0.8M words so the model does not only speak
in manuals. Code examples are kept as indented lines."""
import re
from pathlib import Path
from common import capped, write_paragraphs

ROOT = Path("/usr/share/doc/python3.11/html/_sources")
ORDER = ["tutorial", "faq", "howto", "library", "reference", "glossary.rst.txt"]


def clean(p: str) -> str:
    p = re.sub(r":[a-z:]+:`~?!?([^`<]*?)(?: <[^>]*>)?`", r"\1", p)  # :func:`x` -> x
    p = re.sub(r"``([^`]*)``", r"`\1`", p)
    p = re.sub(r"`([^`<]*?) <[^>]*>`_+", r"\1", p)  # `text <url>`_ -> text
    p = re.sub(r"\*\*([^*]*)\*\*", r"\1", p)
    return p


def files():
    for name in ORDER:
        path = ROOT / name
        yield from sorted(path.rglob("*.rst.txt")) if path.is_dir() else [path]


def paragraphs():
    for f in files():
        for block in f.read_text(encoding="utf-8", errors="replace").split("\n\n"):
            lines = block.strip("\n").splitlines()
            if not lines or lines[0].lstrip().startswith(("..", ":", "+", "|", "=")):
                continue
            if re.fullmatch(r"[=\-~^*#\"]{3,}", lines[-1].strip()):
                continue  # headings
            if lines[0].startswith("   "):
                continue  # code and directive bodies: indented, lose their layout in one line
            yield clean(" ".join(l.strip() for l in lines))


if __name__ == "__main__":
    write_paragraphs("pydocs", capped(paragraphs(), 800_000), "PSF licence")
