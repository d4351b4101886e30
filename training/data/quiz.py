"""Facts from the `bsdgames` quiz files (Debian, BSD licence): capitals of countries and US
states, chemical elements, US presidents. Written as structured facts (`quiz.facts.jsonl`, which
chat.py turns into questions) and as plain sentences for pretraining."""
import json
import re
from pathlib import Path
from common import OUT, write_paragraphs

QUIZ = Path("/usr/share/games/bsdgames/quiz")


def canonical(field: str) -> str:
    """The quiz syntax marks optional parts `{...}` and alternatives `[a|b]` / `a|b`; the full
    form keeps every optional part and the first alternative."""
    while "[" in field:
        field = re.sub(r"\[([^\[\]|]*)(\|[^\[\]]*)?\]", r"\1", field)
    while "{" in field:
        field = re.sub(r"\{([^{}|]*)(\|[^{}]*)?\}", r"\1", field)
    return field.split("|")[0].strip()


def rows(name):
    text = (QUIZ / name).read_text(encoding="latin-1").replace("\\\n", "")
    return [[canonical(f) for f in line.split(":")] for line in text.splitlines() if line.strip()]


def facts():
    for region in ("africa", "america", "asia", "europe"):
        for country, capital, *_ in rows(region):
            yield {"kind": "capital", "subject": country, "answer": capital,
                   "text": f"The capital of {country} is {capital}."}
    for state, capital, *_ in rows("state"):
        yield {"kind": "capital", "subject": state, "answer": capital,
               "text": f"The capital of the US state of {state} is {capital}."}
    for symbol, number, weight, name in rows("elements"):
        yield {"kind": "element", "subject": name, "answer": symbol, "number": int(number),
               "text": f"{name} is the chemical element with symbol {symbol} and atomic number {number}."}
    for n, (name, years, *_) in enumerate(rows("pres"), 1):
        span = (f"took office in {years[:-1]}" if years.endswith("-") else
                f"served from {years}" if "-" in years else f"served in {years}")
        yield {"kind": "president", "subject": name, "answer": years, "number": n,
               "text": f"{name} was president number {n} of the United States and {span}."}


if __name__ == "__main__":
    items = list(facts())
    with open(OUT / "quiz.facts.jsonl", "w", encoding="utf-8") as fh:
        for f in items:
            fh.write(json.dumps(f) + "\n")
    write_paragraphs("quiz", (f["text"] for f in items), "BSD")
    print(f"quiz: {len(items)} facts -> {OUT / 'quiz.facts.jsonl'}")
