"""Webster's 1913 via GCIDE (Debian `dict-gcide`, GPL-3+). Archaic and large, so only a fixed
~12% of entries (chosen by hash, spread over the alphabet) is used, as `Word: definition.`
lines. GPL text is used for training only; the model card says so and none of it is shipped."""
import gzip
import hashlib
import re
from common import write_paragraphs

DICT = "/usr/share/dictd/gcide.dict.dz"  # dictzip is gzip-compatible
HEAD = re.compile(r"^(?P<word>[A-Z][^\\\n]{0,40}?) \\[^\\]*\\,?(?P<rest>.*)$")


def clean(text: str) -> str:
    text = re.sub(r"\[1913 Webster\]|\[PJC\]|\[WordNet 1\.5\]|\[[A-Z][a-z]*\.?\]", " ", text)
    text = re.sub(r"--[A-Z][\w. ]*\.", " ", text)  # citations such as --Bailey.
    text = re.sub(r"\{|\}|\\", "", text)
    return re.sub(r"\s+", " ", text).strip()


def keep(word: str) -> bool:
    return int(hashlib.sha1(word.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF < 0.12


def paragraphs():
    text = gzip.open(DICT, "rt", encoding="utf-8", errors="replace").read()
    word = None
    for block in text.split("\n\n"):
        first, _, body = block.partition("\n")
        m = HEAD.match(first)
        if m:
            word = m.group("word").replace('"', "").replace("*", "").replace("`", "")
            # Drop the part of speech and the etymology in brackets on the headword line.
            body = re.sub(r"^\s*\[[^\]]*\]", "", body.strip())
        elif word and block.startswith("   "):
            body = re.sub(r"^\s*\d+\.\s*", "", block)
        else:
            continue
        body = clean(body)
        if word and keep(word) and len(body.split()) >= 4 and not body.startswith("See"):
            yield f"{word}: {body}"


if __name__ == "__main__":
    write_paragraphs("gcide", paragraphs(), "GPL-3+, training only")
